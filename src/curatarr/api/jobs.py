"""/api/jobs/*: filter + paginate, 30-day stats, full record, log tail by bytes, retry, cancel,
purge, webhook origins."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query

from curatarr.api.deps import RuntimeDep
from curatarr.clock import utcnow
from curatarr.jobs.context import job_logs_dir
from curatarr.jobs.service import jobs_of
from curatarr.jobs.store import ALL_STATES, ERROR, FINAL_STATES, INTERRUPTED, SOURCES
from curatarr.modules import registry
from curatarr.runtime import Runtime

router = APIRouter(tags=["jobs"])


def _statuses(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    wanted = [s.strip() for s in raw.split(",") if s.strip()]
    aliases = {"pending": "queued", "failed": "error", "completed": "success"}
    wanted = [aliases.get(s, s) for s in wanted]
    bad = [s for s in wanted if s not in ALL_STATES]
    if bad:
        raise HTTPException(400, f"unknown status {bad[0]!r}; use one of {', '.join(ALL_STATES)}")
    return wanted


@router.get("/api/jobs")
def list_jobs(rt: RuntimeDep, status: str | None = Query(None, max_length=200), module: str | None = Query(None, max_length=64),
              job_type: str | None = Query(None, pattern="^(module_run|webhook)$"),
              source: str | None = Query(None, max_length=32), days: int | None = Query(None, ge=1, le=3650),
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)):
    if source and source not in SOURCES:
        raise HTTPException(400, f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    since = utcnow() - timedelta(days=days) if days else None
    rows, total = jobs_of(rt).store.list(status=_statuses(status), module=module, source=source, job_type=job_type,
                                         since=since, limit=limit, offset=offset)
    return {"jobs": rows, "total": total, "limit": limit, "offset": offset}


@router.get("/api/jobs/stats")
def job_stats(rt: RuntimeDep, days: int = Query(30, ge=1, le=3650)):
    queue = jobs_of(rt)
    since = utcnow() - timedelta(days=days)
    stats = queue.stats(since)
    recent = queue.store.recent(status=[ERROR, INTERRUPTED], since=since, limit=10)
    last, _ = queue.store.list(limit=1)
    return {**stats, "days": days, "recent_errors": recent, "last_job": last[0] if last else None}


@router.get("/api/jobs/webhook-origins")
def webhook_origins(rt: RuntimeDep, days: int = Query(7, ge=1, le=90)):
    rows = jobs_of(rt).store.webhook_origins(utcnow() - timedelta(days=days))
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


@router.delete("/api/jobs/old")
def purge_old(rt: RuntimeDep, days: int = Query(30, ge=1, le=3650)):
    deleted = jobs_of(rt).purge(days)
    return {"deleted": deleted, "days": days}


def _job_or_404(rt: Runtime, job_id: int) -> dict:
    job = jobs_of(rt).get(job_id)
    if job is None:
        raise HTTPException(404, f"job {job_id} not found")
    return job


@router.get("/api/jobs/{job_id}")
def get_job(rt: RuntimeDep, job_id: int):
    job = _job_or_404(rt, job_id)
    return {**job, "job": job}


def _log_file(rt: Runtime, job_id: int) -> Path | None:
    row = jobs_of(rt).store.get_row(job_id)
    if row is None or not row.log_path:
        return None
    path = Path(row.log_path)
    root = job_logs_dir(rt).resolve()
    try:
        resolved = path.resolve()
    except OSError:
        return None
    # Only ever read inside the job log folder, whatever the database says.
    if resolved.parent != root or not resolved.is_file():
        return None
    return resolved


@router.get("/api/jobs/{job_id}/log-tail")
def log_tail(rt: RuntimeDep, job_id: int, offset: int | None = Query(None, ge=0), max_bytes: int = Query(65536, ge=1, le=1_048_576),
             bytes_: int | None = Query(None, alias="bytes", ge=1, le=1_048_576)):
    """Either the last ``bytes`` of the job's log, or (with ``offset``) what was written since then —
    poll with the returned ``next_offset`` to follow a running job."""
    job = _job_or_404(rt, job_id)
    path = _log_file(rt, job_id)
    base = {"job_id": job_id, "status": job["status"], "module": job["module"]}
    if path is None:
        return {**base, "lines": [], "next_offset": 0, "size": 0, "truncated": False}
    size = path.stat().st_size
    if offset is None:
        want = bytes_ or max_bytes
        start = max(0, size - want)
    else:
        start = offset if offset <= size else 0  # a smaller file than the offset: it was rewritten
        want = max_bytes
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(want)
    end = start + len(data)
    truncated = start > 0 and offset is None
    if truncated and b"\n" in data:
        data = data.split(b"\n", 1)[1]  # drop a partial first line
    if end < size and b"\n" in data:  # stop at the last complete line; the rest comes next poll
        cut = data.rfind(b"\n") + 1
        end -= len(data) - cut
        data = data[:cut]
    text = data.decode("utf-8", errors="replace")
    return {**base, "lines": text.splitlines(), "next_offset": end, "size": size, "truncated": truncated}


@router.post("/api/jobs/{job_id}/retry")
def retry_job(rt: RuntimeDep, job_id: int):
    job = _job_or_404(rt, job_id)
    if job["status"] not in FINAL_STATES:
        raise HTTPException(400, f"job {job_id} is {job['status']}; only finished jobs can be retried")
    if not registry.exists(job["module"]):
        raise HTTPException(400, f"module {job['module']!r} no longer exists")
    new_id = jobs_of(rt).retry(job_id)
    return {"job_id": new_id, "status": "queued", "retry_of": job_id}


@router.post("/api/jobs/{job_id}/cancel")
def cancel_job(rt: RuntimeDep, job_id: int):
    job = _job_or_404(rt, job_id)
    if job["status"] in FINAL_STATES:
        raise HTTPException(400, f"job {job_id} already ended ({job['status']})")
    jobs_of(rt).cancel(job_id)
    after = jobs_of(rt).get(job_id) or job
    return {"job_id": job_id, "status": "cancelled" if after["status"] == "cancelled" else "cancelling"}

