"""/api/system/*: health snapshots, activity digest, cleanup candidates.

Sources that later areas fill (jobs, media cache, poster index) report through providers in
``rt.extensions["system_reports"]`` (a dict name → callable(rt, days) -> dict); until they exist the
answers carry zeros in the documented shape.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from curatarr.api.deps import get_runtime
from curatarr.clock import iso, utcnow
from curatarr.db.models.system import HealthSnapshot
from curatarr.runtime import Runtime

router = APIRouter(tags=["system"])


def _snapshot_dict(row: HealthSnapshot) -> dict:
    return {"id": row.id, "snapshot_at": iso(row.snapshot_at), "service": row.service,
            "instance_name": row.instance_name, "status": row.status, "status_code": row.status_code,
            "response_time_ms": row.response_time_ms, "error": row.error}


@router.get("/api/system/health/snapshots")
def health_snapshots(days: int = Query(7, ge=1, le=90), limit: int = Query(500, ge=1, le=5000),
                     instance: str | None = Query(None, max_length=150), rt: Runtime = Depends(get_runtime)):
    since = utcnow() - timedelta(days=days)
    with rt.db.session() as s:
        q = select(HealthSnapshot).where(HealthSnapshot.snapshot_at >= since)
        if instance:
            q = q.where(HealthSnapshot.instance_name == instance)
        rows = s.scalars(q.order_by(HealthSnapshot.snapshot_at.desc(), HealthSnapshot.id.desc()).limit(limit)).all()
    return {"snapshots": [_snapshot_dict(r) for r in rows], "days": days, "total": len(rows)}


def _latest_health(rt: Runtime) -> list[dict]:
    with rt.db.session() as s:
        rows = s.scalars(select(HealthSnapshot).order_by(HealthSnapshot.snapshot_at.desc()).limit(500)).all()
    seen: dict[tuple[str, str], dict] = {}
    for row in rows:
        seen.setdefault((row.service, row.instance_name), _snapshot_dict(row))
    return list(seen.values())


def _providers(rt: Runtime) -> dict:
    return rt.extensions.get("system_reports", {})


@router.get("/api/system/digest")
def digest(days: int = Query(7, ge=1, le=90), rt: Runtime = Depends(get_runtime)):
    out = {"window_days": days, "media_added": 0, "job_counts": {}, "recent_failures": [],
           "latest_instance_health": _latest_health(rt), "orphaned_posters": 0}
    for provider in _providers(rt).values():
        part = provider(rt, days).get("digest")
        if part:
            out.update(part)
    return out


@router.get("/api/system/cleanup-candidates")
def cleanup_candidates(rt: Runtime = Depends(get_runtime)):
    out = {"orphaned_posters": 0, "errored_jobs": 0, "unmatched_media": 0, "unmatched_collections": 0}
    for provider in _providers(rt).values():
        part = provider(rt, 0).get("cleanup")
        if part:
            out.update(part)
    return out
