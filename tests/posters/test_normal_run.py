"""The poster maker's normal run end to end on the simulators (real HTTP, real rendering)."""

from __future__ import annotations

from sqlalchemy import select

from curatarr.artwork.encode import read_provenance
from curatarr.db.models.posters import PosterAsset
from tests.posters.conftest import configure, run


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg"))


def test_normal_run_writes_kometa_paths_then_does_nothing(runtime, sims):
    configure(runtime, sims)
    lib = sims.library
    first = run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    files = _files(root)
    movie, show = lib.movies[0], lib.shows[0]
    assert f"Movies/{movie.folder_name}/poster.jpg" in files
    assert f"Movies/{movie.folder_name}/background.jpg" in files
    assert f"TV Shows/{show.folder_name}/Season01.jpg" in files
    assert f"TV Shows/{show.folder_name}/S01E02.jpg" in files
    assert first.counts["writes"] == len(files) > 0
    assert first.counts["downloads"] == len(files)
    assert first.counts["posters"] == len(lib.movies) + 1
    assert read_provenance(root / files[0]) is not None
    with runtime.db.session() as s:
        rows = {r.asset_key: r for r in s.execute(select(PosterAsset)).scalars()}
    assert set(rows) >= set(files)
    poster = rows[f"Movies/{movie.folder_name}/poster.jpg"]
    assert poster.provider == "tmdb" and poster.language == "Textless" and poster.fallback == "false"
    assert poster.download_source.startswith("http") and poster.type == "Movie"

    mtimes = {f: (root / f).stat().st_mtime_ns for f in files}
    second = run(runtime)
    assert second.counts["downloads"] == 0
    assert second.counts["writes"] == 0
    assert second.counts["unchanged"] == len(files)
    assert {f: (root / f).stat().st_mtime_ns for f in files} == mtimes


def test_template_change_rerenders_exactly_the_affected_kind(runtime, sims):
    configure(runtime, sims)
    run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    before = {f: (root / f).stat().st_mtime_ns for f in _files(root)}
    configure(runtime, sims, templates={"background": "cinema"})
    again = run(runtime)
    changed = {f for f in _files(root) if (root / f).stat().st_mtime_ns != before[f]}
    assert changed and all(f.endswith("background.jpg") for f in changed)
    assert again.counts["backgrounds"] == len(changed) == again.counts["writes"]


def test_upload_is_hash_checked(runtime, sims):
    configure(runtime, sims, upload=True)
    first = run(runtime)
    uploads = sims.sim("plex").events("uploads")
    assert first.counts["uploads"] == len(uploads) == first.counts["writes"]
    second = run(runtime)
    assert second.counts["uploads"] == 0
    assert len(sims.sim("plex").events("uploads")) == len(uploads)


def test_skip_label_and_excluded_library(runtime, sims):
    configure(runtime, sims, exclude_libraries=["TV Shows"])
    result = run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    assert not (root / "TV Shows").exists()
    assert result.counts["posters"] == len(sims.library.movies)


def test_choices_record_fallbacks_from_non_favourite_providers(runtime, sims):
    # Fanart.tv has no episode stills: title cards come from TMDB (a fallback) and seasons that
    # Fanart lacks fall back too; every decision is recorded.
    configure(runtime, sims, favourite_provider="fanart", posters=False, backgrounds=False)
    result = run(runtime)
    with runtime.db.session() as s:
        rows = list(s.execute(select(PosterAsset)).scalars())
    cards = [r for r in rows if r.kind == "titlecard"]
    assert cards and all(r.fallback == "true" and r.provider != "fanart" for r in cards)
    assert result.counts["fallbacks"] >= len(cards)
    assert all(r.fav_provider_link.startswith("https://fanart.tv/") for r in rows)


def test_languages_outside_the_order_are_never_used(runtime, sims):
    configure(runtime, sims, language_order=["fr"], titlecards=False, seasons=False, backgrounds=False,
              show_fallback=False)
    result = run(runtime)
    with runtime.db.session() as s:
        rows = list(s.execute(select(PosterAsset)).scalars())
    assert result.counts["writes"] == sum(1 for r in rows if r.status == "written")
    for r in rows:
        assert r.language in ("fr", "false")
        if r.language == "false":
            assert r.status == "missing" and r.download_source == "false"


def test_upload_removes_kometas_overlay_label(runtime, sims):
    from curatarr.connectors.plex import PlexClient

    movie = sims.library.movies[0]
    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        plex.add_labels(str(movie.plex_rating_key), ["Overlay"])
    configure(runtime, sims, upload=True, backgrounds=False, seasons=False, titlecards=False)
    result = run(runtime)
    assert result.counts["overlay_labels_removed"] == 1
    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        assert "Overlay" not in plex.item(str(movie.plex_rating_key)).labels
