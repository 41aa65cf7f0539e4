"""The module framework: what a module is, what it gets while it runs, and what it returns.

A module is one class in one file under ``curatarr/modules`` plus one line in
:data:`curatarr.modules.registry.MODULES`::

    class Config(BaseModel):
        instances: list[str] = []
        batch_size: int = Field(100, ge=1)

    class Renameinatorr(Module):
        name = "renameinatorr"; title = "Renameinatorr"; category = "media"
        Config = Config

        def run(self, ctx: RunContext, config: Config) -> RunResult:
            items = ...
            for i, item in enumerate(items):
                ctx.check_cancelled()                 # raises Cancelled → job ends "cancelled"
                ctx.progress(i, len(items), item=item.title, phase="renaming")
                if not ctx.dry_run:
                    ...
                ctx.result.changed(f"renamed {item.title}", id=item.id)
            ctx.progress(len(items), len(items))
            return ctx.result.build()

The run contract: :func:`prepare_run` is the one place a run's settings are decided. It reads the
module's ``config.yml`` section once, merges the job's one-shot overrides on top, validates the result
once into a *frozen* ``Config`` and decides dry-run once (:func:`resolve_dry_run`: explicit request >
override > config section > the module's default). The job worker (queued and foreground runs alike)
calls it, builds the :class:`RunContext` with that dry-run answer and calls ``run(ctx, config)``.
Tests of a single module and scripts get the same pair without the queue from :func:`standalone`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from curatarr.config.store import deep_merge
from curatarr.errors import ModuleError
from curatarr.instances.pool import ConnectorPool as Connectors  # the run's connectors (re-exported)

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

__all__ = ["Module", "ModuleConfig", "RunContext", "RunResult", "ResultBuilder", "Connectors", "Cancelled",
           "ModuleError", "RunSettings", "prepare_run", "standalone", "effective_config", "resolve_dry_run",
           "dry_run_for", "frozen_model"]


class Cancelled(Exception):
    """Raised by :meth:`RunContext.check_cancelled` once the job has been asked to stop."""


class ModuleConfig(BaseModel):
    """Convenient base for module Config models: unknown keys in config.yml are kept; a validated
    config is frozen (a run cannot change the settings it was given)."""

    model_config = ConfigDict(extra="allow", frozen=True)


_frozen_models: dict[type[BaseModel], type[BaseModel]] = {}
_frozen_lock = threading.Lock()


def frozen_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` itself when it is frozen already, else a frozen subclass of it (made once, cached):
    every config a run receives is frozen, whatever base its Config model has."""
    if model.model_config.get("frozen"):
        return model
    with _frozen_lock:
        frozen = _frozen_models.get(model)
        if frozen is None:
            frozen = type(model.__name__, (model,), {"model_config": ConfigDict(frozen=True),
                                                      "__module__": model.__module__, "__doc__": model.__doc__})
            _frozen_models[model] = frozen
        return frozen


# ---- result --------------------------------------------------------------------------------------

MAX_ITEMS = 500  # changed items / warnings kept in one result (the rest are only counted)


@dataclass
class RunResult:
    """What a run did: counts (``{"renamed": 12, "skipped": 3}``), the items it changed, warnings
    and per-item errors. Stored on the job and used for notifications."""

    counts: dict[str, int] = field(default_factory=dict)
    changed: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    truncated: int = 0  # items/warnings left out beyond MAX_ITEMS
    data: dict[str, Any] = field(default_factory=dict)  # module-specific extras (small, JSON-able)

    @property
    def changed_count(self) -> int:
        return len(self.changed) + self.truncated

    def to_dict(self) -> dict:
        return {"counts": dict(self.counts), "changed": list(self.changed), "warnings": list(self.warnings),
                "errors": list(self.errors), "truncated": self.truncated, "data": dict(self.data)}

    @classmethod
    def from_dict(cls, raw: dict | None) -> "RunResult":
        raw = raw or {}
        return cls(counts=dict(raw.get("counts") or {}), changed=list(raw.get("changed") or []),
                   warnings=list(raw.get("warnings") or []), errors=list(raw.get("errors") or []),
                   truncated=int(raw.get("truncated") or 0), data=dict(raw.get("data") or {}))


