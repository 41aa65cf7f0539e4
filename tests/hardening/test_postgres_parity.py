"""Issue #20, item 11: PostgreSQL parity. Text-fit cache keys fit the column on PostgreSQL; a backup
of a SQLite data dir that used every table restores into PostgreSQL (the documented migration path)
with every row and value; a backend killed mid-request answers 503 with a clean message."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import Boolean, DateTime, Float, Integer, JSON, LargeBinary, String, Text, insert, select, text

pytestmark = pytest.mark.postgres

TEXT_FIT_KEY = "f" * 64 + ":center"  # what the engine writes: a SHA-256 plus the alignment


def _value(column, n: int):
    """A value for ``column`` at the edge of its type: strings as long as the column allows."""
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, Boolean):
        return True
    if isinstance(impl, Integer):
        return n
    if isinstance(impl, Float):
        return 1.5
    if isinstance(impl, DateTime) or type(kind).__name__ == "UTCDateTime":
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    if isinstance(impl, JSON):
        return {"k": [1, "ü"]}
    if isinstance(impl, LargeBinary):
        return b"\x00\x01"
    if isinstance(impl, String) and impl.length:
        return ("é" + "x" * impl.length)[: impl.length]  # full length, one non-ASCII character
    if isinstance(impl, (String, Text)):
        return "text ü " * 20
    raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind!r})")


def fill_every_table(rt) -> dict[str, int]:
    """One row in every table that has none yet (parents first, foreign keys pointing at them)."""
    from curatarr.db.base import Base

    import curatarr.db.models  # noqa: F401 (every model registered)

    counts = {}
    with rt.db.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if conn.execute(select(table).limit(1)).first() is None:
                row = {}
                for col in table.columns:
                    if col.foreign_keys:
                        fk = next(iter(col.foreign_keys))
                        row[col.name] = conn.execute(select(fk.column).limit(1)).scalar_one()
                    elif table.name == "auth_setup" and col.name == "id":
                        row[col.name] = 1
                    elif table.name == "artwork_text_fit_cache" and col.name == "key":
                        row[col.name] = TEXT_FIT_KEY
                    elif table.name == "artwork_text_fit_cache" and col.name == "value":
                        row[col.name] = json.dumps({"size": 88, "lines": ["A"], "truncated": False})
                    else:
                        row[col.name] = _value(col, 7)
                conn.execute(insert(table), [row])
            counts[table.name] = conn.execute(select(text("count(*)")).select_from(table)).scalar_one()
    return counts


def dump(rt) -> dict[str, list]:
    from curatarr.db.base import Base

    out = {}
    with rt.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table)).mappings().all()
            out[table.name] = sorted(json.dumps({k: _plain(v) for k, v in r.items()}, sort_keys=True) for r in rows)
    return out


def _plain(value):
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def test_text_fit_keys_longer_than_64_characters_are_kept_on_both_backends(db_runtime):
    from curatarr.artwork.service import DbFitStore

    store = DbFitStore(db_runtime.db)
    store.put_many({TEXT_FIT_KEY: {"size": 88}})
    assert store.get(TEXT_FIT_KEY) == {"size": 88}


def test_a_sqlite_data_dir_that_used_every_table_restores_into_postgresql(client, runtime, pg_url, tmp_path):
    from curatarr.backup import restore_backup
    from curatarr.runtime import Runtime

    assert client.post("/api/auth/keys", json={"name": "script", "scope": "operator"}).status_code == 201
    counts = fill_every_table(runtime)
    assert all(n >= 1 for n in counts.values()), counts
    r = client.post("/api/backup")
    assert r.status_code == 200, r.text
    backup = tmp_path / "sqlite-backup.zip"
    backup.write_bytes(r.content)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("manifest.json"))
    assert manifest["dialect"] == "sqlite" and set(manifest["tables"]) == set(counts)

    target_dir = tmp_path / "pg-data"
    pg = Runtime(target_dir, database_url=pg_url, console_logs=False)
    try:
        result = restore_backup(pg, backup)
        assert result["restored"] == ["config.yml", "database"]
        moved, source = dump(pg), dump(runtime)
        # The text-fit cache keeps growing in the background (the engine's warm-up): compare it with
        # the backup itself; every other table with the source data dir.
        fit = "artwork_text_fit_cache"
        backed_up = {json.loads(line)["key"] for line in
                     zipfile.ZipFile(backup).read(f"database/{fit}.jsonl").decode().splitlines() if line.strip()}
        assert {json.loads(r)["key"] for r in moved.pop(fit)} == backed_up and TEXT_FIT_KEY in backed_up
        source.pop(fit)
        assert moved == source
        # Sequences follow the restored ids: the next row gets a fresh id, not a duplicate key.
        pg.auth.create_api_key("admin", "after the move")
        assert len(pg.auth.list_api_keys()) == 2
    finally:
        pg.close()


@pytest.fixture
def pg_app(data_dir, pg_url):
    """The real app on a PostgreSQL database, with the admin user."""
    from fastapi.testclient import TestClient

    from curatarr.app import create_app
    from curatarr.runtime import Runtime
    from tests._fixtures import ADMIN_PASSWORD, ADMIN_USER

    rt = Runtime(data_dir, database_url=pg_url, console_logs=False)
    app = create_app(rt)
    with TestClient(app, raise_server_exceptions=False) as c:  # answers as a real server sends them
        r = c.post("/api/auth/setup", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        c.rt = rt
        yield c
    rt.close()


def terminate_backends(rt) -> int:
    """``pg_terminate_backend`` for every other connection to the runtime's database (what an
    administrator, a failover or an OOM killer does)."""
    from sqlalchemy import create_engine

    admin = create_engine(rt.db.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


def test_killed_backends_between_requests_are_replaced_quietly(pg_app):
    assert pg_app.get("/api/jobs").status_code == 200  # the pool holds live connections now
    assert terminate_backends(pg_app.rt) >= 1
    for _ in range(5):  # pool_pre_ping finds the dead ones and reconnects: no request fails
        r = pg_app.get("/api/jobs")
        assert r.status_code == 200, r.text


def test_a_backend_killed_mid_request_is_a_clean_503(pg_app):
    rt = pg_app.rt

    def mid_request():
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            terminate_backends(rt)  # the connection this request is using dies under it
            conn.execute(text("SELECT 1"))

    pg_app.app.add_api_route("/api/test-killed-backend", mid_request)
    pg_app.app.router.routes.insert(0, pg_app.app.router.routes.pop())  # before the UI's catch-all mount
    r = pg_app.get("/api/test-killed-backend")
    assert r.status_code == 503, r.text
    assert r.json()["detail"] == "the database is unavailable right now; try again shortly"
    assert "psycopg" not in r.text and "terminating" not in r.text
    assert r.headers["Retry-After"] and r.headers["X-Content-Type-Options"] == "nosniff"
    assert pg_app.get("/api/jobs").status_code == 200  # and the next request works


def test_a_job_that_loses_its_backend_ends_error_without_driver_text(pg_app):
    from curatarr.jobs.worker import failure_message

    rt = pg_app.rt
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            terminate_backends(rt)
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the real driver error, as a module would meet it
        message = failure_message(exc)
    assert message == "the database failed (OperationalError); see the general log"
