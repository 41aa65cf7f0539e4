"""poster_cleanarr's second half: our own orphaned poster files in the poster maker's asset folder
(files with Curatarr's provenance marker that no asset record names); foreign files stay."""

from __future__ import annotations

from tests.plex_cleanup.conftest import run, tree


def ours() -> bytes:
    import pyvips

    from curatarr.artwork.encode import Provenance, encode

    data, _ = encode(pyvips.Image.black(20, 30, bands=3), provenance=Provenance())
    return data


def test_orphans_are_reported_moved_and_restored_foreign_files_kept(rt, tmp_path, plex_home):
    assets = tmp_path / "assets"
    (assets / "Movie A (2000)").mkdir(parents=True)
    (assets / "Movie B (2001)").mkdir(parents=True)
    (assets / "Movie A (2000)" / "poster.jpg").write_bytes(ours())
    (assets / "Movie B (2001)" / "poster.jpg").write_bytes(b"\xff\xd8 somebody else's poster")
    rt.config.update({"poster_maker": {"asset_path": str(assets)}})
    before = tree(assets)

    report = run(rt, "poster_cleanarr", mode="report")
    assert report["status"] == "success", report
    assert report["result"]["counts"]["asset_orphans"] == 1
    assert {c["path"] for c in report["result"]["changed"] if c["area"] == "assets"} == {"Movie A (2000)/poster.jpg"}

    moved = run(rt, "poster_cleanarr", mode="move")
    assert moved["status"] == "success", moved
    assert tree(assets) == {"Movie B (2001)/poster.jpg": before["Movie B (2001)/poster.jpg"]}
    parked = rt.data_dir / "plex-cleanup-restore" / "assets"
    assert tree(parked) == {"Movie A (2000)/poster.jpg": before["Movie A (2000)/poster.jpg"]}

    back = run(rt, "poster_cleanarr", mode="restore")
    assert back["status"] == "success"
    assert tree(assets) == before


def test_orphans_can_be_left_alone(rt, tmp_path):
    assets = tmp_path / "assets"
    (assets / "X").mkdir(parents=True)
    (assets / "X" / "poster.jpg").write_bytes(ours())
    rt.config.update({"poster_maker": {"asset_path": str(assets)}})
    job = run(rt, "poster_cleanarr", mode="remove", orphaned_assets=False)
    assert job["status"] == "success" and "asset_orphans" not in job["result"]["counts"]
    assert (assets / "X" / "poster.jpg").exists()
