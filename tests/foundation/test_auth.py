"""/api/auth: first-run setup, login + rate limit, me, logout, password change, API keys, the auth matrix."""

from __future__ import annotations

import pytest

from tests.foundation.conftest import ADMIN_PASSWORD, ADMIN_USER, basic_header, bearer, create_api_key

PROTECTED = "/api/auth/me"


# ---- setup / status ------------------------------------------------------------------------------

def test_status_before_and_after_setup(fresh_client):
    r = fresh_client.get("/api/auth/status")
    assert r.status_code == 200
    bare = {"configured": False, "required": True, "setup_required": True}
    assert r.json() == {**bare, "success": True, "message": "OK", "data": bare}  # CHUB's envelope too

    r = fresh_client.post("/api/auth/setup", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["username"] == ADMIN_USER and body["token_type"] == "bearer"
    assert body["token"].count(".") == 2 and body["expires_at"].endswith("Z")

    assert fresh_client.get("/api/auth/status").json()["configured"] is True


def test_setup_runs_only_once(client, anon_client):
    r = anon_client.post("/api/auth/setup", json={"username": "intruder", "password": "intruder-pass"})
    assert r.status_code == 403
    assert "already" in r.json()["detail"]
    # The intruder was not created: logging in with it fails.
    r = anon_client.post("/api/auth/login", json={"username": "intruder", "password": "intruder-pass"})
    assert r.status_code == 401


@pytest.mark.parametrize("payload, status", [
    ({"username": "admin", "password": "short"}, 422),
    ({"username": "", "password": "long-enough-pass"}, 422),
    ({"username": "bad\u0001name", "password": "long-enough-pass"}, 422),
    ({"username": "admin"}, 422),
    ({"username": "admin", "password": "x" * 2000}, 422),
])
def test_setup_rejects_bad_credentials(fresh_client, payload, status):
    r = fresh_client.post("/api/auth/setup", json=payload)
    assert r.status_code == status, r.text
    assert "detail" in r.json()
    assert fresh_client.get("/api/auth/status").json()["configured"] is False


def test_login_before_setup_is_refused(fresh_client):
    r = fresh_client.post("/api/auth/login", json={"username": "a", "password": "whatever-pass"})
    assert r.status_code == 403


# ---- login / me / logout ---------------------------------------------------------------------------

def test_login_me_logout(client, anon_client):
    r = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    token = r.json()["token"]

    me = anon_client.get("/api/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["username"] == ADMIN_USER and me.json()["method"] == "jwt"

    out = anon_client.post("/api/auth/logout", headers=bearer(token))
    assert out.status_code == 200 and out.json()["success"] is True
    # Logout revokes exactly that token; the client's own session still works.
    assert anon_client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/auth/me").status_code == 200


def test_login_wrong_password_and_unknown_user(client, anon_client):
    r = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": "wrong-password"})
    assert r.status_code == 401
    r = anon_client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password"})
    assert r.status_code == 401
    assert r.json()["detail"] == "invalid username or password"


def test_login_rate_limit_answers_429_with_retry_after(client, anon_client):
    statuses = []
    for _ in range(5):
        r = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": "wrong-password"})
        statuses.append(r.status_code)
    assert statuses == [401] * 5
    r = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "detail" in r.json()


def test_login_rate_limit_follows_config(client, anon_client):
    r = client.post("/api/config", json={"auth": {"login_burst": 2}})
    assert r.status_code == 200, r.text
    codes = [anon_client.post("/api/auth/login", json={"username": "x", "password": "wrong-password"}).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]


# ---- tokens ---------------------------------------------------------------------------------------

def test_password_change_invalidates_old_tokens(client, anon_client):
    old = client.token
    second = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD}).json()["token"]
    r = client.post("/api/auth/password", json={"current_password": ADMIN_PASSWORD, "new_password": "brand-new-pass-456"})
    assert r.status_code == 200, r.text
    new = r.json()["token"]

    assert anon_client.get(PROTECTED, headers=bearer(old)).status_code == 401
    assert anon_client.get(PROTECTED, headers=bearer(second)).status_code == 401
    assert anon_client.get(PROTECTED, headers=bearer(new)).status_code == 200
    # Old password no longer works, new one does (Basic goes through the same check).
    assert anon_client.get(PROTECTED, headers=basic_header(ADMIN_USER, ADMIN_PASSWORD)).status_code == 401
    assert anon_client.get(PROTECTED, headers=basic_header(ADMIN_USER, "brand-new-pass-456")).status_code == 200


