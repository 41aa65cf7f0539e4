"""What the HTTP layer asks of the jobs area, in one place: the running queue/scheduler, module
lookups, module summaries (list, dashboard), config validation and connectivity tests."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from curatarr.config.secrets import mask_secrets, unmask_secrets
from curatarr.clock import iso, utcnow
from curatarr.errors import Invalid, NotFound, Unavailable, Unprocessable
from curatarr.jobs.context import effective_config
from curatarr.jobs.store import ALL_STATES, ERROR, FINAL_STATES, INTERRUPTED, SOURCES
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
        raise NotFound(f"module {name!r} not found", code="MODULE_NOT_FOUND")
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


def module_sections_guard(old: dict, new: dict) -> None:
    """A ``ConfigStore`` guard: every module section a write changes must validate against the module's
    Config, exactly as ``PUT /api/modules/{name}/config`` checks it (a whole-config ``POST /api/config``
    or a CLI edit cannot store what the module route would refuse). Raises ``ConfigError`` (422) with
    the same field errors."""
    from curatarr.config.store import ConfigError

    for name, section in new.items():
        if section == old.get(name) or not registry.exists(name) or not isinstance(section, dict):
            continue
        module = registry.try_get(name)
        if module is None:
            continue
        try:
            module.parse_config(section)
        except ValidationError as exc:
            raise ConfigError(f"{name} configuration is invalid", validation_detail(exc)) from None


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
    """422 on an override the module's Config refuses; 403/422 on one that changes a folder setting
    without the admin scope or outside the root rule (:func:`security.roots.override_guard`)."""
    from curatarr.security.roots import override_guard

    section = rt.config.get_section(module.name) or {}
    override_guard(rt.data_dir, module.name, section if isinstance(section, dict) else {}, overrides)
    try:
        effective_config(module, section, overrides, dry_run)
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


# ---- job records ---------------------------------------------------------------------------------

STATUS_ALIASES = {"pending": "queued", "failed": "error", "completed": "success"}


def parse_statuses(raw: str | None) -> list[str] | None:
    """``"running,failed"`` → ``["running", "error"]`` (CHUB's words accepted); Invalid if unknown."""
    if not raw:
        return None
    wanted = [STATUS_ALIASES.get(s, s) for s in (p.strip() for p in raw.split(",")) if s]
    bad = [s for s in wanted if s not in ALL_STATES]
    if bad:
        raise Invalid(f"unknown status {bad[0]!r}; use one of {', '.join(ALL_STATES)}")
    return wanted


def check_source(source: str | None) -> None:
    if source and source not in SOURCES:
        raise Invalid(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")


def job_or_404(queue: "LocalJobQueue", job_id: int) -> dict:
    job = queue.get(job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found", code="JOB_NOT_FOUND")
    return job


def job_stats(queue: "LocalJobQueue", days: int) -> dict:
    """Counts of the last ``days`` days, the recent failures and the newest job."""
    since = utcnow() - timedelta(days=days)
    stats = queue.stats(since)
    recent = queue.store.recent(status=[ERROR, INTERRUPTED], since=since, limit=10)
    last, _ = queue.store.list(limit=1)
    return {**stats, "days": days, "recent_errors": recent, "last_job": last[0] if last else None}


def webhook_origin_summary(queue: "LocalJobQueue", days: int) -> dict:
    """Webhook jobs of the last ``days`` days counted by sender (host, endpoint), status and event."""
    rows = queue.store.webhook_origins(utcnow() - timedelta(days=days))
    by_origin: dict[tuple, int] = {}
    by_status: dict[str, int] = {}
    by_event: dict[str, int] = {}
    for origin, status in rows:
        origin = origin or {}
        key = (origin.get("client_host"), origin.get("endpoint"))
        by_origin[key] = by_origin.get(key, 0) + 1
        by_status[status] = by_status.get(status, 0) + 1
        event = origin.get("event_type") or "unknown"
        by_event[event] = by_event.get(event, 0) + 1
    ordered = sorted(by_origin.items(), key=lambda kv: -kv[1])
    return {"days": days, "total": len(rows),
            "by_origin": [{"client_host": k[0], "endpoint": k[1], "count": n} for k, n in ordered],
            "by_status": by_status, "by_event_type": by_event}


def retry_job(queue: "LocalJobQueue", job_id: int) -> int:
    """Queue a finished job again; returns the new job's id."""
    job = job_or_404(queue, job_id)
    if job["status"] not in FINAL_STATES:
        raise Invalid(f"job {job_id} is {job['status']}; only finished jobs can be retried", code="JOB_RETRY_INVALID_STATE")
    if not registry.exists(job["module"]):
        raise Invalid(f"module {job['module']!r} no longer exists")
    return queue.retry(job_id)


def cancel_job(queue: "LocalJobQueue", job_id: int) -> str:
    """Ask a job to stop; ``"cancelled"`` when it already has, else ``"cancelling"``."""
    job = job_or_404(queue, job_id)
    if job["status"] in FINAL_STATES:
        raise Invalid(f"job {job_id} already ended ({job['status']})", code="JOB_NOT_RUNNING")
    queue.cancel(job_id)
    after = queue.get(job_id) or job
    return "cancelled" if after["status"] == "cancelled" else "cancelling"
