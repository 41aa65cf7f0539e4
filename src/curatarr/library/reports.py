"""The library's part of ``/api/system/digest`` and ``/api/system/cleanup-candidates``, and the
cached counts of ``GET /api/instances/{id}/stats``.

* ``media_added``: *arr items whose cache row was created in the window (``first_seen_at``, the
  cache row's creation — the seed's "counters filter on created_at") and that are still there.
* ``unmatched_media``: *arr items that are not matched (the rule of :mod:`curatarr.library.stats`:
  not linked to any media-server item).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from curatarr.db.base import utcnow
from curatarr.db.models.library import MediaItem, MediaSyncState
from curatarr.library.records import ARR_TYPES
from curatarr.library.stats import matched_clause
from curatarr.library.store import library_session

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def media_added(session: Session, days: int) -> int:
    since = utcnow() - timedelta(days=days)
    return int(session.scalar(select(func.count()).where(
        MediaItem.role == "arr", MediaItem.removed_at.is_(None), MediaItem.first_seen_at >= since)) or 0)


def unmatched_media(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(
        MediaItem.role == "arr", MediaItem.removed_at.is_(None), ~matched_clause("arr"))) or 0)


def instance_counts(session: Session, instance: str) -> dict[str, Any] | None:
    """``{total_media, matched, unmatched}`` of one instance's cached items (plus ``libraries
    {title: n}`` for a media server); None when the instance was never synced."""
    state = session.get(MediaSyncState, instance)
    if state is None:
        return None
    role = session.scalar(select(MediaItem.role).where(MediaItem.instance == instance).limit(1)) or (
        "arr" if state.source_type in ARR_TYPES else "server")
    live = (MediaItem.instance == instance, MediaItem.removed_at.is_(None))
    total, matched = session.execute(
        select(func.count(), func.sum(case((matched_clause(role), 1), else_=0))).where(*live)).one()
    out: dict[str, Any] = {"total_media": int(total), "matched": int(matched or 0),
                           "unmatched": int(total) - int(matched or 0)}
    if role == "server":
        out["libraries"] = {lib: int(n) for lib, n in session.execute(
            select(MediaItem.library, func.count()).where(*live, MediaItem.library.is_not(None))
            .group_by(MediaItem.library).order_by(MediaItem.library))}
    return out


def media_added_field(rt: "Runtime", days: int) -> int:
    with library_session(rt.db) as s:
        return media_added(s, max(1, days or 0))


def unmatched_media_field(rt: "Runtime", days: int) -> int:
    with library_session(rt.db) as s:
        return unmatched_media(s)


# The fields this area adds to the system reports (see curatarr.system.reports), each computed only
# for the answer that shows it.
DIGEST = {"media_added": media_added_field}
CLEANUP = {"unmatched_media": unmatched_media_field}
