"""Answers of ``GET /api/posters/unmatched/stats`` and ``/details`` (the unmatched-assets report)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class Tally(ApiModel):
    total: int | None = Field(None, description="items counted (null: not computed)")
    with_assets: int | None = None
    unmatched: int | None = None
    percent_complete: float | None = Field(None, description="with_assets / total in percent; null when total is 0 "
                                           "or unknown")


class UnmatchedSummary(ApiModel):
    movies: Tally
    series: Tally
    seasons: Tally
    collections: Tally
    overall: Tally


class UnmatchedReportHead(ChubEnvelope):
    generated_at: str | None = Field(None, description="when the stored report was made; null = no report yet")
    job_id: int | None = None
    dry_run: bool | None = None
    summary: UnmatchedSummary
    instances: list[dict[str, Any]] = Field(description="the same tallies per instance")
    ignored: dict[str, int] | None = Field(None, description="items left out, per ignore rule")
    asset_root: str | None = None
    layout: str | None = None
    warnings: list[str] | None = None


class UnmatchedStats(UnmatchedReportHead):
    unmatched_counts: dict[str, int] | None = Field(None, description="length of each unmatched list")


class UnmatchedDetails(UnmatchedReportHead):
    unmatched: dict[str, list[dict[str, Any]]] = Field(description="movies / series / collections without assets "
                                                       "(one page of each)")
    totals: dict[str, int | None] = Field(description="rows of each list matching the filters, before paging")
    kind: str | None = None
    instance: str | None = None
    query: str | None = None
    limit: int
    offset: int
