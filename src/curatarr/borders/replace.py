"""The pixel work, with libvips: crop the border a poster already has and paint a new one, or remove
it — always at the source's own size.

CHUB pasted the cropped picture on a canvas, then resized everything to 1000×1500 (distorting every
poster that is not 2:3 and re-sampling every one that is). Here a new border is one ``embed`` of the
inner picture on a background of the border colour: the picture's pixels are never re-sampled and
the source is read once, top to bottom, so decode and encode stream through each other.
Removing a border scales the inner picture up just enough to cover the source size again (same
aspect, no distortion) and trims the few overhanging pixels evenly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyvips

from curatarr.artwork.encode import Provenance, encode
from curatarr.artwork.errors import ArtworkError, ImageRejected
from curatarr.artwork.source import MAX_PIXELS, harden_vips, sniff, to_srgb8
from curatarr.borders.colours import rgb

OUTPUT_FORMATS = ("jpeg", "png", "webp")
MAX_OUTPUT_BYTES = 60 * 1024 * 1024


class PosterError(Exception):
    """This poster cannot be processed (corrupt, unsupported, too small for the border)."""


@dataclass(frozen=True)
class Style:
    width: int
    colour: str | None  # "#rrggbb", or None = remove the border

    @property
    def key(self) -> str:
        return f"{self.colour or 'remove'}/{self.width}"


def load(data: bytes, *, streaming: bool = True) -> tuple[pyvips.Image, str]:
    """Decode ``data`` (JPEG/PNG/WebP) into 8-bit sRGB (alpha kept); PosterError when it cannot be."""
    harden_vips()
    try:
        fmt = sniff(data[:32])
    except ArtworkError as exc:
        raise PosterError(str(exc)) from None
    if fmt not in OUTPUT_FORMATS:
        raise PosterError(f"{fmt.upper()} posters are not supported (JPEG, PNG or WebP)")
    try:
        image = pyvips.Image.new_from_buffer(data, "", access="sequential" if streaming else "random",
                                             fail_on="truncated")
    except pyvips.Error:
        raise PosterError(f"corrupt or unreadable {fmt.upper()} image") from None
    if image.width * image.height > MAX_PIXELS:
        raise PosterError(f"image is {image.width}x{image.height}, over the {MAX_PIXELS // 1_000_000} MP limit")
    return to_srgb8(image, None), fmt


def apply(image: pyvips.Image, style: Style) -> pyvips.Image:
    """The poster with its ``style.width`` px border replaced by ``style.colour`` (or removed)."""
    w, width, height = style.width, image.width, image.height
    if 2 * w >= min(width, height) - 1:
        raise PosterError(f"a {w} px border does not fit a {width}x{height} poster")
    inner = image.crop(w, w, width - 2 * w, height - 2 * w)
    if style.colour is None:
        scale = max(width / inner.width, height / inner.height)
        grown = inner.resize(scale, kernel="lanczos3")
        left, top = (grown.width - width) // 2, (grown.height - height) // 2
        return grown.crop(left, top, width, height)
    background = list(rgb(style.colour)) + ([255] if image.bands == 4 else [])
    return inner.embed(w, w, width, height, extend="background", background=background)


def render(data: bytes, style: Style, *, quality: int = 92) -> tuple[bytes, int, int]:
    """``data`` re-bordered and encoded in its own format: (bytes, width, height)."""
    image, fmt = load(data, streaming=style.colour is not None)
    out = apply(image, style)
    try:
        encoded, _q = encode(out.copy(interpretation="srgb"), fmt=fmt, quality=quality, max_bytes=MAX_OUTPUT_BYTES,
                             provenance=Provenance(template_id="border_replacerr", template_hash=_hash_tag(style)),
                             subsample=_chroma(image))
    except (ImageRejected, pyvips.Error) as exc:
        raise PosterError(f"corrupt or unreadable {fmt.upper()} image ({exc})") from None
    except ArtworkError as exc:
        raise PosterError(str(exc)) from None
    return encoded, out.width, out.height


def _chroma(image: pyvips.Image) -> str:
    """Keep a JPEG's chroma subsampling: a 4:2:0 poster (nearly all of them) stays 4:2:0 — encoding
    it 4:4:4 (libvips' choice at quality ≥ 90) costs three times the encode time and bytes for
    colour detail the source never had."""
    if image.get_typeof("jpeg-chroma-subsample"):
        return "off" if image.get("jpeg-chroma-subsample") == "4:4:4" else "on"
    return "auto"


def _hash_tag(style: Style) -> str:
    # the provenance hash field only takes hex: the colour's digits, or 0 for a removal
    return (style.colour or "#0").lstrip("#")
