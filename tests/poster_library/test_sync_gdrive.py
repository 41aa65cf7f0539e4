"""sync_gdrive with the real rclone binary. There is no network here, so the Drive side is an rclone
``alias`` remote onto a local folder (``rclone_remote`` + ``rclone_config``); the built-in Drive remote
is exercised up to Google's refusal (a bogus service account fails inside rclone, offline)."""

from __future__ import annotations

import os
import shutil
import signal
import textwrap
import time
from pathlib import Path

import pytest

from curatarr.poster_library import gdrive
from tests._fixtures import run_module

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")
WAIT = 120


@pytest.fixture
def drive(tmp_path) -> dict:
    """A fake Drive (two creator folders) behind an rclone alias remote, and where mirrors go."""
    root = tmp_path / "drive"
    for folder, names in {"creatorA": ["The Matrix (1999).jpg", "Set/Alien (1979).png"],
                          "creatorB": ["Dune (2021).jpg"]}.items():
        for name in names:
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\xff\xd8\xff" + name.encode() * 50)
    conf = tmp_path / "rclone.conf"
    conf.write_text(f"[fakedrive]\ntype = alias\nremote = {root}\n", encoding="utf-8")
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    return {"root": root, "conf": str(conf), "mirrors": mirrors}


def configure(rt, drive, **extra) -> None:
    section = {"rclone_remote": "fakedrive", "rclone_config": drive["conf"],
               "gdrive_list": [{"id": "creatorA", "location": str(drive["mirrors"] / "A"), "name": "A"},
                               {"id": "creatorB", "location": str(drive["mirrors"] / "B"), "name": "B"}]}
    section.update(extra)
    rt.config.update({"sync_gdrive": section})


@pytest.fixture
def rt(runtime):
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, **overrides) -> dict:
    return run_module(rt, "sync_gdrive", overrides, wait=WAIT)


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_sync_mirrors_every_folder_and_stores_stats(rt, drive):
    configure(rt, drive)
    assert gdrive.stats(rt)["stats"][0]["file_count"] is None  # never synced: not computed, not 0
    job = run(rt)
    assert job["status"] == "success", job
    assert files(drive["mirrors"] / "A") == {"The Matrix (1999).jpg", "Set/Alien (1979).png"}
    assert files(drive["mirrors"] / "B") == {"Dune (2021).jpg"}
    counts = job["result"]["counts"]
    assert counts["folders_synced"] == 2 and counts["files_copied"] == 3
    assert counts["bytes_transferred"] == sum(p.stat().st_size for p in drive["root"].rglob("*") if p.is_file())
    rows = {r["name"]: r for r in gdrive.stats(rt)["stats"]}
    assert rows["A"]["file_count"] == 2 and rows["B"]["file_count"] == 1
    assert rows["A"]["size_bytes"] == sum(p.stat().st_size for p in (drive["mirrors"] / "A").rglob("*") if p.is_file())
    assert rows["A"]["status"] == "ok" and len(rows["A"]["last_updated"]) == 8


def test_mirror_deletes_what_drive_dropped_and_copy_mode_keeps_it(rt, drive):
    configure(rt, drive)
    assert run(rt)["status"] == "success"
    (drive["root"] / "creatorA" / "The Matrix (1999).jpg").unlink()
    (drive["root"] / "creatorA" / "New (2024).jpg").write_bytes(b"new")
    keep = run(rt, mirror=False, gdrive_names=["A"])
    assert keep["status"] == "success"
    assert files(drive["mirrors"] / "A") == {"The Matrix (1999).jpg", "Set/Alien (1979).png", "New (2024).jpg"}
    assert keep["result"]["counts"]["files_deleted"] == 0
    mirror = run(rt, gdrive_names=["A"])
    assert files(drive["mirrors"] / "A") == {"Set/Alien (1979).png", "New (2024).jpg"}
    assert mirror["result"]["counts"]["files_deleted"] == 1
    assert mirror["result"]["counts"]["folders_synced"] == 1  # only the named entry


