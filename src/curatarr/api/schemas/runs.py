"""Answers of Posterizarr's run-centred endpoints (the ``poster_maker`` module's jobs and schedule)."""

from __future__ import annotations

from typing import Any

from curatarr.api.schemas.common import ApiModel


class ScriptStatus(ApiModel):
    """``GET /api/status``: the poster maker's current or last run, in Posterizarr's words."""

    running: bool | None = None
    manual_running: bool | None = None
    scheduler_running: bool | None = None
    scheduler_is_executing: bool | None = None
    last_logs: list[str] | None = None
    script_exists: bool | None = None
    config_exists: bool | None = None
    pid: int | None = None
    current_mode: str | None = None
    active_log: str | None = None
    already_running_detected: bool | None = None
    running_file_exists: bool | None = None
    start_time: str | None = None
    job_id: int | None = None
    progress: Any = None


class ScheduleEntry(ApiModel):
    time: str | None = None
    description: str | None = None
    cron: str | None = None


class ScheduledJob(ApiModel):
    id: str | None = None
    name: str | None = None
    next_run: str | None = None


class SchedulerStatus(ApiModel):
    success: bool | None = None
    enabled: bool | None = None
    running: bool | None = None
    is_executing: bool | None = None
    schedules: list[ScheduleEntry] | None = None
    rule: str | None = None
    timezone: str | None = None
    last_run: str | None = None
    next_run: str | None = None
    active_jobs: list[ScheduledJob] | None = None


class RunRecord(ApiModel):
    """One poster maker run: image counts by kind, mode, runtime, outcome."""

    id: int | None = None
    timestamp: str | None = None
    mode: str | None = None
    runtime_seconds: int | None = None
    runtime_formatted: str | None = None
    total_images: int | None = None
    status: str | None = None
    job_status: str | None = None
    errors: int | None = None
    posters: int | None = None
    seasons: int | None = None
    backgrounds: int | None = None
    titlecards: int | None = None
    collections: int | None = None
    fallbacks: int | None = None
    textless: int | None = None
    truncated: int | None = None


class RuntimeHistory(ApiModel):
    success: bool | None = None
    history: list[RunRecord] | None = None
    count: int | None = None
    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    mode_filter: str | None = None


class VersionInfo(ApiModel):
    local: str | None = None
    remote: str | None = None
    is_update_available: bool | None = None


class Dashboard(ApiModel):
    """``GET /api/dashboard/all``: Posterizarr's dashboard plus running jobs, recent failures,
    upcoming runs, module states and instance health."""

    success: bool | None = None
    status: dict[str, Any] | None = None
    version: VersionInfo | None = None
    scheduler_status: dict[str, Any] | None = None
    system_info: dict[str, Any] | None = None
    jobs: dict[str, list[dict[str, Any]]] | None = None
    upcoming: list[dict[str, Any]] | None = None
    modules: list[dict[str, Any]] | None = None
    instances: Any = None
