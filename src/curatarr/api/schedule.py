"""/api/schedule/*: per-module rules with their next run times. Every write is validated and
takes effect at once (the scheduler re-plans on config change)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query

from curatarr.api.deps import RuntimeDep
from curatarr.clock import utcnow
from curatarr.jobs.rules import RuleError, parse_rule
from curatarr.jobs.scheduler import configured_timezone, tz_name
from curatarr.jobs.service import scheduler_of
from curatarr.modules import registry
from curatarr.runtime import Runtime

router = APIRouter(tags=["schedule"])


def _check_module(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise HTTPException(400, "module is required")
    if not registry.exists(name):
        raise HTTPException(400, f"unknown module {name!r}")
    module = registry.try_get(name)
    if module is not None and module.hidden:
        raise HTTPException(400, f"{name} is a system module; its schedule is fixed")
    return name


def _canonical(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise HTTPException(400, "a schedule is a string like daily(03:00), or null for manual only")
    try:
        rule = parse_rule(value)
    except RuleError as exc:
        raise HTTPException(400, str(exc)) from None
    return rule.text if rule else None


def _rules_by_module(rt: Runtime) -> dict[str, dict]:
    sch = scheduler_of(rt)
    return {r["module"]: r for r in sch.status()} if sch else {}


def _one(rt: Runtime, module: str, rules: dict[str, dict] | None = None) -> dict:
    rules = rules if rules is not None else _rules_by_module(rt)
    text = (rt.config.settings.schedule or {}).get(module) or None
    info = rules.get(module) or {}
    return {"module": module, "schedule": text, "description": info.get("description"),
            "next_run": info.get("next_run"), "next_runs": info.get("next_runs", []),
            "next_runs_local": info.get("next_runs_local", []), "last_fired": info.get("last_fired"),
            "error": info.get("error")}


def _answer(rt: Runtime) -> dict:
    rules = _rules_by_module(rt)
    section = rt.config.settings.schedule or {}
    sch = scheduler_of(rt)
    tz = sch.tz if sch else configured_timezone(rt)
    return {"schedule": {k: (v or None) for k, v in section.items()},
            "rules": [_one(rt, m, rules) for m in section],
            "system": [r for r in rules.values() if r.get("system")],
            "timezone": tz_name(tz), "scheduler_running": bool(sch and sch.running)}


@router.get("/api/schedule")
def get_schedule(rt: RuntimeDep):
    return _answer(rt)


@router.post("/api/schedule")
def post_schedule(rt: RuntimeDep, body: dict[str, Any] = Body(...)):
    """``{"module": m, "schedule": rule|null}`` sets one rule; ``{"schedule": {m: rule, …}}`` (or a
    bare ``{m: rule}`` map) replaces the whole schedule."""
    if "module" in body:
        module = _check_module(body.get("module"))
        rule = _canonical(body.get("schedule"))
        if rule is None:
            rt.config.delete_key("schedule", module)
        else:
            rt.config.update({"schedule": {module: rule}})
        return {**_one(rt, module), "message": f"schedule of {module} saved"}
    mapping = body.get("schedule") if set(body) == {"schedule"} else body
    if not isinstance(mapping, dict):
        raise HTTPException(400, "send {\"module\": …, \"schedule\": …} or {\"schedule\": {module: rule, …}}")
    clean: dict[str, str] = {}
    for module, value in mapping.items():
        _check_module(module)
        rule = _canonical(value)
        if rule is not None:
            clean[module] = rule
    rt.config.replace_section("schedule", clean)
    return {**_answer(rt), "message": "schedule saved"}


@router.get("/api/schedule/preview")
def preview(rt: RuntimeDep, rule: str = Query(..., max_length=500), count: int = Query(5, ge=1, le=50)):
    """Validate a rule and show its next run times (the UI's live preview)."""
    sch = scheduler_of(rt)
    tz = sch.tz if sch else configured_timezone(rt)
    try:
        parsed = parse_rule(rule)
    except RuleError as exc:
        return {"valid": False, "error": str(exc), "rule": rule, "next_runs": [], "timezone": tz_name(tz)}
    if parsed is None:
        return {"valid": True, "rule": None, "description": "manual only", "next_runs": [], "timezone": tz_name(tz)}
    now: datetime = sch.clock() if sch else utcnow()
    runs = parsed.next_runs(now, tz, count)
    return {"valid": True, "rule": parsed.text, "description": parsed.describe(), "timezone": tz_name(tz),
            "next_runs": [r.isoformat().replace("+00:00", "Z") for r in runs],
            "next_runs_local": [r.astimezone(tz).isoformat() for r in runs]}


@router.get("/api/schedule/{module_id}")
def get_module_schedule(rt: RuntimeDep, module_id: str):
    if not registry.exists(module_id):
        raise HTTPException(404, f"module {module_id!r} not found")
    return _one(rt, module_id)


@router.put("/api/schedule/{module_id}")
def put_module_schedule(rt: RuntimeDep, module_id: str, body: dict[str, Any] = Body(...)):
    return post_schedule(rt=rt, body={"module": module_id, "schedule": body.get("schedule")})


@router.delete("/api/schedule/{module_id}")
def delete_module_schedule(rt: RuntimeDep, module_id: str):
    if module_id not in (rt.config.settings.schedule or {}):
        raise HTTPException(404, f"{module_id} has no schedule")
    rt.config.delete_key("schedule", module_id)
    return {"module": module_id, "schedule": None, "message": f"{module_id} is now manual only"}
