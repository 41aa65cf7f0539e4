"""The time helpers every layer shares: now in UTC, and the ISO-8601 form every API answer uses.

They live outside ``curatarr.db`` so routers can format times without reaching the database layer;
``curatarr.db.base`` re-exports them for the models' column defaults.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime | None) -> str | None:
    """ISO-8601 UTC with a Z, as every API answer uses."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
