"""Module run states, kept in memory: what each module is doing now and how its last run ended.

``GET /api/modules/run-states`` and the SSE stream read this instead of the database, so 200
polling clients cost no queries. The queue updates it on every transition in this process; a
periodic ``reload`` from the database picks up runs made by other processes (``curatarr run``).
"""

from __future__ import annotations

import copy
import threading

from curatarr.db.base import iso
from curatarr.jobs.store import ERROR, FINAL_STATES, INTERRUPTED, QUEUED, RUNNING, SUCCESS, JobStore, duration_seconds


def _last_from_job(job: dict) -> dict:
    return {"last_job_id": job["id"], "last_run": job.get("finished_at") or job.get("started_at"),
            "last_run_status": job["status"], "last_run_successful": job["status"] == SUCCESS,
            "last_duration": job.get("duration_seconds"), "last_run_by": job.get("source"),
            "last_run_message": job.get("error") or "", "last_error": job.get("error") if job["status"] != SUCCESS else None}


class ModuleStates:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, dict[int, dict]] = {}  # module → job id → {progress, cancelling, started_at}
        self._queued: dict[str, set[int]] = {}
        self._last: dict[str, dict] = {}
        self._version = 0  # bumped by every in-process transition (a reload racing one is dropped)

    # ---- loading ----------------------------------------------------------------------------------
    def reload(self, store: JobStore) -> list[str]:
        """Rebuild from the database; returns modules whose state changed."""
        with self._lock:
            version = self._version
        before = self.snapshot()
        running: dict[str, dict[int, dict]] = {}
        queued: dict[str, set[int]] = {}
        for row in store.active_rows():
            if row.status == RUNNING:
                old = self._running.get(row.module, {}).get(row.id, {})
                progress = old.get("progress") or dict(row.progress or {})
                running.setdefault(row.module, {})[row.id] = {
                    "progress": progress, "cancelling": bool(row.cancel_requested), "started_at": iso(row.started_at),
                    "source": row.source}
            elif row.status == QUEUED:
                queued.setdefault(row.module, set()).add(row.id)
        last = {}
        for module, row in store.latest_per_module().items():
            last[module] = {"last_job_id": row.id, "last_run": iso(row.finished_at or row.started_at),
                            "last_run_status": row.status, "last_run_successful": row.status == SUCCESS,
                            "last_duration": duration_seconds(row), "last_run_by": row.source,
                            "last_run_message": row.error or "",
                            "last_error": row.error if row.status != SUCCESS else None}
        with self._lock:
            if self._version != version:
                return []  # a transition happened meanwhile; the next reload catches up
            self._running, self._queued, self._last = running, queued, last
        after = self.snapshot()
        return [m for m in set(before) | set(after) if before.get(m) != after.get(m)]

    # ---- transitions ------------------------------------------------------------------------------
    def queued(self, module: str, job_id: int) -> None:
        with self._lock:
            self._version += 1
            self._queued.setdefault(module, set()).add(job_id)

    def started(self, module: str, job_id: int, *, started_at: str | None, source: str | None) -> None:
        with self._lock:
            self._version += 1
            self._queued.get(module, set()).discard(job_id)
            self._running.setdefault(module, {})[job_id] = {"progress": {}, "cancelling": False,
                                                            "started_at": started_at, "source": source}

    def progress(self, module: str, job_id: int, progress: dict) -> None:
        with self._lock:
            entry = self._running.get(module, {}).get(job_id)
            if entry is not None:
                entry["progress"] = dict(progress)

    def cancelling(self, module: str, job_id: int) -> None:
        with self._lock:
            self._version += 1
            entry = self._running.get(module, {}).get(job_id)
            if entry is not None:
                entry["cancelling"] = True

    def requeued(self, module: str, job_id: int) -> None:
        with self._lock:
            self._version += 1
            self._running.get(module, {}).pop(job_id, None)
            self._queued.setdefault(module, set()).add(job_id)

    def finished(self, job: dict) -> None:
        module = job["module"]
        with self._lock:
            self._version += 1
            self._running.get(module, {}).pop(job["id"], None)
            self._queued.get(module, set()).discard(job["id"])
            if job["status"] in FINAL_STATES:
                current = self._last.get(module)
                if current is None or current.get("last_job_id", 0) <= job["id"]:
                    self._last[module] = _last_from_job(job)

    # ---- reading ----------------------------------------------------------------------------------
    def state(self, module: str) -> dict:
        with self._lock:
            return self._state_locked(module)

    def _state_locked(self, module: str) -> dict:
        running = self._running.get(module) or {}
        queued = self._queued.get(module) or set()
        last = self._last.get(module) or {}
        out = {"module": module, "status": "idle", "job_id": None, "running": False, "queued": len(queued),
               "progress": None, "running_jobs": len(running), "last_run": None, "last_run_status": None,
               "last_run_successful": None, "last_duration": None, "last_run_by": None, "last_job_id": None,
               "last_run_message": "", "last_error": None}
        out.update(copy.deepcopy(last))
        if running:
            job_id = max(running)
            entry = running[job_id]
            out.update(status="cancelling" if entry["cancelling"] else "running", job_id=job_id, running=True,
                       progress=dict(entry["progress"]) or None, started_at=entry["started_at"],
                       run_by=entry.get("source"))
        elif queued:
            out.update(status="queued", job_id=min(queued))
        elif last.get("last_run_status") in (ERROR, INTERRUPTED):
            out["status"] = "error"
        return out

    def snapshot(self, modules: list[str] | None = None) -> dict[str, dict]:
        with self._lock:
            names = set(modules or []) | set(self._running) | set(self._queued) | set(self._last)
            if modules is not None:
                names = set(modules) | {m for m in names if self._running.get(m) or self._queued.get(m)}
            return {m: self._state_locked(m) for m in sorted(names)}
