"""Loading user images safely: magic bytes, byte and pixel caps, then decode once (shrink-on-load).

Every image that reaches the engine (source art, overlays, logos) passes through here. Only
raster formats libvips decodes natively are accepted, identified by their magic bytes (an SVG or
HTML file renamed to .png is refused); the header's width×height is checked before any pixel is
decoded (decompression bombs); loaders for untrusted formats are blocked process-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyvips

from curatarr.artwork.errors import ImageRejected, ImageTooLarge, UnsupportedMedia
from curatarr.artwork.layout import cover_size, focal_crop

MAX_IMAGE_BYTES = 60 * 1024 * 1024
MAX_PIXELS = 100_000_000  # 100 MP: far above any real poster source, far below a bomb
ALLOWED_LOADERS = ("jpegload", "pngload", "webpload", "tiffload", "gifload", "heifload")

_blocked = False


def harden_vips() -> None:
    """Refuse loaders that parse untrusted vector/markup formats, once per process."""
    global _blocked
    if _blocked:
        return
    try:
        pyvips.block_untrusted_set(True)
        for name in ("VipsForeignLoadSvg", "VipsForeignLoadPdf", "VipsForeignLoadMagick", "VipsForeignLoadMatlab",
                     "VipsForeignLoadFits", "VipsForeignLoadOpenslide", "VipsForeignLoadNifti", "VipsForeignLoadCsv",
                     "VipsForeignLoadMatrix", "VipsForeignLoadPpm", "VipsForeignLoadRad", "VipsForeignLoadAnalyze"):
            pyvips.operation_block_set(name, True)
    except Exception:  # older libvips without the blocking API: the magic-byte check still applies
        pass
    _blocked = True


def sniff(head: bytes) -> str:
    """Identify the format from the first bytes; raise :class:`UnsupportedMedia` otherwise."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"):
        return "heif"
    stripped = head.lstrip()[:20].lower()
    if stripped.startswith((b"<svg", b"<?xml", b"<!doctype", b"<html")):
        raise UnsupportedMedia("SVG/HTML/XML content is not accepted as an image")
    raise UnsupportedMedia("not a supported image (JPEG, PNG, WebP, TIFF, GIF or AVIF/HEIF expected)")


ImageInput = bytes | str | Path


@dataclass
class ImageInfo:
    format: str
    width: int
    height: int
    has_alpha: bool


