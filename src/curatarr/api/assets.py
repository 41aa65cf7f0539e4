"""Posterizarr's asset endpoints: action center (overview), stats, folders, manual assets gallery,
folder browser, and the asset files themselves (``/poster_assets/…``, ``/manual_poster_assets/…``)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas import assets as schemas
from curatarr.runtime import Runtime
from curatarr.api.galleries import asset_paths, cached_json, files_view
from curatarr.auth.deps import allow_query_token
from curatarr.posters import actions, folders, gallery_index
from curatarr.posters.writer import UnsafeAssetPath, resolve

router = APIRouter(tags=["Posterizarr: Assets"])


@router.get("/api/assets/overview", summary="Action center: asset records by issue",
            response_model=schemas.AssetsOverview, response_model_exclude_unset=True)
def overview(rt: RuntimeDep):
    root, _manual = folders.roots(rt)
    return actions.overview(rt, asset_paths(rt, root))  # the gallery index: not one stat per row


class SkipBody(BaseModel):
    id: int = Field(..., ge=1)
    skip: bool = True


@router.post("/api/assets/skip", summary="Skip (or un-skip) an item on its media server",
             response_model=schemas.SkipAnswer, response_model_exclude_unset=True)
def skip(rt: RuntimeDep, body: SkipBody):
    """Posterizarr v3's skip: put the skip label/tag on the item's movie/show on its server (so
    every later run skips it), then hide its action-center rows (they move to ``resolved``).
    ``skip: false`` removes the label and shows the rows again. If the server cannot be changed,
    nothing is hidden (502)."""
    return actions.skip_asset(rt, body.id, body.skip)


def _folder_stats(rt: Runtime, root) -> dict:
    return files_view(rt, root, "stats", folders.folder_stats_of)  # the galleries' walk serves the stats too


@router.get("/api/assets/stats", summary="Asset folder statistics", response_model=schemas.AssetStatsAnswer,
            response_model_exclude_unset=True)
def stats(rt: RuntimeDep, request: Request):
    root, _manual = folders.roots(rt)
    return cached_json(request, root, lambda: {"success": True, "stats": _folder_stats(rt, root)})


@router.get("/api/assets-folders", summary="Asset folders with counts", response_model=schemas.AssetFolders,
            response_model_exclude_unset=True)
def assets_folders(rt: RuntimeDep, request: Request):
    root, _manual = folders.roots(rt)
    return cached_json(request, root, lambda: {"folders": [f for f in _folder_stats(rt, root)["folders"] if f["path"]]})


@router.get("/api/manual-assets-gallery", summary="Manual assets by library and folder",
            response_model=schemas.ManualGallery, response_model_exclude_unset=True)
def manual_assets_gallery(rt: RuntimeDep, request: Request):
    _root, manual = folders.roots(rt)
    if manual is None:
        return folders.manual_gallery(None)
    return cached_json(request, manual, lambda: gallery_index.cached(
        manual, "manual-gallery", lambda: folders.manual_gallery(manual), stamp=gallery_index.run_stamp(rt.db)))


@router.get("/api/folder-view/browse", summary="Browse the asset folder", response_model=schemas.FolderBrowse,
            response_model_exclude_unset=True)
def folder_browse(rt: RuntimeDep, path: str = Query("", max_length=2000)):
    root, _manual = folders.roots(rt)
    try:
        return folders.browse(root, path)
    except UnsafeAssetPath as exc:
        raise HTTPException(400, str(exc)) from None
    except FileNotFoundError:
        raise HTTPException(404, f"no folder {path!r} in the asset folder") from None


def _serve(root, path: str) -> FileResponse:
    try:
        file = resolve(root, path)
    except UnsafeAssetPath as exc:
        raise HTTPException(400, str(exc)) from None
    if not file.is_file():
        raise HTTPException(404, "no such asset")
    return FileResponse(file, headers={"Cache-Control": "private, max-age=300"})


@router.get("/poster_assets/{path:path}", summary="An asset file", response_class=FileResponse,
            responses=schemas.ASSET_FILE_RESPONSES)
@allow_query_token
def poster_asset_file(rt: RuntimeDep, path: str):
    root, _manual = folders.roots(rt)
    return _serve(root, path)


@router.get("/manual_poster_assets/{path:path}", summary="A manual asset file", response_class=FileResponse,
            responses=schemas.ASSET_FILE_RESPONSES)
@allow_query_token
def manual_asset_file(rt: RuntimeDep, path: str):
    _root, manual = folders.roots(rt)
    if manual is None:
        raise HTTPException(404, "no manual asset folder is configured")
    return _serve(manual, path)
