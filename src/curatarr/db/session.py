"""Database: engine + sessions + migrations for one URL.

SQLite gets WAL, a busy timeout and foreign keys; PostgreSQL a pooled psycopg engine. Migrations are
Alembic's, one branch per area, applied to "heads" at start.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("curatarr.db")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and pick the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


DB_FILE_MODE = 0o600  # the database holds password hashes, key hashes and instance API keys
SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def make_private(db_file: Path) -> None:
    """Create the SQLite file owner-only if missing, and make it and its side files owner-only
    (SQLite gives -wal/-shm the main file's permissions; older installs made them 0644)."""
    if not db_file.exists():
        os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, DB_FILE_MODE))
    for suffix in SQLITE_SIDE_FILES:
        path = db_file.with_name(db_file.name + suffix)
        try:
            os.chmod(path, DB_FILE_MODE)
        except FileNotFoundError:
            continue


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


# Connections kept open (SQLite). SQLAlchemy's default keeps 5 and closes every connection beyond
# them after one use: under load most requests then opened a new connection (PRAGMAs, WAL set-up)
# and the library's sessions lost their page cache each time (issue #20, item 13). A SQLite
# connection costs little memory until its cache fills, so the pool covers the API's thread pool.
SQLITE_POOL_SIZE = 48


def sqlite_pool_options() -> dict:
    size = int(os.environ.get("CURATARR_SQLITE_POOL", SQLITE_POOL_SIZE))
    return {"pool_size": size, "max_overflow": 16, "pool_timeout": 30}


class Database:
    def __init__(self, url: str):
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                make_private(Path(parsed.database))
            self.engine: Engine = create_engine(
                # No pre-ping: a SQLite connection cannot go stale, and the ping ran on every checkout.
                self.url, connect_args={"check_same_thread": False, "timeout": 15},
                **sqlite_pool_options(),
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(self.url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def for_data_dir(cls, data_dir: Path, url: str | None = None) -> "Database":
        return cls(url or f"sqlite:///{(Path(data_dir) / 'curatarr.db').resolve()}")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any exception."""
        s = self.sessionmaker()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    # ---- migrations ---------------------------------------------------------------------------
    def alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["engine"] = self.engine
        return cfg

    def migrate(self) -> None:
        """Apply every pending migration of every area ("heads")."""
        from alembic import command

        import curatarr.db.models  # noqa: F401  (register every model on Base.metadata)

        with self.engine.begin() as conn:
            cfg = self.alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")

    def current_heads(self) -> list[str]:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return sorted(MigrationContext.configure(conn).get_current_heads())

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()
