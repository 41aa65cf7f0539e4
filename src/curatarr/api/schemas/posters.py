"""Bodies and answers of /api/posters/* (CHUB's poster library routes, over the poster index)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class PosterMatch(ApiModel):
    media_id: str | None = None
    title: str | None = None
    season: int | None = None
    reason: str | None = Field(None, description="why it matched, or why nothing matched")


class PosterRecord(ApiModel):
    """One poster file of the index (CHUB's ``poster_cache`` names plus the index's own)."""

    id: int = Field(description="stable across re-scans (key: source folder + relative path)")
    title: str | None = None
    normalized_title: str | None = None
    year: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    season_number: int | None = Field(None, description="0 = Specials")
    folder: str | None = Field(None, description="the set folder (owner)")
    owner: str | None = None
    file: str = Field(description="absolute path")
    source: str
    relpath: str
    kind: str | None = Field(None, description="item, season or collection; null when the name says nothing")
    width: int | None = None
    height: int | None = None
    bytes: int
    format: str | None = Field(None, description="jpeg, png or webp — from the bytes, not the name")
    sha256: str | None = None
    phash: str | None = Field(None, description="64-bit difference hash, hex")
    error: str | None = Field(None, description="why the file is not a usable poster (0 bytes, not an image …)")
    matched: bool
    match: PosterMatch | None = None
    created_at: str | None = None
    first_seen_at: str | None = None
    updated_at: str | None = None
    thumbnail_url: str | None = None


class PosterOne(ChubEnvelope, PosterRecord):
    """``GET /api/posters/{poster_id}``."""


class PosterPage(ChubEnvelope):
    items: list[PosterRecord]
    total: int
    limit: int
    offset: int


class OwnerCount(ApiModel):
    owner: str | None
    count: int


class SourceSummary(ApiModel):
    source: str
    count: int
    bytes: int


class BrowsePage(PosterPage):
    owners: list[OwnerCount]
    sources: list[SourceSummary] | None = None


class PosterList(PosterPage):
    files: list[str] = Field(description="CHUB's field: the posters' paths")


class PosterStats(ChubEnvelope):
    poster_cache_count: int
    total_bytes: int | None = None
    sized: int | None = None
    errors: int | None = None
    low_resolution: int | None = None
    min_width: int | None = None
    matched_stats: dict[str, Any]
    orphaned_count: int | None = Field(None, description="renamer outputs whose source is gone + the poster "
                                       "maker's orphaned files; null when a part cannot be counted")
    orphaned: dict[str, int | None] | None = Field(None, description="orphaned_count by area (renamer, poster_maker)")
    gdrive_stats: list[dict[str, Any]] | None = Field(None, description="per configured Drive folder: its last sync's stats")
    renamed_files: int | None = None
    by_type: dict[str, int] | None = None
    by_source: dict[str, int] | None = None


class MatchedStats(ChubEnvelope):
    matched_posters_stats: dict[str, Any]


class LowResolution(PosterPage):
    posters: list[PosterRecord]
    min_width: int
    unsized: int = Field(description="posters whose size is not known yet (see backfill-dimensions)")


class AddedSince(PosterPage):
    posters: list[PosterRecord]
    cutoff: str


class DuplicateGroup(ApiModel):
    group_id: str = Field(description="x-<sha256 prefix> (exact) or n-<smallest poster id> (near)")
    id: str
    kind: Literal["exact", "near"]
    count: int
    posters: list[PosterRecord]


class DuplicateList(ChubEnvelope):
    groups: list[DuplicateGroup]
    duplicates: list[DuplicateGroup]
    total: int
    limit: int
    offset: int
    exact_groups: int
    near_groups: int
    distance: int


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    keep_id: int = Field(validation_alias=AliasChoices("keepId", "keep_id"), ge=1, le=2**63 - 1)
    remove_ids: list[int] | None = Field(None, validation_alias=AliasChoices("removeIds", "remove_ids"), max_length=10_000)
    delete_files: bool = Field(False, validation_alias=AliasChoices("deleteFiles", "delete_files"),
                               description="delete the other copies' files (otherwise nothing changes: the answer is the plan)")


class ResolveResult(ChubEnvelope):
    group_id: str
    kept: int
    removed: list[dict[str, Any]]
    would_remove: list[dict[str, Any]] | None = None
    deleted_files: int
    errors: list[dict[str, Any]] | None = None
    dry_run: bool


class MatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    poster_id: int | None = Field(None, validation_alias=AliasChoices("posterId", "poster_id"), ge=1, le=2**63 - 1)
    poster_ids: list[int] | None = Field(None, validation_alias=AliasChoices("posterIds", "poster_ids"), max_length=5000)
    dry_run: bool | None = None


class RenamerJob(ChubEnvelope):
    job_id: int
    status: str
    module: str
    poster_ids: list[int]


class UploadResult(ChubEnvelope):
    uploaded: list[PosterRecord]
    count: int
    upload_dir: str


class OptimizeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    mode: Literal["report", "optimize"] = "report"
    max_width: int = Field(1000, ge=100, le=10_000)
    max_height: int = Field(1500, ge=100, le=15_000)
    format: Literal["keep", "jpeg", "webp", "png"] = "keep"
    quality: int = Field(85, ge=1, le=100)
    paths: list[str] = Field(default_factory=list, max_length=500)
    poster_ids: list[int] = Field(default_factory=list, validation_alias=AliasChoices("posterIds", "poster_ids"),
                                  max_length=500)
    limit: int = Field(100, ge=1, le=500)


class OptimizeResult(ChubEnvelope):
    mode: str
    candidates: list[dict[str, Any]] | None = None
    optimized: list[dict[str, Any]] | None = None
    skipped: list[dict[str, Any]] | None = None
    errors: list[dict[str, Any]] | None = None
    saved_bytes: int | None = None
    total: int
    limit: int


class BackfillResult(ChubEnvelope):
    processed: int
    updated: int
    failed: list[dict[str, Any]]
    remaining: int


class DeleteResult(ChubEnvelope):
    id: int
    deleted: bool
    deleted_file: bool
    file: str
    note: str | None = None
