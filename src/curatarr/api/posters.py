"""/api/posters/*: CHUB's poster library over the poster index (``curatarr.poster_library``).

Static paths come before ``/{poster_id}`` ones. Google Drive and unmatched routes live in their own
routers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from curatarr.api.deps import DB_INT_MAX, DbId, RuntimeDep
from curatarr.api.schemas import posters as schemas
from curatarr.api.schemas.values import binary_content
from curatarr.auth.deps import allow_query_token
from curatarr.errors import Invalid
from curatarr.poster_library import actions, duplicates, files, optimize, overview, queries

router = APIRouter(tags=["Posters"])

Limit = Query(50, ge=1, le=500)
Offset = Query(0, ge=0, le=DB_INT_MAX)
IMAGE = {200: {"description": "The image", "content": binary_content("image/jpeg", "image/png", "image/webp")}}
FILTER_PATTERN = "^(all|matched|unmatched|low_res|duplicates|errors)$"


def _page(rt, limit: int, offset: int, **filters):
    if filters.get("filter_") == "duplicates":
        filters["ids"] = duplicates.duplicate_ids(rt.db)
    return queries.page(rt.db, limit=limit, offset=offset, **filters)


@router.get("/api/posters/search", response_model=schemas.PosterPage, response_model_exclude_unset=True,
            summary="Search posters by title or file name")
def search(rt: RuntimeDep, query: str = Query("", max_length=200), limit: int = Limit, offset: int = Offset,
           sort: Literal["title", "newest", "path", "size", "width"] = "title"):
    return queries.page(rt.db, limit=limit, offset=offset, order=sort, query=query or None)


@router.get("/api/posters/sources/assets/search", response_model=schemas.PosterPage,
            response_model_exclude_unset=True, summary="Search posters in the local source folders")
def search_assets(rt: RuntimeDep, query: str = Query("", max_length=200), limit: int = Limit, offset: int = Offset,
                  sort: Literal["title", "newest", "path", "size", "width"] = "title"):
    return queries.page(rt.db, limit=limit, offset=offset, order=sort, query=query or None)


@router.get("/api/posters/browse", response_model=schemas.BrowsePage, response_model_exclude_unset=True,
            summary="Browse posters by source and owner, with filters")
def browse(rt: RuntimeDep, owner: str | None = Query(None, max_length=300),
           type: str | None = Query(None, pattern="^(movie|show|item|season|collection)$"),
           query: str | None = Query(None, max_length=200), source: str | None = Query(None, max_length=1000),
           filter: str = Query("all", pattern=FILTER_PATTERN), min_width: int = Query(1000, ge=1, le=100_000),
           sort: Literal["title", "newest", "path", "size", "width"] = "title",
           limit: int = Query(60, ge=0, le=200), offset: int = Offset):
    page = _page(rt, limit or 60, offset, order=sort, query=query, owner=owner, type_=type, source=source,
                 filter_=filter, min_width=min_width)
    return {**page, "owners": queries.owners(rt.db, source), "sources": queries.sources_summary(rt.db)}


@router.get("/api/posters/stats", response_model=schemas.PosterStats, response_model_exclude_unset=True,
            summary="Poster counts, storage used and match state")
def stats(rt: RuntimeDep, group_by: str | None = Query(None, alias="groupBy", pattern="^(type|source)$"),
          min_width: int = Query(1000, ge=1, le=100_000)):
    return overview.stats(rt, group_by, min_width)


@router.get("/api/posters/list", response_model=schemas.PosterList, response_model_exclude_unset=True,
            summary="The poster index, paginated")
def list_posters(rt: RuntimeDep, type: str | None = Query(None, pattern="^(movie|show|item|season|collection)$"),
                 limit: int = Query(100, ge=1, le=1000), offset: int = Offset):
    page = queries.page(rt.db, limit=limit, offset=offset, order="path", type_=type)
    return {**page, "files": [p["file"] for p in page["items"]]}


@router.get("/api/posters/matched/stats", response_model=schemas.MatchedStats, response_model_exclude_unset=True,
            summary="Matched and unmatched poster counts")
def matched_stats(rt: RuntimeDep):
    return queries.matched_stats(rt.db)


@router.get("/api/posters/duplicates", response_model=schemas.DuplicateList, response_model_exclude_unset=True,
            summary="Exact and near-duplicate poster groups")
def list_duplicates(rt: RuntimeDep, distance: int = Query(duplicates.DEFAULT_DISTANCE, ge=0, le=duplicates.MAX_DISTANCE),
                    near: bool = True, limit: int = Limit, offset: int = Offset):
    return duplicates.listing(rt.db, distance=distance, near=near, limit=limit, offset=offset)


@router.post("/api/posters/duplicates/{group_id}/resolve", response_model=schemas.ResolveResult,
             response_model_exclude_unset=True, summary="Keep one copy of a duplicate group")
def resolve_duplicates(rt: RuntimeDep, group_id: str, body: schemas.ResolveBody,
                       distance: int = Query(duplicates.DEFAULT_DISTANCE, ge=0, le=duplicates.MAX_DISTANCE)):
    if len(group_id) > 40:
        raise Invalid("not a duplicate group id")
    return duplicates.resolve(rt.db, rt.roots(), group_id, body.keep_id, body.remove_ids,
                              delete_files=body.delete_files, distance=distance)


@router.post("/api/posters/auto-match", response_model=schemas.RenamerJob, response_model_exclude_unset=True,
             summary="Match and place the named (or all unmatched) posters")
def auto_match(rt: RuntimeDep, body: schemas.MatchBody | None = Body(None)):
    body = body or schemas.MatchBody()
    ids = [*(body.poster_ids or []), *([body.poster_id] if body.poster_id else [])]
    return actions.start_scoped_run(rt, ids, unmatched_if_none=True, dry_run=body.dry_run)


@router.post("/api/posters/upload", response_model=schemas.UploadResult, response_model_exclude_unset=True,
             summary="Upload posters into the upload folder")
async def upload(rt: RuntimeDep, request: Request, overwrite: bool = False):
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise Invalid("send the posters as multipart/form-data (field 'file' or 'files')")
    form = await request.form(max_files=50)
    items = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read(files.MAX_UPLOAD_BYTES + 1)
            items.append((value.filename or "", data))
    return await run_in_threadpool(files.upload, rt, items, overwrite=overwrite)  # checks + scan off the event loop


@router.post("/api/posters/optimize", response_model=schemas.OptimizeResult, response_model_exclude_unset=True,
             summary="Report or shrink posters larger than a box")
def optimize_posters(rt: RuntimeDep, body: schemas.OptimizeBody):
    return optimize.optimize(rt, mode=body.mode, max_width=body.max_width, max_height=body.max_height, fmt=body.format,
                             quality=body.quality, poster_ids=body.poster_ids, paths=body.paths, limit=body.limit)


@router.post("/api/posters/backfill-dimensions", response_model=schemas.BackfillResult,
             response_model_exclude_unset=True, summary="Read the size of posters that lack it")
def backfill_dimensions(rt: RuntimeDep, limit: int = Query(200, ge=1, le=2000)):
    return files.backfill_dimensions(rt, limit)


@router.get("/api/posters/low-resolution", response_model=schemas.LowResolution, response_model_exclude_unset=True,
            summary="Posters narrower than a width")
def low_resolution(rt: RuntimeDep, min_width: int = Query(1000, ge=1, le=100_000), limit: int = Limit,
                   offset: int = Offset):
    return queries.low_resolution(rt.db, min_width, limit, offset)


@router.get("/api/posters/added-since", response_model=schemas.AddedSince, response_model_exclude_unset=True,
            summary="Posters first seen since a time")
def added_since(rt: RuntimeDep, cutoff: datetime = Query(...), limit: int = Limit, offset: int = Offset):
    return queries.added_since(rt.db, cutoff, limit, offset)


@router.get("/api/posters/{poster_id}", response_model=schemas.PosterOne, response_model_exclude_unset=True,
            summary="One poster")
def get_poster(rt: RuntimeDep, poster_id: DbId):
    return queries.get(rt.db, poster_id)


@router.get("/api/posters/{poster_id}/thumbnail", response_class=Response, responses=IMAGE,
            summary="A cached JPEG thumbnail of a poster")
@allow_query_token
def thumbnail(rt: RuntimeDep, poster_id: DbId, width: int = Query(200, ge=50, le=500)):
    return Response(files.thumbnail(rt, poster_id, width), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


@router.post("/api/posters/{poster_id}/download", response_class=Response, responses=IMAGE,
             summary="Download a poster, optionally resized and re-encoded")
def download(rt: RuntimeDep, poster_id: DbId, size: int | None = Query(None, ge=100, le=4000),
             format: Literal["original", "jpeg", "webp", "png"] | None = None, quality: int = Query(85, ge=1, le=100)):
    data, media_type, name = files.download(rt, poster_id, size, format, quality)
    safe = name.encode("ascii", "replace").decode().replace('"', "'")
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@router.post("/api/posters/{poster_id}/sync-metadata", response_model=schemas.RenamerJob,
             response_model_exclude_unset=True, summary="Match and place this one poster")
def sync_metadata(rt: RuntimeDep, poster_id: DbId, dry_run: bool | None = None):
    return actions.start_scoped_run(rt, [poster_id], unmatched_if_none=False, dry_run=dry_run)


@router.delete("/api/posters/{poster_id}", response_model=schemas.DeleteResult, response_model_exclude_unset=True,
               summary="Remove a poster from the index (and its file, when asked)")
async def delete_poster(rt: RuntimeDep, request: Request, poster_id: DbId, delete_file: bool | None = None):
    if delete_file is None:  # CHUB also took it in the body as deleteFile
        raw = await request.body()
        body = {}
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                raise Invalid("the body must be JSON") from None
        value = body.get("deleteFile", body.get("delete_file", False)) if isinstance(body, dict) else False
        if not isinstance(value, bool):
            raise Invalid("deleteFile must be true or false")
        delete_file = value
    return await run_in_threadpool(files.delete_poster, rt, poster_id, delete_file)
