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
LOW_RES_UPSCALE = 1.5  # magnified more than this, a source looks soft: flagged as low resolution
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
        image = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="warning")
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
    return pyvips.Image.thumbnail_buffer(source, width, option_string="fail_on=warning", **options)


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


@dataclass(frozen=True)
class SourceReport:
    """How the source was fitted: its size, the scale applied, and whether that scale magnified it
    past :data:`LOW_RES_UPSCALE` (the decision record's and the action center's low-resolution flag)."""

    width: int
    height: int
    scale: float
    fit: str = "cover"

    @property
    def low_resolution(self) -> bool:
        return self.scale > LOW_RES_UPSCALE

    def as_dict(self) -> dict:
        return {"width": self.width, "height": self.height, "scale": round(self.scale, 3), "fit": self.fit,
                "low_resolution": self.low_resolution}


def load_cover(source: ImageInput, width: int, height: int, *, focal_point="center",
               background: tuple[int, int, int] = (0, 0, 0), materialise: bool = True) -> pyvips.Image:
    """:func:`load_source` with ``fit="cover"``, the image only."""
    image, _report = load_source(source, width, height, focal_point=focal_point, background=background,
                                 materialise=materialise)
    return image


def load_source(source: ImageInput, width: int, height: int, *, fit: str = "cover", focal_point="center",
                background: tuple[int, int, int] = (0, 0, 0), materialise: bool = True
                ) -> tuple[pyvips.Image, SourceReport]:
    """Decode once and fit the source to exactly ``width``×``height``; work and memory stay bounded
    by the source's and the canvas's pixels whatever the shapes (a 4000×50 strip is cropped to the
    few source pixels the poster shows *before* it is magnified, never magnified whole).

    ``fit``: ``"cover"`` (crop to fill, Posterizarr) or ``"contain_blur"`` (the whole picture,
    centred over a blurred, darkened cover of itself — for wrong-aspect sources).
    ``focal_point``: ``"center"`` (Posterizarr), ``"attention"`` (libvips saliency) or (fx, fy).
    ``materialise``: decode into memory now (any region readable in any order; a corrupt file
    fails here). ``False`` may return a sequential stream for a single top-to-bottom pass (the
    render pipeline's :class:`~curatarr.artwork.canvas.Canvas`); errors then surface when the
    stream is read, and the pipeline reports them as :class:`ImageRejected`.
    Decode warnings (corrupt entropy data, bad chunks) are errors: a damaged file is refused, not
    rendered as a flat grey poster.
    """
    finish = _materialise if materialise else (lambda image: image)
    data = read_source(source)
    header, _fmt = _header(data)
    src_w, src_h = _oriented_size(header)
    if fit == "contain_blur":
        image, scale = _contain_blur(data, header, width, height, focal_point, background)
        return finish(image), SourceReport(src_w, src_h, scale, fit)
    scale = max(width / src_w, height / src_h)
    try:
        if abs(scale - 1) < 1e-9 and focal_point in ("center", "centre", None) and not _rotated(header):
            # Already canvas-sized in one dimension (typical 2000x3000 TMDB originals): no
            # resampling needed, decode as-is and centre-crop the excess.
            left, top = (header.width - width) // 2, (header.height - height) // 2
            image = header.crop(left, top, width, height) if (left or top) else header
            return finish(to_srgb8(_checked(image), background)), SourceReport(src_w, src_h, 1.0)
        if scale > 1:
            image = _crop_then_enlarge(data, header, width, height, scale, focal_point, background)
        else:
            image = _shrink_cover(data, header, width, height, focal_point)
            image = to_srgb8(image, background)
    except pyvips.Error as exc:
        raise decode_error(exc) from None
    if image.width != width or image.height != height:
        # resampling rounds; pad/crop the odd pixel so the canvas is exact
        image = image.gravity("centre", width, height, extend="copy")
    return finish(image), SourceReport(src_w, src_h, scale)


def _rotated(header: pyvips.Image) -> bool:
    return bool(header.get_typeof("orientation")) and header.get("orientation") not in (0, 1)


def _oriented_size(header: pyvips.Image) -> tuple[int, int]:
    if _rotated(header) and header.get("orientation") in (5, 6, 7, 8):
        return header.height, header.width
    return header.width, header.height