def read_source(source: ImageInput) -> bytes:
    """The image bytes, size-capped. Files are read whole (≤ the cap): libvips then never parses
    a file *name*, so names with brackets (Kometa's ``[tvdb-…]`` folders) are just names."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_IMAGE_BYTES:
                raise ImageTooLarge(f"image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except OSError:
            raise ImageRejected(f"cannot read image file {path.name!r}") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(f"image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    return data


def _header(source: ImageInput, max_pixels: int = MAX_PIXELS) -> tuple[pyvips.Image, str]:
    harden_vips()
    data = read_source(source)
    fmt = sniff(data[:32])
    try:
        image = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="truncated")
    except pyvips.Error:
        raise ImageRejected(f"corrupt or unreadable {fmt.upper()} image") from None
    loader = image.get("vips-loader") if image.get_typeof("vips-loader") else ""
    if not any(loader.startswith(name) for name in ALLOWED_LOADERS):
        raise UnsupportedMedia(f"image decoder {loader or 'unknown'} is not allowed")
    if image.width <= 0 or image.height <= 0:
        raise ImageRejected("image has no pixels")
    limit = min(max_pixels, MAX_PIXELS)
    if image.width * image.height > limit:
        raise ImageTooLarge(
            f"image is {image.width}x{image.height} ({image.width * image.height / 1e6:.0f} MP); "
            f"the limit is {limit / 1_000_000:g} MP"
        )
    return image, fmt


def inspect_image(source: ImageInput, *, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """Format and size from the header alone (no pixel decoded): a decompression bomb is refused
    here (:class:`ImageTooLarge`) before anything allocates its pixels."""
    image, fmt = _header(source, max_pixels)
    return ImageInfo(format=fmt, width=image.width, height=image.height, has_alpha=image.hasalpha())


def _thumbnail(source: bytes, width: int, height: int, crop: str | None) -> pyvips.Image:
    options = dict(height=height, size="both")
    if crop:
        options["crop"] = crop
    return pyvips.Image.thumbnail_buffer(source, width, option_string="fail_on=truncated", **options)


def to_srgb8(image: pyvips.Image, background: tuple[int, int, int] | None) -> pyvips.Image:
    """3-band (or 4 with ``background=None``) 8-bit sRGB, whatever came in (grey, CMYK, 16-bit)."""
    if image.interpretation not in ("srgb", "b-w") or image.format != "uchar":
        image = image.colourspace("srgb")
    if image.bands in (1, 2):
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    if background is not None:
        if image.hasalpha():
            image = image.flatten(background=list(background))
            if image.format != "uchar":
                image = image.cast("uchar")
        if image.bands > 3:
            image = image.extract_band(0, n=3)
    return image.copy(interpretation="srgb")


def _checked(image: pyvips.Image) -> pyvips.Image:
    """Colour-manage like thumbnail does: an embedded ICC profile is converted to sRGB."""
    if image.get_typeof("icc-profile-data") or image.interpretation == "cmyk":
        image = image.icc_transform("srgb", embedded=True, intent="relative")
    return image


def load_cover(source: ImageInput, width: int, height: int, *, focal_point="center",
               background: tuple[int, int, int] = (0, 0, 0), materialise: bool = True) -> pyvips.Image:
    """Decode once with shrink-on-load, cover-resize and crop to exactly ``width``×``height``.

    ``focal_point``: ``"center"`` (Posterizarr), ``"attention"`` (libvips saliency) or (fx, fy).
    ``materialise``: decode into memory now (any region readable in any order; a corrupt file
    fails here). ``False`` returns the sequential stream for a single top-to-bottom pass (the
    render pipeline's :class:`~curatarr.artwork.canvas.Canvas`); errors then surface when the
    stream is read, and the pipeline reports them as :class:`ImageRejected`.
    """
    finish = _materialise if materialise else (lambda image: image)
    source = read_source(source)
    header, _fmt = _header(source)
    try:
        scale = max(width / header.width, height / header.height)
        rotated = header.get_typeof("orientation") and header.get("orientation") not in (0, 1)
        if abs(scale - 1) < 1e-9 and focal_point in ("center", "centre", None) and not rotated:
            # Already canvas-sized in one dimension (typical 2000x3000 TMDB originals): no
            # resampling needed, decode as-is and centre-crop the excess.
            left, top = (header.width - width) // 2, (header.height - height) // 2
            image = header.crop(left, top, width, height) if (left or top) else header
            return finish(to_srgb8(_checked(image), background))
        if focal_point in ("center", "centre", None):
            image = _thumbnail(source, width, height, "centre")
        elif focal_point == "attention":
            image = _thumbnail(source, width, height, "attention")
        else:
            fx, fy = focal_point
            cw, ch = cover_size(header.width, header.height, width, height)
            image = _thumbnail(source, cw, ch + 1, None)  # fit-inside at the cover size
            if image.width < width or image.height < height:
                image = image.resize(max(width / image.width, height / image.height) + 1e-6)
            left, top = focal_crop(image.width, image.height, width, height, fx, fy)
            image = image.crop(left, top, width, height)
    except pyvips.Error:
        raise ImageRejected("corrupt or unreadable image") from None
    if image.width != width or image.height != height:
        # thumbnail rounds; pad/crop the odd pixel so the canvas is exact
        image = image.gravity("centre", width, height, extend="copy")
    return finish(to_srgb8(image, background))


def _materialise(image: pyvips.Image) -> pyvips.Image:
    """Decode into memory once: the layers then read any region in any order (no sequential-read
    limits), and a corrupt file fails here, as a clear error, not halfway through encoding."""
    try:
        return image.copy_memory()
    except pyvips.Error as exc:
        raise decode_error(exc) from None


def decode_error(exc: pyvips.Error) -> ImageRejected:
    """The error for a source that fails while its pixels are decoded: libvips' last message line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return ImageRejected(f"corrupt or unreadable image: {lines[-1] if lines else 'decode failed'}")


def load_rgba(source: ImageInput) -> pyvips.Image:
    """A full-resolution RGBA image (overlays, logos), validated like every other input."""
    source = read_source(source)
    _header(source)
    try:
        image = pyvips.Image.new_from_buffer(source, "", fail_on="truncated")
        image = to_srgb8(image, None)
        if not image.hasalpha():
            image = image.bandjoin(255)
        return image.copy(interpretation="srgb")
    except pyvips.Error:
        raise ImageRejected("corrupt or unreadable image") from None
