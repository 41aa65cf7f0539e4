"""What the index needs from a poster's bytes: its real format (magic bytes), its size (from the
header only — libvips opens images lazily, so no pixel is decoded for it), and a perceptual hash.

The perceptual hash is a 64-bit difference hash (dHash): the image shrunk (shrink-on-load, so a
3000 px JPEG is decoded at 1/8 scale) to 9×8 grey pixels, one bit per horizontally adjacent pair
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
    return Probe(info.format, info.width, info.height, dhash(data) if with_hash else None)


def dhash(data: bytes) -> str | None:
    harden_vips()
    try:
        small = pyvips.Image.thumbnail_buffer(data, 9, height=8, size="force", option_string="fail_on=truncated")
        if small.hasalpha():
            small = small.flatten(background=[255, 255, 255])
        grey = small.colourspace("b-w").extract_band(0).cast("uchar")
        pixels = grey.write_to_memory()
    except pyvips.Error:
        return None
    bits = 0
    for row in range(8):
        line = pixels[row * 9:(row + 1) * 9]
        for col in range(8):
            bits = (bits << 1) | (line[col] > line[col + 1])
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
