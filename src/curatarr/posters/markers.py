"""Tool markers in image metadata: is this server image already somebody's finished artwork?

Posterizarr (§1.6, §1.9) reads ``magick identify -verbose`` and refuses a server image whose
metadata mentions ``overlay``, ``titlecard``, ``created with ppm`` or ``created with posterizarr``
— the traces Kometa, TitleCardMaker, PPM and Posterizarr leave. We add our own (``created with
curatarr``, written by :mod:`curatarr.artwork.encode`). Only the metadata is searched — the JPEG
comment and APPn segments (EXIF, XMP), PNG text chunks, WebP EXIF/XMP chunks — never the pixels,
so compressed image data cannot produce a false match. Pure; no image decoding.
"""

from __future__ import annotations

import struct
import zlib

from curatarr.artwork.choice import OUR_MARKER

MARKERS = ("overlay", "titlecard", "created with ppm", "created with posterizarr", OUR_MARKER)
_SCAN_LIMIT = 2_000_000  # metadata lives at the start (JPEG/PNG) or in small chunks (WebP)


def _jpeg_metadata(data: bytes) -> list[bytes]:
    out: list[bytes] = []
    pos = 2
    while pos + 4 <= min(len(data), _SCAN_LIMIT):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end of image: the metadata is behind us
            break
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if length < 2:
            break
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:  # COM, APP0..APP15 (EXIF, XMP, IPTC …)
            out.append(data[pos + 4:pos + 2 + length])
        pos += 2 + length
    return out


def _png_metadata(data: bytes) -> list[bytes]:
    out: list[bytes] = []
    pos = 8
    while pos + 8 <= min(len(data), _SCAN_LIMIT):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype in (b"tEXt", b"iTXt", b"eXIf"):
            out.append(body)
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            try:
                out.append(key + b" " + zlib.decompress(rest[1:]))
            except zlib.error:
                out.append(key)
        elif ctype == b"IEND":
            break
        pos += 12 + length
    return out


def _riff_metadata(data: bytes) -> list[bytes]:
    out: list[bytes] = []
    pos = 12
    while pos + 8 <= len(data):
        ctype, length = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if ctype in (b"EXIF", b"XMP "):
            out.append(data[pos + 8:pos + 8 + length])
        pos += 8 + length + (length & 1)
    return out


def metadata_text(data: bytes) -> str:
    """Every metadata text of an image, lower-cased (UTF-8 and UTF-16 readings, for EXIF XP tags)."""
    if data[:2] == b"\xff\xd8":
        blobs = _jpeg_metadata(data)
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        blobs = _png_metadata(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        blobs = _riff_metadata(data)
    else:
        blobs = []
    parts = []
    for blob in blobs:
        parts.append(blob.decode("utf-8", "ignore"))
        parts.append(blob.decode("utf-16-le", "ignore"))
    return "\n".join(parts).lower()


def tool_marker(data: bytes) -> str | None:
    """The first tool marker found in the image's metadata, or None for a plain image."""
    text = metadata_text(data)
    return next((m for m in MARKERS if m in text), None)