def test_dry_run_writes_nothing(rt, drive):
    configure(rt, drive)
    job = run(rt, dry_run=True)
    assert job["status"] == "success", job
    assert not (drive["mirrors"] / "A").exists() and not (drive["mirrors"] / "B").exists()
    assert job["result"]["counts"]["files_to_copy"] == 3
    assert all("would copy" in c["description"] for c in job["result"]["changed"])


def test_a_failed_folder_fails_the_job_after_the_others_ran(rt, drive):
    configure(rt, drive, gdrive_list=[
        {"id": "missing-folder", "location": str(drive["mirrors"] / "X"), "name": "X"},
        {"id": "creatorB", "location": str(drive["mirrors"] / "B"), "name": "B"}])
    job = run(rt)
    assert job["status"] == "error"
    assert "1 of 2 Drive folders failed: X" in job["error"]
    assert files(drive["mirrors"] / "B") == {"Dune (2021).jpg"}
    assert [e["item"] for e in job["result"]["errors"]] == ["X"]


def test_rclone_missing_is_a_clear_error(rt, drive):
    configure(rt, drive, rclone_binary="rclone-not-installed")
    job = run(rt)
    assert job["status"] == "error" and "rclone is not installed" in job["error"]


def test_bad_settings_are_refused_before_rclone_runs(rt, drive):
    configure(rt, drive)
    assert "gdrive_list is empty" in run(rt, gdrive_list=[])["error"]
    assert "name no gdrive_list entry" in run(rt, gdrive_names=["nope"])["error"]
    same = [{"id": "creatorA", "location": str(drive["mirrors"] / "A"), "name": "A"},
            {"id": "creatorB", "location": str(drive["mirrors"] / "A"), "name": "B"}]
    assert "each needs its own folder" in run(rt, gdrive_list=same)["error"]
    system = [{"id": "creatorA", "location": "/etc/posters", "name": "A"}]
    assert "system folder" in run(rt, gdrive_list=system)["error"]
    assert not Path("/etc/posters").exists()


def test_drive_remote_needs_credentials_and_reports_googles_refusal(rt, drive, tmp_path):
    target = [{"id": "1AbCdEfGh", "location": str(drive["mirrors"] / "D"), "name": "D"}]
    rt.config.update({"sync_gdrive": {"gdrive_list": target}})
    assert "no Google Drive credentials" in run(rt)["error"]
    sa = tmp_path / "sa.json"
    sa.write_text('{"type": "service_account", "private_key": "not-a-key-s3cret", "client_email": "a@b.c"}')
    job = run(rt, gdrive_sa_location=str(sa))
    assert job["status"] == "error" and "D" in job["error"]
    assert "not-a-key-s3cret" not in str(job)  # the secret never shows in the job record


