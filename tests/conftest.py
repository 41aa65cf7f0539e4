"""Fixtures every test area shares: a data dir, a runtime, the app, clients, a live server, PostgreSQL.

Area-specific fixtures live in tests/<area>/conftest.py; the helpers behind these (data-dir
templates, the live server, the simulator-cluster factory) live in tests/_fixtures.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests._fixtures import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    LiveServer,
    admin_token,
    build_data_template,
    copy_data_template,
)

PG_ADMIN_URL = os.environ.get("CURATARR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# Fixtures that mean "the admin user exists": their tests start from the admin data-dir template.
WITH_ADMIN = frozenset({"client", "anon_client", "live_server"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def blank_data_template(tmp_path_factory) -> Path:
    """A first-run data dir (config, migrated database, JWT secret; no user), made once per session."""
    return build_data_template(tmp_path_factory.mktemp("template") / "blank")


@pytest.fixture(scope="session")
def admin_data_template(tmp_path_factory, blank_data_template) -> Path:
    """The blank template plus the admin user (admin / admin-pass-123)."""
    return build_data_template(tmp_path_factory.mktemp("template") / "admin", admin=True,
                               base=blank_data_template)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data dir (tests that build their own Runtime on it see a first start)."""
    d = tmp_path / "data"
    d.mkdir()
    return d


def template_for(request) -> str:
    return "admin_data_template" if WITH_ADMIN & set(request.fixturenames) else "blank_data_template"


@pytest.fixture
def runtime(data_dir: Path, request):
    """A runtime on ``data_dir``. An empty data dir is first filled from a template: with the admin
    user when the test uses an authenticated client or the live server, without one otherwise."""
    from curatarr.runtime import Runtime

    if not any(data_dir.iterdir()):
        copy_data_template(request.getfixturevalue(template_for(request)), data_dir)
    rt = Runtime(data_dir, console_logs=False)
    yield rt
    rt.close()


@pytest.fixture
def app(runtime):
    from curatarr.app import create_app

    return create_app(runtime)


@pytest.fixture
def fresh_client(app):
    """A client on an app with no user yet (lifespan running)."""
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def make_user(client, username: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> str:
    r = client.post("/api/auth/setup", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def ensure_admin(app, client) -> str:
    """A token for the admin user: issued by the AuthService when the data dir came with the user,
    made through the setup API otherwise (a data dir an area prepared itself)."""
    rt = app.state.runtime
    return admin_token(rt) if rt.auth.is_configured() else make_user(client)


@pytest.fixture
def client(app, fresh_client):
    """Authenticated client (user admin / admin-pass-123, Bearer JWT)."""
    token = ensure_admin(app, fresh_client)
    fresh_client.headers["Authorization"] = f"Bearer {token}"
    fresh_client.token = token
    return fresh_client


@pytest.fixture
def anon_client(app, client):
    """A client without credentials, on the same app (a user exists)."""
    from fastapi.testclient import TestClient

    return TestClient(app)


@pytest.fixture
def live_server(app):
    """The real app under uvicorn on a free port, with the admin user created (``.token``)."""
    import httpx

    server = LiveServer(app).start()
    if app.state.runtime.auth.is_configured():
        server.token = admin_token(app.state.runtime)
    else:
        r = httpx.post(f"{server.url}/api/auth/setup", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        server.token = r.json()["token"]
    yield server
    server.stop()


# ---- PostgreSQL ------------------------------------------------------------------------------------

def _pg_ready() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def ensure_postgres() -> bool:
    """Start the machine's PostgreSQL if it is down (as the env notes describe). True if reachable."""
    if _pg_ready():
        return True
    if shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
        versions = sorted(os.listdir("/etc/postgresql"))
        if versions:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
                           capture_output=True, timeout=60)
            for _ in range(50):
                if _pg_ready():
                    return True
                time.sleep(0.2)
    return _pg_ready()


@pytest.fixture(scope="session")
def pg_server_url():
    if not ensure_postgres():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 and could not be started")
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server_url):
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    name = f"curatarr_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server_url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Parametrises a test over both supported databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'param.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_runtime(data_dir, db_url):
    """A runtime on each supported database."""
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, database_url=db_url, console_logs=False)
    yield rt
    rt.close()


def run_async(coro):
    """Run a coroutine to completion on a fresh thread with its own event loop.

    Playwright's sync API (session-scoped browser fixture) keeps an event loop running on the main
    thread, so a plain ``asyncio.run`` in a later test of the same process would fail.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def pytest_collection_modifyitems(config, items):
    """Browser tests run last, wherever they live.

    Playwright's sync API (the session-scoped ``browser`` fixture) keeps an event loop running on
    the main thread for the rest of the session; code under test that checks for a running loop
    (the event bus, ``asyncio.run``) must not see it. A stable sort keeps every other order.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
