"""Running one job in the calling thread (``curatarr run``), with the same job record, job log,
final states and notifications as a queued run.

The record is created already ``running`` and owned by this process, so a server sharing the
database never claims it; it counts for "one running job per module" there too. A heartbeat
thread keeps the record fresh and picks up a cancel requested through the server's API.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Callable

from curatarr.jobs import queue as queue_mod
from curatarr.jobs.context import JobLogger, ProgressSink, job_log_path
from curatarr.jobs.store import RUNNING, JobStore
from curatarr.jobs.worker import run_module
from curatarr.modules import registry
from curatarr.modules.base import dry_run_for

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

HEARTBEAT_SECONDS = 2.0


class AlreadyRunning(RuntimeError):
    pass


def run_in_foreground(rt: "Runtime", module: str, *, overrides: dict | None = None, dry_run: bool | None = None,
                      on_progress: Callable[[dict], None] | None = None,
                      cancel_event: threading.Event | None = None, source: str = "cli",
                      notify: bool = True) -> dict:
    """Run ``module`` now; returns the finished job record. KeyError for an unknown module,
    AlreadyRunning when the module is busy and does not allow concurrent runs."""
    mod = registry.get(module)
    store = JobStore(rt.db)
    if not mod.allow_concurrent:
        queue_mod.sweep_dead_jobs(store)
        if store.running_modules().get(module):
            raise AlreadyRunning(f"{module} is already running")
    token = uuid.uuid4().hex[:12]
    worker = queue_mod.worker_id(token)
    resolved = dry_run_for(rt, mod, overrides, dry_run)
    job_id, _ = store.create(module=module, source=source, priority=0, dry_run=resolved, overrides=overrides,
                             origin={"source": source}, dedupe_key=None, max_attempts=1, status=RUNNING,
                             worker=worker)
    queue_mod._LIVE_TOKENS.add(token)
    cancel = cancel_event or threading.Event()
    stop_beat = threading.Event()

    def heartbeat() -> None:
        while not stop_beat.wait(HEARTBEAT_SECONDS):
            try:
                store.heartbeat(worker)
                got = store.status_of(job_id)
                if got and got[1]:
                    cancel.set()  # cancelled through the server's API
            except Exception:  # a database hiccup must not kill the run
                pass

    beat = threading.Thread(target=heartbeat, name=f"job{job_id}-heartbeat", daemon=True)
    beat.start()
    path = job_log_path(rt, job_id, module)
    store.set_log_path(job_id, str(path))
    logger = JobLogger(rt, job_id, module, path)

    def publish(state: dict) -> None:
        if on_progress:
            on_progress(state)

    sink = ProgressSink(job_id, module, save=lambda st, pct: store.save_progress(job_id, st, pct), publish=publish)
    try:
        outcome = run_module(rt, job_id=job_id, module_name=module, dry_run=resolved, overrides=overrides,
                             origin={"source": source}, cancel_event=cancel, shutdown_event=None, sink=sink,
                             logger=logger.logger)
        store.finish(job_id, outcome.status, result=outcome.result, error=outcome.error, progress=outcome.progress,
                     percent=outcome.percent)
    finally:
        logger.close()
        stop_beat.set()
        beat.join(timeout=5)
        queue_mod._LIVE_TOKENS.discard(token)
    job = store.get(job_id) or {}
    if notify and job:
        from curatarr.jobs.notifications import notify_job_finished

        try:
            notify_job_finished(rt, job)
            job = store.get(job_id) or job
        except Exception:
            logger.logger.exception("notifications failed")
    return job
