"""Overlay files and fonts: Posterizarr's ``/api/overlayfiles`` (seed shape) and ``/api/fonts``,
with upload (validated by content, not by name), delete and preview. Files live in
``<data>/overlayfiles``; built-in fonts come from installed packages and are read-only."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pyvips
from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from curatarr.api.deps import get_runtime
from curatarr.artwork.errors import ArtworkError
from curatarr.artwork.fonts import FONT_EXTENSIONS, MAX_FONT_BYTES, builtin_faces, inspect_font_bytes
from curatarr.artwork.overlays import OVERLAY_EXTENSIONS, plates
from curatarr.artwork.service import artwork_service, safe_file_name
from curatarr.artwork.source import MAX_IMAGE_BYTES, inspect_image
from curatarr.artwork.templates import TextLayer
from curatarr.artwork.textfit import FaceChooser
from curatarr.artwork.textrender import draw_lines
from curatarr.auth.deps import allow_query_token
from curatarr.fsutil import atomic_write_bytes
from curatarr.runtime import Runtime

router = APIRouter(tags=["overlays"])
_previews: OrderedDict[tuple, bytes] = OrderedDict()
_previews_lock = threading.Lock()


def _error(exc: ArtworkError) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=exc.status)


def _entry(path, *, builtin: bool = False) -> dict:
    ext = path.suffix.lower()
    return {"name": path.name, "type": "font" if ext in FONT_EXTENSIONS else "image", "extension": ext,
            "size": path.stat().st_size, "builtin": builtin}


@router.get("/api/overlayfiles")
def list_overlay_files(include_builtin: bool = Query(True), rt: Runtime = Depends(get_runtime)):
    service = artwork_service(rt)
    files = [_entry(p) for p in sorted(service.files_dir.iterdir())
             if p.is_file() and p.suffix.lower() in FONT_EXTENSIONS + OVERLAY_EXTENSIONS]
    if include_builtin:
        seen: set[str] = set()
        for face in builtin_faces():
            if face.path.name not in seen:
                seen.add(face.path.name)
                files.append({**_entry(face.path, builtin=True), "family": face.family})
    return {"success": True, "files": files}


async def _save_upload(rt: Runtime, file: UploadFile, allowed: tuple[str, ...], overwrite: bool) -> dict:
    service = artwork_service(rt)
    try:
        name = safe_file_name(file.filename or "", allowed)
    except ArtworkError as exc:
        raise HTTPException(400, str(exc)) from None
    limit = MAX_FONT_BYTES if name.lower().endswith(FONT_EXTENSIONS) else MAX_IMAGE_BYTES
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file is larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise HTTPException(400, "file is empty")
    try:
        if name.lower().endswith(FONT_EXTENSIONS):
            info = await run_in_threadpool(inspect_font_bytes, data)
        else:
            image = await run_in_threadpool(inspect_image, data)
            if image.format not in ("png", "webp"):
                raise HTTPException(415, "overlays must be PNG or WebP images (with transparency)")
            # decode fully once: a file that only looks right in its header is refused now
            await run_in_threadpool(lambda: pyvips.Image.new_from_buffer(data, "", fail_on="truncated").avg())
            info = {"width": image.width, "height": image.height, "has_alpha": image.has_alpha}
    except ArtworkError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    except pyvips.Error:
        raise HTTPException(400, "corrupt or unreadable image") from None
    path = service.files_dir / name
    if path.exists() and not overwrite:
        raise HTTPException(409, f"{name!r} already exists; delete it first or pass overwrite=true")
    atomic_write_bytes(path, data)
    plates.clear()
    return {"success": True, "file": _entry(path), "info": info}


@router.post("/api/overlayfiles/upload")
async def upload_overlay_file(file: UploadFile = File(...), overwrite: bool = Query(False),
                              rt: Runtime = Depends(get_runtime)):
    return await _save_upload(rt, file, FONT_EXTENSIONS + OVERLAY_EXTENSIONS, overwrite)


def _delete(rt: Runtime, filename: str, allowed: tuple[str, ...]) -> dict:
    service = artwork_service(rt)
    if any(face.path.name == filename for face in builtin_faces()):
        raise HTTPException(403, f"{filename!r} is a built-in font and cannot be deleted")
    try:
        path = service.files_dir / safe_file_name(filename, allowed)
    except ArtworkError as exc:
        raise HTTPException(400, str(exc)) from None
    if not path.is_file():
        raise HTTPException(404, f"{filename!r} not found")
    path.unlink()
    plates.clear()
    return {"success": True, "deleted": path.name}


@router.delete("/api/overlayfiles/{filename}")
def delete_overlay_file(filename: str, rt: Runtime = Depends(get_runtime)):
    return _delete(rt, filename, FONT_EXTENSIONS + OVERLAY_EXTENSIONS)


@router.get("/api/overlayfiles/preview/{filename}")
@allow_query_token
def preview_overlay_file(filename: str, text: str = Query("Aa Bb Cc 123", max_length=200),
                         rt: Runtime = Depends(get_runtime)):
    if filename.lower().endswith(FONT_EXTENSIONS):
        return font_preview(filename, text, rt)
    service = artwork_service(rt)
    try:
        path = service.files_dir / safe_file_name(filename, OVERLAY_EXTENSIONS)
    except ArtworkError as exc:
        raise HTTPException(400, str(exc)) from None
    if not path.is_file():
        raise HTTPException(404, f"{filename!r} not found")
    return FileResponse(path, media_type="image/png" if path.suffix.lower() == ".png" else "image/webp",
                        headers={"Cache-Control": "private, max-age=300"})


# ---------------------------------------------------------------- fonts


@router.get("/api/fonts")
def list_fonts(rt: Runtime = Depends(get_runtime)):
    fonts = artwork_service(rt).fonts.listing()
    return {"success": True, "fonts": fonts, "total": len(fonts)}


@router.post("/api/fonts/upload")
async def upload_font(file: UploadFile = File(...), overwrite: bool = Query(False), rt: Runtime = Depends(get_runtime)):
    return await _save_upload(rt, file, FONT_EXTENSIONS, overwrite)


@router.delete("/api/fonts/{filename}")
def delete_font(filename: str, rt: Runtime = Depends(get_runtime)):
    return _delete(rt, filename, FONT_EXTENSIONS)


def _render_font_sample(service, name: str, text: str) -> bytes:
    layer = TextLayer(type="text", id="sample", font=name, box={"width": 1600, "height": 200}, all_caps=False)
    chain = service.fonts.chain(layer.font)
    chooser = FaceChooser(chain)
    mask = draw_lines([text], chooser, 72, weight=None, align="left", line_spacing=0, letter_spacing=0)
    mask = mask.embed(24, 24, mask.width + 48, mask.height + 48)
    white = (mask.new_from_image([245, 245, 245]) if mask.bands == 1 else mask).cast("uchar")
    dark = (pyvips.Image.black(mask.width, mask.height, bands=3) + [24, 26, 31]).cast("uchar")
    out = ((dark * (255 - mask) + white * mask) / 255).cast("uchar").copy(interpretation="srgb")
    return out.pngsave_buffer(compression=6)


@router.get("/api/fonts/preview/{name}")
@allow_query_token
def font_preview(name: str, text: str = Query("Aa Bb Cc 123", max_length=200), rt: Runtime = Depends(get_runtime)):
    """A PNG sample of ``text`` in the font (built-in family name or uploaded file name)."""
    service = artwork_service(rt)
    sample = text.strip() or "Aa"
    try:
        face = service.fonts.resolve(name)
    except ArtworkError as exc:
        return _error(exc)
    key = (face.identity, sample)
    with _previews_lock:
        cached = _previews.get(key)
    if cached is None:
        try:
            cached = _render_font_sample(service, name, sample)
        except ArtworkError as exc:
            return _error(exc)
        except pyvips.Error:
            raise HTTPException(422, "the font could not render this text") from None
        with _previews_lock:
            _previews[key] = cached
            while len(_previews) > 200:
                _previews.popitem(last=False)
    return Response(cached, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})
