"""Runs of one module as the HTTP layer asks for them: start one from a request body (CHUB's
shapes), the module's history, one of its jobs, cancelling it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curatarr.errors import Conflict, Invalid, NotFound
from curatarr.jobs.context import resolve_dry_run
from curatarr.jobs.service import jobs_of, module_or_404, validate_overrides
from curatarr.jobs.store import ALL_STATES, FINAL_STATES

if TYPE_CHECKING:
    from curatarr.jobs.queue import LocalJobQueue
    from curatarr.runtime import Runtime

# Body keys that steer the run itself; every other key of a flat body is a config override.
CONTROL_KEYS = ("overrides", "dry_run", "priority")
BUSY_STATES = ("running", "queued", "cancelling")


def start_run(rt: "Runtime", name: str, body: Any, *, source: str, client: str | None) -> dict:
    """Queue ``name`` with the overrides, ``dry_run`` and ``priority`` of ``body`` (``{"overrides":
    {...}}`` or a flat map of overrides). Conflict while a run of a non-concurrent module is busy."""
    module = module_or_404(name)
    body = body or {}
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    overrides = body.get("overrides") if "overrides" in body else {k: v for k, v in body.items()
                                                                   if k not in CONTROL_KEYS + ("module",)}
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise Invalid("overrides must be a JSON object")
    dry_run = body.get("dry_run")
    if dry_run is not None and not isinstance(dry_run, bool):
        raise Invalid("dry_run must be true or false")
    priority = body.get("priority", 5)
    if not isinstance(priority, int) or isinstance(priority, bool) or not -100 <= priority <= 100:
        raise Invalid("priority must be an integer -100…100")
    queue = jobs_of(rt)
    state = queue.states.state(name)
    if not module.allow_concurrent and state.get("status") in BUSY_STATES:
        raise Conflict(f"{name} is already {state['status']} (job {state.get('job_id')})", code="MODULE_ALREADY_RUNNING")
    section = rt.config.get_section(name) or {}
    validate_overrides(rt, module, overrides, resolve_dry_run(module, section, overrides, dry_run))
    job_id = queue.submit(name, overrides=overrides or None, dry_run=dry_run, priority=priority, source=source,
                          origin={"source": source, "client_host": client, "endpoint": "api"})
    return {"module": name, "status": "started", "job_id": job_id}


def history(rt: "Runtime", module: str | None, status: str | None, limit: int, offset: int) -> dict:
    """Jobs of ``module`` (every module when None), newest first, optionally of one status."""
    if status and status not in ALL_STATES:
        raise Invalid(f"unknown status {status!r}; use one of {', '.join(ALL_STATES)}")
    rows, total = jobs_of(rt).store.list(module=module, status=[status] if status else None, limit=limit,
                                         offset=offset)
    return {"history": rows, "total": total, "limit": limit, "offset": offset}


def module_job(queue: "LocalJobQueue", name: str, job_id: int) -> dict:
    job = queue.get(job_id)
    if job is None or job["module"] != name:
        raise NotFound(f"job {job_id} of {name} not found", code="JOB_NOT_FOUND")
    return job


def cancel_module_job(queue: "LocalJobQueue", name: str, job_id: int) -> str:
    """Ask the module's job to stop; ``"cancelled"`` when it already has, else ``"cancelling"``."""
    job = module_job(queue, name, job_id)
    if job["status"] in FINAL_STATES:
        raise Invalid(f"job {job_id} is not running (it ended {job['status']})", code="JOB_NOT_RUNNING")
    queue.cancel(job_id)
    after = queue.get(job_id) or job
    return "cancelled" if after["status"] == "cancelled" else "cancelling"