class ResultBuilder:
    """Collects a run's outcome while it runs (thread-safe; modules may use worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._result = RunResult()

    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self._result.counts[key] = self._result.counts.get(key, 0) + n

    def changed(self, description: str, **details: Any) -> None:
        with self._lock:
            if len(self._result.changed) >= MAX_ITEMS:
                self._result.truncated += 1
            else:
                self._result.changed.append({"description": description, **details})

    def warn(self, message: str) -> None:
        with self._lock:
            if len(self._result.warnings) < MAX_ITEMS:
                self._result.warnings.append(str(message))
            else:
                self._result.truncated += 1

    def error_item(self, item: Any, message: str) -> None:
        with self._lock:
            if len(self._result.errors) < MAX_ITEMS:
                self._result.errors.append({"item": str(item), "message": str(message)})
            else:
                self._result.truncated += 1

    def set_data(self, key: str, value: Any) -> None:
        with self._lock:
            self._result.data[key] = value

    def build(self) -> RunResult:
        with self._lock:
            r = self._result
            return RunResult(counts=dict(r.counts), changed=list(r.changed), warnings=list(r.warnings),
                             errors=list(r.errors), truncated=r.truncated, data=dict(r.data))


def unfinished_work(result: RunResult, work_counts: tuple[str, ...] = ()) -> str | None:
    """The rule for job results (docs/jobs.md): a run that returned normally is ``success`` — item
    errors, if any, counted in its result — unless it recorded errors and did none of its work (no
    changed item and none of ``work_counts``): then it is ``error``, with this message. (A run an
    infrastructure failure stopped raises, and is ``error`` for that.)"""
    failed = max(len(result.errors), int(result.counts.get("errors", 0) or 0))
    if not failed:
        return None
    done = len(result.changed) + sum(int(result.counts.get(key, 0) or 0) for key in work_counts)
    if done:
        return None
    first = result.errors[0] if result.errors else None
    example = f"; first: {first.get('item')}: {first.get('message')}" if first else ""
    return f"did none of its work: {failed} error{'s' if failed != 1 else ''}{example}"


# ---- connectors ----------------------------------------------------------------------------------

# ---- context -------------------------------------------------------------------------------------

ProgressSink = Callable[[dict], None]


class RunContext:
    """Everything a running module may use. Built by the job worker (or :meth:`standalone`)."""

    def __init__(self, rt: "Runtime", *, job_id: int | None, module: str, dry_run: bool = False,
                 log: logging.Logger | None = None, overrides: dict | None = None, origin: dict | None = None,
                 cancel_event: threading.Event | None = None, on_progress: ProgressSink | None = None):
        self.rt = rt
        self.job_id = job_id
        self.module = module
        self.dry_run = bool(dry_run)
        self.log = log or logging.getLogger(f"curatarr.modules.{module}")
        self.overrides = dict(overrides or {})
        self.origin = origin
        self.connectors = Connectors(rt)
        self.result = ResultBuilder()
        self._cancel = cancel_event or threading.Event()
        self._on_progress = on_progress
        self.state: dict[str, Any] = {"done": 0, "total": 0, "item": None, "phase": None}

    # progress -------------------------------------------------------------------------------------
    def progress(self, done: int, total: int | None = None, item: str | None = None, phase: str | None = None) -> None:
        """Report progress: ``done`` of ``total`` items, the item being worked on, the phase name.
        Streamed live to the UI; cheap enough to call once per item."""
        self.state = {"done": int(done), "total": int(total if total is not None else self.state.get("total") or 0),
                      "item": None if item is None else str(item)[:300],
                      "phase": phase if phase is not None else self.state.get("phase")}
        if self._on_progress:
            self._on_progress(dict(self.state))

    def phase(self, name: str) -> None:
        self.progress(self.state.get("done", 0), self.state.get("total", 0), self.state.get("item"), name)

    # cancellation ---------------------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the job was asked to stop. Call once per loop iteration."""
        if self._cancel.is_set():
            raise Cancelled()

    def sleep(self, seconds: float) -> None:
        """Wait that long, waking early (and raising Cancelled) if the job is cancelled."""
        if self._cancel.wait(max(0.0, seconds)):
            raise Cancelled()

    # services -------------------------------------------------------------------------------------
    def service(self, name: str) -> Any:
        """A service another area attached to the runtime (the attribute ``rt.<name>``), or None."""
        return getattr(self.rt, name, None)

    @classmethod
    def standalone(cls, rt: "Runtime", module: str, *, dry_run: bool = False, overrides: dict | None = None,
                   origin: dict | None = None) -> "RunContext":
        """A context outside the job queue (module unit tests, scripts)."""
        return cls(rt, job_id=None, module=module, dry_run=dry_run, overrides=overrides, origin=origin)


