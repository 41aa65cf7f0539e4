"""The database on SQLite (WAL) and PostgreSQL: migrations match the models, auth and backups work on both."""

from __future__ import annotations

import zipfile

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import curatarr.db.models  # noqa: F401  (every area's models on Base.metadata)
from curatarr.backup import create_backup, restore_backup
from curatarr.db import Database
from curatarr.db.base import Base
from curatarr.db.session import normalise_url


def test_models_match_the_migrated_schema(db_runtime):
    """Alembic autogenerate finds nothing to change after all migrations ran (on both databases)."""
    with db_runtime.db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == [], "models and migrations differ:\n" + "\n".join(map(str, diffs))
    assert set(db_runtime.db.table_names()) >= {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}


def test_migrations_reach_every_head(db_runtime):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db_runtime.db.alembic_config())
    current = tuple(db_runtime.db.current_heads())
    # Alembic records only the tips of the branches; a head that other branches depend on
    # (foundation_0001) is implied by them. "At heads" = nothing left to apply.
    assert list(script.iterate_revisions("heads", current)) == []
    assert set(current) <= set(script.get_heads())
    assert len(list(script.iterate_revisions("heads", "base"))) >= len(script.get_heads())
    assert "foundation_0001" in {r.revision for r in script.walk_revisions()}


def test_migrating_twice_is_a_no_op(db_runtime):
    heads = db_runtime.db.current_heads()
    db_runtime.db.migrate()
    assert db_runtime.db.current_heads() == heads


def test_auth_round_trip_on_each_database(db_runtime):
    auth = db_runtime.auth
    assert not auth.is_configured()
    token, claims = auth.setup("admin", "admin-pass-123")
    principal = auth.verify_token(token)
    assert principal is not None and principal.username == "admin"
    assert principal.expires_at == claims.expires_at and principal.expires_at.tzinfo is not None

    row, key = auth.create_api_key("admin", "k")
    assert auth.verify_api_key(key).api_key_id == row.id
    auth.revoke(claims.jti, claims.expires_at)
    assert auth.verify_token(token) is None
    assert auth.delete_api_key(row.id) and auth.verify_api_key(key) is None
    assert auth.reset() == 1 and not auth.is_configured()


def test_backup_and_restore_on_each_database(db_runtime):
    auth = db_runtime.auth
    auth.setup("admin", "admin-pass-123")
    auth.create_api_key("admin", "before")
    backup = create_backup(db_runtime)
    _, late_key = auth.create_api_key("admin", "after")

    result = restore_backup(db_runtime, backup)
    assert result["restored"] == ["config.yml", "database"]
    assert [k.name for k in auth.list_api_keys()] == ["before"]
    assert auth.verify_api_key(late_key) is None
    # Sequences continue after the restored ids (PostgreSQL needs setval for that).
    row, _ = auth.create_api_key("admin", "next")
    assert row.id > max(k.id for k in auth.list_api_keys() if k.name == "before")
    with zipfile.ZipFile(backup) as zf:
        assert zf.read("database/api_keys.jsonl").count(b"\n") == 1


def test_sqlite_runs_in_wal_mode_with_foreign_keys(runtime):
    assert runtime.db.dialect == "sqlite"
    with runtime.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (runtime.data_dir / "curatarr.db").exists()


def test_postgres_runtime_uses_postgres(pg_url, data_dir):
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, database_url=pg_url, console_logs=False)
    try:
        assert rt.db.dialect == "postgresql"
        assert not (data_dir / "curatarr.db").exists()
        with rt.db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0
    finally:
        rt.close()


def test_database_url_from_config(pg_url, data_dir):
    from curatarr.runtime import Runtime

    (data_dir / "config.yml").write_text(f"database:\n  url: {pg_url.replace('+psycopg', '')}\n")
    rt = Runtime(data_dir, console_logs=False)
    try:
        assert rt.db.dialect == "postgresql" and rt.db.url.startswith("postgresql+psycopg://")
    finally:
        rt.close()


@pytest.mark.parametrize("url, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_session_rolls_back_on_error(runtime):
    from curatarr.db.models.auth import User

    with pytest.raises(RuntimeError):
        with runtime.db.session() as s:
            s.add(User(username="ghost", password_hash="x"))
            s.flush()
            raise RuntimeError("boom")
    assert runtime.auth.user_count() == 0


def test_utc_datetimes_survive_a_round_trip(db_url, tmp_path):
    from datetime import datetime, timedelta, timezone

    from curatarr.db.models.system import HealthSnapshot

    db = Database(db_url)
    try:
        db.migrate()
        aware = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        with db.session() as s:
            s.add(HealthSnapshot(snapshot_at=aware, service="plex", instance_name="p", status="healthy"))
        with db.session() as s:
            got = s.query(HealthSnapshot).one().snapshot_at
        assert got == aware and got.tzinfo == timezone.utc and got.hour == 10
    finally:
        db.dispose()


@pytest.mark.parametrize("direction", ["sqlite->postgresql", "postgresql->sqlite"])
def test_a_backup_moves_between_databases(pg_url, tmp_path, direction):
    """Backups are dialect-neutral: take one on SQLite, restore it into PostgreSQL, and back."""
    from datetime import timedelta

    from curatarr.db.base import utcnow
    from curatarr.db.models.system import HealthSnapshot
    from curatarr.runtime import Runtime

    sqlite_url = f"sqlite:///{tmp_path / 'move.db'}"
    source_url, target_url = (sqlite_url, pg_url) if direction.startswith("sqlite") else (pg_url, sqlite_url)
    source = Runtime(tmp_path / "source", database_url=source_url, console_logs=False)
    target = Runtime(tmp_path / "target", database_url=target_url, console_logs=False)
    try:
        source.auth.setup("admin", "admin-pass-123")
        _, key = source.auth.create_api_key("admin", "moved")
        when = utcnow() - timedelta(hours=1)
        with source.db.session() as s:
            s.add(HealthSnapshot(snapshot_at=when, service="plex", instance_name="p", status="healthy",
                                 response_time_ms=1.5))
        source.config.update({"backup": {"keep": 3}})

        restore_backup(target, create_backup(source))

        assert target.auth.verify_basic("admin", "admin-pass-123") is not None
        assert target.auth.verify_api_key(key).username == "admin"
        with target.db.session() as s:
            snap = s.query(HealthSnapshot).one()
        assert snap.snapshot_at == when and snap.response_time_ms == 1.5
        assert target.settings.backup.keep == 3
    finally:
        source.close()
        target.close()
