"""System endpoints: /api, health, version, system-info, releases, directory, folder, test, reports."""

from __future__ import annotations

from datetime import timedelta

from curatarr import __version__
from curatarr.db.base import utcnow
from curatarr.db.models.system import HealthSnapshot


def test_api_root_and_health_are_open(client, anon_client):
    r = anon_client.get("/api")
    assert r.status_code == 200
    assert r.json() == {"message": "Curatarr API", "status": "running", "version": __version__, "docs": "/docs"}
    r = anon_client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok" and body["version"] == __version__
    assert isinstance(body["uptime_seconds"], int)


def test_security_headers(anon_client, client):
    r = anon_client.get("/api/health")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in anon_client.get("/").headers["Content-Security-Policy"]


def test_version_and_system_info(client):
    bare = {"version": __version__, "local": __version__, "remote": None, "is_update_available": False}
    assert client.get("/api/version").json() == {**bare, "success": True, "message": "OK", "data": bare}
    info = client.get("/api/system-info").json()
    for key in ("platform", "os_version", "cpu_model", "cpu_cores", "total_memory", "used_memory", "free_memory",
                "memory_percent", "is_docker", "python_version", "curatarr_version"):
        assert key in info
    assert info["cpu_cores"] >= 1 and info["total_memory"].endswith(" MB") and info["curatarr_version"] == __version__


def test_releases_come_from_the_packaged_changelog(client):
    r = client.get("/api/releases")
    assert r.status_code == 200 and r.json()["success"] is True
    releases = r.json()["releases"]
    assert releases and releases[0]["version"]
    assert {"version", "name", "published_at", "days_ago", "is_prerelease", "body"} <= set(releases[0])
    assert len(client.get("/api/releases", params={"limit": 1}).json()["releases"]) == 1
    assert client.get("/api/releases", params={"limit": 0}).status_code == 422


def test_echo_test_endpoint(client):
    r = client.post("/api/test", json={"message": "hi", "data": {"a": [1, 2]}})
    assert r.status_code == 200
    bare = {"success": True, "received": {"message": "hi", "data": {"a": [1, 2]}}}
    assert r.json() == {**bare, "message": "OK", "data": {"received": bare["received"]}}  # CHUB's envelope too
    assert client.post("/api/test", json={"message": "x" * 10_001}).status_code == 422


# ---- directory / folder ---------------------------------------------------------------------------

def test_directory_lists_roots_then_folders(client, runtime):
    (runtime.data_dir / "posters").mkdir()
    (runtime.data_dir / "posters" / "Movie (2020)").mkdir()
    (runtime.data_dir / "posters" / "poster.jpg").write_bytes(b"x" * 10)
    (runtime.data_dir / "posters" / ".hidden").mkdir()

    r = client.get("/api/directory")
    assert r.status_code == 200
    assert str(runtime.data_dir) in r.json()["roots"]

    r = client.get("/api/directory", params={"path": str(runtime.data_dir / "posters"), "include_files": True})
    body = r.json()
    assert r.status_code == 200 and body["exists"] is True and body["writable"] is True
    assert [d["name"] for d in body["directories"]] == ["Movie (2020)"]
    assert body["files"] == [{"name": "poster.jpg", "path": str(runtime.data_dir / "posters" / "poster.jpg"), "size": 10}]
    assert body["parent"] == str(runtime.data_dir)

    # Relative paths are taken from the first root; a missing folder is reported, not an error.
    r = client.get("/api/directory", params={"path": "posters/not-yet"})
    assert r.status_code == 200 and r.json()["exists"] is False
    assert client.get("/api/directory", params={"path": str(runtime.data_dir / "posters" / "poster.jpg")}).status_code == 400


def test_directory_follows_allowed_roots_from_config(client, tmp_path):
    media = tmp_path / "media"
    (media / "Movies").mkdir(parents=True)
    assert client.get("/api/directory", params={"path": str(media)}).status_code == 403
    client.post("/api/config", json={"general": {"allowed_roots": [str(media)]}})
    r = client.get("/api/directory", params={"path": str(media)})
    assert r.status_code == 200 and [d["name"] for d in r.json()["directories"]] == ["Movies"]
    assert r.json()["parent"] is None  # never above a root


def test_module_folders_are_roots_too(client, tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    client.post("/api/config", json={"poster_renamerr": {"destination_dir": str(assets), "source_dirs": [str(assets)]}})
    assert client.get("/api/directory", params={"path": str(assets)}).status_code == 200


def test_folder_create(client, runtime):
    target = runtime.data_dir / "new" / "nested"
    r = client.post("/api/folder", json={"path": str(target)})
    assert r.status_code == 201 and r.json() == {"success": True, "path": str(target), "message": "OK",
                                         "data": {"path": str(target)}}
    assert target.is_dir()
    assert client.post("/api/folder", json={"path": str(target)}).status_code == 409
    assert client.post("/api/folder", json={"path": ""}).status_code == 422
    assert client.post("/api/folder", json={}).status_code == 422


# ---- system reports -------------------------------------------------------------------------------

def test_health_snapshots_digest_and_cleanup(client, runtime):
    now = utcnow()
    with runtime.db.session() as s:
        s.add_all([
            HealthSnapshot(snapshot_at=now - timedelta(days=30), service="radarr", instance_name="radarr_main",
                           status="healthy", status_code=200, response_time_ms=12.5),
            HealthSnapshot(snapshot_at=now - timedelta(hours=2), service="radarr", instance_name="radarr_main",
                           status="unreachable", error="connection refused"),
            HealthSnapshot(snapshot_at=now - timedelta(hours=1), service="plex", instance_name="plex_main",
                           status="healthy", status_code=200, response_time_ms=40.0),
        ])

    r = client.get("/api/system/health/snapshots")
    body = r.json()
    assert r.status_code == 200 and body["days"] == 7 and body["total"] == 2
    assert [s["instance_name"] for s in body["snapshots"]] == ["plex_main", "radarr_main"]  # newest first
    assert body["snapshots"][0]["snapshot_at"].endswith("Z")
    assert client.get("/api/system/health/snapshots", params={"days": 90}).json()["total"] == 3
    only = client.get("/api/system/health/snapshots", params={"instance": "radarr_main", "days": 90}).json()
    assert {s["instance_name"] for s in only["snapshots"]} == {"radarr_main"} and only["total"] == 2
    assert client.get("/api/system/health/snapshots", params={"days": 0}).status_code == 422

    digest = client.get("/api/system/digest").json()
    assert digest["window_days"] == 7
    assert {"media_added", "job_counts", "recent_failures", "orphaned_posters"} <= set(digest)
    latest = {h["instance_name"]: h["status"] for h in digest["latest_instance_health"]}
    assert latest == {"plex_main": "healthy", "radarr_main": "unreachable"}

    cleanup = client.get("/api/system/cleanup-candidates").json()
    assert {"orphaned_posters", "errored_jobs", "unmatched_media", "unmatched_collections"} <= set(cleanup)


def test_report_providers_fill_digest_and_cleanup(client, runtime):
    calls = []

    def provider(rt, days):
        calls.append(days)
        return {"digest": {"media_added": 7}, "cleanup": {"errored_jobs": 3}}

    runtime.system_reports["test"] = provider
    assert client.get("/api/system/digest", params={"days": 3}).json()["media_added"] == 7
    assert client.get("/api/system/cleanup-candidates").json()["errored_jobs"] == 3
    assert 3 in calls
