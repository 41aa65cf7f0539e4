"""Posterizarr's run-centred endpoints (/api/status, /api/scheduler/status, /api/runtime-history,
/api/dashboard/all), answered by :mod:`curatarr.jobs.script_runs` from the ``poster_maker`` module's
jobs and schedule (see API-CONFLICTS.md).

``/api/dashboard/all`` also carries what Curatarr's own dashboard shows: running jobs, recent
failures, next scheduled runs and instance health.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from curatarr import __version__
from curatarr.api.deps import DB_INT_MAX, RuntimeDep
from curatarr.api.schemas import runs as schemas
from curatarr.api.system import version as version_endpoint
from curatarr.jobs import script_runs
from curatarr.runtime import Runtime

router = APIRouter()
STATUS_TAGS = ["Posterizarr: Status & Monitoring"]


@router.get("/api/status", summary="Poster maker run status", response_model=schemas.ScriptStatus,
            response_model_exclude_unset=True, tags=STATUS_TAGS)
def status(rt: RuntimeDep):
    return script_runs.script_status(rt)


@router.get("/api/scheduler/status", summary="Poster maker schedule", response_model=schemas.SchedulerStatus,
            response_model_exclude_unset=True, tags=STATUS_TAGS)
def get_scheduler_status(rt: RuntimeDep):
    return script_runs.scheduler_status(rt)


@router.get("/api/runtime-history", summary="Past poster maker runs", response_model=schemas.RuntimeHistory,
            response_model_exclude_unset=True, tags=STATUS_TAGS)
def runtime_history(rt: RuntimeDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=DB_INT_MAX),
                    mode: str | None = Query(None, max_length=32)):
    return script_runs.runtime_history(rt, limit=limit, offset=offset, mode=mode)


def _version(rt: Runtime) -> dict:
    try:
        got = version_endpoint(rt=rt)
        return {"local": got.get("local", __version__), "remote": got.get("remote"),
                "is_update_available": bool(got.get("is_update_available"))}
    except Exception:
        return {"local": __version__, "remote": None, "is_update_available": False}


@router.get("/api/dashboard/all", summary="Dashboard: status, version, schedule, system, jobs, modules, instances",
            response_model=schemas.Dashboard, response_model_exclude_unset=True,
            tags=["Posterizarr: Dashboard & Logs"])
def dashboard_all(rt: RuntimeDep):
    return script_runs.dashboard(rt, _version(rt))
