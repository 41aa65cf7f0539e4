"""Health snapshots, the activity digest and cleanup candidates (``/api/system/*``).

Areas report through providers in ``rt.system_reports`` (name → callable(rt, days) -> dict with
optional ``digest`` and ``cleanup`` parts); without any, the answers carry zeros in the documented
shape.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from curatarr.clock import iso, utcnow
from curatarr.db.models.system import HealthSnapshot

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


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
    out: dict[str, Any] = {"window_days": days, "media_added": 0, "job_counts": {}, "recent_failures": [],
                           "latest_instance_health": latest_health(rt), "orphaned_posters": 0}
    for provider in rt.system_reports.values():
        part = provider(rt, days).get("digest")
        if part:
            out.update(part)
    return out


def cleanup_candidates(rt: "Runtime") -> dict[str, Any]:
    out: dict[str, Any] = {"orphaned_posters": 0, "errored_jobs": 0, "unmatched_media": 0,
                           "unmatched_collections": 0}
    for provider in rt.system_reports.values():
        part = provider(rt, 0).get("cleanup")
        if part:
            out.update(part)
    return out


def orphaned_posters(rt: "Runtime") -> int:
    """The orphaned-poster count every provider reports, summed; a failing provider counts 0."""
    total = 0
    for provider in rt.system_reports.values():
        try:
            part = provider(rt, 0).get("cleanup") or {}
        except Exception:
            continue
        total += int(part.get("orphaned_posters") or 0)
    return total


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
