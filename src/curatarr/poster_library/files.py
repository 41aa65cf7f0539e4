"""Poster files on disk, for the API: thumbnails (cached under the data dir, never beside the
source), resized downloads (made in memory: no temp file to leave behind), deletes (opt-in, only
inside the allowed roots, logged), uploads into the upload folder and dimension back-fill."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyvips
from sqlalchemy import delete, func, select, update

from curatarr.artwork.errors import ImageRejected, ImageTooLarge
from curatarr.artwork.source import harden_vips, sniff
from curatarr.db.models.poster_library import PosterFile
from curatarr.errors import Conflict, Invalid, NotFound, TooLarge, Unavailable, Unprocessable
from curatarr.fsutil import atomic_write_bytes
from curatarr.poster_library import index, sources
from curatarr.poster_library.imaging import EXTENSION_OF, POSTER_FORMATS, probe
from curatarr.poster_library.queries import get_row, poster_dict
from curatarr.security.paths import PathRejected, safe_child, safe_path

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.poster_library")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
THUMB_DIR = ("cache", "poster-thumbs")


def poster_path(rt: "Runtime", row: PosterFile) -> Path:
    """The poster's file, checked to still lie inside the allowed roots."""
    try:
        return safe_path(f"{row.source}/{row.relpath}", rt.roots())
    except PathRejected as exc:
        raise Invalid(f"poster {row.id}: {exc}") from None


def _read(rt: "Runtime", poster_id: int) -> tuple[PosterFile, bytes]:
    row = get_row(rt.db, poster_id)
    if row.error:
        raise Unprocessable(f"poster {poster_id} is not a usable image: {row.error}")
    try:
        return row, poster_path(rt, row).read_bytes()
    except FileNotFoundError:
        raise NotFound(f"the file of poster {poster_id} is gone (re-index to drop it)") from None


def encode(image: pyvips.Image, fmt: str, quality: int) -> bytes:
    if image.hasalpha() and fmt == "jpeg":
        image = image.flatten(background=[0, 0, 0])
    if fmt == "jpeg":
        return image.jpegsave_buffer(Q=quality, strip=True, optimize_coding=True)
    if fmt == "webp":
        return image.webpsave_buffer(Q=quality, strip=True)
    if fmt == "png":
        return image.pngsave_buffer(compression=9, strip=True)
    raise Invalid("format must be jpeg, webp or png")


def resized(data: bytes, width: int, height: int | None = None) -> pyvips.Image:
    """Shrunk to fit ``width`` × ``height`` (never enlarged), decoded with shrink-on-load."""
    harden_vips()
    try:
        probe(data, with_hash=False)  # magic bytes + pixel cap before decoding
        return pyvips.Image.thumbnail_buffer(data, width, height=height or 100_000, size="down",
                                             option_string="fail_on=truncated")
    except ImageTooLarge as exc:
        raise TooLarge(str(exc)) from None
    except (ImageRejected, pyvips.Error) as exc:
        raise Unprocessable(f"cannot decode the image: {str(exc).splitlines()[0][:200]}") from None


def thumbnail(rt: "Runtime", poster_id: int, width: int) -> bytes:
    row = get_row(rt.db, poster_id)
    cache = rt.data_dir.joinpath(*THUMB_DIR)
    name = f"{row.id}-{(row.sha256 or 'x')[:16]}-{width}.jpg"
    cached = cache / name
    if cached.is_file():
        return cached.read_bytes()
    _row, data = _read(rt, poster_id)
    out = encode(resized(data, width), "jpeg", 80)
    atomic_write_bytes(cached, out)
    return out


def download(rt: "Runtime", poster_id: int, size: int | None, fmt: str | None, quality: int) -> tuple[bytes, str, str]:
    """``(bytes, media type, file name)``: the original, or re-encoded/resized when asked."""
    row, data = _read(rt, poster_id)
    stem = Path(row.relpath).stem
    original = row.format or "jpeg"
    if not size and (fmt in (None, "original", original)):
        return data, MEDIA_TYPES.get(original, "application/octet-stream"), Path(row.relpath).name
    target = original if fmt in (None, "original") else fmt
    if target not in POSTER_FORMATS:
        raise Invalid("format must be original, jpeg, webp or png")
    image = resized(data, size or 100_000)
    return encode(image, target, quality), MEDIA_TYPES[target], f"{stem}{EXTENSION_OF[target]}"


