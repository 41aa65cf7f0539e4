"""Galleries (posters, backgrounds, seasons, title cards: paginated, filterable, delete and bulk
delete) and the asset replacer (candidates from every provider in language-rule order; replace by
upload or URL). Posterizarr's paths and shapes, plus ``total``/``limit``/``offset``."""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Literal, TypeVar

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas import galleries as schemas
from curatarr.runtime import Runtime
from curatarr.posters import folders, gallery_index, replacer
from curatarr.posters.choices import forget_assets
from curatarr.posters.writer import UnsafeAssetPath, classify, resolve, scan

router = APIRouter(tags=["Posterizarr: Assets"])
GALLERIES = {"gallery": "poster", "backgrounds-gallery": "background", "seasons-gallery": "season",
             "titlecards-gallery": "titlecard"}
DELETE_PREFIX = {"gallery": "poster", "backgrounds": "background", "seasons": "season", "titlecards": "titlecard"}
MAX_UPLOAD = 30 * 1024 * 1024
T = TypeVar("T")


def files_view(rt: Runtime, root, view: str, build: Callable[[list], T]) -> T:
    """The ``view`` of the asset folder computed by ``build`` from its file list, both from the
    gallery index: one walk serves every such view, and the run stamp is queried once."""
    stamp = gallery_index.run_stamp(rt.db)
    files = gallery_index.cached(root, "files", lambda: list(scan(root)), stamp=stamp)
    return gallery_index.cached(root, view, lambda: build(files), stamp=stamp, derived=True)


def asset_paths(rt: Runtime, root) -> set[str]:
    return files_view(rt, root, "paths", lambda files: {f.rel for f in files})


def kind_files(rt: Runtime, root, kind: str) -> list:
    """The ``kind`` files of the asset folder, sorted, from the gallery index (no walk per request)."""
    return files_view(rt, root, f"kind:{kind}",
                      lambda files: sorted((f for f in files if f.kind == kind), key=lambda f: f.rel.lower()))


def _images(rt: Runtime, root, kind: str, limit: int, offset: int, library: str | None, q: str | None) -> dict:
    files = kind_files(rt, root, kind)
    if library:
        files = [f for f in files if f.rel.split("/", 1)[0].lower() == library.lower()]
    if q:
        files = [f for f in files if q.lower() in f.rel.lower()]
    page = files[offset:offset + limit]
    images = [{"path": f.rel, "name": f.rel.rsplit("/", 1)[-1], "folder": f.rel.rsplit("/", 1)[0] if "/" in f.rel else "",
               "size": f.size, "url": folders.asset_url(f.rel), "created": f.mtime, "modified": f.mtime}
              for f in page]
    return {"images": images, "total": len(files), "count": len(images), "limit": limit, "offset": offset}


def cached_json(request: Request, root, body: Callable[[], Any]) -> Response:
    """JSON with an ETag naming the index build and the query; a matching If-None-Match is a 304.
    ``no-cache``: the browser must revalidate, so a delete shows on the next request."""
    data = body()  # builds the index first, so the version below is the one the data came from
    tag = hashlib.sha256(f"{root}|{gallery_index.version(root)}|{request.url.path}?{request.url.query}"
                         .encode()).hexdigest()[:32]
    etag = f'W/"{tag}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return JSONResponse(data, headers=headers)


def _gallery_route(name: str, kind: str):
    def handler(rt: RuntimeDep, request: Request, limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0),
                library: str | None = Query(None, max_length=200), q: str | None = Query(None, max_length=200)):
        root, _manual = folders.roots(rt)
        return cached_json(request, root, lambda: _images(rt, root, kind, limit, offset, library, q))

    handler.__name__ = f"list_{name.replace('-', '_')}"
    router.get(f"/api/{name}", summary=f"List {kind} assets (paginated, filterable)",
               response_model=schemas.GalleryPage, response_model_exclude_unset=True)(handler)


for _name, _kind in GALLERIES.items():
    _gallery_route(_name, _kind)


