"""Overlay images and fonts in ``<data>/overlayfiles``: listing (with the built-in fonts), saving an
upload after checking its content (not its name), deleting, and PNG samples of a font (cached).

Problems are raised as domain errors or :class:`ArtworkError` (which carries its own status)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyvips

from curatarr.artwork.errors import UnsupportedMedia
from curatarr.artwork.fonts import FONT_EXTENSIONS, MAX_FONT_BYTES, builtin_faces, inspect_font_bytes
from curatarr.artwork.overlays import OVERLAY_EXTENSIONS, plates
from curatarr.artwork.service import safe_file_name
from curatarr.artwork.source import MAX_IMAGE_BYTES, inspect_image
from curatarr.artwork.templates import TextLayer
from curatarr.artwork.textfit import FaceChooser
from curatarr.artwork.textrender import draw_lines
from curatarr.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, Unprocessable
from curatarr.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from curatarr.artwork.service import ArtworkService

ALL_EXTENSIONS = FONT_EXTENSIONS + OVERLAY_EXTENSIONS
MAX_CACHED_SAMPLES = 200

# Font samples by (face identity, text): the same sample is asked for again and again by the UI.
_samples: OrderedDict[tuple, bytes] = OrderedDict()
_samples_lock = threading.Lock()


def file_entry(path: Path, *, builtin: bool = False) -> dict[str, Any]:
    ext = path.suffix.lower()
    return {"name": path.name, "type": "font" if ext in FONT_EXTENSIONS else "image", "extension": ext,
            "size": path.stat().st_size, "builtin": builtin}


def list_files(service: "ArtworkService", *, include_builtin: bool) -> list[dict[str, Any]]:
    from curatarr.security.paths import regular_file_in

    files = [file_entry(p) for p in sorted(service.files_dir.iterdir())
             if p.suffix.lower() in ALL_EXTENSIONS and regular_file_in(service.files_dir, p.name)]
    if include_builtin:
        seen: set[str] = set()
        for face in builtin_faces():
            if face.path.name not in seen:
                seen.add(face.path.name)
                files.append({**file_entry(face.path, builtin=True), "family": face.family})
    return files


def upload_limit(name: str) -> int:
    """The most bytes an upload named ``name`` (already checked) may have."""
    return MAX_FONT_BYTES if name.lower().endswith(FONT_EXTENSIONS) else MAX_IMAGE_BYTES


def save_upload(service: "ArtworkService", name: str, data: bytes, *, overwrite: bool) -> dict[str, Any]:
    """Check ``data`` (a font, or a PNG/WebP overlay decoded fully once) and store it as ``name``
    (already checked with :func:`safe_file_name`). Returns the file's entry and what was read."""
    limit = upload_limit(name)
    if len(data) > limit:
        raise TooLarge(f"file is larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise Invalid("file is empty")
    try:
        if name.lower().endswith(FONT_EXTENSIONS):
            info = inspect_font_bytes(data)
        else:
            image = inspect_image(data)
            if image.format not in ("png", "webp"):
                raise UnsupportedMedia("overlays must be PNG or WebP images (with transparency)")
            # decode fully once: a file that only looks right in its header is refused now
            pyvips.Image.new_from_buffer(data, "", fail_on="truncated").avg()
            info = {"width": image.width, "height": image.height, "has_alpha": image.has_alpha}
    except pyvips.Error:
        raise Invalid("corrupt or unreadable image") from None
    path = service.files_dir / name
    if path.exists() and not overwrite:
        raise Conflict(f"{name!r} already exists; delete it first or pass overwrite=true")
    atomic_write_bytes(path, data)
    plates.clear()
    return {"file": file_entry(path), "info": info}


def delete_file(service: "ArtworkService", filename: str, allowed: tuple[str, ...]) -> str:
    """Delete an uploaded file; built-in fonts are refused. Returns the deleted name."""
    if any(face.path.name == filename for face in builtin_faces()):
        raise Forbidden(f"{filename!r} is a built-in font and cannot be deleted")
    path = service.files_dir / safe_file_name(filename, allowed)
    if not path.is_file():
        raise NotFound(f"{filename!r} not found")
    path.unlink()
    plates.clear()
    return path.name


def overlay_path(service: "ArtworkService", filename: str) -> Path:
    """The stored overlay image named ``filename``."""
    from curatarr.security.paths import regular_file_in

    path = regular_file_in(service.files_dir, safe_file_name(filename, OVERLAY_EXTENSIONS))
    if path is None:  # a symlink placed in the folder never serves its target
        raise NotFound(f"{filename!r} not found")
    return path


def _render_font_sample(service: "ArtworkService", name: str, text: str) -> bytes:
    layer = TextLayer(type="text", id="sample", font=name, box={"width": 1600, "height": 200}, all_caps=False)
    chooser = FaceChooser(service.fonts.chain(layer.font))
    mask = draw_lines([text], chooser, 72, weight=None, align="left", line_spacing=0, letter_spacing=0)
    mask = mask.embed(24, 24, mask.width + 48, mask.height + 48)
    white = (mask.new_from_image([245, 245, 245]) if mask.bands == 1 else mask).cast("uchar")
    dark = (pyvips.Image.black(mask.width, mask.height, bands=3) + [24, 26, 31]).cast("uchar")
    out = ((dark * (255 - mask) + white * mask) / 255).cast("uchar").copy(interpretation="srgb")
    return out.pngsave_buffer(compression=6)


def font_sample(service: "ArtworkService", name: str, text: str) -> bytes:
    """A PNG of ``text`` (``"Aa"`` when blank) in the font ``name`` (built-in family or uploaded file)."""
    sample = text.strip() or "Aa"
    face = service.fonts.resolve(name)
    key = (face.identity, sample)
    with _samples_lock:
        cached = _samples.get(key)
    if cached is None:
        try:
            cached = _render_font_sample(service, name, sample)
        except pyvips.Error:
            raise Unprocessable("the font could not render this text") from None
        with _samples_lock:
            _samples[key] = cached
            while len(_samples) > MAX_CACHED_SAMPLES:
                _samples.popitem(last=False)
    return cached
