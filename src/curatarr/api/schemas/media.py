"""Answers of /api/media (CHUB's Media API): library items, reports, jobs, collections.

Every field has a default so a field the service leaves out is never invented: the routes declare
``response_model_exclude_unset=True``, which prints exactly what the service returned."""

from __future__ import annotations

from typing import Any

from curatarr.api.schemas.common import ApiModel, ChubEnvelope
from curatarr.api.schemas.values import Number, binary_content

POSTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The poster image", "content": binary_content("image/*")},
    304: {"description": "Not modified (the ETag matched)"}}


class MediaSummary(ApiModel):
    """The list form of a library item (search results, duplicates, reports)."""

    id: str | None = None
    instance: str | None = None
    source_type: str | None = None
    role: str | None = None
    type: str | None = None
    title: str | None = None
    original_title: str | None = None
    year: int | None = None
    status: str | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    quality: str | None = None
    size_on_disk: int | None = None
    rating: Number | None = None
    rating_votes: int | None = None
    certification: str | None = None
    studio: str | None = None
    runtime: int | None = None
    language: str | None = None
    genres: list[str] | None = None
    tags: list[str] | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    musicbrainz_id: str | None = None
    path: str | None = None
    library: str | None = None
    has_poster: bool | None = None
    poster: str | None = None
    added_at: str | None = None
    removed: bool | None = None
    removed_at: str | None = None


class MediaChild(ApiModel):
    """A season, episode or album of an item; a season carries its ``episodes``."""

    id: str | None = None
    kind: str | None = None
    title: str | None = None
    season_number: int | None = None
    number: int | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    file_count: int | None = None
    total_count: int | None = None
    size_on_disk: int | None = None
    air_date: str | None = None
    external_id: str | None = None
    episodes: list[MediaChild] | None = None


class MediaLinkRow(ApiModel):
    """The same title on the other side (*arr item ⇄ media-server item) and how it was linked."""

    id: str | None = None
    instance: str | None = None
    source_type: str | None = None
    title: str | None = None
    library: str | None = None
    method: str | None = None
    removed: bool | None = None


class MediaItemDetail(MediaSummary):
    """One item with its details, local edits, children and links."""

    overview: str | None = None
    ratings: dict[str, Any] | None = None
    alternate_titles: list[Any] | None = None
    extra: dict[str, Any] | None = None
    edition: str | None = None
    notes: str | None = None
    local_fields: dict[str, Any] | None = None
    root_folder: str | None = None
    quality_profile_id: int | None = None
    season_count: int | None = None
    child_count: int | None = None
    child_file_count: int | None = None
    first_seen_at: str | None = None
    updated_at: str | None = None
    normalized_title: str | None = None
    poster_source: str | None = None
    children: list[MediaChild] | None = None
    links: list[MediaLinkRow] | None = None


class MediaItemAnswer(MediaItemDetail, ChubEnvelope):
    """``GET /api/media/{id}``."""


class FacetCount(ApiModel):
    value: Any = None
    count: int | None = None


class MediaPage(ChubEnvelope):
    """``GET /api/media/search``: one page of items, the total and (``facets=true``) facet counts."""

    items: list[MediaSummary] | None = None
    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    facets: dict[str, list[FacetCount]] | None = None


class MatchTotals(ApiModel):
    total: int | None = None
    matched: int | None = None
    unmatched: int | None = None


class TypeStats(MatchTotals):
    monitored: int | None = None
    with_files: int | None = None
    missing_files: int | None = None
    with_poster: int | None = None
    size_on_disk: int | None = None


class ServerCounts(ApiModel):
    total: int | None = None
    unmanaged: int | None = None


class InstanceSyncState(ApiModel):
    instance: str | None = None
    type: str | None = None
    items: int | None = None
    last_sync_at: str | None = None
    last_full_sync_at: str | None = None
    status: str | None = None
    error: str | None = None
    duration_ms: Number | None = None
    added: int | None = None
    updated: int | None = None
    removed: int | None = None


class MediaStats(ChubEnvelope):
    """``GET /api/media/stats``: totals, matched (on a media server) and unmatched per type."""

    period: str | None = None
    since: str | None = None
    type: str | None = None
    totals: MatchTotals | None = None
    types: dict[str, TypeStats] | None = None
    servers: ServerCounts | None = None
    removed: int | None = None
    instances: list[InstanceSyncState] | None = None


class ValueCount(ApiModel):
    value: Any = None
    count: int | None = None


class MediaStatsDetailed(ChubEnvelope):
    """``GET /api/media/stats/detailed``: breakdowns as ``[{value, count}]`` lists."""

    period: str | None = None
    since: str | None = None
    type: str | None = None
    by_instance: list[ValueCount] | None = None
    by_type: list[ValueCount] | None = None
    by_status: list[ValueCount] | None = None
    by_language: list[ValueCount] | None = None
    by_studio: list[ValueCount] | None = None
    by_certification: list[ValueCount] | None = None
    by_quality: list[ValueCount] | None = None
    by_monitored: list[ValueCount] | None = None
    by_decade: list[ValueCount] | None = None
    by_rating: list[ValueCount] | None = None
    unrated: int | None = None
    by_runtime: list[ValueCount] | None = None
    by_genre: list[ValueCount] | None = None
    by_tag: list[ValueCount] | None = None
    by_server_presence: list[ValueCount] | None = None


class GenreList(ChubEnvelope):
    genres: list[str] | None = None


class DuplicateGroup(ApiModel):
    group_id: str | None = None
    mode: str | None = None
    kind: str | None = None
    source_type: str | None = None
    normalized_title: str | None = None
    year: int | None = None
    similarity: Number | None = None
    count: int | None = None
    ids: list[str] | None = None
    instances: list[str] | None = None
    members: list[MediaSummary] | None = None


class DuplicatesPage(ChubEnvelope):
    """``GET /api/media/duplicates``."""

    duplicates: list[DuplicateGroup] | None = None
    total: int | None = None
    similarity: Number | None = None
    excluded_intentional: int | None = None
    limit: int | None = None
    offset: int | None = None


class DuplicateMembers(ChubEnvelope):
    members: list[MediaItemDetail] | None = None


class ResolveFailure(ApiModel):
    id: str | None = None
    error: str | None = None
    error_type: str | None = None


class ResolveAnswer(ChubEnvelope):
    """``POST /api/media/duplicates/{group_id}/resolve``: what was kept, removed and what failed."""

    group_id: str | None = None
    kept: str | None = None
    removed: list[dict[str, Any]] | None = None
    failed: list[ResolveFailure] | None = None
    delete_files: bool | None = None
    import_exclusion: bool | None = None


class LowRatedPage(ChubEnvelope):
    items: list[MediaSummary] | None = None
    total: int | None = None
    max_rating: Number | None = None
    limit: int | None = None
    offset: int | None = None


class IncompleteItem(MediaSummary):
    missing: list[str] | None = None


class IncompletePage(ChubEnvelope):
    items: list[IncompleteItem] | None = None
    total: int | None = None
    fields: list[str] | None = None
    limit: int | None = None
    offset: int | None = None


class RefreshQueued(ChubEnvelope):
    """``POST /api/media/refresh``: the queued ``cache_refresh`` job; ``instances`` is ``"all"`` or the names."""

    job_id: int | None = None
    instances: list[str] | str | None = None
    full: bool | None = None


class ScanQueued(ChubEnvelope):
    job_id: int | None = None
    paths: list[str] | None = None
    items: int | None = None


class FixQueued(ChubEnvelope):
    job_id: int | None = None
    items: int | None = None
    job_ids: list[int] | None = None


class MediaExport(ApiModel):
    """``POST /api/media/export`` with ``format: json`` (``csv`` answers ``text/csv``)."""

    format: str | None = None
    fields: list[str] | None = None
    items: list[dict[str, Any]] | None = None
    count: int | None = None


class CollectionRow(ApiModel):
    """A user collection (integer id) or, when listed with them, a media server's collection
    (``"<instance>:<native id>"``, ``source: "media_server"``)."""

    id: int | str | None = None
    source: str | None = None
    name: str | None = None
    description: str | None = None
    source_tag: str | None = None
    item_count: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CollectionList(ChubEnvelope):
    """``GET /api/media/collections``; ``errors`` names media servers that could not be read."""

    collections: list[CollectionRow] | None = None
    total: int | None = None
    errors: list[dict[str, Any]] | None = None


class Collection(CollectionRow, ChubEnvelope):
    """One collection with its member ids."""

    media_ids: list[str] | None = None
    collection_id: int | str | None = None


class CollectionDeleted(ChubEnvelope):
    deleted_id: int | None = None


class HistoryRow(ApiModel):
    id: int | None = None
    media_id: str | None = None
    edited_at: str | None = None
    edited_by: str | None = None
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    written_to: str | None = None


class MediaHistory(ChubEnvelope):
    id: str | None = None
    history: list[HistoryRow] | None = None


class MetadataEdited(ChubEnvelope):
    """``PUT /api/media/{id}/metadata``: which fields changed, where they were written, the item after."""

    id: str | None = None
    changed: list[str] | None = None
    written_to_arr: list[str] | None = None
    kept_locally: list[str] | None = None
    history_rows: int | None = None
    item: MediaItemDetail | None = None


class ArrDeletion(ApiModel):
    instance: str | None = None
    service: str | None = None
    api: str | None = None
    status: str | None = None


class MediaDeleted(ChubEnvelope):
    deleted_id: str | None = None
    arr: ArrDeletion | None = None
    delete_files: bool | None = None


class ImportExclusion(ChubEnvelope):
    id: str | None = None
    excluded: bool | None = None
    service: str | None = None
    instance: str | None = None
    exclusion_count: int | None = None
    endpoint: str | None = None
    exclusion: dict[str, Any] | None = None