# ---- module --------------------------------------------------------------------------------------

class Module:
    """Base class of every module. Subclasses set the class attributes and implement :meth:`run`."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    category: ClassVar[str] = "media"  # media | artwork | maintenance | system
    Config: ClassVar[type[BaseModel]] = ModuleConfig
    allow_concurrent: ClassVar[bool] = False  # more than one running job of this module at a time
    retries: ClassVar[int] = 0  # opt-in automatic retries after an error (with backoff)
    retry_delay: ClassVar[float] = 30.0  # seconds before the first retry; doubles per attempt (max 15 min)
    hidden: ClassVar[bool] = False  # system modules (cache_refresh…) are not listed in the UI
    default_dry_run: ClassVar[bool] = False  # used when neither the job nor config says dry_run
    # Counts that mean "an item was handled as it should be" besides changed items (e.g. assets found
    # up to date). A run with item errors and none of these, nor any change, did none of its work and
    # ends ``error`` (see :func:`unfinished_work` and docs/jobs.md, "Job results").
    work_counts: ClassVar[tuple[str, ...]] = ()
    # Config fields that name instances (for GET /api/modules/{name}/test). Strings or lists of names.
    instance_fields: ClassVar[tuple[str, ...]] = ("instances", "instance", "radarr_instances",
                                                   "sonarr_instances", "lidarr_instances", "plex_instances",
                                                   "media_servers", "arr_instances")

    def run(self, ctx: RunContext, config: Any) -> RunResult:  # pragma: no cover - abstract
        raise NotImplementedError

    # helpers used by the framework -----------------------------------------------------------------
    def parse_config(self, raw: dict | None) -> BaseModel:
        """Validate a config section into a frozen Config (raises pydantic.ValidationError)."""
        return frozen_model(self.Config).model_validate(raw or {})

    def instance_names(self, config: BaseModel) -> list[str]:
        """Names of the instances this configuration uses (connectivity test, dashboard)."""
        names: list[str] = []
        data = config.model_dump() if isinstance(config, BaseModel) else dict(config or {})
        for key in self.instance_fields:
            value = data.get(key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, dict):  # e.g. [{"instance": "radarr_main", "library_names": [...]}]
                    v = v.get("instance") or v.get("name")
                if isinstance(v, str) and v and v not in names:
                    names.append(v)
        return names

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title or self.name.replace("_", " ").title(),
                "description": self.description, "category": self.category, "hidden": self.hidden,
                "allow_concurrent": self.allow_concurrent, "retries": self.retries,
                "default_dry_run": self.default_dry_run}


def select_instances(ctx: "RunContext", names: list[str], types: tuple[str, ...], *, purpose: str,
                     label: str = "Radarr or Sonarr") -> list:
    """The instances a run works on: those in ``names`` (empty = every enabled one of ``types``).

    Unknown and disabled names are skipped with a warning on the run's result; if none is left the
    run cannot do anything and ends with a :class:`ModuleError` naming ``purpose``.
    """
    available = [r for t in types for r in ctx.connectors.instances(t, enabled_only=False)]
    if names:
        by_name = {r.name: r for r in available}
        refs = []
        for name in names:
            ref = by_name.get(name)
            if ref is None:
                ctx.result.warn(f"{name}: not a configured {label} instance; skipped")
            elif not ref.enabled:
                ctx.result.warn(f"{name}: disabled; skipped")
            else:
                refs.append(ref)
    else:
        refs = [r for r in available if r.enabled]
    if not refs:
        raise ModuleError(f"no {label} instance to {purpose} (configure one, or fix the instances list)")
    return refs


# ---- the run contract ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RunSettings:
    """What one run is given: its frozen, validated config and the dry-run answer."""

    config: BaseModel
    dry_run: bool


def resolve_dry_run(module: Module, section: Any, overrides: dict | None, requested: bool | None) -> bool:
    """The one dry-run rule: explicit request > one-shot override > config section > the module's default.

    The queue applies it when a job is submitted (the job record keeps the answer); the worker passes
    that answer back in as ``requested``, so a run never decides twice."""
    if requested is not None:
        return bool(requested)
    if overrides and isinstance(overrides.get("dry_run"), bool):
        return overrides["dry_run"]
    if isinstance(section, dict) and isinstance(section.get("dry_run"), bool):
        return section["dry_run"]
    return bool(module.default_dry_run)


def dry_run_for(rt: "Runtime", module: Module, overrides: dict | None, requested: bool | None) -> bool:
    """:func:`resolve_dry_run` against the module's current config section (job submission)."""
    return resolve_dry_run(module, rt.config.get_section(module.name) or {}, overrides, requested)


