"""Answers of /api/jobs (CHUB's Jobs section); :class:`JobRow` is also the row of module histories."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class JobRow(ApiModel):
    """One job record (``GET /api/jobs/{id}`` adds ``overrides``, ``result``, ``has_log``, ``worker``)."""

    id: int
    module: str
    module_name: str | None = None
    type: str | None = Field(None, description="module_run or webhook")
    source: str | None = Field(None, description="manual, schedule, webhook, api, …")
    status: str = Field(description="queued, running, success, error, cancelled, interrupted")
    priority: int | None = None
    dry_run: bool | None = None
    created_at: str | None = None
    received_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_seconds: float | int | None = None
    attempts: int | None = None
    max_attempts: int | None = None
    progress: int | None = Field(None, description="percent, rounded")
    percent: float | int | None = None
    progress_detail: Any = None
    error: str | None = None
    cancel_requested: bool | None = None
    retry_of: int | None = None
    run_after: str | None = None
    origin: dict[str, Any] | None = Field(None, description="who queued it (client_host, endpoint, event_type, …)")


class JobList(ChubEnvelope):
    jobs: list[JobRow]
    total: int
    limit: int
    offset: int


class JobStats(ChubEnvelope):
    """Counts of the last ``days`` days by status and module, the recent failures and the newest job."""

    status_counts: dict[str, int]
    module_counts: dict[str, dict[str, int]] | None = None
    total: int
    running: int | None = None
    days: int
    recent_errors: list[JobRow] | None = None
    last_job: JobRow | None = None


class WebhookOriginRow(ApiModel):
    client_host: str | None = None
    endpoint: str | None = None
    count: int


class WebhookOrigins(ChubEnvelope):
    days: int
    total: int
    by_origin: list[WebhookOriginRow]
    by_status: dict[str, int]
    by_event_type: dict[str, int]


class PurgedJobs(ChubEnvelope):
    deleted: int
    days: int


class JobRecord(JobRow, ChubEnvelope):
    """The full job record, also nested under ``job`` (CHUB's clients read either)."""

    overrides: dict[str, Any] | None = None
    result: Any = None
    has_log: bool | None = None
    worker: str | None = None
    job: dict[str, Any] | None = None


class LogTail(ChubEnvelope):
    """Lines of a job's log; poll with ``offset=next_offset`` to follow a running job."""

    job_id: int
    status: str | None = None
    module: str | None = None
    lines: list[str]
    next_offset: int
    size: int | None = None
    truncated: bool | None = None


class JobQueued(ChubEnvelope):
    job_id: int
    status: str
    retry_of: int | None = None
