"""Poster library benchmark: a generated poster-set tree (tiny real JPEGs, hardlinked) and a media
cache of generated movies and shows.

    .venv/bin/python benchmarks/posters.py                        # 100,000 files vs 30,000 items
    .venv/bin/python benchmarks/posters.py --files 10000 --media 3000   # quick look

Steps (one process, one temp data dir; figures printed as a table with ratios):

1. index, first run — every file stat'ed, read, hashed (sha256 + dHash), header-sized;
   re-run with nothing changed — ratio to the first run (only stat + compare);
2. match every indexed poster against the media items through ``Matcher`` (index build + all
   matches); baseline: a naive matcher (normalise and compare against every item) timed on a
   sample and extrapolated — the shape of CHUB's per-row scans;
3. poster_renamerr, first run (places every winner; hardlinks) and a no-op second run over the
   same tree — the real module, index re-scan included (``refresh_library`` off: the media cache is
   seeded directly, no *arr to read).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = ("red shadow night river stone glass winter empire last silent broken golden iron hidden "
         "city storm ghost king lost wild dark blue paper echo fire ocean north secret dream").split()


def title_for(i: int) -> str:
    rnd = random.Random(i)
    return " ".join(w.capitalize() for w in rnd.sample(WORDS, 3)) + f" {i}"


def make_media(n: int) -> tuple[list[dict], list[dict]]:
    movies, shows = [], []
    n_shows = n // 6
    for i in range(n - n_shows):
        movies.append({"i": i, "title": title_for(i), "year": 1950 + i % 70, "tmdb": 100_000 + i})
    for j in range(n_shows):
        k = 10_000_000 + j
        shows.append({"i": k, "title": title_for(k), "year": 1980 + j % 40, "tvdb": 300_000 + j, "seasons": 4})
    return movies, shows


def make_tree(root: Path, n_files: int, movies: list[dict], shows: list[dict]) -> dict[str, Path]:
    """Two sources: ``sets_a`` holds a poster per movie/show/season plus unmatched names; ``sets_b``
    re-makes some of them (later source wins). Files are hardlinks of 16 distinct tiny JPEGs."""
    import pyvips

    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    blobs = []
    for s in range(16):
        img = pyvips.Image.black(60, 90, bands=3).draw_circle([s * 15, 255 - s * 15, 128], s * 3, s * 5, 20, fill=True)
        path = seeds / f"{s}.jpg"
        path.write_bytes(img.jpegsave_buffer(Q=70))
        blobs.append(path)
    names: list[str] = []
    for m in movies:
        names.append(f"{m['title']} ({m['year']})" + (f" {{tmdb-{m['tmdb']}}}" if m["i"] % 2 else ""))
    for s in shows:
        names.append(f"{s['title']} ({s['year']})")
        names += [f"{s['title']} ({s['year']}) - Season {n}" for n in range(1, s["seasons"] + 1)]
    a_count = min(len(names), n_files)
    rest = n_files - a_count
    redo = min(rest, len(names) // 2)
    unmatched = rest - redo
    names += [f"Nobody Knows This {k} (1900)" for k in range(unmatched)]
    src = {"a": root / "sets_a", "b": root / "sets_b"}
    count = 0
    for k, name in enumerate(names):
        folder = src["a"] / f"Owner {k // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        os.link(blobs[k % 16], folder / f"{name}.jpg")
        count += 1
    for k in range(redo):
        folder = src["b"] / f"Remakes {k // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        os.link(blobs[(k + 7) % 16], folder / f"{names[k * 2]}.jpg")
        count += 1
    assert count == n_files, (count, n_files)
    return src


def seed_media(rt, movies: list[dict], shows: list[dict]) -> None:
    from sqlalchemy import insert

    from curatarr.db.models.library import MediaChild, MediaItem
    from sqlalchemy import select

    from curatarr.library.normalize import normalize_title as normalize

    rows = []
    for m in movies:
        folder = f"{m['title']} ({m['year']}) {{tmdb-{m['tmdb']}}}"
        rows.append({"id": f"bench_radarr:{m['i']}", "instance": "bench_radarr", "source_type": "radarr", "role": "arr",
                     "native_id": str(m["i"]), "kind": "movie", "title": m["title"], "sort_title": m["title"].lower(),
                     "norm_title": normalize(m["title"]), "fuzzy_title": m["title"].lower(), "first_token": "x",
                     "year": m["year"], "tmdb_id": m["tmdb"], "path": f"/movies/{folder}", "content_hash": "x"})
    for s in shows:
        folder = f"{s['title']} ({s['year']}) {{tvdb-{s['tvdb']}}}"
        rows.append({"id": f"bench_sonarr:{s['i']}", "instance": "bench_sonarr", "source_type": "sonarr", "role": "arr",
                     "native_id": str(s["i"]), "kind": "series", "title": s["title"], "sort_title": s["title"].lower(),
                     "norm_title": normalize(s["title"]), "fuzzy_title": s["title"].lower(), "first_token": "x",
                     "year": s["year"], "tvdb_id": s["tvdb"], "path": f"/tv/{folder}", "content_hash": "x"})
    with rt.db.session() as sess:
        for i in range(0, len(rows), 2000):
            sess.execute(insert(MediaItem), rows[i:i + 2000])
    with rt.db.session() as sess:
        pks = dict(sess.execute(select(MediaItem.id, MediaItem.pk)
                                .where(MediaItem.instance == "bench_sonarr")).all())
        children = [{"id": f"bench_sonarr:{s['i']}:s{n}", "item_pk": pks[f"bench_sonarr:{s['i']}"], "kind": "season",
                     "season_number": n} for s in shows for n in range(1, s["seasons"] + 1)]
        for i in range(0, len(children), 2000):
            sess.execute(insert(MediaChild), children[i:i + 2000])


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--media", type=int, default=30_000)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()

    from curatarr.modules import registry
    from curatarr.modules.base import standalone
    from curatarr.modules.poster_renamerr import PosterRenamerr  # noqa: F401  (loaded with the code under test)
    from curatarr.poster_library import candidates as cand
    from curatarr.poster_library import index, renamer, sources
    from curatarr.poster_library.matching import Matcher, normalize_title
    from curatarr.runtime import Runtime

    tmp = Path(tempfile.mkdtemp(prefix="curatarr-bench-posters-"))

    class Out(list):
        def append(self, row):  # each figure printed as soon as it is measured
            super().append(row)
            print(f"  {row[0]}: {row[1]:.2f} s ({row[2]})", flush=True)

    out = Out()
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        movies, shows = make_media(args.media)
        t, src = timed(lambda: make_tree(tmp, args.files, movies, shows))
        print(f"tree: {args.files} files generated in {t:.1f} s", flush=True)
        dest = tmp / "assets"
        dest.mkdir()
        data = tmp / "data"
        data.mkdir()
        rt = Runtime(data, console_logs=False)
        rt.config.update({
            "instances": {"radarr": {"bench_radarr": {"url": "http://127.0.0.1:9", "api": "x"}},
                          "sonarr": {"bench_sonarr": {"url": "http://127.0.0.1:9", "api": "x"}}},
            "poster_renamerr": {"source_dirs": [str(src["a"]), str(src["b"])], "destination_dir": str(dest),
                                "instances": ["bench_radarr", "bench_sonarr"], "refresh_library": False,
                                "action_type": "hardlink"}})
        seed_media(rt, movies, shows)
        folders = sources.configured(rt).folders

        first, rep = timed(lambda: index.scan(rt.db, folders, rt.roots()))
        assert rep.new == args.files, rep.as_dict()
        out.append(("index, first run", first, f"{args.files / first:,.0f} files/s"))
        again, rep2 = timed(lambda: index.scan(rt.db, folders, rt.roots()))
        assert rep2.unchanged == args.files and rep2.new == rep2.changed == 0
        out.append(("index, unchanged re-run", again, f"{again / first:.3f} × first run"))

        c = cand.Candidates()
        cand.arr_candidates(rt, ["bench_radarr", "bench_sonarr"], c)
        posters = renamer.load_posters(rt.db, sources.configured(rt))
        facts = [p.facts() for p in posters]

        def match_all():
            m = Matcher(c.media)
            return sum(1 for f in facts if m.match(f).media is not None)

        t_match, matched = timed(match_all)
        out.append((f"match {len(facts):,} files vs {len(c.media):,} items", t_match, f"{matched:,} matched"))

        sample = facts[:: max(1, len(facts) // 300)][:300]
        norm_media = [normalize_title(m.title) for m in c.media]

        def naive():
            for f in sample:
                key = normalize_title(f.title)
                for i, m in enumerate(c.media):
                    if norm_media[i] == key and (f.year is None or m.year == f.year):
                        break

        t_naive, _ = timed(naive)
        naive_full = t_naive * len(facts) / len(sample)
        out.append(("naive matcher (extrapolated)", naive_full, f"Matcher is {naive_full / t_match:.0f}× faster"))

        module = registry.get("poster_renamerr")

        def run_module():
            ctx, cfg = standalone(rt, module)
            try:
                return module.run(ctx, cfg)
            finally:
                ctx.connectors.close()

        t_first, r1 = timed(run_module)
        out.append(("renamer, first run", t_first, f"{r1.counts.get('written', 0):,} placed"))
        t_noop, r2 = timed(run_module)
        assert not r2.counts.get("written"), r2.counts
        out.append(("renamer, no-op run", t_noop, f"{r2.counts.get('unchanged', 0):,} unchanged; "
                                                  f"{t_noop / t_first:.2f} × first run"))
        rt.close()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    print(f"\n{'step':45} {'seconds':>9}  note")
    for name, seconds, note in out:
        print(f"{name:45} {seconds:9.2f}  {note}")


if __name__ == "__main__":
    main()