def effective_config(module: Module, section: Any, overrides: dict | None, dry_run: bool) -> BaseModel:
    """The module's config section, with the job's one-shot overrides on top, validated (frozen).

    ``dry_run`` is set on the config when the model has such a field, so a module reading either
    ``ctx.dry_run`` or ``config.dry_run`` sees the same answer. Raises ModuleError on bad config.
    """
    base = section if isinstance(section, dict) else {}
    merged = deep_merge(base, {k: v for k, v in (overrides or {}).items() if k != "dry_run"})
    if "dry_run" in getattr(module.Config, "model_fields", {}):
        merged["dry_run"] = dry_run
    try:
        return module.parse_config(merged)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "(section)"
        raise ModuleError(f"invalid configuration for {module.name}: {where}: {first.get('msg', 'invalid')}") from None


def prepare_run(rt: "Runtime", module: Module, overrides: dict | None = None,
                dry_run: bool | None = None) -> RunSettings:
    """A run's settings, decided once: the config section read once, overrides merged, validated once
    (frozen), dry-run resolved by :func:`resolve_dry_run`. Raises ModuleError on bad config."""
    section = rt.config.get_section(module.name) or {}
    resolved = resolve_dry_run(module, section, overrides, dry_run)
    return RunSettings(effective_config(module, section, overrides, resolved), resolved)


def standalone(rt: "Runtime", module: Module, *, overrides: dict | None = None, dry_run: bool | None = None,
               origin: dict | None = None) -> tuple[RunContext, BaseModel]:
    """``(ctx, config)`` for running ``module`` outside the job queue (module tests, scripts), decided
    by :func:`prepare_run` exactly as a queued run's. Close ``ctx.connectors`` when done."""
    settings = prepare_run(rt, module, overrides, dry_run)
    ctx = RunContext.standalone(rt, module.name, dry_run=settings.dry_run, overrides=overrides, origin=origin)
    return ctx, settings.config
