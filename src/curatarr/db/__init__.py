"""Database: SQLAlchemy models, sessions and Alembic migrations (SQLite by default, PostgreSQL by URL)."""

from curatarr.db.base import Base
from curatarr.db.session import Database

__all__ = ["Base", "Database"]
