"""Encoding once, with a provenance marker and a size guard.

Provenance: a JPEG comment ``created with curatarr; template=<id>; hash=<hash>`` (the same idea as
Posterizarr's ``created with posterizarr``), EXIF Software/ImageDescription, and an XMP packet
with CreatorTool plus ``curatarr:template``/``curatarr:templateHash``. WebP carries EXIF+XMP, PNG
carries text chunks. ``read_provenance`` recognises our files from their first bytes.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pyvips

from curatarr.artwork.errors import ImageRejected, OutputTooLarge

MARKER = "created with curatarr"
MIN_QUALITY = 60
_STRIP_PREFIXES = ("exif-", "xmp-data", "iptc-data", "icc-profile-data", "jpeg-comment", "png-comment",
                   "gif-comment", "orientation")
_PROVENANCE_RE = re.compile(rb"created with curatarr; template=([A-Za-z0-9_.-]*); hash=([0-9a-f]*)")


@dataclass(frozen=True)
class Provenance:
    template_id: str = ""
    template_hash: str = ""
    version: str = ""

    @property
    def comment(self) -> str:
        return f"{MARKER}; template={self.template_id}; hash={self.template_hash}"

    def xmp(self) -> bytes:
        return (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
            'xmlns:curatarr="https://curatarr.invalid/ns/1.0/" '
            f'xmp:CreatorTool="{escape(MARKER)}" curatarr:template="{escape(self.template_id)}" '
            f'curatarr:templateHash="{escape(self.template_hash)}" curatarr:version="{escape(self.version)}"/>'
            '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
        ).encode("utf-8")


def _clean_metadata(image: pyvips.Image) -> pyvips.Image:
    image = image.copy()
    for name in image.get_fields():
        if name.startswith(_STRIP_PREFIXES):
            image.remove(name)
    return image


def _stamp(image: pyvips.Image, prov: Provenance, fmt: str) -> pyvips.Image:
    image = _clean_metadata(image)
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Software", f"curatarr {prov.version}".strip())
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd0-ImageDescription", prov.comment)
    image.set_type(pyvips.GValue.blob_type, "xmp-data", prov.xmp())
    if fmt == "png":
        image.set_type(pyvips.GValue.gstr_type, "png-comment-0-Comment", prov.comment)
        image.set_type(pyvips.GValue.gstr_type, "png-comment-1-Software", f"curatarr {prov.version}".strip())
    return image


def insert_jpeg_comment(data: bytes, comment: str) -> bytes:
    """Add a COM segment right after SOI (libvips does not write JPEG comments itself)."""
    payload = comment.encode("utf-8")[:65000]
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def _save(image: pyvips.Image, fmt: str, quality: int, subsample: str) -> bytes:
    if fmt == "jpeg":
        return image.jpegsave_buffer(Q=quality, keep="exif:xmp", subsample_mode=subsample)
    if fmt == "webp":
        return image.webpsave_buffer(Q=quality, keep="exif:xmp")
    return image.pngsave_buffer(compression=6, keep="exif:xmp:other")


def encode(image: pyvips.Image, *, fmt: str = "jpeg", quality: int = 92, max_bytes: int = 10_000_000,
           provenance: Provenance | None = None, subsample: str = "auto") -> tuple[bytes, int]:
    """Encode the finished canvas once; returns (bytes, quality actually used).

    Over ``max_bytes`` the JPEG/WebP quality steps down (5 at a time, not below 60); a PNG that is
    still too big raises :class:`OutputTooLarge`.
    """
    prov = provenance or Provenance()
    image = _stamp(image, prov, fmt)
    q = quality
    while True:
        try:
            data = _save(image, fmt, q, subsample)
        except pyvips.Error as exc:
            message = str(exc).splitlines()
            detail = message[1].strip() if len(message) > 1 else "decode failed"
            raise ImageRejected(f"the image could not be decoded: {detail}") from None
        if fmt == "jpeg":
            data = insert_jpeg_comment(data, prov.comment)
        if len(data) <= max_bytes:
            return data, q
        if fmt == "png" or q <= MIN_QUALITY:
            raise OutputTooLarge(f"encoded image is {len(data)} bytes, over the {max_bytes}-byte limit")
        q = max(MIN_QUALITY, q - 5)


def read_provenance(source: bytes | str | Path, scan_bytes: int = 131072) -> dict | None:
    """``{"template": id, "hash": h}`` if the file carries our marker, else None.

    Reads only the first and last ``scan_bytes`` (JPEG/PNG keep metadata in front, WebP at the end).
    """
    if isinstance(source, (bytes, bytearray)):
        head = bytes(source[:scan_bytes]) + bytes(source[-scan_bytes:])
    else:
        try:
            with Path(source).open("rb") as fh:
                head = fh.read(scan_bytes)
                size = fh.seek(0, 2)
                if size > scan_bytes:
                    fh.seek(max(scan_bytes, size - scan_bytes))
                    head += fh.read()
        except OSError:
            return None
    match = _PROVENANCE_RE.search(head)
    if match:
        return {"template": match.group(1).decode(), "hash": match.group(2).decode()}
    if MARKER.encode() in head:
        return {"template": "", "hash": ""}
    return None


def transcode(data: bytes, fmt: str, *, quality: int = 92) -> bytes:
    """``data`` (any accepted image, already size-checked by the caller) re-encoded as ``fmt``
    (``jpeg``/``png``/``webp``), so a stored file's bytes are what its extension says. JPEG has no
    alpha: transparency is flattened onto black, as the render pipeline does."""
    from curatarr.artwork.source import read_source, to_srgb8

    try:
        image = pyvips.Image.new_from_buffer(read_source(data), "", fail_on="truncated")
        image = to_srgb8(image, (0, 0, 0) if fmt == "jpeg" else None)
        return _save(image, fmt, quality, "auto")
    except pyvips.Error as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        raise ImageRejected(f"the image could not be decoded: {lines[-1] if lines else 'decode failed'}") from None