def test_cancel_stops_rclone(rt, drive, tmp_path):
    # A stand-in binary that records its pid and hangs, as rclone does on a slow Drive.
    pidfile = tmp_path / "pid"
    slow = tmp_path / "slow-rclone"
    slow.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        echo $$ > {pidfile}
        exec sleep 300
        """))
    slow.chmod(0o755)
    configure(rt, drive, rclone_binary=str(slow))
    job_id = rt.jobs.submit("sync_gdrive")
    deadline = time.monotonic() + WAIT
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline, "the sync never started"
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    assert rt.jobs.cancel(job_id)
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] == "cancelled"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# ---- routes ------------------------------------------------------------------------------------------

def test_routes_stats_search_and_sync(client, drive):
    rt = client.app.state.runtime
    configure(rt, drive)
    r = client.get("/api/posters/gdrive/stats")
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True and body["total"] == 2
    assert {row["name"]: row["file_count"] for row in body["stats"]} == {"A": None, "B": None}
    assert not (drive["mirrors"] / "A").exists()  # GET has no side effect

    r = client.post("/api/posters/gdrive/sync", params={"gdrive_names": "A"})
    assert r.status_code == 200, r.text
    started = r.json()
    assert started["name"] == "A"
    job = rt.jobs.wait(started["job_id"], WAIT)
    assert job["status"] == "success" and job["overrides"] == {"gdrive_names": ["A"]}
    rows = {row["name"]: row for row in client.get("/api/posters/gdrive/stats").json()["stats"]}
    assert rows["A"]["file_count"] == 2 and rows["B"]["file_count"] is None
    # the library's stats carry the same stored numbers (CHUB's gdrive_stats field; never synced = null)
    library = {row["name"]: row for row in client.get("/api/posters/stats").json()["gdrive_stats"]}
    assert library["A"]["file_count"] == 2 and library["B"]["file_count"] is None
    assert library["A"]["size_bytes"] == rows["A"]["size_bytes"] > 0

    r = client.post("/api/posters/gdrive/sync", params=[("gdrive_names", "A"), ("gdrive_names", "B")])
    jobs = r.json()["jobs"]
    assert [j["name"] for j in jobs] == ["A", "B"]
    assert all(rt.jobs.wait(j["job_id"], WAIT)["status"] == "success" for j in jobs)

    search = client.get("/api/posters/sources/gdrive/search", params={"query": "b"}).json()
    assert [s["name"] for s in search["sources"]] == ["B"] and search["sources"][0]["file_count"] == 1
    only = client.get("/api/posters/sources/gdrive/search", params={"folder": str(drive["mirrors"] / "A")}).json()
    assert [s["name"] for s in only["sources"]] == ["A"]


def test_sync_route_refuses_unknown_or_missing_names(client, drive):
    configure(client.app.state.runtime, drive)
    r = client.post("/api/posters/gdrive/sync", params=[("gdrive_names", "A"), ("gdrive_names", "nope")])
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert client.app.state.runtime.jobs.store.list(module="sync_gdrive", limit=10, offset=0)[1] == 0
    assert client.post("/api/posters/gdrive/sync").status_code == 422


def test_transfer_path_refuses_unsafe_paths(tmp_path):
    from curatarr.connectors.rclone import InvalidArgument, RcloneRunner

    runner = RcloneRunner(roots=[tmp_path])
    for remote, path in [("fake", "../etc"), ("fake", "-x"), ("bad name", "a"), ("fake", "a\x00b")]:
        with pytest.raises(InvalidArgument):
            runner.transfer_path("sync", remote, path, tmp_path / "out")
    with pytest.raises(InvalidArgument):  # the destination stays inside the runner's roots
        runner.transfer_path("sync", "fake", "a", "/tmp/elsewhere-not-a-root")


def test_drive_locations_are_guarded_folder_settings(tmp_path):
    from curatarr.security.roots import bad_roots, folder_settings

    config = {"sync_gdrive": {"gdrive_list": [{"id": "x", "location": "/posters/a", "name": "a"},
                                              {"id": "y", "location": "/etc/b", "name": "b"}]}}
    found = folder_settings(config)
    assert found == {"sync_gdrive.gdrive_list[0].location": ["/posters/a"],
                     "sync_gdrive.gdrive_list[1].location": ["/etc/b"]}
    problems = bad_roots(tmp_path, [(k, v[0]) for k, v in found.items()])
    assert len(problems) == 1 and "/etc/b" in problems[0]


def test_changing_a_drive_location_needs_admin(client, drive):
    # An operator key may run syncs but not point a mirror (which deletes) at a new folder.
    r = client.post("/api/auth/keys", json={"name": "ops", "scope": "operator"})
    assert r.status_code in (200, 201), r.text
    key = r.json().get("key") or r.json().get("api_key")
    section = {"gdrive_list": [{"id": "creatorA", "location": str(drive["mirrors"] / "A"), "name": "A"}]}
    denied = client.put("/api/modules/sync_gdrive/config", json=section, headers={"X-API-Key": key,
                                                                                   "Authorization": ""})
    assert denied.status_code == 403, denied.text
    assert client.put("/api/modules/sync_gdrive/config", json=section).status_code == 200
    # the same key may change what is not a folder
    same = {**section, "mirror": False}
    ok = client.put("/api/modules/sync_gdrive/config", json=same, headers={"X-API-Key": key, "Authorization": ""})
    assert ok.status_code == 200, ok.text
