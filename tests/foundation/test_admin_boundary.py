"""The admin boundary (issue #20, item 1): scopes on keys and sessions, the policy table, folder
settings that widen file access, and the root rule (data dir and system folders never roots)."""

from __future__ import annotations

import jwt
import pytest

from curatarr.auth import policy
from tests.foundation.conftest import bearer

ASSET = "/poster_assets/jwt.secret"


def key_for(client, scope: str | None) -> dict[str, str]:
    body = {"name": f"{scope} key"} | ({"scope": scope} if scope else {})
    r = client.post("/api/auth/keys", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["scope"] == (scope or "read")
    return {"X-API-Key": r.json()["key"]}


@pytest.fixture
def keys(client) -> dict[str, dict[str, str]]:
    return {scope: key_for(client, scope) for scope in policy.SCOPES}


# ---- the policy table ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, scope", [
    ("GET", "/api/jobs", "read"),
    ("POST", "/api/modules/{name}/execute", "operator"),
    ("DELETE", "/api/media/{media_id}", "operator"),
    ("GET", "/api/auth/keys", "admin"),
    ("POST", "/api/auth/keys", "admin"),
    ("POST", "/api/auth/logout", "read"),
    ("POST", "/api/backup", "admin"),
    ("GET", "/api/backups", "admin"),
    ("GET", "/api/backups/{filename}", "admin"),
    ("POST", "/api/restore", "admin"),
    ("POST", "/api/config", "admin"),
    ("GET", "/api/config", "read"),
    ("POST", "/api/instances", "admin"),
    ("PUT", "/api/instances/{instance_id}", "admin"),
    ("PATCH", "/api/instances/{instance_id}", "admin"),
    ("DELETE", "/api/instances/{instance_id}", "admin"),
    ("POST", "/api/instances/test", "operator"),
    ("POST", "/api/instances/{instance_id}/sync", "operator"),
    ("GET", "/api/instances", "read"),
    ("POST", "/api/notifications", "admin"),
    ("DELETE", "/api/notifications/{module_id}/{service_type}", "admin"),
    ("POST", "/api/notifications/test", "operator"),
])
def test_policy_table(method, path, scope):
    assert policy.required_scope(method, path) == scope


def test_new_keys_default_to_read_and_the_list_shows_scopes(client):
    key_for(client, None)
    key_for(client, "admin")
    listed = client.get("/api/auth/keys").json()["keys"]
    assert [k["scope"] for k in listed] == ["read", "admin"]
    assert client.post("/api/auth/keys", json={"name": "x", "scope": "root"}).status_code == 422


def test_read_key_reads_but_never_writes(anon_client, keys):
    read = keys["read"]
    assert anon_client.get("/api/config", headers=read).status_code == 200
    assert anon_client.get("/api/auth/me", headers=read).json()["scope"] == "read"
    r = anon_client.post("/api/test", json={"message": "hi"}, headers=read)
    assert r.status_code == 403 and "operator" in r.json()["detail"]
    assert anon_client.post("/api/test", json={"message": "hi"}, headers=keys["operator"]).status_code == 200


@pytest.mark.parametrize("method, url, body", [
    ("post", "/api/config", {"general": {"log_level": "info"}}),
    ("post", "/api/backup", None),
    ("get", "/api/backups", None),
    ("get", "/api/backups/curatarr-backup-x.zip", None),
    ("get", "/api/auth/keys", None),
    ("post", "/api/auth/keys", {"name": "escalate", "scope": "admin"}),
    ("post", "/api/instances", {"name": "x", "type": "radarr", "url": "http://127.0.0.1:1", "api_key": "k"}),
    ("delete", "/api/instances/1", None),
    ("post", "/api/notifications", {"module_id": "poster_maker", "service_type": "discord", "config": {}}),
])
def test_operator_key_cannot_cross_the_admin_boundary(anon_client, keys, method, url, body):
    kwargs = {"json": body} if body is not None else {}
    r = anon_client.request(method.upper(), url, headers=keys["operator"], **kwargs)
    assert r.status_code == 403, r.text
    assert "admin" in r.json()["detail"]
    assert anon_client.request(method.upper(), url, headers=keys["read"], **kwargs).status_code == 403


def test_admin_key_and_session_reach_admin_routes(client, anon_client, keys):
    assert anon_client.get("/api/backups", headers=keys["admin"]).status_code == 200
    assert client.get("/api/backups").status_code == 200
    claims = jwt.decode(client.token, options={"verify_signature": False})
    assert claims["scope"] == "admin"
    assert client.get("/api/auth/me").json()["scope"] == "admin"


def test_read_scoped_session_token_is_held_to_its_scope(client, anon_client, runtime):
    from curatarr.auth.tokens import issue_token

    token, _ = issue_token(runtime.jwt_secret, "admin", 1, scope="read")
    assert anon_client.get("/api/jobs", headers=bearer(token)).status_code == 200
    assert anon_client.post("/api/test", json={}, headers=bearer(token)).status_code == 403


