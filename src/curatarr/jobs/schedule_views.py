"""The schedule as the HTTP layer shows and edits it: per-module rules with their next runs, the
whole schedule, rule previews, and validated writes (the scheduler re-plans on config change)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from curatarr.clock import utcnow
from curatarr.errors import Invalid, NotFound
from curatarr.jobs.rules import RuleError, parse_rule
from curatarr.jobs.scheduler import configured_timezone, tz_name
from curatarr.jobs.service import scheduler_of
from curatarr.modules import registry

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def check_module(name: Any) -> str:
    """A module whose schedule may be set (not a hidden system module)."""
    if not isinstance(name, str) or not name:
        raise Invalid("module is required")
    if not registry.exists(name):
        raise Invalid(f"unknown module {name!r}", code="INVALID_MODULE_NAME")
    module = registry.try_get(name)
    if module is not None and module.hidden:
        raise Invalid(f"{name} is a system module; its schedule is fixed")
    return name


def canonical_rule(value: Any) -> str | None:
    """The rule's canonical text, or None for "manual only"."""
    if value is not None and not isinstance(value, str):
        raise Invalid("a schedule is a string like daily(03:00), or null for manual only")
    try:
        rule = parse_rule(value)
    except RuleError as exc:
        raise Invalid(str(exc)) from None
    return rule.text if rule else None


def _rules_by_module(rt: "Runtime") -> dict[str, dict]:
    sch = scheduler_of(rt)
    return {r["module"]: r for r in sch.status()} if sch else {}


def module_schedule(rt: "Runtime", module: str, rules: dict[str, dict] | None = None) -> dict:
    rules = rules if rules is not None else _rules_by_module(rt)
    text = (rt.config.settings.schedule or {}).get(module) or None
    info = rules.get(module) or {}
    return {"module": module, "schedule": text, "description": info.get("description"),
            "next_run": info.get("next_run"), "next_runs": info.get("next_runs", []),
            "next_runs_local": info.get("next_runs_local", []), "last_fired": info.get("last_fired"),
            "error": info.get("error")}


def schedule_answer(rt: "Runtime") -> dict:
    rules = _rules_by_module(rt)
    section = rt.config.settings.schedule or {}
    sch = scheduler_of(rt)
    tz = sch.tz if sch else configured_timezone(rt)
    return {"schedule": {k: (v or None) for k, v in section.items()},
            "rules": [module_schedule(rt, m, rules) for m in section],
            "system": [r for r in rules.values() if r.get("system")],
            "timezone": tz_name(tz), "scheduler_running": bool(sch and sch.running)}


def set_module_schedule(rt: "Runtime", module: Any, value: Any) -> str:
    """Set (or with None clear) one module's rule; returns the module name."""
    module = check_module(module)
    rule = canonical_rule(value)
    if rule is None:
        rt.config.delete_key("schedule", module)
    else:
        rt.config.update({"schedule": {module: rule}})
    return module


def replace_schedule(rt: "Runtime", mapping: dict) -> None:
    """Replace the whole schedule with ``{module: rule}`` (null rules are left out)."""
    clean: dict[str, str] = {}
    for module, value in mapping.items():
        check_module(module)
        rule = canonical_rule(value)
        if rule is not None:
            clean[module] = rule
    rt.config.replace_section("schedule", clean)


def preview(rt: "Runtime", rule: str, count: int) -> dict:
    """Whether ``rule`` is valid, and its next ``count`` run times."""
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


def known_module_schedule(rt: "Runtime", module: str) -> dict:
    if not registry.exists(module):
        raise NotFound(f"module {module!r} not found", code="MODULE_NOT_FOUND")
    return module_schedule(rt, module)


def clear_module_schedule(rt: "Runtime", module: str) -> None:
    if module not in (rt.config.settings.schedule or {}):
        raise NotFound(f"{module} has no schedule", code="SCHEDULE_NOT_FOUND")
    rt.config.delete_key("schedule", module)
