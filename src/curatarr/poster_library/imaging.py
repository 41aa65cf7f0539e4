"""What the index needs from a poster's bytes: its real format (magic bytes), its size (from the
header only — libvips opens images lazily, so no pixel is decoded for it), and a perceptual hash.

The perceptual hash is a 64-bit difference hash (dHash): the image shrunk (shrink-on-load, so a
3000 px JPEG is decoded at 1/8 scale) to 9×8 pixels, their luma, one bit per horizontally adjacent pair
("is the left one brighter?"). Re-encodes and resizes of the same art land within a few bits of
each other; different art differs in about half of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyvips

from curatarr.artwork.errors import ImageRejected
from curatarr.artwork.source import harden_vips, inspect_image

EXTENSION_OF = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}
POSTER_FORMATS = frozenset(EXTENSION_OF)


@dataclass(frozen=True, slots=True)
class Probe:
    format: str
    width: int
    height: int
    dhash: str | None   # 16 hex digits; None when the pixels could not be decoded


def probe(data: bytes, *, with_hash: bool = True) -> Probe:
    """Format and size of a poster image (raises :class:`ImageRejected` for anything else)."""
    if not data:
        raise ImageRejected("empty file")
    info = inspect_image(data)  # magic bytes, allowed loaders, pixel cap — before any decoding
    if info.format not in POSTER_FORMATS:
        raise ImageRejected(f"{info.format.upper()} is not a poster format (JPEG, PNG or WebP)")
    return Probe(info.format, info.width, info.height,
                 dhash(data, info.format, info.width, info.height) if with_hash else None)


def dhash(data: bytes, fmt: str = "", width: int = 0, height: int = 0) -> str | None:
    """The 64-bit difference hash (None when the pixels cannot be decoded)."""
    harden_vips()
    options = {}
    if fmt == "jpeg":  # JPEG shrink-on-load: decode at 1/2, 1/4 or 1/8 scale when the image allows
        shrink = 1
        while shrink < 8 and width // (shrink * 2) >= 36 and height // (shrink * 2) >= 32:
            shrink *= 2
        if shrink > 1:
            options["shrink"] = shrink
    try:
        image = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="truncated", **options)
        small = image.resize(9 / image.width, vscale=8 / image.height)
        if small.hasalpha():
            small = small.flatten(background=[255, 255, 255])
        if small.bands < 3:
            small = small.colourspace("srgb")
        rgb = small.cast("uchar").write_to_memory()
        bands = small.bands
    except pyvips.Error:
        return None
    # Luma per pixel (ITU-R 601 weights) from the 9×8 RGB bytes; then one bit per adjacent pair.
    grey = [rgb[i] * 299 + rgb[i + 1] * 587 + rgb[i + 2] * 114 for i in range(0, 72 * bands, bands)]
    bits = 0
    for row in range(8):
        line = grey[row * 9:(row + 1) * 9]
        for col in range(8):
            bits = (bits << 1) | (line[col] > line[col + 1])
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
