"""The render pipeline: decode once → layers in template order → encode once.

``render(template, inputs, ctx)`` is the engine's single entry point; the API preview, the test
sheet, the CLI and the batch pool all call it. The source is decoded as a stream; full-canvas
layers join that stream, local layers (text, logo) are painted into the one in-memory copy of
the canvas (see :mod:`curatarr.artwork.canvas`), and the encoder reads that copy.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyvips

from curatarr import __version__
from curatarr.artwork.border import apply_border, reads_in_order
from curatarr.artwork.canvas import Canvas
from curatarr.artwork.encode import Provenance, encode
from curatarr.artwork.errors import ArtworkError, AssetNotFound, ImageRejected
from curatarr.artwork.fonts import RTL_LANGUAGES, FontRegistry, is_rtl_text
from curatarr.artwork.layout import Rect, box_rect, place_in_box
from curatarr.artwork.overlays import (
    Plate,
    blend,
    combined_plate,
    file_plate,
    gradient_plate,
    is_black_fade,
    is_black_frame,
    paint_mask,
)
from curatarr.artwork.source import ImageInput, SourceReport, harden_vips, load_rgba, load_source
from curatarr.artwork.templates import (
    BorderLayer,
    GradientLayer,
    LogoLayer,
    OverlayLayer,
    Template,
    TextLayer,
    parse_colour,
)
from curatarr.artwork.textfit import FaceChooser, FitCache, FitParams
from curatarr.artwork.textprep import TextInputs, prepare_text, source_text
from curatarr.artwork.textrender import render_text

TEST_CANVAS = (255, 192, 203)  # Posterizarr testing mode: xc:pink
TEST_BOX = (0xAC, 0xD7, 0xE6, 255)
TEST_TEXT = "#0000FF"
MIME = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}


@dataclass
class RenderContext:
    """Where fonts and overlays live, and the shared text-fit cache. One per process is enough."""

    fonts: FontRegistry = field(default_factory=FontRegistry)
    overlay_dir: Path | None = None
    fit_cache: FitCache = field(default_factory=FitCache)
    _choosers: dict = field(default_factory=dict, repr=False)

    def chooser(self, layer: TextLayer, rtl: bool, language: str | None) -> FaceChooser:
        key = (layer.font, layer.rtl_font if rtl else None, tuple(layer.fallback_fonts or ()), language)
        chooser = self._choosers.get(key)
        if chooser is None:
            chain = self.fonts.chain(layer.font, rtl_font=layer.rtl_font, rtl=rtl,
                                     fallbacks=layer.fallback_fonts, language=language)
            chooser = FaceChooser(chain)
            if len(self._choosers) > 64:
                self._choosers.clear()
            self._choosers[key] = chooser
        return chooser

    def overlay_path(self, name: str) -> Path:
        if self.overlay_dir is None or "/" in name or "\\" in name or name.startswith("."):
            raise AssetNotFound(f"overlay file {name!r} not found")
        from curatarr.security.paths import regular_file_in

        path = regular_file_in(self.overlay_dir, name)
        if path is None:  # missing, or a symlink: a link in overlayfiles/ never lends its target
            raise AssetNotFound(f"overlay file {name!r} not found")
        return path


@dataclass
class RenderInputs:
    image: ImageInput | None = None
    texts: TextInputs = field(default_factory=TextInputs)
    logo: ImageInput | None = None
    output_format: str | None = None  # override the template's format
    quality: int | None = None
    max_bytes: int | None = None  # override the template's output size guard (CLI --max-bytes)
    width: int | None = None  # scale the finished image down to this width (small previews)


@dataclass
class RenderResult:
    data: bytes
    format: str
    width: int
    height: int
    quality: int
    template_id: str
    template_hash: str
    truncated: bool = False
    skipped: bool = False  # a text layer with overflow=skip did not fit: do not save this asset
    layers: list[dict] = field(default_factory=list)
    missing_glyphs: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0
    source: SourceReport | None = None  # None: no source picture (test mode or plain background)

    @property
    def low_resolution(self) -> bool:
        return bool(self.source and self.source.low_resolution)

    @property
    def mime(self) -> str:
        return MIME[self.format]

    def summary(self) -> dict:
        return {
            "format": self.format, "width": self.width, "height": self.height, "bytes": len(self.data),
            "quality": self.quality, "template": self.template_id, "template_hash": self.template_hash,
            "truncated": self.truncated, "skipped": self.skipped, "layers": self.layers,
            "missing_glyphs": self.missing_glyphs, "elapsed_ms": round(self.elapsed_ms, 1),
            "source": self.source.as_dict() if self.source else None, "low_resolution": self.low_resolution,
        }


def _solid(width: int, height: int, rgb: tuple[int, int, int]) -> pyvips.Image:
    return (pyvips.Image.black(width, height, bands=3) + list(rgb)).cast("uchar").copy(interpretation="srgb")


def dilate(mask: pyvips.Image, radius: int) -> pyvips.Image:
    """Grow an anti-aliased mask by ``radius`` px with a near-round (octagonal) structuring shape."""
    if radius <= 0:
        return mask
    if radius > 8:  # wide strokes: a blurred, amplified mask is close enough and much cheaper
        grown = mask.gaussblur(radius / 2, precision="integer") * 4
        return (grown > 255).ifthenelse(255, grown).cast("uchar")
    square = round(radius * 0.41)
    out = mask
    if square:
        side = 2 * square + 1
        out = out.rank(side, side, side * side - 1)
    for _ in range(radius - square):
        horizontal, vertical = out.rank(3, 1, 2), out.rank(1, 3, 2)
        out = (horizontal > vertical).ifthenelse(horizontal, vertical)
    return out.cast("uchar")


def _draw_text(canvas: Canvas, layer: TextLayer, inputs: TextInputs, ctx: RenderContext,
               width: int, height: int, test_mode: bool) -> dict | None:
    raw = source_text(layer, inputs)
    box = box_rect(width, height, layer.box.width, layer.box.height, layer.box.offset_bottom, layer.box.offset_x)
    if test_mode:
        box_mask = pyvips.Image.black(box.width, box.height) + 255
        paint_mask(canvas, box_mask.cast("uchar"), TEST_BOX, box.x, box.y)
    if not raw or not raw.strip():
        return None
    text = prepare_text(raw, layer)
    if not text:
        return None
    language = inputs.language
    rtl = bool(language and language[:2].lower() in RTL_LANGUAGES) or is_rtl_text(text)
    chooser = ctx.chooser(layer, rtl, language)
    pad = math.ceil(layer.stroke.width / 2) if layer.stroke else 0
    params = FitParams(
        box_width=layer.box.width, box_height=layer.box.height, min_size=layer.min_size, max_size=layer.max_size,
        line_spacing=layer.line_spacing, letter_spacing=layer.letter_spacing, pad=pad, overflow=layer.overflow,
        fit=layer.fit, balance=layer.balance, max_lines=layer.max_lines,
    )
    raster = render_text(text, chooser, params, weight=layer.weight, align=layer.align, cache=ctx.fit_cache)
    ink = place_in_box(box, raster.width, raster.height, layer.align, layer.valign, pad)
    colour = parse_colour(TEST_TEXT if test_mode else layer.color)
    shape = raster.mask
    shape_x, shape_y = ink.x, ink.y
    if layer.stroke:
        shape = dilate(raster.mask.embed(pad, pad, raster.width + 2 * pad, raster.height + 2 * pad), pad)
        shape_x, shape_y = ink.x - pad, ink.y - pad
    if layer.shadow and layer.shadow.opacity > 0:
        sh = layer.shadow
        spread = math.ceil(sh.blur * 1.5) if sh.blur else 0
        shadow = shape.embed(spread, spread, shape.width + 2 * spread, shape.height + 2 * spread)
        if sh.blur:
            shadow = shadow.gaussblur(sh.blur / 2, precision="integer").cast("uchar")
        paint_mask(canvas, shadow, parse_colour(sh.color), shape_x - spread + sh.dx, shape_y - spread + sh.dy,
                   sh.opacity)
    if layer.stroke:
        paint_mask(canvas, shape, parse_colour(layer.stroke.color), shape_x, shape_y)
    paint_mask(canvas, raster.mask, colour, ink.x, ink.y)
    info = {
        "id": layer.id, "text": text, "size": raster.size, "lines": raster.lines, "truncated": raster.truncated,
        "action": raster.action, "box": box.as_list(), "ink": [ink.x, ink.y, raster.width, raster.height],
        "fonts": [face.name for face in chooser.chain[:2]], "missing": raster.missing,
        "cached": raster.cache_hit, "overflow": layer.overflow,
    }
    return info


def _draw_logo(canvas: Canvas, layer: LogoLayer, logo: ImageInput, width: int, height: int) -> dict:
    image = load_rgba(logo)
    box = box_rect(width, height, layer.box.width, layer.box.height, layer.box.offset_bottom, layer.box.offset_x)
    scale = min(box.width / image.width, box.height / image.height)
    image = image.premultiply().resize(scale).unpremultiply().cast("uchar")
    spot = place_in_box(box, image.width, image.height, layer.align, layer.valign)
    rgb, alpha = image.extract_band(0, n=3), image.extract_band(3)
    if layer.opacity < 1:
        alpha = (alpha * layer.opacity).cast("uchar")
    if not Rect(0, 0, width, height).contains(spot):
        raise ArtworkError("logo box lies outside the canvas")
    canvas.paint(spot.x, spot.y, image.width, image.height,
                 lambda region: ((region * (255 - alpha) + rgb * alpha) / 255 + 0.5).cast("uchar").copy(interpretation="srgb"))
    return {"id": layer.id, "box": box.as_list(), "ink": spot.as_list()}


def _apply_plate(canvas: Canvas, plate: Plate) -> None:
    # black plates blend per pixel over the whole canvas (joins the decode stream); the others
    # blend strip-wise with crops and inserts (needs the canvas in memory)
    step = canvas.pointwise if plate.inv3 is not None else canvas.transform
    step(lambda image: blend(image, plate))


def compose(template: Template, inputs: RenderInputs, ctx: RenderContext, *, test_mode: bool = False
            ) -> tuple[pyvips.Image, list[dict]]:
    """Build the (lazy) finished canvas and the per-layer report, without encoding."""
    canvas, report, _source = compose_with_source(template, inputs, ctx, test_mode=test_mode)
    return canvas, report


def compose_with_source(template: Template, inputs: RenderInputs, ctx: RenderContext, *, test_mode: bool = False
                        ) -> tuple[pyvips.Image, list[dict], SourceReport | None]:
    """:func:`compose`, plus how the source picture was fitted (None without one)."""
    harden_vips()
    width, height = template.size
    background = parse_colour(template.source.background)[:3]
    source_report = None
    if test_mode:
        canvas = Canvas(_solid(width, height, TEST_CANVAS))
    elif inputs.image is not None:
        picture, source_report = load_source(inputs.image, width, height, fit=template.source.fit,
                                             focal_point=template.source.focal_point, background=background,
                                             materialise=False)
        canvas = Canvas(picture, sequential=True)
    else:
        canvas = Canvas(_solid(width, height, background))
    replaced = {layer.replaces for layer in template.layers
                if isinstance(layer, LogoLayer) and inputs.logo is not None and layer.replaces}
    report: list[dict] = []
    layers = list(template.layers)
    index = 0
    while index < len(layers):
        layer = layers[index]
        index += 1
        if isinstance(layer, GradientLayer) and is_black_fade(layer):
            run = [layer]
            while index < len(layers) and isinstance(layers[index], GradientLayer) and is_black_fade(layers[index]):
                run.append(layers[index])
                index += 1
            frame = None
            if index < len(layers) and isinstance(layers[index], BorderLayer) and is_black_frame(layers[index], width, height):
                frame = layers[index]  # drawn by the same multiply as the fades (identical pixels)
                index += 1
            _apply_plate(canvas, combined_plate(run, width, height, border=frame))
        elif isinstance(layer, GradientLayer):
            _apply_plate(canvas, gradient_plate(layer, width, height))
        elif isinstance(layer, OverlayLayer):
            _apply_plate(canvas, file_plate(ctx.overlay_path(layer.file), width, height, layer.opacity))
        elif isinstance(layer, BorderLayer):
            step = canvas.pointwise if reads_in_order(layer) else canvas.transform
            step(lambda image, layer=layer: apply_border(image, layer))
        elif isinstance(layer, LogoLayer):
            if inputs.logo is not None:
                report.append(_draw_logo(canvas, layer, inputs.logo, width, height))
        elif isinstance(layer, TextLayer):
            if not layer.enabled or layer.id in replaced:
                continue
            info = _draw_text(canvas, layer, inputs.texts, ctx, width, height, test_mode)
            if info is not None:
                report.append(info)
    return canvas.image, report, source_report


def _scaled_to(image: pyvips.Image, width: int | None) -> pyvips.Image:
    """The finished canvas shrunk to ``width`` (aspect kept) for a small preview; never enlarged."""
    if not width or width >= image.width:
        return image
    return image.resize(width / image.width, kernel="lanczos3")


def render(template: Template, inputs: RenderInputs, ctx: RenderContext, *, test_mode: bool = False) -> RenderResult:
    started = time.perf_counter()
    try:
        canvas, report, source_report = compose_with_source(template, inputs, ctx, test_mode=test_mode)
        canvas = _scaled_to(canvas, inputs.width)
    except pyvips.Error as exc:
        raise ImageRejected(f"the image could not be processed: {str(exc).splitlines()[-1].strip()}") from None
    fmt = inputs.output_format or template.output.format
    quality = inputs.quality or template.output.quality
    template_hash = template.content_hash()
    data, used_quality = encode(
        canvas, fmt=fmt, quality=quality, max_bytes=inputs.max_bytes or template.output.max_bytes,
        provenance=Provenance(template.id, template_hash, __version__), subsample=template.output.chroma_subsampling,
    )
    truncated = any(item.get("truncated") for item in report)
    skipped = any(item.get("truncated") and item.get("overflow") == "skip" for item in report)
    missing = sorted({ch for item in report for ch in item.get("missing", [])})
    return RenderResult(
        data=data, format=fmt, width=canvas.width, height=canvas.height, quality=used_quality,
        template_id=template.id, template_hash=template_hash, truncated=truncated, skipped=skipped,
        layers=report, missing_glyphs=missing, elapsed_ms=(time.perf_counter() - started) * 1000,
        source=source_report,
    )