# ---- folder settings need admin; the root rule -----------------------------------------------------

def test_changing_a_module_folder_needs_admin_keeping_it_does_not(client, anon_client, keys, runtime, tmp_path):
    assets = runtime.data_dir / "assets"
    assets.mkdir()
    other = tmp_path / "other-assets"
    other.mkdir()
    url = "/api/modules/poster_maker/config"
    assert client.put(url, json={"asset_path": str(assets), "workers": 2}).status_code == 200
    op = keys["operator"]
    # Same folder, another setting: an operator may.
    r = anon_client.put(url, json={"asset_path": str(assets), "workers": 3}, headers=op)
    assert r.status_code == 200, r.text
    # Another folder: admin only.
    r = anon_client.put(url, json={"asset_path": str(other), "workers": 3}, headers=op)
    assert r.status_code == 403 and "admin" in r.json()["detail"]
    assert runtime.config.get_section("poster_maker")["asset_path"] == str(assets)
    r = anon_client.put(url, json={"asset_path": str(other), "workers": 3}, headers=keys["admin"])
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("where", ["data", "etc", "root_fs", "parent_of_data", "backups"])
def test_roots_can_never_be_or_contain_the_data_dir_or_a_system_folder(client, runtime, where):
    folder = {"data": str(runtime.data_dir), "etc": "/etc", "root_fs": "/",
              "parent_of_data": str(runtime.data_dir.parent), "backups": str(runtime.data_dir / "backups")}[where]
    r = client.put("/api/modules/poster_maker/config", json={"asset_path": folder})
    assert r.status_code == 422, r.text
    assert "refused" in r.json()["message"]
    r = client.post("/api/config", json={"general": {"allowed_roots": [folder]}})
    assert r.status_code == 422, r.text
    assert runtime.settings.general.allowed_roots == []


def test_the_reported_exploit_is_closed_even_with_a_hand_edited_config(client, runtime):
    """Issue #20 item 1: asset_path = the data dir, then GET /poster_assets/jwt.secret."""
    import yaml

    hand_edited = {"poster_maker": {"asset_path": str(runtime.data_dir)},
                   "general": {"allowed_roots": ["/etc", "/root", "/", str(runtime.data_dir.parent)]}}
    (runtime.data_dir / "config.yml").write_text(yaml.safe_dump(hand_edited))
    runtime.config.load()
    roots = runtime.roots()
    assert roots == [runtime.data_dir]  # every unsafe root filtered out; the data dir stays browsable
    for name in ("jwt.secret", "config.yml", "config.yml.bak", "curatarr.db", "backups/x.zip", "logs/curatarr.log"):
        r = client.get(f"/poster_assets/{name}")
        assert r.status_code in (400, 403, 404), (name, r.status_code)
        assert runtime.jwt_secret not in r.text
    assert client.get("/api/directory", params={"path": "/root"}).status_code == 403
    assert client.get("/api/directory", params={"path": "/etc"}).status_code == 403
    assert client.get("/api/directory", params={"path": str(runtime.data_dir / "backups")}).status_code == 403


def test_data_dir_subfolders_serve_assets_but_not_secrets(client, runtime):
    assets = runtime.data_dir / "assets"
    (assets / "Movie (2020)").mkdir(parents=True)
    (assets / "Movie (2020)" / "poster.jpg").write_bytes(b"\xff\xd8 jpeg")
    (assets / "leak").symlink_to(runtime.data_dir / "jwt.secret")
    assert client.put("/api/modules/poster_maker/config", json={"asset_path": str(assets)}).status_code == 200
    assert client.get("/poster_assets/Movie (2020)/poster.jpg").status_code == 200
    assert client.get("/poster_assets/leak").status_code in (400, 403)


# ---- the migration --------------------------------------------------------------------------------------

def test_existing_keys_become_operator_and_setup_stays_closed(db_url):
    """foundation_0002 on a database made before scopes: keys → operator, the setup row written."""
    from alembic import command
    from sqlalchemy import text

    from curatarr.db import Database

    db = Database(db_url)
    try:
        cfg = db.alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "foundation_0001")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, password_hash, is_admin, created_at, password_changed_at) "
                              "VALUES (1, 'old', 'x', true, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO api_keys (id, name, prefix, key_hash, user_id, created_at) "
                              "VALUES (1, 'old key', 'cur_abcdef', 'h', 1, '2025-01-01 00:00:00')"))
        db.migrate()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT scope FROM api_keys")).scalar_one() == "operator"
            assert conn.execute(text("SELECT id FROM auth_setup")).scalar_one() == 1
    finally:
        db.dispose()
