"""Running one job: load the module, build its context, call ``run``, turn whatever happened into
an honest outcome. Used by the worker pool (server) and by ``curatarr run`` (foreground).

Outcomes:
- ``success`` — run() returned, and did some of its work (item errors are counted in its result);
- ``error`` — run() returned item errors and did none of its work
  (:func:`curatarr.modules.base.unfinished_work`, the rule of docs/jobs.md);
- ``cancelled`` — the user asked to stop (whether the module noticed via Cancelled or returned);
- ``interrupted`` — the server was stopping (same mechanics, different cause);
- ``error`` — run() raised (ModuleError: its message; anything else: type + message, traceback
  in the job log). Never silently retried: only modules with ``retries > 0`` are re-queued.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from curatarr.jobs.context import ProgressSink, build_context
from curatarr.jobs.store import CANCELLED, ERROR, INTERRUPTED, SUCCESS
from curatarr.modules import registry
from curatarr.modules.base import Cancelled, ModuleError, RunResult, prepare_run, unfinished_work

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.jobs")

MAX_ERROR_CHARS = 2000


@dataclass
class Outcome:
    status: str
    result: dict | None
    error: str | None
    progress: dict
    percent: float

    @property
    def retryable(self) -> bool:
        return self.status == ERROR


def failure_message(exc: BaseException) -> str:
    """The job's error for an unexpected exception: a plain sentence for the failures a user can act
    on (full disk, database unreachable), never a driver's raw text; else type and message."""
    from curatarr.fsutil import is_disk_full

    if is_disk_full(exc):
        return "the data disk is full: free some space and run it again"
    if type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        return f"the database failed ({type(exc).__name__}); see the general log"
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


def _result_dict(value: Any, ctx) -> dict:
    if isinstance(value, RunResult):
        return value.to_dict()
    if isinstance(value, dict):
        return RunResult.from_dict(value).to_dict() if {"counts", "changed"} & set(value) else \
            {**ctx.result.build().to_dict(), "data": value}
    return ctx.result.build().to_dict()


def run_module(rt: "Runtime", *, job_id: int | None, module_name: str, dry_run: bool, overrides: dict | None,
               origin: dict | None, cancel_event: threading.Event, shutdown_event: threading.Event | None,
               sink: ProgressSink, logger: logging.Logger) -> Outcome:
    """Execute ``module_name`` once and return its outcome (never raises).

    ``dry_run`` is the job record's answer (decided when the job was submitted); the run's frozen
    config comes from :func:`prepare_run`, the one place config and dry-run are settled."""
    stopped_status = lambda: INTERRUPTED if shutdown_event is not None and shutdown_event.is_set() else CANCELLED  # noqa: E731
    ctx = None
    try:
        module = registry.get(module_name)
    except registry.UnknownModule:
        return Outcome(ERROR, None, f"unknown module {module_name!r}", sink.state, 0.0)
    except Exception as exc:  # a module file that fails to import
        logger.error("module %s could not be loaded: %s", module_name, exc)
        return Outcome(ERROR, None, f"module {module_name} could not be loaded: {exc}"[:MAX_ERROR_CHARS], sink.state, 0.0)
    try:
        settings = prepare_run(rt, module, overrides, dry_run)
        ctx = build_context(rt, job_id=job_id, module=module, dry_run=settings.dry_run, overrides=overrides,
                            origin=origin, cancel_event=cancel_event, sink=sink, logger=logger)
        logger.info("%s started%s (job %s)", module_name, " in dry-run mode" if settings.dry_run else "", job_id)
        ctx.check_cancelled()
        value = module.run(ctx, settings.config)
        result = _result_dict(value, ctx)
        state, pct = sink.flush()
        if cancel_event.is_set():
            status = stopped_status()
            logger.warning("%s stopped (%s) after finishing its work", module_name, status)
            return Outcome(status, result, "stopped on request" if status == CANCELLED else "server stopped mid-run",
                           state, pct)
        failure = unfinished_work(RunResult.from_dict(result), getattr(module, "work_counts", ()))
        if failure:
            logger.error("%s failed: %s", module_name, failure)
            return Outcome(ERROR, result, failure[:MAX_ERROR_CHARS], state, pct)
        logger.info("%s finished: %s", module_name, result.get("counts") or "no counts")
        return Outcome(SUCCESS, result, None, state, pct)
    except Cancelled:
        status = stopped_status()
        state, pct = sink.flush()
        logger.warning("%s %s at %s/%s", module_name, "cancelled" if status == CANCELLED else "interrupted",
                       state.get("done"), state.get("total"))
        return Outcome(status, ctx.result.build().to_dict() if ctx else None,
                       "cancelled by user" if status == CANCELLED else "server stopped mid-run", state, pct)
    except ModuleError as exc:
        state, pct = sink.flush()
        logger.error("%s failed: %s", module_name, exc)
        return Outcome(ERROR, ctx.result.build().to_dict() if ctx else None, str(exc)[:MAX_ERROR_CHARS], state, pct)
    except Exception as exc:
        state, pct = sink.flush()
        logger.error("%s crashed: %s\n%s", module_name, exc, traceback.format_exc())
        if cancel_event.is_set():  # e.g. a killed subprocess raising while being cancelled
            status = stopped_status()
            return Outcome(status, ctx.result.build().to_dict() if ctx else None,
                           f"stopped on request ({type(exc).__name__}: {exc})"[:MAX_ERROR_CHARS], state, pct)
        message = failure_message(exc)
        return Outcome(ERROR, ctx.result.build().to_dict() if ctx else None, message, state, pct)
    finally:
        if ctx is not None:
            ctx.connectors.close()
