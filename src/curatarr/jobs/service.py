"""What the HTTP layer asks of the jobs area, in one place: the running queue/scheduler, module
lookups, module summaries (list, dashboard), config validation and connectivity tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from curatarr.config.secrets import mask_secrets, unmask_secrets
from curatarr.db.base import iso
from curatarr.errors import Invalid, NotFound, Unavailable, Unprocessable
from curatarr.jobs.context import effective_config
from curatarr.modules import registry
from curatarr.modules.base import Module, ModuleError

if TYPE_CHECKING:
    from curatarr.jobs.queue import LocalJobQueue
    from curatarr.jobs.scheduler import Scheduler
    from curatarr.runtime import Runtime


def jobs_of(rt: "Runtime") -> "LocalJobQueue":
    queue = getattr(rt, "jobs", None)
    if queue is None:
        raise Unavailable("the job service is not running")
    return queue


def scheduler_of(rt: "Runtime") -> "Scheduler | None":
    return getattr(rt, "scheduler", None)


def module_or_404(name: str) -> Module:
    if not registry.exists(name):
        raise NotFound(f"module {name!r} not found")
    module = registry.try_get(name)
    if module is None:
        raise Unavailable(f"module {name!r} could not be loaded (see the general log)")
    return module


def validation_detail(exc: ValidationError) -> list[dict]:
    out = []
    for err in exc.errors():
        out.append({"type": err.get("type"), "loc": [str(p) if not isinstance(p, int) else p for p in err.get("loc", ())],
                    "msg": err.get("msg")})
    return out


def masked_section(rt: "Runtime", name: str) -> dict:
    section = rt.config.get_section(name) or {}
    section = section if isinstance(section, dict) else {}
    return mask_secrets({name: section})[name]


def validate_section(rt: "Runtime", module: Module, body: dict) -> dict:
    """The section ``body`` would become (masked secrets restored), validated; 422 if invalid."""
    full = unmask_secrets({module.name: body}, rt.config.as_dict())[module.name]
    try:
        module.parse_config(full)
    except ValidationError as exc:
        raise Unprocessable(f"{module.name} configuration is invalid", data=validation_detail(exc)) from None
    return full


def validate_overrides(rt: "Runtime", module: Module, overrides: dict, dry_run: bool) -> None:
    try:
        effective_config(module, rt.config.get_section(module.name) or {}, overrides, dry_run)
    except ModuleError as exc:
        raise Unprocessable(str(exc)) from None


def schedule_rule(rt: "Runtime", name: str) -> str | None:
    return (rt.config.settings.schedule or {}).get(name) or None


def remembered_rule(rt: "Runtime", name: str) -> str | None:
    """The rule the scheduler last knew for ``name`` (kept after the module was disabled)."""
    from curatarr.db.models.jobs import ScheduleState

    with rt.db.session() as s:
        row = s.get(ScheduleState, name)
        return row.rule if row else None


def set_schedule_enabled(rt: "Runtime", name: str, enabled: bool, schedule: Any = None) -> None:
    """Disabling removes the module's schedule (the scheduler remembers it); enabling sets
    ``schedule`` when given, else keeps the current rule or restores the remembered one."""
    from curatarr.jobs.rules import RuleError, normalize_rule

    if not enabled:
        rt.config.delete_key("schedule", name)
        return
    wanted = schedule or schedule_rule(rt, name) or remembered_rule(rt, name)
    if not wanted:
        raise Invalid(f"{name} has no schedule to enable; send one as \"schedule\"")
    try:
        rule = normalize_rule(wanted)
    except RuleError as exc:
        raise Invalid(str(exc)) from None
    rt.config.update({"schedule": {name: rule}})


def module_summary(rt: "Runtime", module: Module, state: dict | None = None) -> dict:
    """One module card: identity, schedule, current status and last run."""
    sch = scheduler_of(rt)
    rule = sch.rule(module.name) if sch else None
    nxt = sch.next_run(module.name) if sch else None
    state = state or {}
    info = module.describe()
    info.update({
        "enabled": schedule_rule(rt, module.name) is not None, "schedule": schedule_rule(rt, module.name),
        "schedule_description": rule.describe() if rule else None, "next_run": iso(nxt),
        "configured": isinstance(rt.config.get_section(module.name), dict),
        "status": state.get("status", "idle"), "running": bool(state.get("running")), "job_id": state.get("job_id"),
        "progress": state.get("progress"), "queued": state.get("queued", 0),
        "last_run": state.get("last_run"), "last_run_status": state.get("last_run_status"),
        "last_run_successful": state.get("last_run_successful"), "last_duration": state.get("last_duration"),
        "last_run_by": state.get("last_run_by"), "last_job_id": state.get("last_job_id"),
        "last_error": state.get("last_error"),
    })
    return info


def all_states(rt: "Runtime", *, include_hidden: bool = False) -> dict[str, dict]:
    queue = jobs_of(rt)
    names = registry.names(include_hidden=include_hidden)
    return queue.module_states(names)


def test_module_instances(rt: "Runtime", module: Module) -> list[dict[str, Any]]:
    """Probe every instance the module's configuration names (unknown names → not_found)."""
    from curatarr.instances.factory import find_instance
    from curatarr.instances.health import probe_many

    try:
        config = module.parse_config(rt.config.get_section(module.name) or {})
        names = module.instance_names(config)
    except ValidationError:  # still test what the (invalid) section names
        raw = rt.config.get_section(module.name)
        names = module.instance_names(raw if isinstance(raw, dict) else {})  # type: ignore[arg-type]
    refs, results = [], []
    for name in names:
        ref = find_instance(rt, name)
        if ref is None:
            results.append({"instance": name, "service": None, "status": "not_found", "status_code": None,
                            "response_time_ms": None, "error": f"no instance named {name!r} is configured"})
        else:
            refs.append(ref)
    for ref, res in zip(refs, probe_many(rt, refs)):
        results.append({"instance": ref.name, "service": ref.type, "status": res.status, "ok": res.ok,
                        "status_code": res.status_code, "response_time_ms": res.response_time_ms, "error": res.error})
    return results
