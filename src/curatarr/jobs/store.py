"""JobStore: every database read and write of the ``jobs`` table, on SQLite and PostgreSQL.

State changes are conditional updates (``… WHERE id = ? AND status = 'running'``) so two actors
can never both win: a worker that finishes after the server already marked its job interrupted
does not overwrite that, a job is claimed by exactly one worker, a queued job cancelled by a user
is never started.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import and_, delete, func, or_, select, update

from curatarr.config.secrets import mask_secrets
from curatarr.db.base import iso, utcnow
from curatarr.db.models.jobs import Job

QUEUED, RUNNING = "queued", "running"
SUCCESS, ERROR, CANCELLED, INTERRUPTED = "success", "error", "cancelled", "interrupted"
ACTIVE_STATES = (QUEUED, RUNNING)
FINAL_STATES = (SUCCESS, ERROR, CANCELLED, INTERRUPTED)
ALL_STATES = ACTIVE_STATES + FINAL_STATES
SOURCES = ("manual", "schedule", "webhook", "retry", "cli", "api", "system")


def job_type(row: Job) -> str:
    """CHUB's ``type`` column: webhook jobs vs module runs."""
    return "webhook" if row.source == "webhook" else "module_run"


def duration_seconds(row: Job) -> float | None:
    if row.started_at is None:
        return None
    end = row.finished_at or utcnow()
    return round((end - row.started_at).total_seconds(), 3)


def job_dict(row: Job, *, full: bool = True) -> dict:
    """The API shape of a job (secrets in overrides masked)."""
    progress = dict(row.progress or {})
    out: dict[str, Any] = {
        "id": row.id, "module": row.module, "module_name": row.module, "type": job_type(row),
        "source": row.source, "status": row.status, "priority": row.priority, "dry_run": row.dry_run,
        "created_at": iso(row.created_at), "received_at": iso(row.created_at),
        "started_at": iso(row.started_at), "finished_at": iso(row.finished_at),
        "duration_seconds": duration_seconds(row), "attempts": row.attempts, "max_attempts": row.max_attempts,
        "progress": int(round(row.percent or 0)), "percent": round(row.percent or 0.0, 2),
        "progress_detail": progress, "error": row.error, "cancel_requested": row.cancel_requested,
        "retry_of": row.retry_of, "run_after": iso(row.run_after),
        "origin": mask_secrets(row.origin) if row.origin else None,
    }
    if full:
        out["overrides"] = mask_secrets(row.overrides or {}, "overrides")
        out["result"] = row.result
        out["has_log"] = bool(row.log_path)
        out["worker"] = row.worker
    else:
        result = row.result or {}
        out["summary"] = {"counts": result.get("counts", {}), "changed": len(result.get("changed", []) or [])
                          + int(result.get("truncated") or 0), "warnings": len(result.get("warnings", []) or [])}
    return out


