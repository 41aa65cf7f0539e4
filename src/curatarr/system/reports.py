"""Health snapshots, the activity digest and cleanup candidates (``/api/system/*``).

Each counter comes from the area that owns its data: the modules named in :data:`AREA_REPORTS`
expose ``DIGEST`` and ``CLEANUP`` (field → ``fn(rt, days)``; the library: ``media_added``,
``unmatched_media``; the posters: ``orphaned_posters``, ``unmatched_collections``), computed only for
the answer that shows them. Running services add providers in ``rt.system_reports`` (name →
callable(rt, days) -> dict with optional ``digest`` and ``cleanup`` parts; the jobs area: job counts,
failures, errored jobs), merged last. A counter that cannot be computed is ``null``, never 0.
"""

from __future__ import annotations

import importlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import select

from curatarr.clock import iso, utcnow
from curatarr.db.models.system import HealthSnapshot

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.system.reports")

# Areas whose data answers a report field without any running service (imported on first use).
AREA_REPORTS = ("curatarr.library.reports", "curatarr.posters.reports")
FieldFn = Callable[["Runtime", int], Any]


def _area_fields(part: str) -> dict[str, FieldFn]:
    fields: dict[str, FieldFn] = {}
    for name in AREA_REPORTS:
        fields.update(getattr(importlib.import_module(name), part, {}))
    return fields


def _fill(rt: "Runtime", out: dict[str, Any], part: str, days: int) -> dict[str, Any]:
    for field, fn in _area_fields(part.upper()).items():
        try:
            out[field] = fn(rt, days)
        except Exception:  # one area failing must not take the whole report down
            log.warning("system report field %s failed", field, exc_info=True)
            out[field] = None
    for provider in rt.system_reports.values():
        piece = provider(rt, days).get(part)
        if piece:
            out.update(piece)
    return out


def snapshot_dict(row: HealthSnapshot) -> dict[str, Any]:
    return {"id": row.id, "snapshot_at": iso(row.snapshot_at), "service": row.service,
            "instance_name": row.instance_name, "status": row.status, "status_code": row.status_code,
            "response_time_ms": row.response_time_ms, "error": row.error}


def health_snapshots(rt: "Runtime", *, days: int, limit: int, instance: str | None = None) -> list[dict[str, Any]]:
    """Snapshots of the last ``days`` days, newest first (of one instance when named)."""
    since = utcnow() - timedelta(days=days)
    with rt.db.session() as s:
        q = select(HealthSnapshot).where(HealthSnapshot.snapshot_at >= since)
        if instance:
            q = q.where(HealthSnapshot.instance_name == instance)
        rows = s.scalars(q.order_by(HealthSnapshot.snapshot_at.desc(), HealthSnapshot.id.desc()).limit(limit)).all()
        return [snapshot_dict(r) for r in rows]


def recent_snapshots(rt: "Runtime", limit: int) -> list[HealthSnapshot]:
    """The ``limit`` newest snapshots, newest first."""
    with rt.db.session() as s:
        return list(s.scalars(select(HealthSnapshot).order_by(HealthSnapshot.snapshot_at.desc()).limit(limit)).all())


def latest_health(rt: "Runtime") -> list[dict[str, Any]]:
    """The newest snapshot of each (service, instance) among the last 500."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in recent_snapshots(rt, 500):
        seen.setdefault((row.service, row.instance_name), snapshot_dict(row))
    return list(seen.values())


def digest(rt: "Runtime", days: int) -> dict[str, Any]:
    out: dict[str, Any] = {"window_days": days, "media_added": None, "job_counts": {}, "recent_failures": [],
                           "latest_instance_health": latest_health(rt), "orphaned_posters": None}
    return _fill(rt, out, "digest", days)


def cleanup_candidates(rt: "Runtime") -> dict[str, Any]:
    out: dict[str, Any] = {"orphaned_posters": None, "errored_jobs": 0, "unmatched_media": None,
                           "unmatched_collections": None}
    return _fill(rt, out, "cleanup", 0)


def orphaned_posters(rt: "Runtime") -> int | None:
    """The orphaned-poster count of the posters area (None when it cannot be counted)."""
    fn = _area_fields("CLEANUP").get("orphaned_posters")
    try:
        return fn(rt, 0) if fn else None
    except Exception:
        log.warning("orphaned posters not counted", exc_info=True)
        return None


def instance_health_overview(rt: "Runtime") -> list[dict[str, Any]]:
    """One line per configured instance for the dashboard: the probe cache's result when fresh,
    else the newest stored snapshot, else ``unknown``."""
    out: dict[str, dict[str, Any]] = {}
    for row in recent_snapshots(rt, 300):
        out.setdefault(row.instance_name, {"instance": row.instance_name, "service": row.service,
                                           "status": row.status, "checked_at": iso(row.snapshot_at),
                                           "response_time_ms": row.response_time_ms, "error": row.error})
    try:
        from curatarr.instances.factory import list_instances

        refs = list_instances(rt)
    except Exception:  # an unreadable instances section must not break the dashboard
        refs = []
    cache = None
    try:  # fresher results from the instances area's probe cache
        from curatarr.instances.health import health_cache

        cache = health_cache(rt)
    except Exception:
        cache = None
    for ref in refs:
        hit = cache.get(ref.name) if cache is not None else None
        if hit is not None:
            out[ref.name] = {"instance": ref.name, "service": ref.type, "status": hit.status,
                             "checked_at": hit.checked_at, "response_time_ms": hit.response_time_ms, "error": hit.error}
        else:
            out.setdefault(ref.name, {"instance": ref.name, "service": ref.type, "status": "unknown",
                                      "checked_at": None, "response_time_ms": None, "error": None})
    configured = {ref.name for ref in refs}
    return sorted((v for k, v in out.items() if k in configured), key=lambda r: r["instance"])
