"""The wire conventions of docs/api.md ("Conventions"), as a table.

- Every CHUB route answers its documented bare fields AND CHUB's envelope (``success: true``,
  ``message``, ``data``); ``data`` is the bare fields unless CHUB's backend puts something else there.
- Every error answers ``detail`` AND ``success: false``, ``message`` and its ``error_code``.
- Posterizarr routes keep Posterizarr's shapes (no envelope added).

Runs on one app with a library synced from the simulators (radarr, sonarr, plex over real HTTP).
"""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from curatarr.api.envelope import CHUB_ROUTES, envelope, envelope_bytes, is_chub_route
from tests.conftest import ADMIN_PASSWORD, ADMIN_USER

SERVICES = ("radarr", "sonarr", "plex")
ENVELOPE_KEYS = ("success", "message", "data")


@pytest.fixture(scope="module")
def sim_cluster():
    from curatarr.sims.library import SampleLibrary
    from curatarr.sims.server import SimCluster

    cluster = SimCluster(SampleLibrary.demo(), services=SERVICES).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def demo(sim_cluster, tmp_path_factory):
    """An authenticated client on a demo-like app: instances configured, library synced."""
    from curatarr.app import create_app
    from curatarr.library.sync import sync_instances
    from curatarr.runtime import Runtime

    sim_cluster.reset()
    rt = Runtime(tmp_path_factory.mktemp("conventions"), console_logs=False)
    rt.config.update({"instances": {
        sim_cluster.types[name]: {name: {"url": sim_cluster.urls[name], "api": sim_cluster.api_keys[name],
                                         "enabled": True}}
        for name in sim_cluster.urls}})
    assert sync_instances(rt).ok
    app = create_app(rt)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post("/api/auth/setup", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        client.app_ = app
        client.sims = sim_cluster
        yield client
    rt.close()


def _bare(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ENVELOPE_KEYS}


def _first_media_id(demo) -> str:
    return demo.get("/api/media/search", params={"limit": 1, "type": "movie"}).json()["items"][0]["id"]


# (path, documented bare fields, what CHUB's frontend reads in ``data`` — None: data is the bare copy)
CHUB_GETS: list[tuple[str, tuple[str, ...], tuple[str, ...] | None]] = [
    ("/api/auth/status", ("configured", "required"), None),
    ("/api/version", ("version", "local", "remote", "is_update_available"), None),
    ("/api/health", ("status",), None),
    ("/api/config", ("config", "ui_groups", "display_names", "tooltips", "using_flat_structure"),
     ("general", "auth", "instances", "schedule", "notifications")),
    ("/api/logs", ("logs", "modules"), ("modules",)),
    ("/api/modules", ("modules",), ("modules", "status_counts", "schedule")),
    ("/api/modules/run-states", (), None),
    ("/api/modules/poster_maker", ("name", "enabled", "schedule", "config"), None),
    ("/api/modules/poster_maker/history", ("history",), None),
    ("/api/jobs", ("jobs", "total", "limit", "offset"), None),
    ("/api/jobs/stats", ("total", "status_counts"), None),
    ("/api/jobs/webhook-origins", ("total", "by_origin", "by_status"), None),
    ("/api/schedule", ("schedule",), None),
    ("/api/instances", ("radarr", "sonarr", "plex"), None),
    ("/api/instances/types", ("types",), None),
    ("/api/instances/health", ("health",), None),
    ("/api/instances/radarr", ("name",), None),
    ("/api/instances/radarr/stats", ("instance", "total_media", "matched", "unmatched"), None),
    ("/api/plex/plex/libraries", ("libraries",), None),
    ("/api/media/search?limit=5", ("items", "total", "limit", "offset"), None),
    ("/api/media/stats?period=all", ("totals", "types"), None),
    ("/api/media/duplicates", ("duplicates",), None),
    ("/api/media/low-rated", ("items", "total"), None),
    ("/api/media/incomplete-metadata?fields=studio", ("items", "total"), None),
    ("/api/media/collections", ("collections",), None),
    ("/api/media/orphaned", ("items", "total"), None),
    ("/api/system/disk", ("mounts",), None),
    ("/api/system/digest", ("window_days", "media_added", "job_counts", "recent_failures", "orphaned_posters"),
     None),
    ("/api/system/cleanup-candidates", ("orphaned_posters", "errored_jobs", "unmatched_media",
                                        "unmatched_collections"), None),
    ("/api/system/health/snapshots", ("snapshots",), None),
    ("/api/backups", ("backups",), None),
    ("/api/notifications", ("notifications",), None),
    ("/api/webhooks/unmatched/status", ("status",), None),
    ("/api/webhooks/cleanarr/status", ("status",), None),
]


@pytest.mark.parametrize("path,bare_fields,data_fields", CHUB_GETS, ids=[c[0] for c in CHUB_GETS])
def test_chub_route_answers_bare_fields_and_envelope(demo, path, bare_fields, data_fields):
    r = demo.get(path)
    assert r.status_code == 200, r.text
    body = r.json()
    for field in bare_fields:
        assert field in body, f"{path}: documented field {field!r} missing"
    assert body["success"] is True and isinstance(body["message"], str)
    if data_fields is None:
        assert body["data"] == _bare(body), f"{path}: data must be the bare fields"
    else:
        for field in data_fields:
            assert field in body["data"], f"{path}: data.{field} missing (CHUB's frontend reads it)"


def test_media_item_routes_answer_the_envelope_and_matched(demo):
    media_id = _first_media_id(demo)
    for path in (f"/api/media/{media_id}", f"/api/media/{media_id}/history"):
        body = demo.get(path).json()
        assert body["success"] is True and body["data"] == _bare(body), path
    item = demo.get(f"/api/media/{media_id}").json()
    assert item["matched"] is bool(item["links"])
    items = demo.get("/api/media/search", params={"limit": 500}).json()["items"]
    assert all(isinstance(i["matched"], bool) for i in items)
    # matched = linked to a media-server item; the media stats count the very same thing
    totals = demo.get("/api/media/stats", params={"period": "all"}).json()["totals"]
    arr_items = [i for i in items if i["role"] == "arr"]
    assert len(arr_items) == totals["total"]
    assert sum(i["matched"] for i in arr_items) == totals["matched"] > 0
    assert totals["unmatched"] == sum(not i["matched"] for i in arr_items)


def test_module_schema_for_every_registered_module(demo):
    from curatarr.modules import registry

    for name in registry.names(include_hidden=True):
        r = demo.get(f"/api/modules/{name}/schema")
        assert r.status_code == 200, (name, r.text)
        body = r.json()
        assert body["schema"]["type"] == "object" and body["success"] is True and body["data"]["schema"], name


def test_login_and_setup_data_carry_token_and_username(demo):
    r = demo.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    body = r.json()
    assert r.status_code == 200 and body["token"] and body["expires_at"]
    assert body["success"] is True and body["data"]["token"] == body["token"]
    assert body["data"]["username"] == ADMIN_USER


def test_logs_data_lists_module_names_and_config_data_is_the_document(demo):
    logs = demo.get("/api/logs").json()
    assert logs["data"]["modules"] == sorted(logs["modules"])
    config = demo.get("/api/config").json()
    assert config["data"] == config["config"]
    narrowed = demo.get("/api/config", params={"section": "general"}).json()
    assert narrowed["data"] == narrowed["config"] and "general" in narrowed["data"]


def test_modules_data_counts_statuses_and_lists_schedules(demo):
    body = demo.get("/api/modules").json()
    names = [m["name"] for m in body["modules"]]
    assert body["data"]["modules"] == body["modules"]
    assert sum(body["data"]["status_counts"].values()) == len(names)
    assert sorted(body["data"]["schedule"]) == sorted(names)


def test_orphaned_is_routed_and_finds_items_gone_from_their_arr(demo):
    radarr = demo.sims.sims["radarr"].library
    gone = radarr.movies[3]
    r = httpx.delete(f"{demo.sims.urls['radarr']}/api/v3/movie/{gone.id}",
                     headers={"X-Api-Key": demo.sims.api_keys["radarr"]})
    assert r.status_code == 200
    body = demo.get("/api/media/orphaned").json()
    assert [i["id"] for i in body["items"]] == [f"radarr:{gone.id}"]
    assert set(body["instances_checked"]) == {"radarr", "sonarr"} and body["unreachable"] == []
    kept = _first_media_id(demo)
    purge = demo.post("/api/media/orphaned/purge", json={"ids": [f"radarr:{gone.id}", kept]}).json()
    assert purge["purged"] == [f"radarr:{gone.id}"] and purge["skipped"] == [kept]
    assert demo.get(f"/api/media/radarr:{gone.id}").status_code == 404
    assert demo.get(f"/api/media/{kept}").status_code == 200
    assert demo.get("/api/media/orphaned").json()["total"] == 0


def test_disk_lists_the_data_dir_and_configured_roots(demo, tmp_path):
    rt = demo.app_.state.runtime
    rt.config.update({"general": {"allowed_roots": [str(tmp_path), str(tmp_path / "missing")]}})
    try:
        mounts = demo.get("/api/system/disk").json()["mounts"]
    finally:
        rt.config.update({"general": {"allowed_roots": []}})
    by_path = {m["path"]: m for m in mounts}
    assert list(by_path) == [str(rt.data_dir), str(tmp_path), str(tmp_path / "missing")]
    data = by_path[str(rt.data_dir)]
    assert data["exists"] and data["total_bytes"] >= data["free_bytes"] >= 0 and 0 <= data["percent_used"] <= 100
    assert set(data) == {"path", "exists", "device_id", "total_bytes", "used_bytes", "free_bytes", "percent_used",
                         "shared_with"}
    assert by_path[str(tmp_path / "missing")]["exists"] is False
    if data["device_id"] == by_path[str(tmp_path)]["device_id"]:
        assert str(tmp_path) in data["shared_with"]


# ---- errors -----------------------------------------------------------------------------------------

def _error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert "detail" in body and body["success"] is False and body["error_code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_each_error_class_answers_detail_and_its_error_code(demo):
    anon = {"Authorization": ""}
    _error(demo.get("/api/jobs", headers=anon), 401, "AUTH_REQUIRED")
    _error(demo.get("/api/jobs", headers={"Authorization": "Bearer not.a.token"}), 401, "AUTH_TOKEN_INVALID")
    _error(demo.get("/api/jobs", headers={"Authorization": "", "X-API-Key": "nope"}), 401, "AUTH_TOKEN_INVALID")
    _error(demo.post("/api/auth/login", json={"username": ADMIN_USER, "password": "wrong-password"}),
           401, "AUTH_INVALID_CREDENTIALS")
    _error(demo.post("/api/auth/setup", json={"username": "x", "password": "long-enough-1"}),
           403, "AUTH_ALREADY_CONFIGURED")
    body = _error(demo.get("/api/jobs", params={"limit": "many"}), 422, "VALIDATION_ERROR")
    assert body["data"] == body["detail"] and body["detail"][0]["loc"] == ["query", "limit"]
    assert body["message"].startswith("Validation failed")
    assert _error(demo.get("/api/definitely/not/here"), 404, "HTTP_ERROR")["detail"] == "Not Found"
    _error(demo.get("/api/jobs/987654"), 404, "JOB_NOT_FOUND")
    _error(demo.get("/api/modules/nope"), 404, "MODULE_NOT_FOUND")
    _error(demo.get("/api/modules/nope/schema"), 404, "MODULE_NOT_FOUND")
    _error(demo.get("/api/config", params={"section": "nope"}), 404, "SECTION_NOT_FOUND")
    _error(demo.delete("/api/schedule/poster_maker"), 404, "SCHEDULE_NOT_FOUND")
    _error(demo.get("/api/directory", params={"path": "/etc"}), 403, "PATH_NOT_ALLOWED")


def test_auth_errors_before_setup(tmp_path):
    from curatarr.app import create_app
    from curatarr.runtime import Runtime

    rt = Runtime(tmp_path / "fresh", console_logs=False)
    try:
        with TestClient(create_app(rt, start_services=False)) as c:
            _error(c.post("/api/auth/login", json={"username": "a", "password": "whatever-123"}),
                   403, "AUTH_NOT_CONFIGURED")
            _error(c.post("/api/auth/setup", json={"username": "a", "password": "short"}),
                   422, "AUTH_PASSWORD_TOO_SHORT")
            status = c.get("/api/auth/status").json()
            assert status["data"] == {"configured": False, "required": True, "setup_required": True}
    finally:
        rt.close()


def test_unexpected_errors_answer_the_envelope_with_security_headers(demo):
    from curatarr.app import SECURITY_HEADERS

    def explode():
        raise RuntimeError("secret internals")

    demo.app_.add_api_route("/boom", explode)
    r = demo.get("/boom")
    body = _error(r, 500, "INTERNAL_ERROR")
    assert body["detail"] == "Internal server error" and "secret" not in r.text
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value


# ---- Posterizarr routes keep their shapes --------------------------------------------------------------

POSTERIZARR_GETS = [
    ("/api/status", ("running", "manual_running", "scheduler_running", "scheduler_is_executing", "last_logs")),
    ("/api/scheduler/status", ("success", "enabled", "running", "schedules")),
    ("/api/runtime-history", ()),
]


@pytest.mark.parametrize("path,fields", POSTERIZARR_GETS, ids=[p for p, _ in POSTERIZARR_GETS])
def test_posterizarr_routes_keep_their_shapes(demo, path, fields):
    r = demo.get(path)
    assert r.status_code == 200, r.text
    body = r.json()
    for field in fields:
        assert field in body
    assert "data" not in body and "error_code" not in body
    assert not is_chub_route("GET", path)


# ---- the envelope itself --------------------------------------------------------------------------------

def test_spliced_envelope_equals_the_decoded_one():
    bare = {"items": [{"id": "radarr:1", "title": "Ünïcode"}], "total": 1}
    raw = json.dumps(bare, ensure_ascii=False, separators=(",", ":")).encode()
    assert json.loads(envelope_bytes(raw, "GET /api/media/search")) == envelope(bare)
    # a bare field named like an envelope key wins (decoded path), lists are left alone
    own = {"success": True, "message": "Token revoked"}
    assert json.loads(envelope_bytes(json.dumps(own).encode(), "GET /api/x")) == {**own, "data": {}}
    assert envelope_bytes(b"[1,2]", "GET /api/x") == b"[1,2]"


def test_every_chub_seed_route_is_in_the_envelope_table():
    from pathlib import Path

    seed = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "chub-developer-api.md"
    if not seed.exists():
        pytest.skip("../shared is absent")
    import re

    routes = set(re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/api[^\s?]*)", seed.read_text(encoding="utf-8")))
    assert routes and all(is_chub_route(m, p) for m, p in routes)
    assert len(CHUB_ROUTES) >= len(routes)


def test_downloads_and_streams_are_not_enveloped(demo):
    r = demo.post("/api/media/export", json={"format": "json"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert isinstance(r.json(), (list, dict)) and '"success":true,"message":"OK"' not in r.text
