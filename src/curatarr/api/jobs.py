"""/api/jobs/*: filter + paginate, 30-day stats, full record, log tail by bytes, retry, cancel,
purge, webhook origins."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Query

from curatarr.api.deps import DB_INT_MAX, DbId, JobsDep, RuntimeDep
from curatarr.api.schemas.jobs import JobList, JobQueued, JobRecord, JobStats, LogTail, PurgedJobs, WebhookOrigins
from curatarr.clock import utcnow
from curatarr.jobs import service
from curatarr.jobs.job_logs import job_log_file, read_tail

router = APIRouter(tags=["Jobs"])


@router.get("/api/jobs", response_model=JobList, response_model_exclude_unset=True,
            summary="Jobs, filtered and paginated")
def list_jobs(rt: RuntimeDep,
              status: str | None = Query(None, max_length=200), module: str | None = Query(None, max_length=64),
              job_type: str | None = Query(None, pattern="^(module_run|webhook)$"),
              source: str | None = Query(None, max_length=32), days: int | None = Query(None, ge=1, le=3650),
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    service.check_source(source)  # before the queue: a bad source is 400 even while jobs are stopped
    since = utcnow() - timedelta(days=days) if days else None
    rows, total = service.jobs_of(rt).store.list(status=service.parse_statuses(status), module=module, source=source,
                                                 job_type=job_type, since=since, limit=limit, offset=offset)
    return {"jobs": rows, "total": total, "limit": limit, "offset": offset}


@router.get("/api/jobs/stats", response_model=JobStats, response_model_exclude_unset=True,
            summary="Job counts by status and module")
def job_stats(jobs: JobsDep, days: int = Query(30, ge=1, le=3650)):
    return service.job_stats(jobs, days)


@router.get("/api/jobs/webhook-origins", response_model=WebhookOrigins, response_model_exclude_unset=True,
            summary="Webhook jobs counted by sender, status and event")
def webhook_origins(jobs: JobsDep, days: int = Query(7, ge=1, le=90)):
    return service.webhook_origin_summary(jobs, days)


@router.delete("/api/jobs/old", response_model=PurgedJobs, response_model_exclude_unset=True,
               summary="Delete finished jobs older than N days")
def purge_old(jobs: JobsDep, days: int = Query(30, ge=1, le=3650)):
    return {"deleted": jobs.purge(days), "days": days}


@router.get("/api/jobs/{job_id}", response_model=JobRecord, response_model_exclude_unset=True,
            summary="One job's full record")
def get_job(jobs: JobsDep, job_id: DbId):
    job = service.job_or_404(jobs, job_id)
    return {**job, "job": job}


@router.get("/api/jobs/{job_id}/log-tail", response_model=LogTail, response_model_exclude_unset=True,
            summary="Tail or follow a job's log")
def log_tail(rt: RuntimeDep, jobs: JobsDep,
             job_id: DbId, offset: int | None = Query(None, ge=0), max_bytes: int = Query(65536, ge=1, le=1_048_576),
             bytes_: int | None = Query(None, alias="bytes", ge=1, le=1_048_576)):
    """Either the last ``bytes`` of the job's log, or (with ``offset``) what was written since then —
    poll with the returned ``next_offset`` to follow a running job."""
    job = service.job_or_404(jobs, job_id)
    base = {"job_id": job_id, "status": job["status"], "module": job["module"]}
    path = job_log_file(rt, jobs.store, job_id)
    if path is None:
        return {**base, "lines": [], "next_offset": 0, "size": 0, "truncated": False}
    return {**base, **read_tail(path, offset=offset, max_bytes=max_bytes, tail_bytes=bytes_)}


@router.post("/api/jobs/{job_id}/retry", response_model=JobQueued, response_model_exclude_unset=True,
             summary="Queue a finished job again")
def retry_job(jobs: JobsDep, job_id: DbId):
    return {"job_id": service.retry_job(jobs, job_id), "status": "queued", "retry_of": job_id}


@router.post("/api/jobs/{job_id}/cancel", response_model=JobQueued, response_model_exclude_unset=True,
             summary="Cancel a queued or running job")
def cancel_job(jobs: JobsDep, job_id: DbId):
    return {"job_id": job_id, "status": service.cancel_job(jobs, job_id)}
