"""Poster maker modes other than normal: manual, testing, backup, sync, reset, cleanup, dry run."""

from __future__ import annotations

import pytest

from curatarr.artwork.encode import read_provenance
from curatarr.modules.base import ModuleError
from tests.posters.conftest import configure, run


def _jpg(sims):
    import httpx

    m = sims.library.movies[0]
    url = sims.servers["tmdb"].url
    data = httpx.get(url + f"/3/movie/{m.tmdb_id}/images", headers={"Authorization": "Bearer " + sims.keys["tmdb"]}).json()
    return httpx.get(url + "/t/p/original" + data["posters"][0]["file_path"]).content


def test_manual_season_poster_from_a_file(runtime, sims):
    configure(runtime, sims)
    src = runtime.data_dir / "upload.jpg"
    src.write_bytes(_jpg(sims))
    result = run(runtime, {"mode": "manual", "manual": {"kind": "season", "source_path": str(src), "title": "Dexter",
                                                        "folder_name": "Dexter (2006)", "library": "TV Shows",
                                                        "season_name": "Specials"}})
    out = runtime.data_dir / "posters" / "assets" / "TV Shows" / "Dexter (2006)" / "Season00.jpg"
    assert out.is_file() and read_provenance(out) is not None
    assert result.counts["seasons"] == 1


def test_manual_collection_and_bad_input(runtime, sims):
    configure(runtime, sims)
    src = runtime.data_dir / "upload.jpg"
    src.write_bytes(_jpg(sims))
    run(runtime, {"mode": "manual", "manual": {"kind": "collection", "source_path": str(src), "title": "AC/DC",
                                               "folder_name": "AC/DC Concerts", "library": "Music"}})
    assert (runtime.data_dir / "posters" / "assets" / "Collections" / "Music" / "ACDC Concerts" / "poster.jpg").is_file()
    with pytest.raises(ModuleError):
        run(runtime, {"mode": "manual", "manual": {"kind": "poster", "folder_name": "X"}})
    with pytest.raises(ModuleError):
        run(runtime, {"mode": "bogus"})


def test_testing_mode_writes_a_sheet(runtime, sims):
    configure(runtime, sims)
    result = run(runtime, {"mode": "testing"})
    sheet = runtime.data_dir / "posters" / "test" / "testsheet.jpg"
    assert sheet.is_file() and result.data["test_sheet"] == str(sheet)
    assert len(result.data["report"]) == 4 * 6


def test_backup_downloads_current_server_art(runtime, sims):
    configure(runtime, sims)
    result = run(runtime, {"mode": "backup"})
    root = runtime.data_dir / "posters" / "backup"
    movie = sims.library.movies[0]
    assert (root / "Movies" / movie.folder_name / "poster.jpg").is_file()
    assert result.counts["backed_up"] >= len(sims.library.movies)
    assert not (runtime.data_dir / "posters" / "assets" / "Movies").exists()


def test_sync_plex_to_jellyfin_uploads_only_differences(runtime, sims):
    configure(runtime, sims, servers=("plex", "jellyfin"))
    untouched = run(runtime, {"mode": "sync"})  # both servers start with the same art
    assert untouched.counts.get("synced", 0) == 0 and untouched.counts["in_sync"] > 0
    configure(runtime, sims, servers=("plex", "jellyfin"), media_servers=["plex"], upload=True, backgrounds=False,
              seasons=False, titlecards=False)
    made = run(runtime)  # new posters uploaded to Plex only
    configure(runtime, sims, servers=("plex", "jellyfin"), media_servers=[])
    first = run(runtime, {"mode": "sync"})
    assert first.counts.get("synced", 0) == made.counts["uploads"] > 0
    uploads = len(sims.sim("jellyfin").events("uploads"))
    assert uploads == first.counts["synced"]
    second = run(runtime, {"mode": "sync"})
    assert second.counts.get("synced", 0) == 0 and second.counts["in_sync"] > 0
    assert len(sims.sim("jellyfin").events("uploads")) == uploads


def test_poster_reset_selects_plex_posters(runtime, sims):
    configure(runtime, sims)
    result = run(runtime, {"mode": "reset", "library": "Movies"})
    assert result.counts["reset"] == len(sims.library.movies)
    assert len(sims.sim("plex").events("selections")) == len(sims.library.movies)
    with pytest.raises(ModuleError):
        run(runtime, {"mode": "reset", "library": "Nope"})


def test_cleanup_removes_only_our_orphans(runtime, sims):
    configure(runtime, sims, posters=True, backgrounds=False, seasons=False, titlecards=False)
    run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    ours = next(root.rglob("poster.jpg"))
    orphan = root / "Movies" / "Gone (1990)" / "poster.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(ours.read_bytes())
    foreign = root / "Movies" / "Mine (1991)" / "poster.jpg"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"\xff\xd8\xff\xe0 not ours")
    dry = run(runtime, {"mode": "cleanup", "dry_run": True})
    assert dry.data["cleanup"]["files"] == ["Movies/Gone (1990)/poster.jpg"] and orphan.exists()
    real = run(runtime, {"mode": "cleanup", "dry_run": False})
    assert real.counts["images_cleared"] == 1 and not orphan.exists() and not orphan.parent.exists()
    assert foreign.exists() and ours.exists()


def test_dry_run_writes_nothing(runtime, sims):
    configure(runtime, sims)
    result = run(runtime, dry_run=True)
    assert result.counts["writes"] == 0 and result.changed
    assert not list((runtime.data_dir / "posters" / "assets").rglob("*.jpg"))
