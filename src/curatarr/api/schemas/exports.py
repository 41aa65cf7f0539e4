"""Answers of Posterizarr's library export endpoints (per-run library snapshots of the poster maker)."""

from __future__ import annotations

from curatarr.api.schemas.common import ApiModel


class ExportStatistics(ApiModel):
    total_runs: int | None = None
    total_library_records: int | None = None
    total_episode_records: int | None = None
    latest_run: str | None = None


class ExportStatisticsAnswer(ApiModel):
    success: bool | None = None
    statistics: ExportStatistics | None = None


class ExportRuns(ApiModel):
    """Run timestamps, newest first."""

    success: bool | None = None
    runs: list[str] | None = None
    count: int | None = None
