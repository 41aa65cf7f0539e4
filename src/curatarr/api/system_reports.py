"""/api/system/*: health snapshots, activity digest, cleanup candidates (answered by
:mod:`curatarr.system.reports` from the areas' providers in ``rt.system_reports``)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.system import CleanupCandidates, Digest, HealthSnapshots
from curatarr.system import reports

router = APIRouter(tags=["System"])


@router.get("/api/system/health/snapshots", response_model=HealthSnapshots, response_model_exclude_unset=True,
            summary="Stored instance health probes over time")
def health_snapshots(rt: RuntimeDep, days: int = Query(7, ge=1, le=90), limit: int = Query(500, ge=1, le=5000),
                     instance: str | None = Query(None, max_length=150)):
    rows = reports.health_snapshots(rt, days=days, limit=limit, instance=instance)
    return {"snapshots": rows, "days": days, "total": len(rows)}


@router.get("/api/system/digest", response_model=Digest, response_model_exclude_unset=True,
            summary="Activity of the last N days")
def digest(rt: RuntimeDep, days: int = Query(7, ge=1, le=90)):
    return reports.digest(rt, days)


@router.get("/api/system/cleanup-candidates", response_model=CleanupCandidates, response_model_exclude_unset=True,
            summary="Counts of things worth cleaning up")
def cleanup_candidates(rt: RuntimeDep):
    return reports.cleanup_candidates(rt)
