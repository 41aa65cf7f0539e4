"""A normal poster maker run against the Emby simulator (with the TMDB / Fanart.tv / TVDB simulators):
Kometa paths from Emby's libraries, base64 uploads to ``/emby/Items/{id}/Images/{type}`` that the
simulator records, and a second run that uploads nothing."""

from __future__ import annotations

import base64
import hashlib

import pytest

from tests.posters.conftest import clean, configure, run, serve, tiny_library


@pytest.fixture(scope="module")
def emby_sims():
    yield from serve(tiny_library(), services=("emby", "tmdb", "fanart", "tvdb"))


@pytest.fixture
def emby(emby_sims):
    yield from clean(emby_sims)


def _expected(library) -> dict[str, tuple[str, str]]:
    """asset path → (Emby item id, image type) for every item, season and episode on disk."""
    from curatarr.sims.plex_tree import children_of, on_disk

    out = {}
    for movie in library.movies:
        if on_disk(movie):
            out[f"Movies/{movie.folder_name}/poster.jpg"] = (str(movie.plex_rating_key), "Primary")
            out[f"Movies/{movie.folder_name}/background.jpg"] = (str(movie.plex_rating_key), "Backdrop")
    for show in library.shows:
        if not on_disk(show):
            continue
        base = f"Shows/{show.folder_name}"
        out[f"{base}/poster.jpg"] = (str(show.plex_rating_key), "Primary")
        out[f"{base}/background.jpg"] = (str(show.plex_rating_key), "Backdrop")
        for season in children_of(show):
            out[f"{base}/Season{season.number:02d}.jpg"] = (str(season.plex_rating_key), "Primary")
            for ep in children_of(season):
                card = f"{base}/S{ep.season_number:02d}E{ep.episode_number:02d}.jpg"
                out[card] = (str(ep.plex_rating_key), "Primary")
    return out


def test_emby_run_writes_the_assets_uploads_base64_then_does_nothing(runtime, emby):
    configure(runtime, emby, servers=("emby",), upload=True)
    first = run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg"))
    expected = _expected(emby.library)
    assert files == sorted(expected), files
    assert first.counts["writes"] == len(files) and not first.counts.get("errors")

    sim = emby.sim("emby")
    uploads = sim.events("uploads")
    assert first.counts["uploads"] == len(uploads) == len(files)
    got = {(u["item_id"], u["image_type"]): u["sha256"] for u in uploads}
    want = {slot: hashlib.sha256((root / path).read_bytes()).hexdigest() for path, slot in expected.items()}
    assert got == want  # every asset went to its own item and image slot, byte for byte

    posts = sim.find_requests("/Images/Primary", "POST")
    assert posts and all(r.path.startswith("/emby/Items/") for r in posts)
    movie = emby.library.movies[0]
    sent = next(r for r in posts if r.path == f"/emby/Items/{movie.plex_rating_key}/Images/Primary")
    assert sent.headers.get("content-type", "").startswith("image/")
    # the body is the base64 text of the file (the simulator keeps only the first 256 KiB of a body)
    assert base64.b64decode(sent.body[:4096]) == (root / f"Movies/{movie.folder_name}/poster.jpg").read_bytes()[:3072]
    assert "x-emby-token" in {k.lower() for k in sent.headers} and "api_key" not in sent.query

    second = run(runtime)
    assert second.counts["uploads"] == 0 and second.counts["writes"] == 0 and second.counts["downloads"] == 0
    assert len(sim.events("uploads")) == len(uploads)
