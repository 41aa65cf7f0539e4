"""Library statistics: counters per type for a period, and detailed breakdowns (GROUP BY queries).

The period filters on when the cache row was created (``first_seen_at``: when Curatarr first saw the
item), as the seed says, not on the *arr's ``added`` date. Ratings are real audience/critic scores on 0–10 (never certifications).

**Matched** (one rule for every answer that says matched/unmatched — media stats, instance stats,
cleanup candidates, the ``matched`` field of media items): an *arr item is matched when it is linked
(``media_links``) to an item of a media server, i.e. the media server has it; a media-server item is
matched when it is linked to an *arr item. See docs/library.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, cast, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from curatarr.db.base import iso, utcnow
from curatarr.db.models.library import MediaFacet, MediaItem, MediaLink, MediaSyncState
from curatarr.library.search import kind_of

PERIODS = {"7d": 7, "30d": 30, "90d": 90, "1y": 365, "all": None}
RUNTIME_BUCKETS = ((0, 30, "<30 min"), (30, 60, "30–60 min"), (60, 90, "60–90 min"), (90, 120, "90–120 min"),
                   (120, 150, "120–150 min"), (150, 100_000, "150+ min"))


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    days = PERIODS[period]
    return None if days is None else (now or utcnow()) - timedelta(days=days)


def _base(role: str, kind: str | None, since: datetime | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [MediaItem.role == role, MediaItem.removed_at.is_(None)]
    if kind:
        conds.append(MediaItem.kind == kind)
    if since is not None:
        conds.append(MediaItem.first_seen_at >= since)
    return conds


def matched_clause(role: str = "arr") -> ColumnElement[bool]:
    """True for a matched item of ``role`` (see the module docstring)."""
    if role == "server":
        return exists().where(MediaLink.server_pk == MediaItem.pk)
    return exists().where(MediaLink.arr_pk == MediaItem.pk)


def summary(session: Session, period: str = "all", kind: str | None = None) -> dict[str, Any]:
    since = period_start(period)
    kind = kind_of(kind)
    linked = matched_clause("arr")
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    rows = session.execute(
        select(MediaItem.kind, func.count(), one(linked), one(MediaItem.monitored.is_(True)),
               one(MediaItem.has_file.is_(True)), one(MediaItem.has_poster.is_(True)),
               func.coalesce(func.sum(MediaItem.size_on_disk), 0))
        .where(*_base("arr", kind, since)).group_by(MediaItem.kind))
    types: dict[str, dict[str, int]] = {}
    for k, total, on_server, monitored, has_file, has_poster, size in rows:
        total = int(total)
        types[k] = {"total": total, "matched": int(on_server or 0), "unmatched": total - int(on_server or 0),
                    "monitored": int(monitored or 0), "with_files": int(has_file or 0),
                    "missing_files": total - int(has_file or 0), "with_poster": int(has_poster or 0),
                    "size_on_disk": int(size or 0)}
    server_linked = matched_clause("server")
    srow = session.execute(select(func.count(), one(server_linked)).where(*_base("server", kind, since))).one()
    removed = session.scalar(select(func.count()).where(
        MediaItem.removed_at.is_not(None), *([MediaItem.removed_at >= since] if since else []),
        *([MediaItem.kind == kind] if kind else []))) or 0
    totals = {"total": sum(t["total"] for t in types.values()),
              "matched": sum(t["matched"] for t in types.values()),
              "unmatched": sum(t["unmatched"] for t in types.values())}
    return {"period": period, "since": iso(since), "type": kind, "totals": totals, "types": types,
            "servers": {"total": int(srow[0]), "unmanaged": int(srow[0]) - int(srow[1] or 0)},
            "removed": int(removed), "instances": sync_states(session)}


def sync_states(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(MediaItem.instance, func.count())
                                  .where(MediaItem.removed_at.is_(None)).group_by(MediaItem.instance)).all())
    return [{"instance": s.instance, "type": s.source_type, "items": int(counts.get(s.instance, 0)),
             "last_sync_at": iso(s.last_sync_at), "last_full_sync_at": iso(s.last_full_sync_at),
             "status": s.last_status, "error": s.last_error, "duration_ms": s.duration_ms,
             "added": s.added, "updated": s.updated, "removed": s.removed}
            for s in session.scalars(select(MediaSyncState).order_by(MediaSyncState.instance))]


def _group(session: Session, column: Any, conds: list, top: int | None = None, order_by_count: bool = True):
    stmt = select(column, func.count()).where(*conds).group_by(column)
    stmt = stmt.order_by(func.count().desc(), column) if order_by_count else stmt.order_by(column)
    if top:
        stmt = stmt.limit(top)
    return [{"value": v, "count": int(c)} for v, c in session.execute(stmt)]


def detailed(session: Session, period: str = "all", kind: str | None = None, top: int = 20) -> dict[str, Any]:
    since = period_start(period)
    kind = kind_of(kind)
    conds = _base("arr", kind, since)
    rating_bucket = case((MediaItem.rating.is_(None), -1), else_=cast(func.floor(MediaItem.rating), Integer))
    runtime_bucket = case(*[(and_(MediaItem.runtime >= lo, MediaItem.runtime < hi), label)
                            for lo, hi, label in RUNTIME_BUCKETS], else_="unknown")
    # floor division: SQLAlchemy 2 turns ``/`` on integers into true division (1954 / 10 * 10 = 1954)
    decade = (MediaItem.year // 10) * 10
    out: dict[str, Any] = {"period": period, "since": iso(since), "type": kind}
    out["by_instance"] = [
        {"value": inst, "count": int(c), "size_on_disk": int(size or 0)}
        for inst, c, size in session.execute(
            select(MediaItem.instance, func.count(), func.sum(MediaItem.size_on_disk))
            .where(*conds).group_by(MediaItem.instance).order_by(MediaItem.instance))]
    out["by_type"] = _group(session, MediaItem.kind, conds)
    out["by_status"] = _group(session, MediaItem.status, conds)
    out["by_language"] = _group(session, MediaItem.language, conds, top)
    out["by_studio"] = _group(session, MediaItem.studio, [*conds, MediaItem.studio.is_not(None)], top)
    out["by_certification"] = _group(session, MediaItem.certification, conds, top)
    out["by_quality"] = _group(session, MediaItem.quality, [*conds, MediaItem.quality.is_not(None)], top)
    out["by_monitored"] = _group(session, MediaItem.monitored, conds)
    out["by_decade"] = [{"value": int(r["value"]), "count": r["count"]} for r in
                        _group(session, decade, [*conds, MediaItem.year.is_not(None)], order_by_count=False)]
    buckets = {r["value"]: r["count"] for r in _group(session, rating_bucket, conds, order_by_count=False)}
    out["by_rating"] = [{"value": f"{b}–{b + 1}", "count": buckets.get(b, 0)} for b in range(0, 10)]
    out["by_rating"][-1]["count"] += buckets.get(10, 0)
    out["unrated"] = buckets.get(-1, 0)
    runtimes = {r["value"]: r["count"] for r in _group(session, runtime_bucket, conds)}
    out["by_runtime"] = [{"value": label, "count": runtimes.get(label, 0)} for _, _, label in RUNTIME_BUCKETS]
    out["by_runtime"].append({"value": "unknown", "count": runtimes.get("unknown", 0)})
    ids = select(MediaItem.pk).where(*conds)
    out["by_genre"] = [{"value": v, "count": int(c)} for v, c in session.execute(
        select(MediaFacet.value, func.count()).where(MediaFacet.facet == "genre", MediaFacet.item_pk.in_(ids))
        .group_by(MediaFacet.value).order_by(func.count().desc(), MediaFacet.value).limit(top))]
    out["by_tag"] = [{"value": v, "count": int(c)} for v, c in session.execute(
        select(MediaFacet.value, func.count()).where(MediaFacet.facet == "tag", MediaFacet.item_pk.in_(ids))
        .group_by(MediaFacet.value).order_by(func.count().desc(), MediaFacet.value).limit(top))]
    linked = matched_clause("arr")
    total, on_server = session.execute(
        select(func.count(), func.sum(case((linked, 1), else_=0))).where(*conds)).one()
    out["by_server_presence"] = [{"value": "on a media server", "count": int(on_server or 0)},
                                 {"value": "not on any media server", "count": int(total) - int(on_server or 0)}]
    return out
