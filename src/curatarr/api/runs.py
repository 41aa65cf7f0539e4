"""Posterizarr's run-centred endpoints (/api/status, /api/scheduler/status, /api/runtime-history,
/api/dashboard/all), answered from the ``poster_maker`` module's jobs and schedule — in the
documented shape even before that module exists (see API-CONFLICTS.md).

``/api/dashboard/all`` also carries what Curatarr's own dashboard shows: running jobs, recent
failures, next scheduled runs and instance health.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Query

from curatarr import __version__
from curatarr.api.deps import RuntimeDep
from curatarr.clock import utcnow
from curatarr.jobs.scheduler import configured_timezone, tz_name
from curatarr.jobs.service import all_states, scheduler_of
from curatarr.jobs.store import ERROR, INTERRUPTED, RUNNING, JobStore
from curatarr.modules import registry
from curatarr.runtime import Runtime
from curatarr.sysinfo import system_info
from curatarr.system.reports import instance_health_overview

router = APIRouter(tags=["runs"])

SCRIPT_MODULE = "poster_maker"
STATUS_WORDS = {"success": "completed", "error": "failed", "cancelled": "cancelled", "interrupted": "interrupted",
                "running": "running", "queued": "queued"}
IMAGE_KINDS = ("posters", "seasons", "backgrounds", "titlecards", "collections")


def _store(rt: Runtime) -> JobStore:
    queue = getattr(rt, "jobs", None)
    return queue.store if queue is not None else JobStore(rt.db)


def _mode(job: dict) -> str:
    if job.get("source") == "schedule":
        return "scheduled"
    overrides = job.get("overrides") or {}
    mode = overrides.get("mode") if isinstance(overrides, dict) else None
    if isinstance(mode, str) and mode:
        return mode
    return {"webhook": "arr"}.get(job.get("source") or "", "normal")


def _formatted(seconds: float | None) -> str:
    s = int(seconds or 0)
    return f"{s // 3600}h {(s % 3600) // 60}m {s % 60}s"


def _last_lines(rt: Runtime, job_id: int | None, count: int = 25) -> tuple[list[str], str | None]:
    if job_id is None:
        return [], None
    row = _store(rt).get_row(job_id)
    if row is None or not row.log_path:
        return [], None
    path = Path(row.log_path)
    try:
        if path.resolve().parent != (rt.data_dir / "job_logs").resolve() or not path.is_file():
            return [], None
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 16384))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return [], None
    return text.splitlines()[-count:], path.name


def script_status(rt: Runtime) -> dict:
    store = _store(rt)
    queue = getattr(rt, "jobs", None)
    state = queue.states.state(SCRIPT_MODULE) if queue is not None else {}
    running_job = store.get(state["job_id"]) if state.get("running") and state.get("job_id") else None
    last_rows, _ = store.list(module=SCRIPT_MODULE, limit=1, full=True)
    latest = running_job or (last_rows[0] if last_rows else None)
    lines, log_name = _last_lines(rt, latest["id"] if latest else None)
    sch = scheduler_of(rt)
    has_rule = bool(sch and sch.rule(SCRIPT_MODULE))
    running = running_job is not None and running_job["status"] == RUNNING
    mode = _mode(running_job) if running_job else None
    return {
        "running": running, "manual_running": running and mode == "manual",
        "scheduler_running": has_rule and bool(sch and sch.running),
        "scheduler_is_executing": running and running_job.get("source") == "schedule" if running_job else False,
        "last_logs": lines, "script_exists": registry.exists(SCRIPT_MODULE),
        "config_exists": isinstance(rt.config.get_section(SCRIPT_MODULE), dict),
        "pid": os.getpid() if running else None, "current_mode": mode,
        "active_log": log_name or "Scriptlog.log", "already_running_detected": False, "running_file_exists": False,
        "start_time": running_job.get("started_at") if running_job else None,
        "job_id": running_job["id"] if running_job else None,
        "progress": state.get("progress") if running else None,
    }


@router.get("/api/status")
def status(rt: RuntimeDep):
    return script_status(rt)


def scheduler_status(rt: Runtime) -> dict:
    sch = scheduler_of(rt)
    tz = sch.tz if sch else configured_timezone(rt)
    rule = sch.rule(SCRIPT_MODULE) if sch else None
    nxt = sch.next_run(SCRIPT_MODULE) if sch else None
    schedules: list[dict] = []
    if rule is not None:
        if rule.kind == "daily":
            schedules = [{"time": t, "description": rule.describe()} for t in rule.times]
        else:
            schedules = [{"time": None, "description": rule.describe(), "cron": rule.text}]
    store = _store(rt)
    last, _ = store.list(module=SCRIPT_MODULE, source="schedule", limit=1)
    state = getattr(rt, "jobs", None).states.state(SCRIPT_MODULE) if getattr(rt, "jobs", None) else {}
    executing = bool(state.get("running"))
    active = []
    if rule is not None and nxt is not None:
        active.append({"id": f"{SCRIPT_MODULE}_schedule", "name": f"{SCRIPT_MODULE} ({rule.describe()})",
                       "next_run": nxt.astimezone(tz).isoformat()})
    return {"success": True, "enabled": rule is not None, "running": bool(sch and sch.running),
            "is_executing": executing, "schedules": schedules, "rule": rule.text if rule else None,
            "timezone": tz_name(tz), "last_run": last[0]["started_at"] if last else None,
            "next_run": nxt.astimezone(tz).isoformat() if nxt else None, "active_jobs": active}


@router.get("/api/scheduler/status")
def get_scheduler_status(rt: RuntimeDep):
    return scheduler_status(rt)


@router.get("/api/runtime-history")
def runtime_history(rt: RuntimeDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                    mode: str | None = Query(None, max_length=32)):
    store = _store(rt)
    history = []
    if mode:
        # mode lives in overrides/source; filter in Python over a bounded window of recent runs
        rows, _ = store.list(module=SCRIPT_MODULE, limit=5000, full=True)
        rows = [r for r in rows if _mode(r) == mode]
        total = len(rows)
        rows = rows[offset:offset + limit]
    else:
        rows, total = store.list(module=SCRIPT_MODULE, limit=limit, offset=offset, full=True)
    for job in rows:
        counts = (job.get("result") or {}).get("counts") or {}
        images = sum(int(counts.get(k) or 0) for k in IMAGE_KINDS)
        entry = {"id": job["id"], "timestamp": (job.get("started_at") or job["created_at"] or "").rstrip("Z"),
                 "mode": _mode(job), "runtime_seconds": int(job.get("duration_seconds") or 0),
                 "runtime_formatted": _formatted(job.get("duration_seconds")), "total_images": images,
                 "status": STATUS_WORDS.get(job["status"], job["status"]), "job_status": job["status"],
                 "errors": int(counts.get("errors") or 0) + (1 if job["status"] == ERROR else 0)}
        for key in IMAGE_KINDS + ("fallbacks", "textless", "truncated"):
            entry[key] = int(counts.get(key) or 0)
        history.append(entry)
    return {"success": True, "history": history, "count": len(history), "total": total, "limit": limit,
            "offset": offset, "mode_filter": mode}


def _version(rt: Runtime) -> dict:
    try:
        from curatarr.api.system import version as version_endpoint

        got = version_endpoint(rt=rt)
        return {"local": got.get("local", __version__), "remote": got.get("remote"),
                "is_update_available": bool(got.get("is_update_available"))}
    except Exception:
        return {"local": __version__, "remote": None, "is_update_available": False}


@router.get("/api/dashboard/all")
def dashboard_all(rt: RuntimeDep):
    st = script_status(rt)
    sched = scheduler_status(rt)
    store = _store(rt)
    running, _ = store.list(status=[RUNNING, "queued"], limit=50)
    failures = store.recent(status=[ERROR, INTERRUPTED], since=utcnow() - timedelta(days=7), limit=10)
    sch = scheduler_of(rt)
    upcoming = []
    if sch is not None:
        for r in sch.status(upcoming=1):
            if r.get("next_run") and not r.get("system"):
                upcoming.append({"module": r["module"], "rule": r["rule"], "description": r["description"],
                                 "next_run": r["next_run"], "next_run_local": r.get("next_run_local")})
        upcoming.sort(key=lambda r: r["next_run"])
    states = all_states(rt) if getattr(rt, "jobs", None) is not None else {}
    return {
        "success": True,
        "status": {k: st[k] for k in ("running", "manual_running", "scheduler_running", "active_log", "current_mode",
                                       "start_time")},
        "version": _version(rt),
        "scheduler_status": {"enabled": sched["enabled"], "next_run": sched["next_run"]},
        "system_info": system_info(),
        "jobs": {"running": running, "recent_failures": failures},
        "upcoming": upcoming[:20],
        "modules": list(states.values()),
        "instances": instance_health_overview(rt),
    }
