"""Instances CRUD over the API against the simulators: masking, secrets kept, names, rename, delete."""

from __future__ import annotations

import pytest

from curatarr.config.secrets import MASK
from tests.instances.conftest import add_instance


def _radarr(sim_instances) -> dict:
    return dict(sim_instances["radarr"]["radarr"])


def test_types_and_schema(client):
    types = {t["name"]: t for t in client.get("/api/instances/types").json()["types"]}
    assert set(types) == {"radarr", "sonarr", "lidarr", "plex", "jellyfin", "emby", "tmdb", "fanart", "tvdb"}
    body = client.get("/api/instances/types/radarr/schema").json()
    fields = {f["name"]: f for f in body["schema"]}
    assert fields["url"]["required"] and fields["url"]["placeholder"].startswith("http://")
    assert fields["api"]["secret"] and fields["api"]["label"] == "API key"
    assert body["json_schema"]["properties"]["api"]["writeOnly"] is True
    assert set(body["json_schema"]["required"]) == {"url", "api"}
    tvdb = {f["name"]: f for f in client.get("/api/instances/types/TVDB/schema").json()["schema"]}
    assert tvdb["pin"]["secret"] and not tvdb["url"]["required"]
    r = client.get("/api/instances/types/sabnzbd/schema")
    assert r.status_code == 404 and "unknown instance type" in r.json()["detail"]


def test_create_list_get_masks_secrets(client, sim_instances, runtime):
    cfg = _radarr(sim_instances)
    created = client.post("/api/instances", json={"type": "radarr", "name": "radarr_main", "url": cfg["url"],
                                                  "apiKey": cfg["api"]})
    assert created.status_code == 201, created.text
    assert created.json()["instance"]["api"] == MASK
    listing = client.get("/api/instances")
    assert listing.json()["radarr"]["radarr_main"] == {"url": cfg["url"], "api": MASK, "enabled": True}
    assert set(listing.json()) >= {"radarr", "sonarr", "plex", "jellyfin", "emby", "tmdb", "fanart", "tvdb"}
    assert cfg["api"] not in listing.text
    one = client.get("/api/instances/radarr_main").json()
    bare = {"url": cfg["url"], "api": MASK, "enabled": True, "name": "radarr_main", "service": "radarr",
            "type": "radarr"}
    assert one == {**bare, "success": True, "message": "OK", "data": bare}  # CHUB's envelope too
    only_plex = client.get("/api/instances", params={"type": "plex"}).json()
    assert only_plex == {"plex": {}, "success": True, "message": "OK", "data": {"plex": {}}}
    # stored for real in config.yml
    assert runtime.config.get_section("instances")["radarr"]["radarr_main"]["api"] == cfg["api"]
    assert cfg["api"] not in client.get("/api/config").text


def test_masked_key_sent_back_on_update_keeps_the_real_key(client, sim_instances, runtime):
    cfg = _radarr(sim_instances)
    add_instance(client, "radarr", "radarr_main", cfg)
    shown = client.get("/api/instances/radarr_main").json()
    assert shown["api"] == MASK
    # The UI sends back exactly what it was shown, plus an edit.
    r = client.put("/api/instances/radarr_main", json={**shown, "url": cfg["url"] + "/"})
    assert r.status_code == 200, r.text
    stored = runtime.config.get_section("instances")["radarr"]["radarr_main"]
    assert stored["api"] == cfg["api"]
    assert stored["url"] == cfg["url"]  # trailing slash trimmed
    # …and the key still works against the simulator.
    assert client.post("/api/instances/radarr_main/test").json()["status"] == "healthy"
    # A PUT without the key also keeps it; a new key replaces it.
    client.put("/api/instances/radarr_main", json={"service": "radarr", "url": cfg["url"]})
    assert runtime.config.get_section("instances")["radarr"]["radarr_main"]["api"] == cfg["api"]
    client.put("/api/instances/radarr_main", json={"api": "0" * 32})
    assert runtime.config.get_section("instances")["radarr"]["radarr_main"]["api"] == "0" * 32
    assert client.post("/api/instances/radarr_main/test").json()["status"] == "auth_failed"


