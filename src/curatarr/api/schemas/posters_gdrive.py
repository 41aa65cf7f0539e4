"""Answers of the Google Drive poster-source routes (/api/posters/gdrive/*, /api/posters/sources/gdrive/search)."""

from __future__ import annotations

from pydantic import Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class GdriveFolderStats(ApiModel):
    """One configured Drive folder with the stats of its last sync (null = never computed)."""

    name: str
    id: str = Field(description="Drive folder id (or path inside rclone_remote)")
    location: str = Field(description="local mirror folder")
    folder_name: str | None = None
    owner: str | None = Field(None, description="the entry's name (CHUB's owner column)")
    file_count: int | None = None
    size_bytes: int | None = None
    last_updated: str | None = Field(None, description="newest file's date, YYYYMMDD (CHUB's format)")
    last_modified: str | None = Field(None, description="newest file's time, ISO-8601 UTC")
    synced_at: str | None = Field(None, description="when the stats were computed (end of the last sync)")
    status: str | None = Field(None, description="ok, dry run, error: …, or never synced")


class GdriveStats(ChubEnvelope):
    stats: list[GdriveFolderStats]
    total: int


class GdriveSource(ApiModel):
    id: str
    name: str
    location: str
    file_count: int | None = None
    size_bytes: int | None = None
    last_updated: str | None = None
    synced_at: str | None = None
    status: str | None = None


class GdriveSources(ChubEnvelope):
    sources: list[GdriveSource]
    total: int


class GdriveSyncJob(ApiModel):
    job_id: int
    name: str


class GdriveSyncStarted(ChubEnvelope):
    """One name: ``{job_id, name}``; several: ``{jobs: [{job_id, name}, …]}``."""

    job_id: int | None = None
    name: str | None = None
    jobs: list[GdriveSyncJob] | None = None
