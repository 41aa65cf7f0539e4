"""plex_maintenance against the Plex simulator: the calls plexapi makes, acting on the data folder."""

from __future__ import annotations

import sqlite3
import time

from tests.plex_cleanup.conftest import run, tree

DB = "Plug-in Support/Databases/com.plexapp.plugins.library.db"


def trashed(plex_home) -> int:
    db = sqlite3.connect(plex_home / DB)
    try:
        return db.execute("SELECT COUNT(*) FROM metadata_items WHERE deleted_at IS NOT NULL").fetchone()[0]
    finally:
        db.close()


def test_every_task_runs_in_order_and_acts_on_the_server(rt, plex, plex_home):
    before = tree(plex_home)
    assert trashed(plex_home) > 0
    bundles = {k.split(".bundle/")[0] for k in before if k.startswith("Metadata/")}
    job = run(rt, "plex_maintenance", empty_trash=True, clean_bundles=True, optimize_db=True, photo_transcoder=True)
    assert job["status"] == "success", job
    events = plex.sims["plex"].events("maintenance")
    sections = {e["section"] for e in events if e["action"] == "emptyTrash"}
    assert [e["action"] for e in events if e["action"] != "emptyTrash"] == ["cleanBundles", "optimize"]
    assert len(sections) == 3  # every library section (what plexapi's library.emptyTrash does)
    assert events[-2]["query"] == {"async": "1"} and events[-1]["query"] == {"async": "1"}
    assert trashed(plex_home) == 0
    removed = events[-2]["bundles_removed"]
    assert removed  # the trashed items' bundles and the long-gone ones
    after = tree(plex_home)
    assert {k.split(".bundle/")[0] for k in after if k.startswith("Metadata/")} == bundles - {r[:-7] for r in removed}
    assert not [k for k in after if k.startswith("Cache/PhotoTranscoder/")]
    transcoded = [k for k in before if k.startswith("Cache/PhotoTranscoder/")]
    assert job["result"]["counts"]["transcoder_files_deleted"] == len(transcoded) > 0
    assert job["result"]["counts"]["tasks_run"] == 4


def test_dry_run_calls_nothing_and_deletes_nothing(rt, plex, plex_home):
    before = tree(plex_home)
    job = run(rt, "plex_maintenance", dry_run=True, empty_trash=True, clean_bundles=True, optimize_db=True,
              photo_transcoder=True)
    assert job["status"] == "success"
    assert job["result"]["counts"]["would_run"] == 4
    assert plex.sims["plex"].events("maintenance") == []
    assert tree(plex_home) == before


def test_photo_transcoder_only_inside_the_plex_folder(rt, plex, plex_home, tmp_path):
    outside = tmp_path / "elsewhere" / "Cache" / "PhotoTranscoder"
    outside.mkdir(parents=True)
    (outside / "keep.jpg").write_bytes(b"x")
    (plex_home / "Cache" / "PhotoTranscoder" / "link").symlink_to(outside, target_is_directory=True)
    before = {k: v for k, v in tree(plex_home).items() if not k.startswith("Cache/PhotoTranscoder/")}
    job = run(rt, "plex_maintenance", photo_transcoder=True)
    assert job["status"] == "success", job
    assert (outside / "keep.jpg").read_bytes() == b"x"  # a link out of the folder is not followed
    assert tree(plex_home) == before
    assert plex.sims["plex"].events("maintenance") == []


def test_cancelled_between_tasks(rt, plex):
    job_id = rt.jobs.submit("plex_maintenance", overrides={"empty_trash": True, "clean_bundles": True, "sleep": 30})
    deadline = time.monotonic() + 30
    while not plex.sims["plex"].events("maintenance") and time.monotonic() < deadline:
        time.sleep(0.05)
    rt.jobs.cancel(job_id)
    job = rt.jobs.wait(job_id, 30)
    assert job["status"] == "cancelled"
    assert {e["action"] for e in plex.sims["plex"].events("maintenance")} == {"emptyTrash"}


def test_bad_settings_are_clear_errors(rt, plex, tmp_path):
    none = run(rt, "plex_maintenance")
    assert none["status"] == "success" and none["result"]["warnings"]
    missing = run(rt, "plex_maintenance", photo_transcoder=True, plex_path=str(tmp_path / "missing"))
    assert missing["status"] == "error" and "does not exist" in missing["error"]
    plex.sims["plex"].faults.add(path="/library/optimize", kind="status", status=401)
    failed = run(rt, "plex_maintenance", optimize_db=True)
    assert failed["status"] == "error" and "optimize_db" in failed["error"]