def test_put_does_not_reset_enabled_and_patch_toggles_only_enabled(client, sim_instances, runtime):
    cfg = _radarr(sim_instances)
    add_instance(client, "radarr", "radarr_main", cfg)
    r = client.patch("/api/instances/radarr_main", json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    stored = runtime.config.get_section("instances")["radarr"]["radarr_main"]
    assert stored == {"url": cfg["url"], "api": cfg["api"], "enabled": False}
    client.put("/api/instances/radarr_main", json={"service": "radarr", "url": cfg["url"], "api": MASK})
    assert runtime.config.get_section("instances")["radarr"]["radarr_main"]["enabled"] is False
    assert client.get("/api/instances/health").json()["health"]["radarr_main"]["status"] == "disabled"
    assert client.patch("/api/instances/radarr_main", json={"enabled": "yes"}).status_code == 400
    assert client.patch("/api/instances/radarr_main", json={}).status_code == 400
    assert client.patch("/api/instances/nope", json={"enabled": True}).status_code == 404


def test_names_unique_across_types_and_validated(client, sim_instances):
    add_instance(client, "radarr", "media", _radarr(sim_instances))
    plex = sim_instances["plex"]["plex"]
    clash = client.post("/api/instances", json={"service": "plex", "name": "media", **plex})
    assert clash.status_code == 409 and "already exists" in clash.json()["detail"]
    for bad in ("", "a/b", "../x", "x" * 101, " spaced name"):
        r = client.post("/api/instances", json={"service": "plex", "name": bad, **plex})
        assert r.status_code == 400, bad
    r = client.post("/api/instances", json={"service": "sabnzbd", "name": "s", "url": "http://127.0.0.1:1", "api": "k"})
    assert r.status_code == 400 and "unknown instance type" in r.json()["detail"]
    r = client.post("/api/instances", json={"service": "radarr", "name": "nokey", "url": "http://127.0.0.1:1"})
    assert r.status_code == 400 and "api" in r.json()["detail"]
    r = client.post("/api/instances", json={"service": "radarr", "name": "masked", "url": "http://127.0.0.1:1",
                                            "api": MASK})
    assert r.status_code == 400
    assert client.post("/api/instances", json=["not", "an", "object"]).status_code in (400, 422)
    r = client.post("/api/instances", json={"service": "plex", "name": "p", **plex, "colour": "red"})
    assert r.status_code == 400 and "unknown field" in r.json()["detail"]


def test_hand_added_settings_survive_an_edit_from_the_ui(client, sim_instances, runtime):
    cfg = _radarr(sim_instances)
    runtime.config.update({"instances": {"radarr": {"r1": {**cfg, "verify_ssl": False}}}})
    shown = client.get("/api/instances/r1").json()
    assert shown["verify_ssl"] is False
    assert client.put("/api/instances/r1", json=shown).status_code == 200
    assert runtime.config.get_section("instances")["radarr"]["r1"] == {**cfg, "verify_ssl": False}


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest", "http://metadata.google.internal",
                                 "file:///etc/passwd", "http://[fe80::1]:8080"])
def test_ssrf_guard_on_create_update_and_test(client, sim_instances, url):
    r = client.post("/api/instances", json={"service": "radarr", "name": "evil", "url": url, "api": "k" * 32})
    assert r.status_code == 400 and "URL" in r.json()["detail"]
    add_instance(client, "radarr", "good", _radarr(sim_instances))
    r = client.put("/api/instances/good", json={"url": url, "api": "k" * 32})
    assert r.status_code == 400
    r = client.post("/api/instances/test", json={"service": "radarr", "url": url, "api": "k" * 32})
    assert r.status_code == 400


