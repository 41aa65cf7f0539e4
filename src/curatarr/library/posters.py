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
    """A JPEG at most ``width`` wide (never enlarged), aspect kept; ValueError when ``data`` is not an
    image we decode (the caller then serves the original)."""
    import pyvips

    from curatarr.artwork.errors import ImageRejected
    from curatarr.artwork.source import inspect_image

    try:
        inspect_image(data)  # magic bytes, allowed decoders, pixel cap: a bomb is refused before decoding
        # thumbnail_buffer shrinks on load (JPEG at a reduced scale); the height is left free.
        image = pyvips.Image.thumbnail_buffer(data, width, height=_UNBOUNDED, size="down",
                                              option_string="fail_on=truncated")
        if image.interpretation != "srgb" or image.format != "uchar":
            image = image.colourspace("srgb").cast("uchar")
        return image[:3].jpegsave_buffer(Q=82, optimize_coding=True, interlace=True, strip=True)
    except (ImageRejected, pyvips.Error) as exc:
        raise ValueError(f"cannot make a thumbnail: {exc}") from None


_UNBOUNDED = 10_000_000  # libvips' largest dimension: only the width bounds a thumbnail


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
            pass  # not an image we decode: serve the original
    return Poster(etag=etag, content=content, content_type=content_type)
