"""/api/schedule/*: per-module rules with their next run times (answered by
:mod:`curatarr.jobs.schedule_views`). Every write is validated and takes effect at once."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.schedule import (ModuleSchedule, ModuleScheduleWriteBody, RulePreview, ScheduleAnswer,
                                           ScheduleCleared, ScheduleSaved, ScheduleWriteBody)
from curatarr.jobs import schedule_views

router = APIRouter(tags=["Schedule"])


@router.get("/api/schedule", response_model=ScheduleAnswer, response_model_exclude_unset=True,
            summary="Every module's rule with its next runs")
def get_schedule(rt: RuntimeDep):
    return schedule_views.schedule_answer(rt)


@router.post("/api/schedule", response_model=ScheduleSaved, response_model_exclude_unset=True,
             summary="Set one rule or replace the whole schedule")
def post_schedule(rt: RuntimeDep, body: ScheduleWriteBody):
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


@router.get("/api/schedule/preview", response_model=RulePreview, response_model_exclude_unset=True,
            summary="Validate a rule and show its next run times")
def preview(rt: RuntimeDep, rule: str = Query(..., max_length=500), count: int = Query(5, ge=1, le=50)):
    """Validate a rule and show its next run times (the UI's live preview)."""
    return schedule_views.preview(rt, rule, count)


@router.get("/api/schedule/{module_id}", response_model=ModuleSchedule, response_model_exclude_unset=True,
            summary="One module's rule")
def get_module_schedule(rt: RuntimeDep, module_id: str):
    return schedule_views.known_module_schedule(rt, module_id)


@router.put("/api/schedule/{module_id}", response_model=ModuleSchedule, response_model_exclude_unset=True,
            summary="Set one module's rule")
def put_module_schedule(rt: RuntimeDep, module_id: str, body: ModuleScheduleWriteBody):
    return post_schedule(rt=rt, body={"module": module_id, "schedule": body.get("schedule")})


@router.delete("/api/schedule/{module_id}", response_model=ScheduleCleared, response_model_exclude_unset=True,
               summary="Remove a module's rule (manual only)")
def delete_module_schedule(rt: RuntimeDep, module_id: str):
    schedule_views.clear_module_schedule(rt, module_id)
    return {"module": module_id, "schedule": None, "message": f"{module_id} is now manual only"}
