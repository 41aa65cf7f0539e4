"""The demo's poster sources: the sample sets are written, and sync_gdrive's "Run now" does real work
(rclone mirrors the demo's stand-in Drive folders into the gdrive folder)."""

from __future__ import annotations

import shutil

import pytest
import pyvips

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


@pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")
def test_demo_renamer_run_now_places_the_sample_sets_then_border_and_unmatched_work_on_them(tmp_path):
    """Fresh demo, the real modules chained: "Run now" of poster_renamerr — here with sync_posters on,
    so the REAL sync_gdrive mirrors the demo's rclone alias Drive first and the renamer reads the
    mirrors too — places Kometa files; its hand-off border run re-borders exactly those files; and
    unmatched_assets pointed at the renamer's folder counts them as present."""
    d = demo.prepare(tmp_path / "demo-data", services=("radarr", "sonarr", "plex"))
    try:
        rt = d.runtime
        sets = d.data_dir / demo.DEMO_POSTER_SETS
        kometa = d.data_dir / "kometa-assets"
        mirrors = [str(d.data_dir / "gdrive" / slug) for _owner, slug in demo.DEMO_DRIVE_FOLDERS]
        assert rt.config.get_section("poster_renamerr")["run_border_replacerr"] is True
        rt.start()
        try:
            job = rt.jobs.wait(rt.jobs.submit("poster_renamerr", overrides={
                "sync_posters": True, "source_dirs": [str(sets), *mirrors]}), 600)
            assert job["status"] == "success", job
            counts = job["result"]["counts"]
            assert counts["gdrive_folders_synced"] == 2 and counts["gdrive_files_copied"] > 100
            placed = sorted(p for p in kometa.rglob("*") if p.is_file())
            assert len(placed) == counts["written"] >= 20
            border = rt.jobs.wait(job["result"]["data"]["border_replacerr_job"], 600)
            assert border["status"] == "success", border
            assert sorted(border["overrides"]["input_files"]) == [str(p) for p in placed]
            assert border["result"]["counts"]["written"] == len(placed)
            bordered = d.data_dir / "output" / "bordered"
            first = bordered / placed[0].name  # the renamer's flat layout, kept under the output folder
            assert first.is_file()
            image, source = (pyvips.Image.new_from_buffer(p.read_bytes(), "") for p in (first, placed[0]))
            assert (image.width, image.height) == (source.width, source.height)

            before = rt.jobs.wait(rt.jobs.submit("unmatched_assets", overrides={"asset_path": str(d.data_dir / "empty")}), 300)
            after = rt.jobs.wait(rt.jobs.submit("unmatched_assets", overrides={"asset_path": str(kometa), "layout": "flat", "by_library": "off"}), 300)
        finally:
            rt.stop()
        assert after["status"] == "success", after
        missing = lambda j: sum(v for k, v in j["result"]["counts"].items() if k.endswith("_unmatched"))  # noqa: E731
        assert missing(after) < missing(before)  # the renamer's files are seen as present
    finally:
        d.close()