def delete_asset(rt: Runtime, rel: str, kind: str) -> dict:
    root, _manual = folders.roots(rt)
    try:
        path = resolve(root, rel)
    except UnsafeAssetPath as exc:
        return {"path": rel, "success": False, "status": 400, "error": str(exc)}
    if classify(path.name) != kind:
        return {"path": rel, "success": False, "status": 400, "error": f"{rel!r} is not a {kind} asset"}
    if not path.is_file():
        return {"path": rel, "success": False, "status": 404, "error": "no such asset"}
    path.unlink()
    gallery_index.invalidate(root)
    forget_assets(rt.db, [rel])
    return {"path": rel, "success": True}


class BulkDelete(BaseModel):
    paths: list[str] = Field(..., min_length=1, max_length=5000)


def _delete_routes(prefix: str, kind: str):
    def delete_one(rt: RuntimeDep, path: str):
        result = delete_asset(rt, path, kind)
        if not result["success"]:
            raise HTTPException(result["status"], result["error"])
        return {"success": True, "message": f"deleted {path}"}

    def bulk(rt: RuntimeDep, body: BulkDelete):
        results = [delete_asset(rt, p, kind) for p in body.paths]
        deleted = sum(1 for r in results if r["success"])
        return {"success": deleted == len(results), "deleted": deleted, "failed": len(results) - deleted,
                "results": results}

    delete_one.__name__, bulk.__name__ = f"delete_{prefix}", f"bulk_delete_{prefix}"
    router.post(f"/api/{prefix}/bulk-delete", summary=f"Delete several {kind} assets",
                response_model=schemas.BulkDeleted, response_model_exclude_unset=True)(bulk)
    router.delete(f"/api/{prefix}/{{path:path}}", summary=f"Delete a {kind} asset",
                  response_model=schemas.AssetDeleted, response_model_exclude_unset=True)(delete_one)


for _prefix, _kind in DELETE_PREFIX.items():
    _delete_routes(_prefix, _kind)


# ---- asset replacer ----------------------------------------------------------------------------------

class ReplacementQuery(BaseModel):
    asset_path: str = Field("", max_length=2000)
    media_type: Literal["movie", "tv", "show"] = "movie"
    asset_type: Literal["poster", "background", "season", "titlecard"] = "poster"
    tmdb_id: str | None = Field(None, max_length=32)
    tvdb_id: str | None = Field(None, max_length=32)
    imdb_id: str | None = Field(None, max_length=32)
    season_number: int | None = Field(None, ge=0)
    episode_number: int | None = Field(None, ge=0)


@router.post("/api/assets/fetch-replacements", summary="Replacement candidates from every provider",
             response_model=schemas.Replacements, response_model_exclude_unset=True)
def fetch_replacements(rt: RuntimeDep, body: ReplacementQuery):
    ids = {k: v for k, v in (("tmdb", body.tmdb_id), ("tvdb", body.tvdb_id), ("imdb", body.imdb_id)) if v}
    return replacer.replacement_candidates(rt, asset_path=body.asset_path, media_type=body.media_type,
                                           asset_type=body.asset_type, ids=ids, season=body.season_number,
                                           episode=body.episode_number)


class ReplaceFromUrl(BaseModel):
    asset_path: str = Field(..., min_length=3, max_length=2000)
    image_url: str = Field(..., min_length=8, max_length=4000)
    process_with_overlays: bool = False
    title_text: str | None = Field(None, max_length=300)


@router.post("/api/assets/replace-from-url", summary="Replace an asset from a URL",
             response_model=schemas.ReplacementDone, response_model_exclude_unset=True)
def replace_from_url(rt: RuntimeDep, body: ReplaceFromUrl):
    return replacer.replace_from_url(rt, body.asset_path, body.image_url, process=body.process_with_overlays,
                                     title=body.title_text)


@router.post("/api/assets/upload-replacement", summary="Replace an asset by upload",
             response_model=schemas.ReplacementDone, response_model_exclude_unset=True)
async def upload_replacement(rt: RuntimeDep, file: UploadFile = File(...), asset_path: str = Query(..., min_length=3, max_length=2000),
                             process_with_overlays: bool = Query(False), title_text: str | None = Query(None, max_length=300)):
    data = await file.read(MAX_UPLOAD + 1)
    if not data:
        raise HTTPException(400, "the uploaded file is empty")
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, "the uploaded file is larger than 30 MB")
    return replacer.replace_from_upload(rt, asset_path, data, process=process_with_overlays, title=title_text)
