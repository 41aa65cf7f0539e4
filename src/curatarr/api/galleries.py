"""Galleries (posters, backgrounds, seasons, title cards: paginated, filterable, delete and bulk
delete) and the asset replacer (candidates from every provider in language-rule order; replace by
upload or URL). Posterizarr's paths and shapes, plus ``total``/``limit``/``offset``."""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any, Callable, Literal, TypeVar

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from curatarr.api.deps import RuntimeDep
from curatarr.fsutil import atomic_write_bytes
from curatarr.posters import folders, gallery_index
from curatarr.posters.choices import forget_assets
from curatarr.posters.writer import UnsafeAssetPath, classify, resolve, scan
from curatarr.runtime import Runtime

router = APIRouter()
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
    router.get(f"/api/{name}")(handler)


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
    router.post(f"/api/{prefix}/bulk-delete")(bulk)
    router.delete(f"/api/{prefix}/{{path:path}}")(delete_one)


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


@router.post("/api/assets/fetch-replacements")
def fetch_replacements(rt: RuntimeDep, body: ReplacementQuery):
    from curatarr.modules.base import RunContext
    from curatarr.modules.poster_maker import PosterMaker
    from curatarr.posters.plan import language_order

    if not (body.tmdb_id or body.tvdb_id or body.imdb_id):
        raise HTTPException(422, "give tmdb_id, tvdb_id or imdb_id")
    if body.asset_type in ("season", "titlecard") and body.season_number is None:
        raise HTTPException(422, "season and title card replacements need season_number")
    module = PosterMaker()
    cfg = folders.poster_config(rt)
    ctx = RunContext.standalone(rt, "poster_maker")
    lookups = module._lookups(ctx, cfg)
    try:
        ids = {k: v for k, v in (("tmdb", body.tmdb_id), ("tvdb", body.tvdb_id), ("imdb", body.imdb_id)) if v}
        item_kind = "movie" if body.media_type == "movie" else "show"
        pool = []
        for provider in [cfg.favourite_provider] + [p for p in cfg.provider_order if p != cfg.favourite_provider]:
            pool += lookups.candidates(provider, item_kind, body.asset_type, ids, season=body.season_number,
                                       episode=body.episode_number)
    finally:
        lookups.close()
        ctx.connectors.close()
    orders = {"poster": cfg.language_order, "season": cfg.season_language_order,
              "background": cfg.background_language_order, "titlecard": cfg.titlecard_language_order}
    langs = language_order(body.asset_type, orders)
    providers = [cfg.favourite_provider] + [p for p in cfg.provider_order if p != cfg.favourite_provider]

    def rank(c):
        return (langs.index(c.language) if c.language in langs else len(langs),
                providers.index(c.provider) if c.provider in providers else len(providers), -c.score)

    results = [{"provider": c.provider, "url": c.url, "original_url": c.url, "language": c.language,
                "width": c.width, "height": c.height, "score": c.score, "votes": c.votes,
                "preferred": c.language in langs} for c in sorted(pool, key=rank)]
    return {"success": True, "asset_path": body.asset_path, "results": results, "total": len(results)}


def _check_ratio(data: bytes, asset_path: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except (UnidentifiedImageError, OSError):
        raise HTTPException(400, "the file is not a readable image") from None
    kind = classify(asset_path.rsplit("/", 1)[-1]) or "poster"
    want = 16 / 9 if kind in ("background", "titlecard") else 2 / 3
    if abs(width / height - want) / want > 0.05:
        raise HTTPException(400, f"a {kind} must be {'16:9' if want > 1 else '2:3'} (got {width}x{height})")


def _store_replacement(rt: Runtime, asset_path: str, data: bytes) -> dict:
    """Without processing the image goes into the manual asset folder (used before any provider on
    the next run); with no manual folder configured it replaces the asset directly."""
    root, manual = folders.roots(rt)
    try:
        target = resolve(manual or root, asset_path)
    except UnsafeAssetPath as exc:
        raise HTTPException(400, str(exc)) from None
    atomic_write_bytes(target, data)
    gallery_index.invalidate(manual or root)
    return {"success": True, "message": f"stored {asset_path}", "path": asset_path,
            "folder": "manual" if manual else "assets", "job_id": None}


def _queue_manual(rt: Runtime, asset_path: str, source: dict, title: str | None) -> dict:
    if rt.jobs is None:
        raise HTTPException(503, "the job queue is not running")
    parts = asset_path.split("/")
    if len(parts) < 2:
        raise HTTPException(400, "asset_path must be <folder>/<file> or <library>/<folder>/<file>")
    kind = classify(parts[-1]) or "poster"
    stem = parts[-1].rsplit(".", 1)[0]
    manual = {"kind": kind, "title": title or parts[-2], "folder_name": parts[-2],
              "library": parts[-3] if len(parts) >= 3 else "Library", **source}
    if kind in ("season", "titlecard"):
        manual["season_name"] = f"Season {int(stem[1:3]) if kind == 'titlecard' else int(stem[6:])}"
    if kind == "titlecard":
        manual["episode_number"] = int(stem.split("E", 1)[1])
    job_id = rt.jobs.submit("poster_maker", overrides={"mode": "manual", "manual": manual},
                            origin={"source": "asset-replacer", "asset": asset_path})
    return {"success": True, "message": "replacement queued", "path": asset_path, "job_id": job_id}


class ReplaceFromUrl(BaseModel):
    asset_path: str = Field(..., min_length=3, max_length=2000)
    image_url: str = Field(..., min_length=8, max_length=4000)
    process_with_overlays: bool = False
    title_text: str | None = Field(None, max_length=300)


@router.post("/api/assets/replace-from-url")
def replace_from_url(rt: RuntimeDep, body: ReplaceFromUrl):
    from curatarr.artwork.errors import ArtworkError
    from curatarr.artwork.service import artwork_service
    from curatarr.security.urls import UnsafeURL

    if body.process_with_overlays:
        return _queue_manual(rt, body.asset_path, {"source_url": body.image_url}, body.title_text)
    try:
        data = artwork_service(rt).fetch_image(body.image_url)
    except UnsafeURL as exc:
        raise HTTPException(400, f"image_url refused: {exc}") from None
    except ArtworkError as exc:
        raise HTTPException(exc.status or 400, str(exc)) from None
    _check_ratio(data, body.asset_path)
    return _store_replacement(rt, body.asset_path, data)


@router.post("/api/assets/upload-replacement")
async def upload_replacement(rt: RuntimeDep,
                             file: UploadFile = File(...), asset_path: str = Query(..., min_length=3, max_length=2000),
                             process_with_overlays: bool = Query(False), title_text: str | None = Query(None, max_length=300)):
    data = await file.read(MAX_UPLOAD + 1)
    if not data:
        raise HTTPException(400, "the uploaded file is empty")
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, "the uploaded file is larger than 30 MB")
    _check_ratio(data, asset_path)
    if process_with_overlays:
        upload = rt.data_dir / "posters" / "uploads" / f"{uuid.uuid4().hex}.img"
        atomic_write_bytes(upload, data)
        return _queue_manual(rt, asset_path, {"source_path": str(upload)}, title_text)
    return _store_replacement(rt, asset_path, data)