def delete_poster(rt: "Runtime", poster_id: int, delete_file: bool) -> dict[str, Any]:
    row = get_row(rt.db, poster_id)
    deleted_file = False
    if delete_file:
        path = poster_path(rt, row)
        try:
            os.unlink(path)
            deleted_file = True
            log.warning("deleted poster file %s (poster %s)", path, poster_id)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise Unprocessable(f"cannot delete {path}: {exc.strerror}") from None
    with rt.db.session() as s:
        s.execute(delete(PosterFile).where(PosterFile.id == poster_id))
    out = {"id": poster_id, "deleted": True, "deleted_file": deleted_file, "file": f"{row.source}/{row.relpath}"}
    if not delete_file:
        out["note"] = "the file was kept, so the next index scan lists it again (delete_file=true deletes it)"
    return out


def upload(rt: "Runtime", files: list[tuple[str, bytes]], *, overwrite: bool) -> dict[str, Any]:
    src = sources.configured(rt)
    if src.upload_dir is None:
        raise Unavailable("no upload folder: set poster_renamerr.upload_dir to an existing allowed folder")
    if not files:
        raise Invalid("no file in the upload (multipart field 'file' or 'files')")
    checked: list[tuple[Path, bytes, str]] = []
    for name, data in files:
        base = os.path.basename((name or "").replace("\\", "/")).strip()
        stem, ext = os.path.splitext(base)
        if not stem or ext.lower() not in (".jpg", ".jpeg", ".png", ".webp"):
            raise Invalid(f"{base or '(no name)'}: the name must end in .jpg, .jpeg, .png or .webp")
        if not data:
            raise Invalid(f"{base}: empty file")
        if len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge(f"{base}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        try:
            fmt = sniff(data[:32])
            if fmt not in POSTER_FORMATS:
                raise ImageRejected(f"{fmt.upper()} is not a poster format")
            probe(data, with_hash=False)  # header decode + pixel cap (decompression bombs)
        except ImageTooLarge as exc:
            raise TooLarge(f"{base}: {exc}") from None
        except ImageRejected as exc:
            raise Invalid(f"{base}: {exc}") from None
        # The extension always says what the bytes are (a PNG named .jpg is saved as .png).
        given = ".jpg" if ext.lower() in (".jpg", ".jpeg") else ext.lower()
        final = stem + (ext if given == EXTENSION_OF[fmt] else EXTENSION_OF[fmt])
        try:
            path = safe_child(src.upload_dir, final)
        except PathRejected as exc:
            raise Invalid(f"{base}: {exc}") from None
        if path.exists() and not overwrite:
            raise Conflict(f"{final} already exists in the upload folder (overwrite=true replaces it)")
        checked.append((path, data, final))
    for path, data, _final in checked:
        atomic_write_bytes(path, data)
        log.info("uploaded poster %s", path)
    index.scan(rt.db, [src.upload_dir], rt.roots(), prune=False)
    with rt.db.session() as s:
        rows = s.execute(select(PosterFile).where(PosterFile.source == str(src.upload_dir),
                                                  PosterFile.relpath.in_([c[2] for c in checked]))).scalars().all()
        saved = [poster_dict(r) for r in rows]
    return {"uploaded": saved, "count": len(saved), "upload_dir": str(src.upload_dir)}


def backfill_dimensions(rt: "Runtime", limit: int) -> dict[str, Any]:
    """Width/height for rows that lack them (header reads only)."""
    with rt.db.session() as s:
        rows = s.execute(select(PosterFile.id, PosterFile.source, PosterFile.relpath).where(
            PosterFile.width.is_(None), PosterFile.error.is_(None)).order_by(PosterFile.id).limit(limit)).all()
    updated, failed = 0, []
    for pid, source, relpath in rows:
        try:
            data = safe_path(f"{source}/{relpath}", rt.roots()).read_bytes()
            p = probe(data, with_hash=False)
        except (OSError, PathRejected, ImageRejected) as exc:
            failed.append({"id": pid, "error": str(exc)[:200]})
            with rt.db.session() as s:
                s.execute(update(PosterFile).where(PosterFile.id == pid).values(error=str(exc)[:300]))
            continue
        with rt.db.session() as s:
            s.execute(update(PosterFile).where(PosterFile.id == pid).values(width=p.width, height=p.height, format=p.format))
        updated += 1
    with rt.db.session() as s:
        remaining = s.execute(select(func.count()).where(PosterFile.width.is_(None), PosterFile.error.is_(None))).scalar_one()
    return {"processed": len(rows), "updated": updated, "failed": failed, "remaining": remaining}
