"""Drawing fitted text with Pango (libvips ``text``) and checking the real ink box.

The fitter chose the lines and the size from font tables; here each line is drawn with explicit
per-run font families (so a character the main font lacks is drawn by a fallback face, never as a
tofu box), the ink bounding box is measured, and the size is corrected if real shaping/kerning
made the ink larger than the box. The result is a 1-band alpha mask cropped to the ink.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape

import pyvips

from curatarr.artwork.fonts import ensure_loaded
from curatarr.artwork.textfit import FaceChooser, FitCache, FitParams, FitResult, TextFitter, fit_key

ALIGN_TO_VIPS = {"left": "low", "center": "centre", "right": "high"}
MAX_VERIFY_ROUNDS = 3


@dataclass
class TextRaster:
    mask: pyvips.Image  # uchar, 1 band, cropped to the ink box
    size: float
    lines: list[str]
    truncated: bool
    action: str
    missing: list[str] = field(default_factory=list)
    cache_hit: bool = False

    @property
    def width(self) -> int:
        return self.mask.width

    @property
    def height(self) -> int:
        return self.mask.height


def build_markup(lines: list[str], chooser: FaceChooser, size: float, weight: int | None,
                 letter_spacing: float) -> tuple[str, set[int]]:
    """Pango markup with an explicit font family per run, and the faces it uses."""
    parts: list[str] = []
    used: set[int] = set()
    weight_attr = f' font_weight="{int(weight)}"' if weight else ' font_weight="400"'
    for line in lines:
        runs, _missing = chooser.runs(line)
        used.update(idx for _text, idx in runs)
        parts.append("".join(
            f'<span font_family="{escape(chooser.chain[idx].family)}"{weight_attr}>{escape(text, quote=False)}</span>'
            for text, idx in runs
        ))
    spacing = f' letter_spacing="{int(round(letter_spacing * size * 1024))}"' if letter_spacing else ""
    return f'<span size="{int(round(size * 1024))}"{spacing}>' + "\n".join(parts) + "</span>", used


def draw_lines(lines: list[str], chooser: FaceChooser, size: float, *, weight: int | None, align: str,
               line_spacing: int, letter_spacing: float) -> pyvips.Image:
    if not any(line.strip() for line in lines):
        return pyvips.Image.black(1, 1)
    markup, used = build_markup(lines, chooser, size, weight, letter_spacing)
    for index in sorted(used):  # Pango only needs to know the faces this text really uses
        ensure_loaded(chooser.chain[index])
    return pyvips.Image.text(markup, dpi=72, align=ALIGN_TO_VIPS.get(align, "centre"), spacing=int(line_spacing))


class _RasterCache:
    """Small LRU of finished masks (season names and episode labels repeat across a library)."""

    def __init__(self, max_pixels: int = 24_000_000):
        self.max_pixels = max_pixels
        self._data: OrderedDict[str, TextRaster] = OrderedDict()
        self._pixels = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> TextRaster | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: str, raster: TextRaster) -> None:
        pixels = raster.width * raster.height
        if pixels > self.max_pixels // 4:
            return
        with self._lock:
            if key in self._data:
                return
            self._data[key] = raster
            self._pixels += pixels
            while self._pixels > self.max_pixels and self._data:
                _k, old = self._data.popitem(last=False)
                self._pixels -= old.width * old.height


_rasters = _RasterCache()


def clear_raster_cache(max_pixels: int = 24_000_000) -> None:
    """Forget drawn masks (fonts were replaced, a test simulates a fresh process, or a batch
    worker wants a smaller cache: its titles rarely repeat)."""
    global _rasters
    _rasters = _RasterCache(max_pixels)


def render_text(text: str, chooser: FaceChooser, params: FitParams, *, weight: int | None, align: str,
                cache: FitCache | None) -> TextRaster:
    """Fit (cached) and draw ``text``; the returned mask's ink box fits the box minus ``pad``."""
    key = fit_key(text, chooser.chain, params, weight) + f":{align}"
    raster = _rasters.get(key)
    if raster is not None:
        return TextRaster(raster.mask, raster.size, raster.lines, raster.truncated, raster.action,
                          raster.missing, cache_hit=True)
    _runs, missing = chooser.runs(text)
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        mask = _draw(cached, chooser, params, weight, align)
        if _ink_fits(mask, params) or cached.truncated:
            raster = TextRaster(mask.copy_memory(), cached.size, cached.lines, cached.truncated, cached.action,
                                cached.missing, cache_hit=True)
            _rasters.put(key, raster)
            return raster
    fitter = TextFitter(text, chooser, params)
    result = fitter.fit()
    result.missing = missing
    mask, result = _verify(fitter, result, chooser, params, weight, align)
    if cache is not None:
        cache.put(key, result)
    raster = TextRaster(mask.copy_memory(), result.size, result.lines, result.truncated, result.action, missing)
    _rasters.put(key, raster)
    return raster


def _draw(result: FitResult, chooser: FaceChooser, params: FitParams, weight: int | None, align: str) -> pyvips.Image:
    return draw_lines(result.lines, chooser, result.size, weight=weight, align=align,
                      line_spacing=params.line_spacing, letter_spacing=params.letter_spacing)


def _ink_fits(mask: pyvips.Image, params: FitParams) -> bool:
    return mask.width <= params.inner_width + 1 and mask.height <= params.inner_height + 1


def _verify(fitter: TextFitter, result: FitResult, chooser: FaceChooser, params: FitParams,
            weight: int | None, align: str) -> tuple[pyvips.Image, FitResult]:
    mask = _draw(result, chooser, params, weight, align)
    for _ in range(MAX_VERIFY_ROUNDS):
        if _ink_fits(mask, params):
            break
        # Real shaping (kerning, contextual forms, variable weights) made the ink larger than the
        # advance-width model predicted: scale down by the overshoot and redraw the same lines.
        factor = min(params.inner_width / mask.width, params.inner_height / mask.height)
        size = math.floor(result.size * factor / 0.5) * 0.5 - 0.5
        if size < 4:
            break
        below_min = size < params.min_size
        result = FitResult(size=size, lines=result.lines, truncated=result.truncated or below_min,
                           action=result.action if result.truncated else ("shrink" if below_min else "fit"),
                           missing=result.missing)
        mask = _draw(result, chooser, params, weight, align)
    if params.fit == "ink" and not result.truncated and _ink_fits(mask, params) and result.size < params.max_size:
        grown = _grow_to_ink(fitter, result, mask, chooser, params, weight, align)
        if grown is not None:
            return grown
    if not _ink_fits(mask, params):
        # Still too big (only possible for truncated text): clip to the box rather than overflow.
        mask = mask.crop(0, 0, min(mask.width, int(params.inner_width)), min(mask.height, int(params.inner_height)))
    return mask, result


def _grow_to_ink(fitter: TextFitter, result: FitResult, mask: pyvips.Image, chooser: FaceChooser,
                 params: FitParams, weight: int | None, align: str):
    """``fit: ink`` — grow until the ink box (not the line boxes) touches the box edges."""
    factor = min(params.inner_width / max(1, mask.width), params.inner_height / max(1, mask.height))
    if factor < 1.02:
        return None
    size = min(params.max_size, math.floor(result.size * factor * 0.995 / 0.5) * 0.5)
    limit_em = params.inner_width / size
    if any(fitter.chooser.width_em(line, params.letter_spacing) > limit_em for line in result.lines):
        return None
    grown = FitResult(size=size, lines=result.lines, missing=result.missing)
    bigger = _draw(grown, chooser, params, weight, align)
    if not _ink_fits(bigger, params):
        return None
    return bigger, grown
