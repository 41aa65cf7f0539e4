"""Overlay files and fonts: Posterizarr's ``/api/overlayfiles`` (seed shape) and ``/api/fonts``,
with upload (validated by content, not by name), delete and preview. The files and their checks
live in :mod:`curatarr.artwork.overlay_files`; built-in fonts are read-only."""

from __future__ import annotations

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from curatarr.api.deps import ArtworkDep
from curatarr.api.schemas import overlays as schemas
from curatarr.artwork import overlay_files
from curatarr.artwork.errors import ArtworkError
from curatarr.artwork.fonts import FONT_EXTENSIONS
from curatarr.artwork.service import ArtworkService, safe_file_name
from curatarr.auth.deps import allow_query_token

router = APIRouter()
OVERLAY_TAGS, FONT_TAGS = ["Posterizarr: Assets"], ["Fonts"]

PREVIEW_CACHE = {"Cache-Control": "private, max-age=300"}


def _http_error(exc: ArtworkError) -> HTTPException:
    return HTTPException(exc.status, str(exc))


@router.get("/api/overlayfiles", summary="List overlay images and fonts", response_model=schemas.OverlayFiles,
            response_model_exclude_unset=True, tags=OVERLAY_TAGS)
def list_overlay_files(service: ArtworkDep, include_builtin: bool = Query(True)):
    return {"success": True, "files": overlay_files.list_files(service, include_builtin=include_builtin)}


async def _save_upload(service: ArtworkService, file: UploadFile, allowed: tuple[str, ...], overwrite: bool) -> dict:
    try:
        name = safe_file_name(file.filename or "", allowed)
    except ArtworkError as exc:
        raise _http_error(exc) from None
    data = await file.read(overlay_files.upload_limit(name) + 1)
    try:
        saved = await run_in_threadpool(overlay_files.save_upload, service, name, data, overwrite=overwrite)
    except ArtworkError as exc:
        raise _http_error(exc) from None
    return {"success": True, **saved}


@router.post("/api/overlayfiles/upload", summary="Upload an overlay image or font", response_model=schemas.Uploaded,
             response_model_exclude_unset=True, tags=OVERLAY_TAGS)
async def upload_overlay_file(service: ArtworkDep, file: UploadFile = File(...), overwrite: bool = Query(False)):
    return await _save_upload(service, file, overlay_files.ALL_EXTENSIONS, overwrite)


def _delete(service: ArtworkService, filename: str, allowed: tuple[str, ...]) -> dict:
    try:
        deleted = overlay_files.delete_file(service, filename, allowed)
    except ArtworkError as exc:
        raise _http_error(exc) from None
    return {"success": True, "deleted": deleted}


@router.delete("/api/overlayfiles/{filename}", summary="Delete an overlay file", response_model=schemas.FileDeleted,
               response_model_exclude_unset=True, tags=OVERLAY_TAGS)
def delete_overlay_file(service: ArtworkDep, filename: str):
    return _delete(service, filename, overlay_files.ALL_EXTENSIONS)


@router.get("/api/overlayfiles/preview/{filename}", summary="Preview an overlay file", response_class=Response,
            tags=OVERLAY_TAGS, responses=schemas.PREVIEW_RESPONSES)
@allow_query_token
def preview_overlay_file(service: ArtworkDep, filename: str, text: str = Query("Aa Bb Cc 123", max_length=200)):
    if filename.lower().endswith(FONT_EXTENSIONS):
        return font_preview(service=service, name=filename, text=text)
    try:
        path = overlay_files.overlay_path(service, filename)
    except ArtworkError as exc:
        raise _http_error(exc) from None
    return FileResponse(path, media_type="image/png" if path.suffix.lower() == ".png" else "image/webp",
                        headers=PREVIEW_CACHE)


# ---------------------------------------------------------------- fonts


@router.get("/api/fonts", summary="List fonts", response_model=schemas.FontList, response_model_exclude_unset=True,
            tags=FONT_TAGS)
def list_fonts(service: ArtworkDep):
    fonts = service.fonts.listing()
    return {"success": True, "fonts": fonts, "total": len(fonts)}


@router.post("/api/fonts/upload", summary="Upload a font", response_model=schemas.Uploaded,
             response_model_exclude_unset=True, tags=FONT_TAGS)
async def upload_font(service: ArtworkDep, file: UploadFile = File(...), overwrite: bool = Query(False)):
    return await _save_upload(service, file, FONT_EXTENSIONS, overwrite)


@router.delete("/api/fonts/{filename}", summary="Delete an uploaded font", response_model=schemas.FileDeleted,
               response_model_exclude_unset=True, tags=FONT_TAGS)
def delete_font(service: ArtworkDep, filename: str):
    return _delete(service, filename, FONT_EXTENSIONS)


@router.get("/api/fonts/preview/{name}", summary="A text sample in a font", response_class=Response, tags=FONT_TAGS,
            responses=schemas.FONT_SAMPLE_RESPONSES)
@allow_query_token
def font_preview(service: ArtworkDep, name: str, text: str = Query("Aa Bb Cc 123", max_length=200)):
    """A PNG sample of ``text`` in the font (built-in family name or uploaded file name)."""
    try:
        png = overlay_files.font_sample(service, name, text)
    except ArtworkError as exc:
        raise _http_error(exc) from None
    return Response(png, media_type="image/png", headers=PREVIEW_CACHE)
