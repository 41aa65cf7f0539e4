"""Building what one job run needs: its logger (per-job file), its progress sink (throttled database
writes + live events) and its RunContext. Its settings (frozen config, dry-run) are decided by the
module framework's run contract, :func:`curatarr.modules.base.prepare_run`; ``effective_config`` and
``resolve_dry_run`` are re-exported here for the callers that validate a job before queueing it."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from curatarr.logs.setup import FORMAT
from curatarr.modules.base import Module, RunContext, effective_config, resolve_dry_run

__all__ = ["JobLogger", "ProgressSink", "build_context", "job_log_path", "job_logs_dir", "percent_of",
           "effective_config", "resolve_dry_run"]

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

PROGRESS_DB_INTERVAL = 1.0  # seconds between progress writes to the database per job
PROGRESS_EVENT_INTERVAL = 0.1  # seconds between live progress events per job (phase changes always go out)


def job_logs_dir(rt: "Runtime") -> Path:
    d = rt.data_dir / "job_logs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def job_log_path(rt: "Runtime", job_id: int, module: str) -> Path:
    return job_logs_dir(rt) / f"{module}-{job_id}.log"


class JobLogger:
    """A logger that writes to the job's own file and, through its parent, to the module's log
    and the general log. Not registered in logging's global table (jobs would pile up there)."""

    def __init__(self, rt: "Runtime", job_id: int | None, module: str, path: Path | None):
        parent = rt.logs.module_logger(module)
        self.logger = logging.Logger(f"{parent.name}.job{job_id}" if job_id else f"{parent.name}.run")
        self.logger.parent = parent
        self.logger.propagate = True
        self.handler: logging.Handler | None = None
        if path is not None:
            handler = logging.FileHandler(path, encoding="utf-8", delay=False)
            handler.setFormatter(logging.Formatter(FORMAT))
            handler.addFilter(rt.logs.redactor)
            self.logger.addHandler(handler)
            self.handler = handler

    def close(self) -> None:
        if self.handler is not None:
            self.logger.removeHandler(self.handler)
            self.handler.close()
            self.handler = None


def percent_of(state: dict) -> float:
    total = state.get("total") or 0
    if total <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * float(state.get("done") or 0) / float(total)))


class ProgressSink:
    """Receives ``ctx.progress`` calls: publishes live events (coalesced to ~10/s) and writes the
    database at most once a second; ``flush`` writes the final state."""

    def __init__(self, job_id: int | None, module: str, *, save: Callable[[dict, float], None] | None,
                 publish: Callable[[dict], None] | None):
        self.job_id = job_id
        self.module = module
        self._save = save
        self._publish = publish
        self._lock = threading.Lock()
        self._last_db = 0.0
        self._last_event = 0.0
        self._last_phase: Any = None
        self.state: dict = {"done": 0, "total": 0, "item": None, "phase": None}
        self.unsaved = False

    def __call__(self, state: dict) -> None:
        now = time.monotonic()
        with self._lock:
            self.state = state
            phase_changed = state.get("phase") != self._last_phase
            finished = state.get("total") and state.get("done", 0) >= state.get("total", 0)
            send = phase_changed or finished or now - self._last_event >= PROGRESS_EVENT_INTERVAL
            write = phase_changed or now - self._last_db >= PROGRESS_DB_INTERVAL
            if send:
                self._last_event = now
                self._last_phase = state.get("phase")
            if write:
                self._last_db = now
            self.unsaved = not write
        pct = percent_of(state)
        if send and self._publish:
            self._publish({**state, "percent": round(pct, 2)})
        if write and self._save:
            self._save(dict(state), pct)

    def flush(self) -> tuple[dict, float]:
        with self._lock:
            return dict(self.state), percent_of(self.state)


def build_context(rt: "Runtime", *, job_id: int | None, module: Module, dry_run: bool, overrides: dict | None,
                  origin: dict | None, cancel_event: threading.Event, sink: ProgressSink,
                  logger: logging.Logger) -> RunContext:
    return RunContext(rt, job_id=job_id, module=module.name, dry_run=dry_run, log=logger,
                      overrides=overrides, origin=origin, cancel_event=cancel_event, on_progress=sink)