def _decoded(data: bytes, header: pyvips.Image, random_access: bool) -> pyvips.Image:
    """The full-resolution source, upright and colour-managed; sequential unless asked otherwise
    (rotation and saliency need to read it in any order)."""
    rotate = _rotated(header)
    if rotate or random_access:
        image = pyvips.Image.new_from_buffer(data, "", fail_on="warning")
        image = image.autorot() if rotate else image
    else:
        image = header
    return _checked(image)


def _crop_then_enlarge(data: bytes, header: pyvips.Image, width: int, height: int, scale: float,
                       focal_point, background) -> pyvips.Image:
    """Upscaling cover: cut the region the canvas shows out of the source first, then magnify only
    that (libvips' thumbnail would magnify the whole source and crop afterwards: ×60 of a strip)."""
    image = _decoded(data, header, random_access=focal_point == "attention")
    src_w, src_h = image.width, image.height
    crop_w = max(1, min(src_w, round(width / scale)))
    crop_h = max(1, min(src_h, round(height / scale)))
    if focal_point == "attention":
        image = image.smartcrop(crop_w, crop_h, interesting="attention")
    else:
        fx, fy = (0.5, 0.5) if focal_point in ("center", "centre", None) else focal_point
        left, top = focal_crop(src_w, src_h, crop_w, crop_h, fx, fy)
        image = image.crop(left, top, crop_w, crop_h)
    image = to_srgb8(image, background)
    return image.resize(width / crop_w, vscale=height / crop_h)


def _shrink_cover(data: bytes, header: pyvips.Image, width: int, height: int, focal_point) -> pyvips.Image:
    """Downscaling cover: libvips' thumbnail (shrink-on-load, then crop); memory ≤ the source's."""
    if focal_point in ("center", "centre", None):
        return _thumbnail(data, width, height, "centre")
    if focal_point == "attention":
        return _thumbnail(data, width, height, "attention")
    fx, fy = focal_point
    cw, ch = cover_size(*_oriented_size(header), width, height)
    image = _thumbnail(data, cw, ch + 1, None)  # fit-inside at the cover size
    if image.width < width or image.height < height:
        image = image.resize(max(width / image.width, height / image.height) + 1e-6)
    left, top = focal_crop(image.width, image.height, width, height, fx, fy)
    return image.crop(left, top, width, height)


BLUR_FILL_SHRINK = 16  # the blurred fill is built at 1/16 of the canvas: cheap, and blur hides it


def _contain_blur(data: bytes, header: pyvips.Image, width: int, height: int, focal_point,
                  background) -> tuple[pyvips.Image, float]:
    """The whole source fitted inside the canvas, over a blurred, darkened cover of itself."""
    src_w, src_h = _oriented_size(header)
    scale = min(width / src_w, height / src_h)
    try:
        if scale <= 1:
            front = to_srgb8(_thumbnail(data, width, height, None), background)
        else:
            front = to_srgb8(_decoded(data, header, random_access=False), background).resize(scale)
        front = front.copy_memory()
    except pyvips.Error as exc:
        raise decode_error(exc) from None
    small_w, small_h = max(8, width // BLUR_FILL_SHRINK), max(8, height // BLUR_FILL_SHRINK)
    fill, _report = load_source(data, small_w, small_h, focal_point=focal_point, background=background)
    fill = (fill.gaussblur(2) * 0.55).cast("uchar")
    fill = fill.resize(width / small_w, vscale=height / small_h, kernel="linear")
    fill = fill.gravity("centre", width, height, extend="copy").copy_memory()
    fw, fh = min(front.width, width), min(front.height, height)
    front = front.crop(0, 0, fw, fh)
    image = fill.insert(front, (width - fw) // 2, (height - fh) // 2)
    return image.copy(interpretation="srgb"), scale


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
    # libvips wraps the decoder's own words ("Corrupt JPEG data: …") in generic lines: skip those
    specific = [line for line in lines if not line.startswith("unable to call") and not line.endswith("load error")]
    detail = (specific or lines or ["decode failed"])[-1]
    return ImageRejected(f"corrupt or unreadable image: {detail}")


def load_rgba(source: ImageInput) -> pyvips.Image:
    """A full-resolution RGBA image (overlays, logos), validated like every other input."""
    source = read_source(source)
    _header(source)
    try:
        image = pyvips.Image.new_from_buffer(source, "", fail_on="warning")
        image = to_srgb8(image, None)
        if not image.hasalpha():
            image = image.bandjoin(255)
        return image.copy(interpretation="srgb")
    except pyvips.Error:
        raise ImageRejected("corrupt or unreadable image") from None
