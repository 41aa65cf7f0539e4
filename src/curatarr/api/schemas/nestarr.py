"""Requests and answers of /api/nestarr (CHUB's shapes, ../shared/reference/chub.md §1.14)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class MoveRequest(BaseModel):
    """One item and where it should go (preview and fix)."""

    instance_type: Literal["radarr", "sonarr"]
    instance_name: str = Field(..., min_length=1, max_length=200)
    media_id: int = Field(..., ge=1, le=2**63 - 1)
    target_path: str = Field(..., min_length=1, max_length=4096)


class IssueParent(ApiModel):
    instance_name: str
    instance_type: str
    media_id: int
    title: str
    path: str


class Issue(ApiModel):
    id: str
    type: str = Field(description="movie_in_movie, series_in_series, movie_in_series, series_in_movie, "
                                  "movie_in_series_root, series_in_movie_root, stray_folder, stray_file, "
                                  "extra_video_in_folder")
    instance_name: str
    instance_type: str
    media_id: int | None = None
    title: str
    year: int | None = None
    path: str
    action: str = Field(description="move (preview/fix apply) or review (look at it yourself)")
    suggested_path: str | None = None
    parent: IssueParent | None = None
    files: list[str] | None = Field(None, description="extra_video_in_folder: the videos besides the movie file")


class NestarrResults(ChubEnvelope):
    issues: list[Issue]
    total: int
    instances_checked: list[str]
    scanned_at: str | None = None
    job_id: int | None = Field(None, description="the scan job these results come from")


class NestarrScan(NestarrResults):
    scan_job_id: int = Field(description="the scan job started or joined")
    scan_status: str | None = None


class RenamePair(ApiModel):
    existing_path: str
    new_path: str


class MovePreview(ChubEnvelope):
    title: str
    year: int | None = None
    current_path: str
    target_path: str
    rename_preview: list[RenamePair]
    already_correct: bool
    root_folders: list[str] | None = None


class MoveDone(ChubEnvelope):
    old_path: str
    new_path: str
    moved: bool
    rename_triggered: bool
    verified_on_disk: bool | None = Field(None, description="null when Curatarr cannot see the folder")



