"""The job queue: ``rt.jobs``.

:class:`JobQueue` is the interface every producer and the API use (submit, get, cancel, wait,
retry, module states). :class:`LocalJobQueue` implements it with the database as the queue and a
bounded pool of worker threads in this process; a distributed broker would implement the same
interface (claiming rows or messages from elsewhere) without touching modules or the API.

Rules the local queue keeps:
- bounded pool (``jobs.workers``, default 3); higher ``priority`` first, then oldest;
- one running job per module unless the module sets ``allow_concurrent`` (also across processes:
  a ``curatarr run`` in a shell counts);
- progress goes to the event bus as it happens and to the database about once a second;
- automatic retries only for modules with ``retries > 0``, after ``retry_delay`` doubling per try;
- stopping the server asks running jobs to stop and records them ``interrupted``; on start, jobs
  left ``running`` by a dead process are recorded ``interrupted`` — never silently re-run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import psutil

from curatarr.db.base import iso, utcnow
from curatarr.db.models.jobs import Job
from curatarr.jobs.context import JobLogger, ProgressSink, job_log_path
from curatarr.jobs.events import EventBus
from curatarr.jobs.states import ModuleStates
from curatarr.jobs.store import CANCELLED, ERROR, FINAL_STATES, QUEUED, RUNNING, JobStore
from curatarr.jobs.worker import Outcome, failure_message, run_module
from curatarr.modules import registry
from curatarr.modules.base import dry_run_for

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.jobs")

HOST = socket.gethostname()
STALE_AFTER = timedelta(minutes=3)  # a running job whose worker stopped heart-beating this long is dead
HEARTBEAT_SECONDS = 30.0
_LIVE_TOKENS: set[str] = set()  # queues alive in this process (a runtime restarted in-process)


class JobQueue(ABC):
    """What producers and the API may rely on (see interfaces.md)."""

    @abstractmethod
    def submit(self, module: str, *, overrides: dict | None = None, origin: dict | None = None, priority: int = 0,
               dry_run: bool | None = None, dedupe_key: str | None = None, source: str | None = None) -> int: ...

    @abstractmethod
    def get(self, job_id: int) -> dict | None: ...

    @abstractmethod
    def cancel(self, job_id: int) -> bool: ...

    @abstractmethod
    def wait(self, job_id: int, timeout: float | None = None) -> dict: ...

    @abstractmethod
    def retry(self, job_id: int) -> int: ...

    @abstractmethod
    def module_states(self, modules: list[str] | None = None) -> dict[str, dict]: ...

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self, grace: float | None = None) -> None: ...


@dataclass
class _Running:
    job_id: int
    module: str
    cancel: threading.Event = field(default_factory=threading.Event)


def worker_id(token: str) -> str:
    return f"{HOST}:{os.getpid()}:{token}"


def _worker_dead(worker: str | None) -> bool:
    """True when ``worker`` ("host:pid:token") is a process on this host that is gone."""
    if not worker:
        return True
    parts = worker.split(":")
    if len(parts) < 2 or parts[0] != HOST:
        return False  # another host: judged by heartbeat age only
    try:
        pid = int(parts[1])
    except ValueError:
        return True
    if pid == os.getpid():
        return len(parts) < 3 or parts[2] not in _LIVE_TOKENS
    return not psutil.pid_exists(pid)


def sweep_dead_jobs(store: JobStore, *, own_worker: str | None = None) -> list[int]:
    """Record jobs left ``running`` by dead workers as ``interrupted`` (never re-run them)."""
    now = utcnow()
    dead = []
    for job_id, _module, worker, updated in store.running_rows():
        if worker == own_worker:
            continue
        if _worker_dead(worker) or (updated is not None and now - updated > STALE_AFTER):
            dead.append(job_id)
    if not dead:
        return []
    return store.mark_interrupted(Job.id.in_(dead), "interrupted: the process running it stopped mid-run")


class LocalJobQueue(JobQueue):
    def __init__(self, rt: "Runtime", *, events: EventBus | None = None, workers: int | None = None,
                 poll_seconds: float | None = None, shutdown_grace: float | None = None):
        cfg = rt.config.get_section("jobs") or {}
        cfg = cfg if isinstance(cfg, dict) else {}
        self.rt = rt
        self.events = events or EventBus()
        self.store = JobStore(rt.db)
        self.states = ModuleStates()
        self.max_workers = max(1, int(workers or cfg.get("workers") or 3))
        self.poll_seconds = float(poll_seconds or cfg.get("poll_seconds") or 5.0)
        self.shutdown_grace = float(shutdown_grace if shutdown_grace is not None
                                    else cfg.get("shutdown_grace_seconds", 10.0))
        self.token = uuid.uuid4().hex[:12]
        self.worker_id = worker_id(self.token)
        self._running: dict[int, _Running] = {}
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._finished = threading.Condition()
        self._stopping = threading.Event()
        self._shutdown = threading.Event()  # set while stopping: cancelled jobs end "interrupted"
        self._notify_pool: ThreadPoolExecutor | None = None
        self._dispatcher: threading.Thread | None = None
        self._last_heartbeat = 0.0
        self._last_purge = 0.0
        self.retention_days = int(cfg.get("retention_days", 90) or 0)  # 0 = keep every job
        self.started = False

    # ---- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        if self.started:
            return
        _LIVE_TOKENS.add(self.token)
        interrupted = sweep_dead_jobs(self.store, own_worker=self.worker_id)
        if interrupted:
            log.warning("jobs %s were running when the server stopped; recorded as interrupted", interrupted)
        self.states.reload(self.store)
        self._notify_pool = ThreadPoolExecutor(1, thread_name_prefix="notify")
        for job_id in interrupted or ():  # ended by a dead process: tell whoever asked to be told
            job = self.store.get(job_id)
            if job:
                self._notify_pool.submit(self._notify, job)
        self._stopping.clear()
        self._shutdown.clear()
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="job-dispatcher", daemon=True)
        self.started = True
        self._dispatcher.start()

    def stop(self, grace: float | None = None) -> None:
        if not self.started:
            return
        grace = self.shutdown_grace if grace is None else grace
        self._stopping.set()
        self._shutdown.set()
        self._wake.set()
        if self._dispatcher:
            self._dispatcher.join(timeout=10)
        with self._lock:
            running = list(self._running.values())
        for r in running:
            r.cancel.set()
        deadline = time.monotonic() + grace
        with self._finished:
            while self._running and time.monotonic() < deadline:
                self._finished.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
        with self._lock:
            left = list(self._running)
        if left:
            ids = self.store.mark_interrupted(Job.id.in_(left), "interrupted: server stopped mid-run")
            for job_id in ids:
                job = self.store.get(job_id)
                if job:  # notified like any other end (an "always" or "error" policy wants to know)
                    self._after_final(job, notify=True)
        if self._notify_pool:
            self._notify_pool.shutdown(wait=True, cancel_futures=False)
        _LIVE_TOKENS.discard(self.token)
        self.started = False

    # ---- producing --------------------------------------------------------------------------------
    def submit(self, module: str, *, overrides: dict | None = None, origin: dict | None = None, priority: int = 0,
               dry_run: bool | None = None, dedupe_key: str | None = None, source: str | None = None) -> int:
        """Queue a run of ``module``; returns the job id (of an active duplicate with ``dedupe_key``).
        KeyError for an unknown module."""
        mod = registry.get(module)  # raises UnknownModule (a KeyError)
        resolved = dry_run_for(self.rt, mod, overrides, dry_run)
        src = source or (origin or {}).get("source") or "api"
        job_id, created = self.store.create(module=module, source=str(src)[:32], priority=int(priority),
                                            dry_run=resolved, overrides=overrides, origin=origin,
                                            dedupe_key=dedupe_key, max_attempts=1 + max(0, int(mod.retries)))
        if created:
            self.states.queued(module, job_id)
            job = self.store.get(job_id, full=False)
            self.events.publish("job.created", {"job": job})
            self._publish_module(module)
            self._wake.set()
        return job_id

    def retry(self, job_id: int) -> int:
        """Queue a new run with the same module, overrides and origin as a finished job."""
        row = self.store.get_row(job_id)
        if row is None:
            raise KeyError(job_id)
        if row.status not in FINAL_STATES:
            raise ValueError(f"job {job_id} is {row.status}; only finished jobs can be retried")
        mod = registry.get(row.module)
        new_id, _ = self.store.create(module=row.module, source="retry", priority=row.priority, dry_run=row.dry_run,
                                      overrides=row.overrides, origin=row.origin, dedupe_key=None,
                                      max_attempts=1 + max(0, int(mod.retries)), retry_of=row.id)
        self.states.queued(row.module, new_id)
        self.events.publish("job.created", {"job": self.store.get(new_id, full=False)})
        self._publish_module(row.module)
        self._wake.set()
        return new_id

    # ---- reading ----------------------------------------------------------------------------------
    def get(self, job_id: int) -> dict | None:
        return self.store.get(job_id)

    def module_states(self, modules: list[str] | None = None) -> dict[str, dict]:
        return self.states.snapshot(modules)

    def wait(self, job_id: int, timeout: float | None = None) -> dict:
        """Block until the job reaches a final state (or ``timeout``); returns its record either way.
        KeyError for an unknown job."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.store.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job["status"] in FINAL_STATES:
                return job
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return job
            with self._finished:
                self._finished.wait(timeout=0.5 if remaining is None else min(0.5, remaining))

    def running_ids(self) -> list[int]:
        with self._lock:
            return list(self._running)

    # ---- cancelling -------------------------------------------------------------------------------
    def cancel(self, job_id: int) -> bool:
        """Cancel a queued job at once, or ask a running one to stop (it ends ``cancelled``).
        False when the job is unknown or already finished."""
        outcome = self.store.request_cancel(job_id)
        if outcome == CANCELLED:
            job = self.store.get(job_id)
            if job:
                self._after_final(job, notify=False)
            return True
        if outcome == RUNNING:
            with self._lock:
                running = self._running.get(job_id)
            if running is not None:
                running.cancel.set()
                self.states.cancelling(running.module, job_id)
                self.events.publish("job.state", {"job_id": job_id, "module": running.module, "status": "cancelling"})
                self._publish_module(running.module)
            # else: another process runs it and sees cancel_requested at its next heartbeat
            return True
        return False

    # ---- dispatching ------------------------------------------------------------------------------
    def _dispatch_loop(self) -> None:
        while not self._stopping.is_set():
            timeout = self.poll_seconds
            try:
                timeout = self._dispatch_once()
                self._housekeeping()
            except Exception:  # the dispatcher must survive database hiccups
                log.exception("job dispatcher error")
            self._wake.wait(timeout=max(0.05, timeout))
            self._wake.clear()

    def _dispatch_once(self) -> float:
        with self._lock:
            free = self.max_workers - len(self._running)
        if free <= 0:
            return self.poll_seconds
        rows, later = self.store.runnable(limit=max(50, free * 10))
        busy = self.store.running_modules()
        for job_id, module in rows:
            if free <= 0 or self._stopping.is_set():
                break
            mod = registry.try_get(module)
            if mod is not None and busy.get(module) and not mod.allow_concurrent:
                continue
            row = self.store.claim(job_id, self.worker_id)
            if row is None:
                continue
            busy[module] = busy.get(module, 0) + 1
            free -= 1
            running = _Running(job_id, module)
            with self._lock:
                self._running[job_id] = running
            # One daemon thread per running job (at most ``max_workers``): a module that ignores
            # cancellation can never keep the process from exiting after a stop.
            threading.Thread(target=self._execute, args=(row, running), name=f"job-{job_id}-{module}",
                             daemon=True).start()
        timeout = self.poll_seconds
        if later is not None:
            timeout = min(timeout, max(0.05, (later - utcnow()).total_seconds()))
        return timeout

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat < HEARTBEAT_SECONDS:
            return
        self._last_heartbeat = now
        self.store.heartbeat(self.worker_id)
        if sweep_dead_jobs(self.store, own_worker=self.worker_id):
            self._wake.set()
        # Cancels requested for our jobs through another process, and runs made elsewhere.
        with self._lock:
            mine = list(self._running.values())
        for r in mine:
            got = self.store.status_of(r.job_id)
            if got and got[1] and not r.cancel.is_set():
                r.cancel.set()
        for module in self.states.reload(self.store):
            self._publish_module(module)
        if self.retention_days > 0 and (not self._last_purge or now - self._last_purge >= 86400):
            self._last_purge = now
            purged = self.purge(self.retention_days)
            if purged:
                log.info("removed %d finished jobs older than %d days", purged, self.retention_days)

    def health_check(self) -> bool:
        """For /api/health: the dispatcher thread is alive."""
        return self.started and self._dispatcher is not None and self._dispatcher.is_alive()

    # ---- executing --------------------------------------------------------------------------------
    def _execute(self, row: Job, running: _Running) -> None:
        job_id, module = row.id, row.module
        logger = None
        outcome: Outcome | None = None
        try:
            path = job_log_path(self.rt, job_id, module)
            self.store.set_log_path(job_id, str(path))
            logger = JobLogger(self.rt, job_id, module, path)
            self.states.started(module, job_id, started_at=iso(row.started_at), source=row.source)
            self.events.publish("job.state", {"job_id": job_id, "module": module, "status": RUNNING,
                                              "attempt": row.attempts, "started_at": iso(row.started_at)})
            self._publish_module(module)

            def publish_progress(state: dict) -> None:
                self.states.progress(module, job_id, state)
                self.events.publish("module.progress", {"module": module, "job_id": job_id, **state})

            sink = ProgressSink(job_id, module, save=lambda st, pct: self.store.save_progress(job_id, st, pct),
                                publish=publish_progress)
            outcome = run_module(self.rt, job_id=job_id, module_name=module, dry_run=row.dry_run,
                                 overrides=row.overrides, origin=row.origin, cancel_event=running.cancel,
                                 shutdown_event=self._shutdown, sink=sink, logger=logger.logger)
        except Exception as exc:  # bookkeeping failed (database gone…): still record an honest end
            log.exception("job %s bookkeeping failed", job_id)
            outcome = Outcome(ERROR, None, failure_message(exc), {}, 0.0)
        finally:
            if logger is not None:
                logger.close()
        try:
            self._record(row, running, outcome)
        finally:
            with self._lock:
                self._running.pop(job_id, None)
            with self._finished:
                self._finished.notify_all()
            self._wake.set()

    def _record(self, row: Job, running: _Running, outcome: Outcome) -> None:
        job_id, module = row.id, row.module
        if outcome.retryable and row.attempts < row.max_attempts and not running.cancel.is_set():
            mod = registry.try_get(module)
            base = float(getattr(mod, "retry_delay", 30.0) if mod else 30.0)
            delay = min(900.0, base * (2 ** max(0, row.attempts - 1)))
            message = f"attempt {row.attempts} of {row.max_attempts} failed: {outcome.error}; retrying in {delay:g}s"
            if self.store.requeue(job_id, run_after=utcnow() + timedelta(seconds=delay), error=message):
                log.warning("job %s (%s) %s", job_id, module, message)
                self.states.requeued(module, job_id)
                self.events.publish("job.state", {"job_id": job_id, "module": module, "status": QUEUED,
                                                  "error": message, "retry_in": delay})
                self._publish_module(module)
                return
        finished = self._store_end(job_id, outcome)
        if not finished:  # e.g. recorded interrupted while stopping: that end was notified already
            log.info("job %s already ended elsewhere (%s)", job_id, (self.store.status_of(job_id) or ("?",))[0])
        job = self.store.get(job_id)
        if job:
            self._after_final(job, notify=bool(finished))

    def _store_end(self, job_id: int, outcome: Outcome) -> bool:
        """Record the job's end. On a full data disk the reserve kept for this (``fsutil``) is freed
        and the write retried once, so the job never stays ``running`` (and its module busy) for
        want of a few kilobytes."""
        from curatarr.fsutil import is_disk_full, release_reserve

        def write() -> bool:
            return self.store.finish(job_id, outcome.status, result=outcome.result, error=outcome.error,
                                     progress=outcome.progress, percent=outcome.percent)

        try:
            return write()
        except Exception as exc:
            if not is_disk_full(exc) or not release_reserve(self.rt.data_dir):
                raise
            log.error("the data disk is full: freed the reserve to record how job %s ended; free some space", job_id)
            return write()

    def _after_final(self, job: dict, *, notify: bool) -> None:
        self.states.finished(job)
        summary = {k: job.get(k) for k in ("id", "module", "status", "error", "source", "started_at", "finished_at",
                                           "duration_seconds", "dry_run", "percent")}
        summary["job_id"] = job["id"]
        self.events.publish("job.state", summary)
        self._publish_module(job["module"])
        if notify and self._notify_pool is not None and job["status"] in FINAL_STATES:
            try:
                self._notify_pool.submit(self._notify, job)
            except RuntimeError:  # pool shut down while stopping
                pass

    def _notify(self, job: dict) -> None:
        try:
            from curatarr.jobs.notifications import notify_job_finished

            notify_job_finished(self.rt, job)
        except Exception:
            log.exception("notifications for job %s failed", job.get("id"))

    def _publish_module(self, module: str) -> None:
        self.events.publish("module.state", self.states.state(module))

    # ---- maintenance ------------------------------------------------------------------------------
    def purge(self, older_than_days: int) -> int:
        """Delete finished jobs older than N days (and their log files)."""
        for path in self.store.log_paths_older_than(older_than_days):
            try:
                os.unlink(path)
            except OSError:
                pass
        return self.store.purge(older_than_days)

    def stats(self, since: datetime | None = None) -> dict[str, Any]:
        by_status, by_module = self.store.counts(since)
        return {"status_counts": by_status, "module_counts": by_module, "total": sum(by_status.values()),
                "running": len(self.running_ids())}