def test_password_change_rejects_wrong_current_and_short_new(client):
    r = client.post("/api/auth/password", json={"current_password": "not-it-at-all", "new_password": "brand-new-pass-456"})
    assert r.status_code == 400
    r = client.post("/api/auth/password", json={"current_password": ADMIN_PASSWORD, "new_password": "short"})
    assert r.status_code == 422
    assert client.get(PROTECTED).status_code == 200


def test_password_change_needs_a_user_session(client, anon_client, api_key):
    r = anon_client.post("/api/auth/password", headers={"X-API-Key": api_key},
                         json={"current_password": ADMIN_PASSWORD, "new_password": "brand-new-pass-456"})
    assert r.status_code == 403


@pytest.mark.parametrize("token", [
    "not-a-jwt",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl",
    "",
])
def test_malformed_tokens_are_401(shared_client, token):
    r = shared_client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


def test_token_signed_with_another_secret_is_401(client, anon_client):
    from curatarr.auth.tokens import issue_token

    forged, _ = issue_token("some-other-secret", ADMIN_USER, 1)
    assert anon_client.get(PROTECTED, headers=bearer(forged)).status_code == 401


def test_expired_token_is_401(client, anon_client, runtime):
    import jwt

    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    expired = jwt.encode({"sub": ADMIN_USER, "iat": now - timedelta(hours=3), "exp": now - timedelta(hours=1),
                          "jti": "x" * 32}, runtime.jwt_secret, algorithm="HS256")
    assert anon_client.get(PROTECTED, headers=bearer(expired)).status_code == 401


# ---- auth matrix ----------------------------------------------------------------------------------

def test_auth_matrix(client, anon_client, api_key):
    def code(**kw):
        return anon_client.get(PROTECTED, **kw).status_code

    assert code() == 401
    assert code(headers=bearer(client.token)) == 200
    assert code(headers={"X-API-Key": api_key}) == 200
    assert code(params={"api_key": api_key}) == 200
    assert code(headers=basic_header()) == 200
    # Wrong variants of each.
    assert code(headers=basic_header(ADMIN_USER, "wrong-password")) == 401
    assert code(headers={"Authorization": "Basic !!!notbase64"}) == 401
    assert code(headers={"X-API-Key": api_key + "x"}) == 401
    assert code(params={"api_key": "cur_nope"}) == 401
    # ?token= is only for event streams and images, not for ordinary routes.
    assert code(params={"token": client.token}) == 401


def test_unauthenticated_answer_is_json_with_www_authenticate(client, anon_client):
    r = anon_client.get(PROTECTED)
    assert r.status_code == 401
    assert r.json() == {"detail": "Not authenticated", "success": False, "message": "Not authenticated",
                        "error_code": "AUTH_REQUIRED"}
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_me_reports_the_credential_kind(client, anon_client, api_key):
    assert anon_client.get(PROTECTED, headers={"X-API-Key": api_key}).json()["method"] == "api_key"
    assert anon_client.get(PROTECTED, headers=basic_header()).json()["method"] == "basic"


# ---- API keys -------------------------------------------------------------------------------------

