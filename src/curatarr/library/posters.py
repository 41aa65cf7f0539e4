"""Poster proxy: an item's poster fetched from its own source with the credential kept server-side.

* Relative source paths (``/MediaCover/1/poster.jpg?lastWrite=…``, Plex ``/library/metadata/…/thumb/…``,
  Jellyfin ``/Items/{id}/Images/Primary``) are fetched through the instance's connector.
* Absolute URLs go through the SSRF guard first (cloud metadata, link-local… refused).
* The ETag derives from the item id + its source URL (which changes when the artwork does, e.g.
  ``lastWrite``), so a revalidation (``If-None-Match``) is answered without touching the source.
* ``width`` returns a JPEG thumbnail, cached on disk (atomic writes) for the poster grid.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from curatarr.connectors.http import HttpService
from curatarr.fsutil import atomic_write_bytes
from curatarr.library.sources import close_source, source_for
from curatarr.security.urls import check_url

if TYPE_CHECKING:
    from curatarr.library.service import LibraryService

MAX_BYTES = 25 * 1024 * 1024
THUMB_WIDTHS = (120, 200, 300, 400, 500)


@dataclass
class Poster:
    etag: str
    content: bytes = b""
    content_type: str = "image/jpeg"
    not_modified: bool = False


class NoPoster(KeyError):
    """The item exists but has no poster (→ 404)."""


def etag_for(media_id: str, url: str, width: int | None) -> str:
    return '"' + hashlib.sha1(f"{media_id}|{url}|{width or 0}".encode()).hexdigest()[:24] + '"'


def fit_width(width: int | None) -> int | None:
    """The nearest supported thumbnail width (a small set keeps the cache small)."""
    if not width:
        return None
    return min(THUMB_WIDTHS, key=lambda w: (abs(w - width), w))


def _fetch(lib: "LibraryService", item, url: str) -> tuple[bytes, str]:
    from curatarr.instances.factory import get_instance

    if url.startswith(("http://", "https://")):
        check_url(url)  # UnsafeURL → 400 before any connection is made
        parts = urlsplit(url)
        with HttpService(f"{parts.scheme}://{parts.netloc}", service="poster") as http:
            resp = http.request("GET", url, headers={"Accept": "image/*"})
            return resp.content, resp.headers.get("content-type", "image/jpeg")
    if not url.startswith("/") or url.startswith("//"):
        raise NoPoster(item.id)
    source = source_for(lib.rt, get_instance(lib.rt, item.instance))
    try:
        return source.poster(url)
    finally:
        close_source(source)


def _thumbnail(data: bytes, width: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (width, width * 3))  # JPEG: decode at a reduced scale (fast)
        img = img.convert("RGB")
        if img.width > width:
            img.thumbnail((width, max(1, round(img.height * width / img.width))), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue()


def get_poster(lib: "LibraryService", media_id: str, *, width: int | None = None,
               if_none_match: str | None = None) -> Poster:
    item = lib.record(media_id)  # KeyError → 404
    if not item.poster_url:
        raise NoPoster(media_id)
    width = fit_width(width)
    etag = etag_for(media_id, item.poster_url, width)
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Poster(etag=etag, not_modified=True)
    cache = lib.rt.data_dir / "cache" / "media-posters" / f"{etag.strip(chr(34))}.jpg"
    if width and cache.is_file():
        return Poster(etag=etag, content=cache.read_bytes(), content_type="image/jpeg")
    content, content_type = _fetch(lib, item, item.poster_url)
    if len(content) > MAX_BYTES:
        raise ValueError("poster is too large")
    if not content_type.startswith("image/"):
        content_type = "image/jpeg"
    if width:
        try:
            content, content_type = _thumbnail(content, width), "image/jpeg"
            atomic_write_bytes(cache, content)
        except (OSError, ValueError):
            pass  # not an image Pillow can read: serve the original
    return Poster(etag=etag, content=content, content_type=content_type)
