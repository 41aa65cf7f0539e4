"""Answers of the system routes: /api, health, version, host facts, releases, folders, backups,
health snapshots, digest, cleanup candidates (CHUB's System section and Posterizarr's System)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class ApiRoot(ChubEnvelope):
    status: str
    version: str
    docs: str | None = None


class Health(ChubEnvelope):
    status: str = Field(description="ok, or degraded when a check fails")
    version: str | None = None
    uptime_seconds: int | None = None
    checks: dict[str, str] | None = None


class Version(ChubEnvelope):
    version: str
    local: str | None = None
    remote: str | None = None
    is_update_available: bool | None = None


class SystemInfo(ApiModel):
    """Posterizarr's host facts (from psutil) plus ``python_version`` and ``curatarr_version``."""

    platform: str | None = None
    os_version: str | None = None
    cpu_model: str | None = None
    cpu_cores: int | None = None
    total_memory: str | None = None
    used_memory: str | None = None
    free_memory: str | None = None
    memory_percent: float | int | None = None
    is_docker: bool | None = None
    python_version: str | None = None
    curatarr_version: str | None = None


class Release(ApiModel):
    version: str
    name: str | None = None
    published_at: str | None = None
    days_ago: int | None = None
    is_prerelease: bool | None = None
    is_draft: bool | None = None
    html_url: str | None = None
    body: str | None = None


class Releases(ApiModel):
    success: bool | None = None
    releases: list[Release]


class DirectoryEntry(ApiModel):
    name: str
    path: str
    size: int | None = None


class DirectoryListing(ChubEnvelope):
    path: str | None = Field(None, description="null at the top: the allowed roots are listed")
    parent: str | None = None
    exists: bool | None = None
    writable: bool | None = None
    directories: list[DirectoryEntry]
    files: list[DirectoryEntry] | None = None
    roots: list[str] | None = None


class FolderCreated(ChubEnvelope):
    path: str


class TestEcho(ChubEnvelope):
    received: dict[str, Any]


class BackupRow(ApiModel):
    filename: str
    size_bytes: int | None = None
    created: str | None = None


class BackupList(ChubEnvelope):
    backups: list[BackupRow]
    total: int


class Restored(ChubEnvelope):
    restored: Any = None
    pre_restore_backup: str | None = Field(None, description="the backup taken just before restoring")


class HealthSnapshot(ApiModel):
    id: int | None = None
    snapshot_at: str | None = None
    service: str | None = None
    instance_name: str | None = None
    status: str | None = None
    status_code: int | None = None
    response_time_ms: float | int | None = None
    error: str | None = None


class HealthSnapshots(ChubEnvelope):
    snapshots: list[HealthSnapshot]
    days: int
    total: int


class Digest(ChubEnvelope):
    window_days: int
    media_added: int | None = None
    job_counts: dict[str, Any] | None = None
    recent_failures: list[dict[str, Any]] | None = None
    latest_instance_health: list[HealthSnapshot] | None = None
    orphaned_posters: int | None = None


class CleanupCandidates(ChubEnvelope):
    orphaned_posters: int | None = None
    errored_jobs: int | None = None
    unmatched_media: int | None = None
    unmatched_collections: int | None = None
