"""/api/media — the media library (CHUB's Media API): search, stats, duplicates, reports, exports,
jobs that refresh the cache, single items (record, poster, edits, delete, history, exclusions) and
collections. Handlers are thin: validation here, the work in :mod:`curatarr.library`.

Fixed paths are declared before ``/api/media/{media_id}`` so they win.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Header, HTTPException, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from curatarr.api.deps import DB_INT_MAX, DbId, LibraryDep, PrincipalDep, RuntimeDep
from curatarr.api.schemas import media as schemas
from curatarr.auth.deps import allow_query_token
from curatarr.library import actions
from curatarr.library.collections import CollectionError
from curatarr.library.export import check_fields, stream_export
from curatarr.library.posters import NoPoster, get_poster
from curatarr.library.search import SORT_COLUMNS, InvalidQuery, SearchParams
from curatarr.library.service import INCOMPLETE_FIELDS, item_summary
from curatarr.runtime import Runtime

router = APIRouter(tags=["Media"])

SortField = Literal[tuple(SORT_COLUMNS)]  # type: ignore[valid-type]
Period = Literal["7d", "30d", "90d", "1y", "all"]
MAX_BULK = 5000


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out += [v.strip() for v in value.split(",") if v.strip()]
    return list(dict.fromkeys(out))


def _bad(exc: Exception) -> HTTPException:
    return HTTPException(422, str(exc).strip("'\""))


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"{what} not found")


def _submit(rt: Runtime, overrides: dict[str, Any], origin: dict[str, Any], dedupe_key: str | None = None) -> int:
    jobs = getattr(rt, "jobs", None)
    if jobs is None:
        raise HTTPException(503, "the job queue is not running")
    return jobs.submit("cache_refresh", overrides=overrides, origin=origin, dedupe_key=dedupe_key)


def _check_instances(rt: Runtime, names: list[str]) -> list[str]:
    from curatarr.library.sync import library_instances

    try:
        library_instances(rt, names)
    except KeyError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from None
    return names


# ---- search & reports ----------------------------------------------------------------------------

@router.get("/api/media/search", summary="Search the library", response_model=schemas.MediaPage,
            response_model_exclude_unset=True)
def search_media(
    service: LibraryDep,
    query: str | None = Query(None, max_length=200, description="Free text: title, original or alternate title; "
                                                               "also tt…, tmdb:N, tvdb:N"),
    q: str | None = Query(None, max_length=200, include_in_schema=False),
    type: str | None = Query(None, description="movie | series | artist"),
    status: list[str] | None = Query(None), tag: list[str] | None = Query(None), tags: list[str] | None = Query(None),
    genre: list[str] | None = Query(None), genres: list[str] | None = Query(None),
    instance: list[str] | None = Query(None),
    year_min: int | None = Query(None, ge=0, le=3000), year_max: int | None = Query(None, ge=0, le=3000),
    rating_min: float | None = Query(None, ge=0, le=10), rating_max: float | None = Query(None, ge=0, le=10),
    has_poster: bool | None = None, monitored: bool | None = None, has_file: bool | None = None,
    linked: bool | None = Query(None, description="On a media server (true) or not (false)"),
    role: Literal["arr", "server", "all"] = "arr", include_removed: bool = False,
    sort: SortField = "title", order: Literal["asc", "desc"] = "asc",
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000),
    facets: bool = Query(False, description="Add facet counts (type, instance, status, decade, genre, tag)"),
):
    try:
        params = SearchParams(query=query or q, type=type, status=_split(status), tags=_split((tag or []) + (tags or [])),
                              genres=_split((genre or []) + (genres or [])), instances=_split(instance),
                              year_min=year_min, year_max=year_max, rating_min=rating_min, rating_max=rating_max,
                              has_poster=has_poster, monitored=monitored, has_file=has_file, linked=linked, role=role,
                              include_removed=include_removed, sort=sort, order=order, limit=limit,
                              offset=offset).validate()
    except InvalidQuery as exc:
        raise _bad(exc) from None
    return service.search(params, with_facets=facets)


@router.get("/api/media/stats", summary="Library totals, matched and unmatched per type",
            response_model=schemas.MediaStats, response_model_exclude_unset=True)
def media_stats(service: LibraryDep, period: Period = "30d", type: str | None = None):
    try:
        return service.stats(period, type)
    except (InvalidQuery, ValueError) as exc:
        raise _bad(exc) from None


@router.get("/api/media/stats/detailed", summary="Library breakdowns (instance, status, decade, rating …)",
            response_model=schemas.MediaStatsDetailed, response_model_exclude_unset=True)
def media_stats_detailed(service: LibraryDep, period: Period = "all", type: str | None = None):
    try:
        return service.stats_detailed(period, type)
    except (InvalidQuery, ValueError) as exc:
        raise _bad(exc) from None


@router.get("/api/media/genres", summary="Genres in the library", response_model=schemas.GenreList,
            response_model_exclude_unset=True)
def media_genres(service: LibraryDep, type: str | None = None):
    try:
        return {"genres": service.genres(type)}
    except InvalidQuery as exc:
        raise _bad(exc) from None


@router.get("/api/media/duplicates", summary="Duplicate groups (exact or fuzzy)",
            response_model=schemas.DuplicatesPage, response_model_exclude_unset=True)
def media_duplicates(service: LibraryDep,
                     similarity: float = Query(1.0, ge=0.0, le=1.0, description="1.0 = exact title+year; lower = fuzzy"),
                     type: str | None = None, instance: list[str] | None = Query(None),
                     limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    try:
        return service.duplicates(similarity, kind=type, instances=_split(instance) or None, limit=limit, offset=offset)
    except (InvalidQuery, ValueError) as exc:
        raise _bad(exc) from None


class MembersBody(BaseModel):
    ids: list[str] = Field(..., min_length=1, max_length=200)


@router.post("/api/media/duplicates/members", summary="Full records of duplicate members",
             response_model=schemas.DuplicateMembers, response_model_exclude_unset=True)
def duplicate_members(service: LibraryDep, body: MembersBody):
    out = []
    for media in body.ids:
        try:
            out.append(service.get(media))
        except KeyError:
            raise _not_found(f"media item {media}") from None
    return {"members": out}


class ResolveBody(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    keep_id: str = Field(..., alias="keepId", min_length=1)
    remove_ids: list[str] | None = Field(None, alias="removeIds", description="Default: every other member")
    delete_files: bool = Field(False, alias="deleteFiles")
    add_import_exclusion: bool = Field(False, alias="addImportExclusion")


@router.post("/api/media/duplicates/{group_id}/resolve",
             summary="Keep one member of a duplicate group, remove the others", response_model=schemas.ResolveAnswer,
             response_model_exclude_unset=True)
def resolve_duplicates(service: LibraryDep, group_id: str, body: ResolveBody):
    try:
        return actions.resolve_group(service, group_id, body.keep_id, body.remove_ids,
                                     delete_files=body.delete_files, add_exclusion=body.add_import_exclusion)
    except KeyError:
        raise _not_found(f"duplicate group {group_id}") from None
    except actions.ActionError as exc:
        raise _bad(exc) from None


@router.get("/api/media/low-rated", summary="Items rated below a threshold", response_model=schemas.LowRatedPage,
            response_model_exclude_unset=True)
def low_rated(service: LibraryDep,
              max_rating: float = Query(5.0, ge=0, le=10, description="Audience/critic rating on 0–10"),
              type: str | None = None, min_votes: int = Query(0, ge=0, le=DB_INT_MAX),
              limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    try:
        return service.low_rated(max_rating, kind=type, min_votes=min_votes, limit=limit, offset=offset)
    except InvalidQuery as exc:
        raise _bad(exc) from None


@router.get("/api/media/incomplete-metadata", summary="Items missing metadata fields",
            response_model=schemas.IncompletePage, response_model_exclude_unset=True)
def incomplete_metadata(service: LibraryDep,
                        fields: str = Query("rating,studio,language,genre", description=", ".join(INCOMPLETE_FIELDS)),
                        type: str | None = None, limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    wanted = _split([fields])
    if not wanted:
        raise HTTPException(422, "fields must name at least one field")
    try:
        return service.incomplete(wanted, kind=type, limit=limit, offset=offset)
    except (InvalidQuery, ValueError) as exc:
        raise _bad(exc) from None


# ---- jobs ------------------------------------------------------------------------------------------

class RefreshBody(BaseModel):
    instances: list[str] | None = None
    arr_instances: list[str] | None = None
    plex_instances: list[str] | None = None
    full: bool = False


@router.post("/api/media/refresh", summary="Queue a library refresh", response_model=schemas.RefreshQueued,
             response_model_exclude_unset=True)
def refresh_media(rt: RuntimeDep, principal: PrincipalDep, body: RefreshBody | None = Body(None)):
    body = body or RefreshBody()
    names = _split((body.instances or []) + (body.arr_instances or []) + (body.plex_instances or []))
    if names:
        _check_instances(rt, names)
    overrides = {"instances": names or None, "full": body.full}
    key = None if names else f"cache_refresh:all:{int(body.full)}"
    job_id = _submit(rt, overrides, {"source": "api", "endpoint": "media/refresh", "user": principal.username}, key)
    return {"job_id": job_id, "instances": names or "all", "full": body.full}


class ScanBody(BaseModel):
    paths: list[str] | None = Field(None, max_length=1000)
    instances: list[str] | None = None
    recursive: bool = True


@router.post("/api/media/scan", summary="Queue a rescan of items under folders", response_model=schemas.ScanQueued,
             response_model_exclude_unset=True)
def scan_media(rt: RuntimeDep, service: LibraryDep, principal: PrincipalDep, body: ScanBody | None = Body(None)):
    body = body or ScanBody()
    origin = {"source": "api", "endpoint": "media/scan", "user": principal.username}
    names = _check_instances(rt, _split(body.instances)) if body.instances else []
    paths = [p.rstrip("/") for p in body.paths or [] if p.strip().rstrip("/")]
    if not paths:
        return {"job_id": _submit(rt, {"instances": names or None, "full": False}, origin), "paths": [], "items": None}
    ids = service.ids_under_paths(paths, recursive=body.recursive, instances=names or None, cap=MAX_BULK + 1)
    if not ids:
        raise HTTPException(422, "no library items under these paths")
    if len(ids) > MAX_BULK:
        raise HTTPException(422, f"more than {MAX_BULK} items under these paths; scan fewer paths")
    job_id = _submit(rt, {"items": ids, "arr_action": "rescan"}, origin)
    return {"job_id": job_id, "paths": paths, "items": len(ids)}


class FixBody(BaseModel):
    ids: list[str] | None = Field(None, max_length=MAX_BULK)
    filter: dict[str, Any] | None = None


def _fix(rt: Runtime, ids: list[str], principal, endpoint: str) -> dict[str, Any]:
    # *arr items are refreshed in their *arr first; media-server items are only re-read.
    overrides = {"items": ids, "arr_action": "refresh"}
    job_id = _submit(rt, overrides, {"source": "api", "endpoint": endpoint, "user": principal.username})
    return {"job_id": job_id, "items": len(ids), "job_ids": [job_id]}


@router.post("/api/media/fix-metadata", summary="Queue a metadata refresh of items", response_model=schemas.FixQueued,
             response_model_exclude_unset=True)
def fix_metadata_bulk(rt: RuntimeDep, service: LibraryDep, principal: PrincipalDep, body: FixBody | None = Body(None)):
    body = body or FixBody()
    if body.ids:
        ids = list(dict.fromkeys(body.ids))
        missing = service.missing_ids(ids)
        if missing:
            raise _not_found(f"media items {', '.join(missing[:10])}")
    else:
        try:
            params = SearchParams.from_dict(body.filter or {})
        except InvalidQuery as exc:
            raise _bad(exc) from None
        ids = service.matching_ids(params, MAX_BULK + 1)
        if len(ids) > MAX_BULK:
            raise HTTPException(422, f"the filter matches more than {MAX_BULK} items; narrow it")
        if not ids:
            raise HTTPException(422, "the filter matches no items")
    return _fix(rt, ids, principal, "media/fix-metadata")


class ExportBody(BaseModel):
    format: Literal["csv", "json"] = "json"
    fields: list[str] | None = None
    filter: dict[str, Any] | None = None


@router.post("/api/media/export", summary="Export items as JSON or CSV", response_model=schemas.MediaExport,
             response_model_exclude_unset=True,
             responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def export_media(rt: RuntimeDep, body: ExportBody | None = Body(None)):
    body = body or ExportBody()
    try:
        fields = check_fields(body.fields)
        params = SearchParams.from_dict({**(body.filter or {}), "limit": 1, "offset": 0})
    except (InvalidQuery, ValueError) as exc:
        raise _bad(exc) from None
    media_type = "text/csv; charset=utf-8" if body.format == "csv" else "application/json"
    return StreamingResponse(stream_export(rt.db, params, body.format, fields), media_type=media_type,
                             headers={"Content-Disposition": f'attachment; filename="media-export.{body.format}"'})


# ---- collections ------------------------------------------------------------------------------------

class CollectionBody(BaseModel):
    # CHUB's clients send ``title``; ours send ``name``.
    name: str = Field(..., min_length=1, max_length=200, validation_alias=AliasChoices("name", "title"))
    description: str | None = Field(None, max_length=4000)
    media_ids: list[str] = Field(default_factory=list, max_length=MAX_BULK)


class CollectionPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    media_ids: list[str] | None = Field(None, max_length=MAX_BULK)
    add_ids: list[str] | None = Field(None, max_length=MAX_BULK)
    remove_ids: list[str] | None = Field(None, max_length=MAX_BULK)


class FromTagBody(BaseModel):
    tag: str = Field(..., min_length=1, max_length=100)
    collection_name: str | None = Field(None, max_length=200)
    name: str | None = Field(None, max_length=200)


def _collection_call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except KeyError:
        raise _not_found("collection") from None
    except CollectionError as exc:
        raise HTTPException(exc.status, str(exc)) from None


@router.get("/api/media/collections", summary="List collections", response_model=schemas.CollectionList,
            response_model_exclude_unset=True)
def list_collections(service: LibraryDep):
    return service.all_collections()


@router.post("/api/media/collections", summary="Create a collection", status_code=201,
             response_model=schemas.Collection, response_model_exclude_unset=True)
def create_collection(service: LibraryDep, body: CollectionBody):
    return _collection_call(service.create_collection, name=body.name, description=body.description,
                            media_ids=body.media_ids)


@router.post("/api/media/collections/from-tag", summary="Create a collection from a tag", status_code=201,
             response_model=schemas.Collection, response_model_exclude_unset=True)
def collection_from_tag(service: LibraryDep, body: FromTagBody):
    return _collection_call(service.collection_from_tag, body.tag, body.collection_name or body.name)


@router.get("/api/media/collections/{collection_id}", summary="One collection with its members",
            response_model=schemas.Collection, response_model_exclude_unset=True)
def get_collection(service: LibraryDep, collection_id: DbId):
    return _collection_call(service.collection, collection_id)


@router.put("/api/media/collections/{collection_id}", summary="Change a collection",
            response_model=schemas.Collection, response_model_exclude_unset=True)
def update_collection(service: LibraryDep, collection_id: DbId, body: CollectionPatch):
    return _collection_call(service.update_collection, collection_id, **body.model_dump(exclude_unset=True))


@router.delete("/api/media/collections/{collection_id}", summary="Delete a collection",
               response_model=schemas.CollectionDeleted, response_model_exclude_unset=True)
def delete_collection(service: LibraryDep, collection_id: DbId):
    _collection_call(service.delete_collection, collection_id)
    return {"deleted_id": collection_id}


# ---- single items ----------------------------------------------------------------------------------

@router.get("/api/media/{media_id}", summary="One library item", response_model=schemas.MediaItemAnswer,
            response_model_exclude_unset=True)
def get_media(service: LibraryDep, media_id: str):
    try:
        return service.get(media_id)
    except KeyError:
        raise _not_found(f"media item {media_id}") from None


@router.get("/api/media/{media_id}/poster", summary="The item's poster image", response_class=Response,
            responses=schemas.POSTER_RESPONSES)
@allow_query_token
def media_poster(service: LibraryDep, media_id: str, width: int | None = Query(None, ge=50, le=2000),
                 if_none_match: str | None = Header(None)):
    try:
        poster = get_poster(service, media_id, width=width, if_none_match=if_none_match)
    except NoPoster:
        raise HTTPException(404, f"media item {media_id} has no poster") from None
    except KeyError:
        raise _not_found(f"media item {media_id}") from None
    headers = {"Cache-Control": "public, max-age=86400", "ETag": poster.etag}
    if poster.not_modified:
        return Response(status_code=304, headers=headers)
    return Response(content=poster.content, media_type=poster.content_type, headers=headers)


class MetadataEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    monitored: bool | None = None
    tags: list[str] | None = Field(None, max_length=100)
    quality_profile_id: int | None = Field(None, ge=1)
    studio: str | None = Field(None, max_length=200)
    language: str | None = Field(None, max_length=64)
    certification: str | None = Field(None, max_length=20)
    edition: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=4000)


@router.put("/api/media/{media_id}/metadata", summary="Edit an item's metadata",
            response_model=schemas.MetadataEdited, response_model_exclude_unset=True)
def edit_metadata(service: LibraryDep, principal: PrincipalDep, media_id: str, body: MetadataEdit):
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    try:
        return actions.update_metadata(service, media_id, changes, principal.username)
    except KeyError:
        raise _not_found(f"media item {media_id}") from None
    except actions.ActionError as exc:
        raise _bad(exc) from None


@router.delete("/api/media/{media_id}", summary="Remove an item", response_model=schemas.MediaDeleted,
               response_model_exclude_unset=True)
def delete_media(service: LibraryDep, media_id: str, delete_files: bool = False, remove_from_arr: bool = False,
                 add_import_exclusion: bool = False):
    try:
        return actions.delete_item(service, media_id, delete_files=delete_files, remove_from_arr=remove_from_arr,
                                   add_exclusion=add_import_exclusion)
    except KeyError:
        raise _not_found(f"media item {media_id}") from None
    except actions.ActionError as exc:
        raise _bad(exc) from None


@router.post("/api/media/{media_id}/fix-metadata", summary="Queue a metadata refresh of one item",
             response_model=schemas.FixQueued, response_model_exclude_unset=True)
def fix_metadata_one(rt: RuntimeDep, service: LibraryDep, principal: PrincipalDep, media_id: str):
    try:
        service.record(media_id)
    except KeyError:
        raise _not_found(f"media item {media_id}") from None
    return _fix(rt, [media_id], principal, "media/{id}/fix-metadata")


@router.get("/api/media/{media_id}/history", summary="An item's edit history", response_model=schemas.MediaHistory,
            response_model_exclude_unset=True)
def media_history(service: LibraryDep, media_id: str, limit: int = Query(100, ge=1, le=500)):
    try:
        return {"id": media_id, "history": service.history(media_id, limit)}
    except KeyError:
        raise _not_found(f"media item {media_id}") from None


@router.get("/api/media/{media_id}/import-exclusion", summary="Whether the item is on its *arr's import exclusions",
            response_model=schemas.ImportExclusion, response_model_exclude_unset=True)
def media_import_exclusion(service: LibraryDep, media_id: str):
    try:
        return actions.import_exclusion(service, media_id)
    except KeyError:
        raise _not_found(f"media item {media_id}") from None
    except actions.ActionError as exc:
        raise _bad(exc) from None


__all__ = ["router", "item_summary"]
