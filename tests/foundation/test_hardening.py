"""Hardening items of issue #20: bodies after credentials and bounded (2), one first-run admin (3),
private backups and database files (7), X-Forwarded-For only from trusted proxies (10)."""

from __future__ import annotations

import os
import socket
import stat
import threading

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, LiveServer, free_port

MB = 1024 * 1024


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _open_chunked(server: LiveServer, path: str, headers: dict[str, str] | None = None) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", "Content-Type: application/json",
            "Transfer-Encoding: chunked"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    return sock


def _push(sock: socket.socket, total: int) -> int:
    """Send up to ``total`` body bytes in 1 MB chunks; the number the server let through."""
    sent = 0
    sock.settimeout(3)
    block = _chunk(b"[" + b"1," * (MB // 2 - 1) + b"1]")
    try:
        while sent < total:
            sock.sendall(block)
            sent += MB
    except (socket.timeout, BrokenPipeError, ConnectionResetError, OSError):
        pass
    return sent


# ---- item 2: credentials before the body, bounded bodies -------------------------------------------

def test_unauthenticated_chunked_body_is_refused_before_it_is_read(live_server):
    sock = _open_chunked(live_server, "/api/test")
    try:
        sock.sendall(_chunk(b'{"message": "' + b"x" * 65536))
        answer = sock.recv(4096)  # on a server that reads the body first this waits (and times out)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
        sent = _push(sock, 50 * MB)
        assert sent < 50 * MB, "the server kept reading an unauthenticated body"
    finally:
        sock.close()


def test_authenticated_chunked_body_is_cut_at_the_limit(live_server):
    auth = {"Authorization": f"Bearer {live_server.token}"}
    r = httpx.post(f"{live_server.url}/api/config", json={"general": {"max_request_mb": 1}}, headers=auth)
    assert r.status_code == 200, r.text
    sock = _open_chunked(live_server, "/api/test", auth)
    try:
        _push(sock, 3 * MB)
        sock.settimeout(10)
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    finally:
        sock.close()
    # A declared length over the limit is refused before a byte is read; small bodies still pass.
    r = httpx.post(f"{live_server.url}/api/test", content=b"{" + b" " * (2 * MB) + b"}", headers=auth)
    assert r.status_code == 413
    assert httpx.post(f"{live_server.url}/api/test", json={"message": "hi"}, headers=auth).status_code == 200


def test_upload_routes_keep_the_larger_limit(client):
    assert client.post("/api/config", json={"general": {"max_request_mb": 1}}).status_code == 200
    r = client.post("/api/overlayfiles/upload", files={"file": ("big.png", b"\x89PNG" + b"0" * (2 * MB), "image/png")})
    assert r.status_code != 413, r.text
    assert client.post("/api/test", json={"message": "x" * (2 * MB)}).status_code == 413


def test_wrong_scope_is_refused_before_the_body_is_read(live_server):
    auth = {"Authorization": f"Bearer {live_server.token}"}
    key = httpx.post(f"{live_server.url}/api/auth/keys", json={"name": "ro"}, headers=auth).json()["key"]
    sock = _open_chunked(live_server, "/api/test", {"X-API-Key": key})
    try:
        sock.sendall(_chunk(b"{"))
        assert sock.recv(4096).startswith(b"HTTP/1.1 403")
    finally:
        sock.close()


def test_public_and_webhook_routes_keep_their_own_rules(client, anon_client):
    # Public: login answers on its own terms (no credentials needed to send the body).
    r = anon_client.post("/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    # Webhook routes accept the webhook secret, other routes do not.
    assert client.post("/api/config", json={"general": {"webhook_secret": "s3cret-hook"}}).status_code == 200
    r = anon_client.post("/api/webhook/arr", json={"eventType": "Test"}, headers={"X-Webhook-Secret": "s3cret-hook"})
    assert r.status_code not in (401, 403), r.text
    assert anon_client.post("/api/test", json={}, headers={"X-Webhook-Secret": "s3cret-hook"}).status_code == 401
    # Unknown API paths still answer 404, with or without credentials.
    assert anon_client.post("/api/no-such-route", json={}).status_code == 404


# ---- item 3: one first-run admin ---------------------------------------------------------------------

def test_concurrent_setups_make_exactly_one_admin(db_runtime):
    from sqlalchemy import func, select

    from curatarr.app import create_app
    from curatarr.db.models.auth import User

    server = LiveServer(create_app(db_runtime), free_port()).start()
    try:
        barrier = threading.Barrier(20)
        codes: list[int] = []

        def attempt(i: int) -> None:
            barrier.wait()
            r = httpx.post(f"{server.url}/api/auth/setup", json={"username": f"admin{i}", "password": "pass-word-123"},
                           timeout=120)
            codes.append(r.status_code)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    assert sorted(codes) == [200] + [403] * 19, codes
    with db_runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1


def test_setup_reopens_after_reset(runtime):
    runtime.auth.setup("first", "pass-word-123")
    runtime.auth.reset()
    runtime.auth.setup("second", "pass-word-123")
    assert runtime.auth.user_count() == 1


# ---- item 7: private backups and database ---------------------------------------------------------------

def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_and_database_are_owner_only(client, runtime):
    r = client.post("/api/backup")
    assert r.status_code == 200
    assert _mode(runtime.backups_dir) == 0o700
    zips = list(runtime.backups_dir.glob("*.zip"))
    assert zips and all(_mode(z) == 0o600 for z in zips)
    for suffix in ("", "-wal", "-shm"):
        path = runtime.data_dir / f"curatarr.db{suffix}"
        if path.exists():
            assert _mode(path) & 0o077 == 0, path.name


def test_an_older_world_readable_database_is_made_private(data_dir):
    from curatarr.runtime import Runtime

    db = data_dir / "curatarr.db"
    db.touch(mode=0o644)
    os.chmod(db, 0o644)
    rt = Runtime(data_dir, console_logs=False)
    try:
        assert _mode(db) == 0o600
    finally:
        rt.close()


# ---- item 10: X-Forwarded-For ---------------------------------------------------------------------------

@pytest.fixture
def served(app):
    """The app served the way ``curatarr serve`` serves it (uvicorn with our options), admin created."""
    from curatarr.auth.ratelimit import UVICORN_OPTIONS

    server = LiveServer(app, free_port())
    for name, value in UVICORN_OPTIONS.items():
        setattr(server.server.config, name, value)
    server.start()
    r = httpx.post(f"{server.url}/api/auth/setup", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    server.token = r.json()["token"]
    yield server
    server.stop()


def _login_codes(server: LiveServer, forwarded: list[str]) -> list[int]:
    return [httpx.post(f"{server.url}/api/auth/login", json={"username": ADMIN_USER, "password": "wrong-password"},
                       headers={"X-Forwarded-For": ip}).status_code for ip in forwarded]


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(served):
    live_server = served
    auth = {"Authorization": f"Bearer {live_server.token}"}
    r = httpx.post(f"{live_server.url}/api/config", headers=auth,
                   json={"auth": {"login_burst": 3, "login_rate_per_second": 0.001}})
    assert r.status_code == 200, r.text
    codes = _login_codes(live_server, [f"10.0.0.{i}" for i in range(1, 6)])
    assert codes == [401, 401, 401, 429, 429]


def test_x_forwarded_for_counts_from_a_trusted_proxy(served):
    live_server = served
    auth = {"Authorization": f"Bearer {live_server.token}"}
    r = httpx.post(f"{live_server.url}/api/config", headers=auth,
                   json={"auth": {"login_burst": 2, "login_rate_per_second": 0.001},
                         "general": {"trusted_proxies": ["127.0.0.1/32"]}})
    assert r.status_code == 200, r.text
    assert _login_codes(live_server, ["203.0.113.7"] * 3) == [401, 401, 429]
    assert _login_codes(live_server, ["203.0.113.8"]) == [401]  # another client behind the proxy
    # A client-supplied hop in front of the proxy's own entry changes nothing: the right-most counts.
    assert _login_codes(live_server, ["198.51.100.1, 203.0.113.7"]) == [429]


def test_trusted_proxies_must_be_addresses(client):
    r = client.post("/api/config", json={"general": {"trusted_proxies": ["not-an-ip"]}})
    assert r.status_code == 422
