"""Posterizarr's run-centred answers (/api/status, /api/scheduler/status, /api/runtime-history,
/api/dashboard/all), built from the ``poster_maker`` module's jobs and schedule — in the documented
shape even before that module exists (see API-CONFLICTS.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING

from curatarr.clock import utcnow
from curatarr.jobs.job_logs import last_lines
from curatarr.jobs.scheduler import configured_timezone, tz_name
from curatarr.jobs.service import all_states, scheduler_of
from curatarr.jobs.store import ERROR, INTERRUPTED, RUNNING, JobStore
from curatarr.modules import registry
from curatarr.sysinfo import system_info
from curatarr.system.reports import instance_health_overview

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

SCRIPT_MODULE = "poster_maker"
STATUS_WORDS = {"success": "completed", "error": "failed", "cancelled": "cancelled", "interrupted": "interrupted",
                "running": "running", "queued": "queued"}
IMAGE_KINDS = ("posters", "seasons", "backgrounds", "titlecards", "collections")


def job_store(rt: "Runtime") -> JobStore:
    """The running queue's store, or one on the database when the job service is not running."""
    queue = rt.jobs
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


def script_status(rt: "Runtime") -> dict:
    store = job_store(rt)
    queue = rt.jobs
    state = queue.states.state(SCRIPT_MODULE) if queue is not None else {}
    running_job = store.get(state["job_id"]) if state.get("running") and state.get("job_id") else None
    last_rows, _ = store.list(module=SCRIPT_MODULE, limit=1, full=True)
    latest = running_job or (last_rows[0] if last_rows else None)
    lines, log_name = last_lines(rt, store, latest["id"] if latest else None)
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


def scheduler_status(rt: "Runtime") -> dict:
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
    store = job_store(rt)
    last, _ = store.list(module=SCRIPT_MODULE, source="schedule", limit=1)
    state = rt.jobs.states.state(SCRIPT_MODULE) if rt.jobs else {}
    executing = bool(state.get("running"))
    active = []
    if rule is not None and nxt is not None:
        active.append({"id": f"{SCRIPT_MODULE}_schedule", "name": f"{SCRIPT_MODULE} ({rule.describe()})",
                       "next_run": nxt.astimezone(tz).isoformat()})
    return {"success": True, "enabled": rule is not None, "running": bool(sch and sch.running),
            "is_executing": executing, "schedules": schedules, "rule": rule.text if rule else None,
            "timezone": tz_name(tz), "last_run": last[0]["started_at"] if last else None,
            "next_run": nxt.astimezone(tz).isoformat() if nxt else None, "active_jobs": active}


def runtime_history(rt: "Runtime", *, limit: int, offset: int, mode: str | None) -> dict:
    """Past runs of the script module in Posterizarr's shape (image counts by kind, mode, runtime)."""
    store = job_store(rt)
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


def dashboard(rt: "Runtime", version: dict) -> dict:
    """Posterizarr's dashboard answer plus what Curatarr's dashboard shows (running jobs, recent
    failures, upcoming runs, module states, instance health)."""
    st = script_status(rt)
    sched = scheduler_status(rt)
    store = job_store(rt)
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
    states = all_states(rt) if rt.jobs is not None else {}
    return {
        "success": True,
        "status": {k: st[k] for k in ("running", "manual_running", "scheduler_running", "active_log", "current_mode",
                                       "start_time")},
        "version": version,
        "scheduler_status": {"enabled": sched["enabled"], "next_run": sched["next_run"]},
        "system_info": system_info(),
        "jobs": {"running": running, "recent_failures": failures},
        "upcoming": upcoming[:20],
        "modules": list(states.values()),
        "instances": instance_health_overview(rt),
    }
