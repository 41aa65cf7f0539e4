"""/api/schedule/*: per-module rules with their next run times (answered by
:mod:`curatarr.jobs.schedule_views`). Every write is validated and takes effect at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query

from curatarr.api.deps import RuntimeDep
from curatarr.jobs import schedule_views

router = APIRouter(tags=["schedule"])


@router.get("/api/schedule")
def get_schedule(rt: RuntimeDep):
    return schedule_views.schedule_answer(rt)


@router.post("/api/schedule")
def post_schedule(rt: RuntimeDep, body: dict[str, Any] = Body(...)):
    """``{"module": m, "schedule": rule|null}`` sets one rule; ``{"schedule": {m: rule, …}}`` (or a
    bare ``{m: rule}`` map) replaces the whole schedule."""
    if "module" in body:
        module = schedule_views.set_module_schedule(rt, body.get("module"), body.get("schedule"))
        return {**schedule_views.module_schedule(rt, module), "message": f"schedule of {module} saved"}
    mapping = body.get("schedule") if set(body) == {"schedule"} else body
    if not isinstance(mapping, dict):
        raise HTTPException(400, "send {\"module\": …, \"schedule\": …} or {\"schedule\": {module: rule, …}}")
    schedule_views.replace_schedule(rt, mapping)
    return {**schedule_views.schedule_answer(rt), "message": "schedule saved"}


@router.get("/api/schedule/preview")
def preview(rt: RuntimeDep, rule: str = Query(..., max_length=500), count: int = Query(5, ge=1, le=50)):
    """Validate a rule and show its next run times (the UI's live preview)."""
    return schedule_views.preview(rt, rule, count)


@router.get("/api/schedule/{module_id}")
def get_module_schedule(rt: RuntimeDep, module_id: str):
    return schedule_views.known_module_schedule(rt, module_id)


@router.put("/api/schedule/{module_id}")
def put_module_schedule(rt: RuntimeDep, module_id: str, body: dict[str, Any] = Body(...)):
    return post_schedule(rt=rt, body={"module": module_id, "schedule": body.get("schedule")})


@router.delete("/api/schedule/{module_id}")
def delete_module_schedule(rt: RuntimeDep, module_id: str):
    schedule_views.clear_module_schedule(rt, module_id)
    return {"module": module_id, "schedule": None, "message": f"{module_id} is now manual only"}