class JobStore:
    def __init__(self, db):
        self.db = db

    # ---- create / read ----------------------------------------------------------------------------
    def create(self, *, module: str, source: str, priority: int, dry_run: bool, overrides: dict | None,
               origin: dict | None, dedupe_key: str | None, max_attempts: int, retry_of: int | None = None,
               status: str = QUEUED, worker: str | None = None) -> tuple[int, bool]:
        """Insert a job; returns (id, created). With ``dedupe_key``, an active job carrying the same
        key is returned instead (created False)."""
        with self.db.session() as s:
            if dedupe_key:
                existing = s.scalar(select(Job.id).where(Job.dedupe_key == dedupe_key,
                                                         Job.status.in_(ACTIVE_STATES)).limit(1))
                if existing is not None:
                    return existing, False
            now = utcnow()
            row = Job(module=module, source=source, status=status, priority=priority, dry_run=bool(dry_run),
                      overrides=overrides or None, origin=origin or None, dedupe_key=dedupe_key, created_at=now,
                      updated_at=now, attempts=0, max_attempts=max(1, max_attempts), percent=0.0,
                      cancel_requested=False, retry_of=retry_of, worker=worker)
            if status == RUNNING:
                row.started_at, row.attempts = now, 1
            s.add(row)
            s.flush()
            return row.id, True

    def get_row(self, job_id: int) -> Job | None:
        with self.db.session() as s:
            return s.get(Job, job_id)

    def get(self, job_id: int, *, full: bool = True) -> dict | None:
        row = self.get_row(job_id)
        return job_dict(row, full=full) if row else None

    def status_of(self, job_id: int) -> tuple[str, bool] | None:
        with self.db.session() as s:
            got = s.execute(select(Job.status, Job.cancel_requested).where(Job.id == job_id)).first()
        return (got[0], bool(got[1])) if got else None

    # ---- claiming ---------------------------------------------------------------------------------
    def runnable(self, limit: int = 50) -> tuple[list[tuple[int, str]], datetime | None]:
        """Queued jobs that may start now (highest priority first, then oldest), and the earliest
        future ``run_after`` among the rest (when to look again)."""
        now = utcnow()
        with self.db.session() as s:
            rows = s.execute(
                select(Job.id, Job.module).where(Job.status == QUEUED,
                                                 or_(Job.run_after.is_(None), Job.run_after <= now))
                .order_by(Job.priority.desc(), Job.id.asc()).limit(limit)).all()
            later = s.scalar(select(func.min(Job.run_after)).where(Job.status == QUEUED, Job.run_after > now))
        return [(r[0], r[1]) for r in rows], later

    def running_modules(self) -> dict[str, int]:
        """Module → number of running jobs (any process)."""
        with self.db.session() as s:
            rows = s.execute(select(Job.module, func.count()).where(Job.status == RUNNING).group_by(Job.module)).all()
        return {r[0]: int(r[1]) for r in rows}

    def claim(self, job_id: int, worker: str) -> Job | None:
        """Atomically move a queued job to running for ``worker``; None if someone else won."""
        now = utcnow()
        with self.db.session() as s:
            res = s.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED)
                            .values(status=RUNNING, started_at=now, updated_at=now, worker=worker,
                                    attempts=Job.attempts + 1, finished_at=None))
            if res.rowcount != 1:
                return None
            return s.get(Job, job_id)

    # ---- running ----------------------------------------------------------------------------------
    def set_log_path(self, job_id: int, path: str) -> None:
        with self.db.session() as s:
            s.execute(update(Job).where(Job.id == job_id).values(log_path=path))

    def save_progress(self, job_id: int, progress: dict, percent: float) -> None:
        with self.db.session() as s:
            s.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING)
                      .values(progress=progress, percent=percent, updated_at=utcnow()))

    def heartbeat(self, worker: str) -> None:
        with self.db.session() as s:
            s.execute(update(Job).where(Job.worker == worker, Job.status == RUNNING).values(updated_at=utcnow()))

    def request_cancel(self, job_id: int) -> str | None:
        """Cancel: a queued job becomes cancelled at once; a running one is flagged (its worker
        stops it). Returns the status the job now has, None if unknown/already final."""
        now = utcnow()
        with self.db.session() as s:
            res = s.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED)
                            .values(status=CANCELLED, finished_at=now, updated_at=now, cancel_requested=True,
                                    error="cancelled before it started"))
            if res.rowcount == 1:
                return CANCELLED
            res = s.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING)
                            .values(cancel_requested=True, updated_at=now))
            return RUNNING if res.rowcount == 1 else None

    def finish(self, job_id: int, status: str, *, result: dict | None, error: str | None,
               progress: dict | None = None, percent: float | None = None) -> bool:
        """Record a final state; only a running job can finish (False otherwise)."""
        assert status in FINAL_STATES
        now = utcnow()
        values: dict[str, Any] = {"status": status, "finished_at": now, "updated_at": now, "result": result,
                                  "error": error}
        if progress is not None:
            values["progress"] = progress
        if percent is not None:
            values["percent"] = percent
        with self.db.session() as s:
            res = s.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING).values(**values))
            return res.rowcount == 1

    def add_result_data(self, job_id: int, key: str, value: Any) -> None:
        """Attach ``value`` under ``result.data[key]`` of a job (e.g. notification deliveries)."""
        with self.db.session() as s:
            row = s.get(Job, job_id)
            if row is None:
                return
            result = dict(row.result or {})
            data = dict(result.get("data") or {})
            data[key] = value
            result["data"] = data
            row.result = result

    def requeue(self, job_id: int, *, run_after: datetime, error: str) -> bool:
        """Put a failed running job back in the queue for an automatic retry."""
        with self.db.session() as s:
            res = s.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING)
                            .values(status=QUEUED, run_after=run_after, error=error, worker=None,
                                    updated_at=utcnow()))
            return res.rowcount == 1

    def mark_interrupted(self, where, message: str) -> list[int]:
        now = utcnow()
        with self.db.session() as s:
            ids = list(s.scalars(select(Job.id).where(Job.status == RUNNING, where)))
            if ids:
                s.execute(update(Job).where(Job.id.in_(ids), Job.status == RUNNING)
                          .values(status=INTERRUPTED, finished_at=now, updated_at=now, error=message))
        return ids

    def running_rows(self) -> list[tuple[int, str, str | None, datetime | None]]:
        with self.db.session() as s:
            rows = s.execute(select(Job.id, Job.module, Job.worker, Job.updated_at).where(Job.status == RUNNING)).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    # ---- queries for the API ----------------------------------------------------------------------
    def list(self, *, status: Iterable[str] | None = None, module: str | None = None, source: str | None = None,
             job_type: str | None = None, since: datetime | None = None, limit: int = 50, offset: int = 0,
             full: bool = False) -> tuple[list[dict], int]:
        conds = []
        if status:
            conds.append(Job.status.in_(list(status)))
        if module:
            conds.append(Job.module == module)
        if source:
            conds.append(Job.source == source)
        if job_type == "webhook":
            conds.append(Job.source == "webhook")
        elif job_type == "module_run":
            conds.append(Job.source != "webhook")
        if since is not None:
            conds.append(Job.created_at >= since)
        where = and_(*conds) if conds else None
        with self.db.session() as s:
            q = select(Job)
            cq = select(func.count()).select_from(Job)
            if where is not None:
                q, cq = q.where(where), cq.where(where)
            total = int(s.scalar(cq) or 0)
            rows = s.scalars(q.order_by(Job.id.desc()).limit(limit).offset(offset)).all()
        return [job_dict(r, full=full) for r in rows], total

    def counts(self, since: datetime | None = None) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        """Status → n, and module → {status → n} (since ``since``)."""
        with self.db.session() as s:
            q = select(Job.module, Job.status, func.count()).group_by(Job.module, Job.status)
            if since is not None:
                q = q.where(Job.created_at >= since)
            rows = s.execute(q).all()
        by_status: dict[str, int] = {}
        by_module: dict[str, dict[str, int]] = {}
        for module, status, n in rows:
            by_status[status] = by_status.get(status, 0) + int(n)
            by_module.setdefault(module, {})[status] = int(n)
        return by_status, by_module

    def recent(self, *, status: Iterable[str], since: datetime | None = None, limit: int = 10) -> list[dict]:
        rows, _ = self.list(status=status, since=since, limit=limit)
        return rows

    def latest_per_module(self) -> dict[str, Job]:
        """Each module's most recent finished job."""
        with self.db.session() as s:
            latest = (select(Job.module, func.max(Job.id).label("mid"))
                      .where(Job.status.in_(FINAL_STATES)).group_by(Job.module).subquery())
            rows = s.scalars(select(Job).join(latest, Job.id == latest.c.mid)).all()
        return {r.module: r for r in rows}

    def active_rows(self) -> list[Job]:
        with self.db.session() as s:
            return list(s.scalars(select(Job).where(Job.status.in_(ACTIVE_STATES)).order_by(Job.id)))

    def purge(self, older_than_days: int) -> int:
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self.db.session() as s:
            res = s.execute(delete(Job).where(Job.status.in_(FINAL_STATES),
                                              func.coalesce(Job.finished_at, Job.created_at) < cutoff))
            return int(res.rowcount or 0)

    def log_paths_older_than(self, older_than_days: int) -> list[str]:
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self.db.session() as s:
            return [p for p in s.scalars(select(Job.log_path).where(
                Job.status.in_(FINAL_STATES), func.coalesce(Job.finished_at, Job.created_at) < cutoff,
                Job.log_path.is_not(None)))]

    def webhook_origins(self, since: datetime) -> list[tuple[dict | None, str]]:
        with self.db.session() as s:
            rows = s.execute(select(Job.origin, Job.status).where(Job.source == "webhook", Job.created_at >= since)
                             .order_by(Job.id.desc()).limit(20_000)).all()
        return [(r[0], r[1]) for r in rows]

    def history(self, module: str, *, limit: int, offset: int = 0, status: str | None = None) -> tuple[list[dict], int]:
        return self.list(module=module, status=[status] if status else None, limit=limit, offset=offset,
                         full=False)
