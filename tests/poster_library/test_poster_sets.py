"""The demo's sample poster-set tree: big enough, real images, the nasty cases present, and matchable
against the sample library it was made for."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from PIL import Image

from curatarr.poster_library.facts import parse_poster_path
from curatarr.poster_library.matching import Matcher, MediaCandidate
from curatarr.sims.library import SampleLibrary
from curatarr.sims.poster_sets import OWNERS, generate_poster_sets


def candidates(lib) -> list[MediaCandidate]:
    out = [MediaCandidate("movie", m.title, m.year, tmdb=m.tmdb_id, imdb=m.imdb_id,
                          alternate_titles=tuple(m.alternate_titles), original_title=m.original_title)
           for m in lib.movies]
    out += [MediaCandidate("show", s.title, s.year, tvdb=s.tvdb_id, alternate_titles=tuple(s.alternate_titles),
                           seasons=tuple(x.number for x in s.seasons)) for s in lib.shows]
    names = {m.collection.name: m.collection.tmdb_id for m in lib.movies if m.collection}
    return out + [MediaCandidate("collection", n, tmdb=i) for n, i in names.items()]


def test_tree_is_deterministic_real_and_nasty(tmp_path):
    lib = SampleLibrary.demo()
    files = generate_poster_sets(tmp_path / "a", lib)
    again = generate_poster_sets(tmp_path / "b", lib)
    rel = [p.relative_to(tmp_path / "a").as_posix() for p in files]
    assert rel == [p.relative_to(tmp_path / "b").as_posix() for p in again]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(files, again))
    assert len(rel) == len(set(rel))
    images = [p for p in files if p.suffix in (".jpg", ".png", ".webp") and p.stat().st_size > 0]
    assert len(images) >= 300
    assert {p.relative_to(tmp_path / "a").parts[0] for p in files} == set(OWNERS)

    valid, broken = 0, []
    for p in images:
        try:
            with Image.open(p) as img:
                img.verify()
            valid += 1
        except Exception:
            broken.append(p.name)
    assert broken == ["Not Really An Image (2001).jpg"]
    assert any(p.stat().st_size == 0 and p.suffix == ".jpg" for p in files)
    digests = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in images)
    assert sum(1 for n in digests.values() if n > 1) >= 3  # exact duplicates
    sizes = {Image.open(p).size for p in images if p.name != "Not Really An Image (2001).jpg"}
    assert (80, 120) in sizes and (180, 270) in sizes  # low-res and resized near-duplicates
    assert any(r.endswith(" - Specials.jpg") for r in rel) and any(r.endswith("/Season01.png") for r in rel)
    assert any("Collection" in r for r in rel)


def test_the_sets_match_the_sample_library(tmp_path):
    lib = SampleLibrary.demo()
    root = tmp_path / "sets"
    files = generate_poster_sets(root, lib)
    matcher = Matcher(candidates(lib))
    outcome: dict[str, str] = {}
    for p in files:
        facts = parse_poster_path(p.relative_to(root).as_posix())
        if facts is not None:
            found = matcher.match(facts)
            outcome[p.relative_to(root).as_posix()] = "matched" if found.media is not None else found.reason
    unmatched = {k: v for k, v in outcome.items() if v != "matched"}
    assert len(outcome) - len(unmatched) >= 300
    # only the deliberately odd files, plus the yearless seasons of the two "Doctor Who" shows
    assert all(k.startswith(("Odds and Ends/", "TPDb - Plain Jane/Doctor Who")) for k in unmatched), unmatched
    assert "ambiguous" in unmatched["TPDb - Plain Jane/Doctor Who - Season 1.jpg"]
