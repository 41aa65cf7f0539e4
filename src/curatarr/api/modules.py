"""/api/modules/*: CHUB's module endpoints — list, run states, live events (SSE), config, schema,
execute/cancel, status, history, stats, connectivity test.

Fixed paths are declared before ``/api/modules/{name}`` so they are never shadowed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from sse_starlette.sse import EventSourceResponse

from curatarr.api.deps import DB_INT_MAX, DbId, JobsDep, RuntimeDep
from curatarr.api.schemas.files import event_stream_answer
from curatarr.api.schemas.jobs import JobRecord
from curatarr.api.schemas.modules import (JobHistory, ModuleConfigSaved, ModuleConfigWriteBody, ModuleDetail,
                                          ModuleEnabled, ModuleJobCancel, ModuleList, ModuleSchema, ModulesStats,
                                          ModuleStats, ModuleStatus, ModuleTest, ModuleToggleBody,
                                          OptionalRunRequestBody, RunRequestBody, RunStarted, RunStates)
from curatarr.auth.deps import allow_query_token
from curatarr.jobs import module_runs
from curatarr.jobs.service import (all_states, jobs_of, masked_section, module_or_404, module_summary,
                                   schedule_rule, set_schedule_enabled, test_module_instances, validate_section)
from curatarr.modules import registry

router = APIRouter(tags=["Modules"])

SSE_TOPICS = ("module.*", "schedule.*")


# ---- collection-level routes -------------------------------------------------------------------

@router.get("/api/modules", response_model=ModuleList, response_model_exclude_unset=True,
            summary="Every module with its schedule, status and last run")
def list_modules(rt: RuntimeDep, include_hidden: bool = False):
    states = all_states(rt, include_hidden=include_hidden)
    return {"modules": [module_summary(rt, m, states.get(m.name))
                        for m in registry.all_modules(include_hidden=include_hidden)]}


@router.get("/api/modules/run-states", response_model=RunStates, response_model_exclude_unset=True,
            summary="Run state of every module")
async def run_states(rt: RuntimeDep, include_hidden: bool = False):
    return all_states(rt, include_hidden=include_hidden)


def _client_message(topic: str, data: dict) -> dict:
    if topic == "module.state":
        return {"event": "status_change", **data}
    if topic == "module.progress":
        return {"event": "progress", **data}
    return {"event": topic.replace(".", "_"), **data}


@router.get("/api/modules/events", response_class=EventSourceResponse,
            responses=event_stream_answer("status_change / progress / job_* events as JSON"),
            summary="Live module events (server-sent events)")
@allow_query_token
async def module_events(rt: RuntimeDep, queue: JobsDep, request: Request, include_jobs: bool = False,
                        heartbeat: float = Query(15.0, ge=0.5, le=120),
                        last_event_id: int | None = Query(None, ge=0)):
    """Server-sent events pushed from the workers through the event bus (no database polling).

    On connect: one ``status_change`` per module (a snapshot). With ``Last-Event-ID`` (header or
    ``?last_event_id=``): the events missed since then, or a fresh snapshot when they are gone.
    Heartbeat comments every ``heartbeat`` seconds keep proxies from closing the stream.
    """
    bus = queue.events
    header_id = request.headers.get("last-event-id")
    resume = last_event_id
    if header_id:
        try:
            resume = int(header_id)
        except ValueError:
            raise HTTPException(400, "Last-Event-ID must be a number") from None
    topics = SSE_TOPICS + (("job.*",) if include_jobs else ())
    snapshot_needed = resume is None
    try:
        sub = bus.subscribe(topics, after_id=resume) if resume is not None else bus.subscribe(topics)
    except LookupError:
        sub = bus.subscribe(topics)
        snapshot_needed = True
    watermark = bus.last_id

    async def stream():
        try:
            yield {"retry": 3000, "data": json.dumps({"event": "connected", "resumed": not snapshot_needed,
                                                       "last_event_id": watermark})}
            if snapshot_needed:
                states = all_states(rt)
                names = list(states)
                for i, name in enumerate(names):
                    item: dict[str, Any] = {"data": json.dumps(_client_message("module.state", states[name]))}
                    if i == len(names) - 1 and watermark:
                        item["id"] = str(watermark)
                    yield item
            while True:
                # No timeout: the stream sleeps until the bus hands it an event (or None when the
                # subscriber overflowed). A client that goes away is noticed by EventSourceResponse,
                # which listens for http.disconnect and cancels this generator — no wake-up per second.
                event = await sub.aget()
                if event is None:
                    return  # overflowed or closed: the client reconnects with Last-Event-ID
                yield {"id": str(event.id), "data": json.dumps(_client_message(event.topic, event.data))}
        except asyncio.CancelledError:
            raise
        finally:
            sub.close()

    return EventSourceResponse(stream(), ping=heartbeat, headers={"Cache-Control": "no-cache",
                                                                  "X-Accel-Buffering": "no"})


@router.get("/api/modules/status", response_model=ModuleStatus, response_model_exclude_unset=True,
            summary="Current status of one module")
def module_status(rt: RuntimeDep, module: str = Query(..., max_length=64)):
    module_or_404(module)
    state = jobs_of(rt).states.state(module)
    origin = None
    if state.get("job_id"):
        job = jobs_of(rt).get(state["job_id"])
        origin = job.get("origin") if job else None
    return {"module": module, "running": bool(state.get("running")), "status": state.get("status"),
            "job_id": state.get("job_id"), "origin": origin, "progress": state.get("progress")}


@router.get("/api/modules/history", response_model=JobHistory, response_model_exclude_unset=True,
            summary="Runs of every module (or one), newest first")
def modules_history(rt: RuntimeDep,
                    module: str | None = Query(None, max_length=64), status: str | None = Query(None, max_length=20),
                    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    if module:
        module_or_404(module)
    return module_runs.history(rt, module, status, limit, offset)


@router.get("/api/modules/stats", response_model=ModulesStats, response_model_exclude_unset=True,
            summary="Job counts and run states")
def modules_stats(rt: RuntimeDep, queue: JobsDep, module: str | None = Query(None, max_length=64)):
    if module:
        module_or_404(module)
    by_status, by_module = queue.store.counts()
    stats = by_module.get(module, {}) if module else by_status
    states = all_states(rt)
    run_states = [states[module]] if module and module in states else list(states.values())
    return {"job_stats": {"status_counts": stats, "total": sum(stats.values())}, "run_states": run_states}


@router.post("/api/modules/run", response_model=RunStarted, response_model_exclude_unset=True,
             summary="Queue a manual run of the module named in the body")
def run_module_by_body(rt: RuntimeDep, request: Request, body: RunRequestBody):
    name = body.get("module")
    if not isinstance(name, str) or not name:
        raise HTTPException(400, "module is required")
    return module_runs.start_run(rt, name, body, source="manual", client=request.client.host if request.client else None)


# ---- per-module routes ---------------------------------------------------------------------------

@router.get("/api/modules/{name}", response_model=ModuleDetail, response_model_exclude_unset=True,
            summary="One module: card, run state, config, current run")
def get_module(rt: RuntimeDep, name: str):
    module = module_or_404(name)
    state = jobs_of(rt).states.state(name)
    info = module_summary(rt, module, state)
    info["run_state"] = state
    info["config"] = masked_section(rt, name)
    current = jobs_of(rt).get(state["job_id"]) if state.get("job_id") else None
    info["current_run"] = current
    return info


@router.get("/api/modules/{name}/schema", response_model=ModuleSchema, response_model_exclude_unset=True,
            summary="JSON schema of a module's config")
def module_schema(name: str):
    module = module_or_404(name)
    return {"module": name, "title": module.title, "schema": module.Config.model_json_schema()}


@router.put("/api/modules/{name}/config", response_model=ModuleConfigSaved, response_model_exclude_unset=True,
            summary="Replace a module's config section")
def replace_module_config(rt: RuntimeDep, name: str, body: ModuleConfigWriteBody):
    module = module_or_404(name)
    section = body["config"] if set(body) == {"config"} and isinstance(body.get("config"), dict) else body
    full = validate_section(rt, module, section)
    rt.config.replace_section(name, full)
    return {"module": name, "config": masked_section(rt, name), "message": f"{name} configuration saved"}


@router.patch("/api/modules/{name}", response_model=ModuleEnabled, response_model_exclude_unset=True,
              summary="Enable or disable a module's schedule")
def patch_module(rt: RuntimeDep, name: str, body: ModuleToggleBody):
    """``{"enabled": false}`` removes the schedule (remembered); ``{"enabled": true}`` restores it, or
    sets ``schedule`` when given."""
    module_or_404(name)
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise HTTPException(400, "enabled (true/false) is required")
    set_schedule_enabled(rt, name, enabled, body.get("schedule"))
    return {"module": name, "enabled": schedule_rule(rt, name) is not None, "schedule": schedule_rule(rt, name)}


@router.post("/api/modules/{name}/execute", response_model=RunStarted, response_model_exclude_unset=True,
             summary="Queue a manual run")
def execute_module(rt: RuntimeDep, name: str, request: Request, body: OptionalRunRequestBody = None):
    return module_runs.start_run(rt, name, body, source="manual", client=request.client.host if request.client else None)


@router.get("/api/modules/{name}/status/{job_id}", response_model=JobRecord, response_model_exclude_unset=True,
            summary="Status of one of the module's jobs")
def job_status(rt: RuntimeDep, name: str, job_id: DbId):
    module_or_404(name)
    return module_runs.module_job(jobs_of(rt), name, job_id)


@router.delete("/api/modules/{name}/execution/{job_id}",
               response_model=ModuleJobCancel, response_model_exclude_unset=True,
               summary="Cancel one of the module's running jobs")
def cancel_execution(rt: RuntimeDep, name: str, job_id: DbId):
    module_or_404(name)
    return {"module": name, "job_id": job_id, "status": module_runs.cancel_module_job(jobs_of(rt), name, job_id)}


@router.get("/api/modules/{name}/history", response_model=JobHistory, response_model_exclude_unset=True,
            summary="Recent runs of one module")
def module_history(rt: RuntimeDep, name: str, limit: int = Query(25, ge=1, le=200), offset: int = Query(0, ge=0, le=DB_INT_MAX),
                   status: str | None = Query(None, max_length=20)):
    module_or_404(name)
    return module_runs.history(rt, name, status, limit, offset)


@router.get("/api/modules/{name}/stats", response_model=ModuleStats, response_model_exclude_unset=True,
            summary="Job counts and run state of one module")
def module_stats(rt: RuntimeDep, name: str):
    module_or_404(name)
    _, by_module = jobs_of(rt).store.counts()
    stats = by_module.get(name, {})
    return {"module": name, "run_state": jobs_of(rt).states.state(name),
            "job_stats": {"status_counts": stats, "total": sum(stats.values())}}


@router.post("/api/modules/{name}/test", response_model=ModuleTest, response_model_exclude_unset=True,
             summary="Probe the instances a module's config names")
def test_module(rt: RuntimeDep, name: str):
    module = module_or_404(name)
    results = test_module_instances(rt, module)
    return {"module": name, "results": results, "ok": all(r.get("status") == "healthy" for r in results)}