def test_api_key_crud_and_revocation(client, anon_client):
    created = create_api_key(client, "Sonarr webhook")
    key = created["key"]
    assert key.startswith("cur_") and len(key) > 30
    assert created["prefix"] == key[:10] and created["name"] == "Sonarr webhook"

    listed = client.get("/api/auth/keys").json()
    assert listed["total"] == 1
    entry = listed["keys"][0]
    assert entry["id"] == created["id"] and entry["prefix"] == key[:10]
    assert key not in client.get("/api/auth/keys").text  # only the prefix is ever shown again
    assert "key_hash" not in entry and "key" not in entry

    assert anon_client.get(PROTECTED, headers={"X-API-Key": key}).status_code == 200
    assert client.get("/api/auth/keys").json()["keys"][0]["last_used_at"] is not None

    r = client.delete(f"/api/auth/keys/{created['id']}")
    assert r.status_code == 200 and r.json() == {"success": True, "id": created["id"]}
    # A revoked key is refused everywhere, header and query alike.
    assert anon_client.get(PROTECTED, headers={"X-API-Key": key}).status_code == 401
    assert anon_client.get(PROTECTED, params={"api_key": key}).status_code == 401
    assert client.delete(f"/api/auth/keys/{created['id']}").status_code == 404
    assert client.get("/api/auth/keys").json() == {"keys": [], "total": 0}


def test_api_key_is_stored_hashed(client, runtime):
    from sqlalchemy import select

    from curatarr.db.models.auth import ApiKey

    key = create_api_key(client)["key"]
    with runtime.db.session() as s:
        row = s.scalar(select(ApiKey))
    assert row.key_hash != key and key not in row.key_hash and len(row.key_hash) == 64


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x" * 151}, {}, {"name": None}])
def test_api_key_name_validation(shared_client, body):
    r = shared_client.post("/api/auth/keys", json=body)
    assert r.status_code == 422
    assert shared_client.get("/api/auth/keys").json()["total"] == 0


@pytest.mark.parametrize("key_id", ["not-a-number", "0", "-1", "70519551365444301248928386383872", "1.5"])
def test_api_key_ids_must_be_sane_integers(shared_client, key_id):
    # A huge id once overflowed SQLite's INTEGER and answered 500 (found by schemathesis).
    r = shared_client.delete(f"/api/auth/keys/{key_id}")
    assert r.status_code == 422


def test_password_change_revokes_tokens_issued_in_the_same_second(runtime):
    """Tokens carry a fingerprint of the password they were issued under, so no grace window exists."""
    auth = runtime.auth
    auth.setup(ADMIN_USER, ADMIN_PASSWORD)
    for _ in range(3):
        token, _claims = auth.issue(ADMIN_USER)
        assert auth.verify_token(token) is not None
        auth.change_password(ADMIN_USER, ADMIN_PASSWORD, ADMIN_PASSWORD)  # even the same password
        assert auth.verify_token(token) is None


def test_reset_auth_then_setup_does_not_revive_old_tokens(runtime):
    auth = runtime.auth
    old, _ = auth.setup(ADMIN_USER, ADMIN_PASSWORD)
    auth.reset()
    auth.setup(ADMIN_USER, "another-pass-789")
    assert auth.verify_token(old) is None


def test_basic_auth_failures_share_the_login_rate_limit(client, anon_client):
    """Basic on an ordinary route is no way around the login limit."""
    codes = [anon_client.get(PROTECTED, headers=basic_header(ADMIN_USER, f"guess-{i}-xx")).status_code
             for i in range(6)]
    assert codes == [401] * 5 + [429]
    r = anon_client.get(PROTECTED, headers=basic_header())
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # The login endpoint is limited for that client too; JWT and API key callers are not affected.
    assert anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD}).status_code == 429
    assert client.get(PROTECTED).status_code == 200


def test_successful_basic_auth_is_not_limited(client, anon_client):
    codes = {anon_client.get(PROTECTED, headers=basic_header()).status_code for _ in range(8)}
    assert codes == {200}