def test_rename_updates_module_references_logs_and_history(client, sim_instances, runtime):
    from curatarr.instances.logstore import get_store, instance_logger

    add_instance(client, "radarr", "radarr_a", _radarr(sim_instances))
    add_instance(client, "plex", "plex_a", sim_instances["plex"]["plex"])
    runtime.config.update({
        "labelarr": {"mappings": [{"app_instance": "radarr_a", "labels": ["radarr_a"],
                                   "plex_instances": [{"instance": "plex_a", "library_names": ["Movies"]}]}]},
        "poster_renamerr": {"instances": ["radarr_a", {"plex_a": {"library_names": ["Movies"]}}],
                            "asset_folder_name": "radarr_a"},
    })
    instance_logger("radarr_a").warning("something about radarr_a")
    r = client.put("/api/instances/radarr_a", json={"name": "radarr_b", "api": MASK})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "radarr_b" and r.json()["renamed_from"] == "radarr_a"
    cfg = runtime.config.as_dict()
    assert "radarr_a" not in cfg["instances"]["radarr"] and "radarr_b" in cfg["instances"]["radarr"]
    assert cfg["instances"]["radarr"]["radarr_b"]["api"] == sim_instances["radarr"]["radarr"]["api"]
    assert cfg["labelarr"]["mappings"][0]["app_instance"] == "radarr_b"
    assert cfg["labelarr"]["mappings"][0]["labels"] == ["radarr_a"]  # not an instance key: untouched
    assert cfg["poster_renamerr"]["instances"][0] == "radarr_b"
    assert cfg["poster_renamerr"]["asset_folder_name"] == "radarr_a"
    # a plex rename rewrites the mapping key under "instances" and the nested "instance" value
    client.put("/api/instances/plex_a", json={"name": "plex_b"})
    cfg = runtime.config.as_dict()
    assert cfg["poster_renamerr"]["instances"][1] == {"plex_b": {"library_names": ["Movies"]}}
    assert cfg["labelarr"]["mappings"][0]["plex_instances"][0]["instance"] == "plex_b"
    logs = client.get("/api/instances/radarr_b/logs").json()
    assert any("something about radarr_a" in e["message"] for e in logs["logs"])
    assert get_store(runtime).query("radarr_a")[1] == 0
    assert client.get("/api/instances/radarr_a").status_code == 404
    # renaming onto an existing name is refused
    assert client.put("/api/instances/radarr_b", json={"name": "plex_b"}).status_code == 409


def test_type_cannot_change(client, sim_instances):
    add_instance(client, "radarr", "r1", _radarr(sim_instances))
    r = client.put("/api/instances/r1", json={"service": "sonarr"})
    assert r.status_code == 400 and "cannot be changed" in r.json()["detail"]


def test_delete_refuses_referenced_instance_unless_forced(client, sim_instances, runtime):
    add_instance(client, "radarr", "r1", _radarr(sim_instances))
    add_instance(client, "radarr", "r2", _radarr(sim_instances))
    runtime.config.update({"upgradinatorr": {"instances_list": [{"instance": "r1", "count": 1}]}})
    r = client.delete("/api/instances/r1")
    assert r.status_code == 409 and "upgradinatorr" in r.json()["detail"]
    assert client.delete("/api/instances/r2", params={"service": "plex"}).status_code == 404
    bare = {"name": "r2", "service": "radarr", "type": "radarr", "deleted": True}
    assert client.delete("/api/instances/r2", params={"service": "radarr"}).json() == {
        **bare, "success": True, "message": "OK", "data": bare}  # CHUB's envelope too
    assert client.delete("/api/instances/r1", params={"force": "true"}).status_code == 200
    assert runtime.config.get_section("instances")["radarr"] == {}
    assert client.delete("/api/instances/r1").status_code == 404


def test_refresh_and_sync_queue_a_cache_refresh_job(client, sim_instances, runtime):
    add_instance(client, "radarr", "r1", _radarr(sim_instances))
    r = client.post("/api/instances/r1/refresh")
    assert r.status_code == 200 and isinstance(r.json()["job_id"], int), r.text
    job = runtime.jobs.wait(r.json()["job_id"], timeout=60)
    assert job["module"] == "cache_refresh" and job["status"] == "success", job
    assert job["overrides"]["instances"] == ["r1"] and job["overrides"]["full"] is False
    sync = client.post("/api/instances/r1/sync").json()
    assert runtime.jobs.wait(sync["job_id"], timeout=60)["overrides"]["full"] is True
    assert client.post("/api/instances/missing/refresh").status_code == 404


def test_requires_auth(anon_client):
    assert anon_client.get("/api/instances").status_code == 401
    assert anon_client.post("/api/instances/test", json={}).status_code == 401


def test_refresh_without_a_job_queue_is_503_not_inline(runtime, sim_instances):
    from fastapi.testclient import TestClient

    from curatarr.app import create_app

    runtime.config.update({"instances": {"radarr": {"r1": _radarr(sim_instances)}}})
    token, _ = runtime.auth.setup("admin", "admin-pass-123")
    with TestClient(create_app(runtime, start_services=False)) as c:  # no lifecycle hooks: no rt.jobs
        r = c.post("/api/instances/r1/refresh", headers={"Authorization": f"Bearer {token}"})
    detail = "job queue not running; cannot queue a cache refresh"
    assert r.status_code == 503 and r.json() == {"detail": detail, "success": False, "message": detail,
                                                 "error_code": "HTTP_ERROR"}
