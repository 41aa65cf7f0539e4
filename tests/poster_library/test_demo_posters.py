"""The demo's poster sources: the sample sets are written, and sync_gdrive's "Run now" does real work
(rclone mirrors the demo's stand-in Drive folders into the gdrive folder)."""

from __future__ import annotations

import shutil

import pytest

from curatarr import demo


@pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")
def test_demo_ships_poster_sets_and_a_working_drive_sync(tmp_path):
    d = demo.prepare(tmp_path / "demo-data", services=("radarr",))
    try:
        sets = d.data_dir / demo.DEMO_POSTER_SETS
        assert sum(1 for p in sets.rglob("*") if p.is_file()) >= 300
        rt = d.runtime
        section = rt.config.get_section("sync_gdrive")
        assert [e["name"] for e in section["gdrive_list"]] == ["ravenclaw", "boxset-bob"]
        rt.start()
        try:
            job = rt.jobs.wait(rt.jobs.submit("sync_gdrive"), 120)
        finally:
            rt.stop()
        assert job["status"] == "success", job
        for owner, slug in demo.DEMO_DRIVE_FOLDERS:
            mirrored = {p.relative_to(d.data_dir / "gdrive" / slug) for p in (d.data_dir / "gdrive" / slug).rglob("*")
                        if p.is_file()}
            assert mirrored == {p.relative_to(sets / owner) for p in (sets / owner).rglob("*") if p.is_file()}
            assert mirrored
        assert job["result"]["counts"]["files_copied"] > 100
    finally:
        d.close()
