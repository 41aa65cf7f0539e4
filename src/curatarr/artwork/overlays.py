"""Overlays: user PNGs scaled to the canvas, generated gradients, and the blend that applies them.

Overlays are prepared once per process and canvas size ("plates") and kept in memory. A plate
stores ``255 - alpha`` (1 band) plus either one colour (every generated gradient whose stops
share a colour — the usual black fade) or the full RGB. Blending is integer arithmetic on the
source — ``(base·(255−a) + rgb·a) / 255`` — which costs a fraction of a general float
``composite`` over the whole canvas.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvips

from curatarr.artwork.errors import AssetNotFound
from curatarr.artwork.source import load_rgba
from curatarr.artwork.templates import GradientLayer, parse_colour

OVERLAY_EXTENSIONS = (".png", ".webp")


@dataclass
class Plate:
    inv_alpha: pyvips.Image  # uchar, 1 band, 255 - alpha
    colour: tuple[int, int, int] | None  # uniform colour, or None when ``rgb`` varies
    rgb: pyvips.Image | None = None  # uchar, 3 bands
    clear: tuple[int, int, int, int] | None = None  # (x, y, w, h) where the plate is fully transparent

    def __post_init__(self):
        if self.clear is None:
            self.clear = clear_rect(self.inv_alpha)


def clear_rect(inv_alpha: pyvips.Image) -> tuple[int, int, int, int] | None:
    """A central rectangle in which the overlay changes nothing (alpha 0), so blending can skip it.

    Fades and glows leave the middle of the picture untouched; skipping it halves the work.
    """
    width, height = inv_alpha.width, inv_alpha.height
    clear = np.ndarray(buffer=inv_alpha.write_to_memory(), dtype=np.uint8, shape=(height, width)) == 255
    cy, cx = height // 2, width // 2
    if not clear[cy, cx]:
        cy = int(np.argmax(clear[:, cx])) if clear[:, cx].any() else -1
        if cy < 0:
            return None
    row = clear[cy]
    x0 = cx - int(np.argmin(row[cx::-1])) + 1 if not row[cx::-1].all() else 0
    x1 = cx + int(np.argmin(row[cx:])) if not row[cx:].all() else width
    if x1 - x0 < width // 8:
        return None
    band = clear[:, x0:x1].all(axis=1)
    y0 = cy - int(np.argmin(band[cy::-1])) + 1 if not band[cy::-1].all() else 0
    y1 = cy + int(np.argmin(band[cy:])) if not band[cy:].all() else height
    if y1 - y0 < height // 8:
        return None
    return x0, y0, x1 - x0, y1 - y0


class _PlateCache:
    def __init__(self, capacity: int = 8):
        self.capacity = capacity
        self._data: OrderedDict[tuple, Plate] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: tuple, make) -> Plate:
        with self._lock:
            plate = self._data.get(key)
            if plate is not None:
                self._data.move_to_end(key)
                return plate
        plate = make()
        with self._lock:
            self._data[key] = plate
            while len(self._data) > self.capacity:
                self._data.popitem(last=False)
        return plate

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


plates = _PlateCache()


def _interp(stops: list, t: np.ndarray, attr) -> np.ndarray:
    positions = np.array([s.at for s in stops], dtype=np.float32)
    values = np.array([attr(s) for s in stops], dtype=np.float32)
    return np.interp(t, positions, values).astype(np.float32)


def _uniform_colour(layer: GradientLayer) -> tuple[int, int, int] | None:
    colours = {parse_colour(s.color)[:3] for s in layer.stops}
    return colours.pop() if len(colours) == 1 else None


LUT_SIZE = 1024


def _gradient_index(layer: GradientLayer, width: int, height: int) -> pyvips.Image:
    """The gradient parameter t ∈ [0, 1] as a ushort index 0..LUT_SIZE-1 per pixel.

    Built with libvips operations (streamed, then kept as one small-format image), so making a
    4K plate never holds several float copies of the canvas in memory.
    """
    top = LUT_SIZE - 1
    if layer.shape == "linear":
        vertical = layer.direction in ("to_bottom", "to_top")
        length = height if vertical else width
        t = np.linspace(0.0, 1.0, length, dtype=np.float32)
        if layer.direction in ("to_top", "to_left"):
            t = t[::-1]
        index = np.round(t * top).astype(np.uint16)
        profile = pyvips.Image.new_from_array(index.reshape(length, 1) if vertical else index.reshape(1, length))
        profile = profile.cast("ushort")
        return profile.replicate(width, 1) if vertical else profile.replicate(1, height)
    xyz = pyvips.Image.xyz(width, height)
    x, y = xyz[0], xyz[1]
    if layer.shape == "radial":
        cx, cy = (width - 1) / 2, (height - 1) / 2
        dist = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
        t = dist * (top / float(np.hypot(cx, cy)))
    else:  # edges: t = 0 on the edge, 1 at ``size`` × short side inside it (inner glow)
        depth = max(1.0, layer.size * min(width, height))
        dx = (x < width - 1 - x).ifthenelse(x, width - 1 - x)
        dy = (y < height - 1 - y).ifthenelse(y, height - 1 - y)
        t = (dx < dy).ifthenelse(dx, dy) * (top / depth)
    return (t > top).ifthenelse(top, t).cast("ushort")


def _lut(values: np.ndarray) -> pyvips.Image:
    """A LUT_SIZE×1 uchar image (1 or 3 bands) for ``maplut``."""
    values = np.round(np.clip(values, 0, 255)).astype(np.uint8)
    if values.ndim == 1:
        values = values[:, None]
    return _to_vips(values.reshape(1, LUT_SIZE, values.shape[-1]))


def _to_vips(array: np.ndarray) -> pyvips.Image:
    array = np.ascontiguousarray(array)
    if array.ndim == 2:
        array = array[:, :, None]
    h, w, bands = array.shape
    # new_from_memory does not copy: keep the buffer referenced until libvips has its own copy,
    # so no later (lazy) operation reads memory the garbage collector already freed.
    # (copy_memory() alone would return the very same memory image, hence the copy() first).
    buffer = array.tobytes()
    view = pyvips.Image.new_from_memory(buffer, w, h, bands, "uchar")
    owned = view.copy().copy_memory()
    del view, buffer
    return owned


def make_gradient_plate(layer: GradientLayer, width: int, height: int) -> Plate:
    index = _gradient_index(layer, width, height)
    t = np.linspace(0.0, 1.0, LUT_SIZE, dtype=np.float32)
    alpha = _interp(layer.stops, t, lambda s: s.opacity * parse_colour(s.color)[3] / 255) * layer.opacity
    inv_img = index.maplut(_lut(255 - 255 * alpha)).cast("uchar").copy_memory()
    colour = _uniform_colour(layer)
    rgb_img = None
    if colour is None:
        channels = np.stack([_interp(layer.stops, t, lambda s, i=i: parse_colour(s.color)[i]) for i in range(3)], axis=-1)
        rgb_img = index.maplut(_lut(channels)).cast("uchar").copy(interpretation="srgb").copy_memory()
    return Plate(inv_alpha=inv_img, colour=colour, rgb=rgb_img)


def gradient_plate(layer: GradientLayer, width: int, height: int) -> Plate:
    key = ("gradient", layer.model_dump_json(), width, height)
    return plates.get_or_make(key, lambda: make_gradient_plate(layer, width, height))


def combined_plate(layers: list[GradientLayer], width: int, height: int) -> Plate:
    """Consecutive black fades merged into one plate, so the canvas is multiplied only once."""
    if len(layers) == 1:
        return gradient_plate(layers[0], width, height)
    key = ("combined", tuple(layer.model_dump_json() for layer in layers), width, height)

    def make() -> Plate:
        inv = None
        for layer in layers:  # the parts are not cached: only the merged plate is ever used
            part = make_gradient_plate(layer, width, height).inv_alpha.cast("float") / 255
            inv = part if inv is None else inv * part
        return Plate(inv_alpha=(inv * 255 + 0.5).cast("uchar").copy_memory(), colour=(0, 0, 0))

    return plates.get_or_make(key, make)


def is_black_fade(layer: GradientLayer) -> bool:
    return _uniform_colour(layer) == (0, 0, 0)


def make_file_plate(path: Path, width: int, height: int, opacity: float) -> Plate:
    image = load_rgba(path)
    if (image.width, image.height) != (width, height):
        # premultiply so transparent pixels do not bleed dark fringes while resampling
        image = image.premultiply().resize(width / image.width, vscale=height / image.height).unpremultiply()
        image = image.cast("uchar")
    alpha = image.extract_band(3)
    if opacity < 1:
        alpha = (alpha * opacity).cast("uchar")
    inv = (255 - alpha).cast("uchar").copy_memory()
    return Plate(inv_alpha=inv, colour=None, rgb=image.extract_band(0, n=3).copy_memory())


def file_plate(path: Path, width: int, height: int, opacity: float = 1.0) -> Plate:
    try:
        st = path.stat()
    except OSError:
        raise AssetNotFound(f"overlay file {path.name!r} not found") from None
    key = ("file", str(path), st.st_mtime_ns, st.st_size, width, height, opacity)
    return plates.get_or_make(key, lambda: make_file_plate(path, width, height, opacity))


def _blend_full(base: pyvips.Image, inv: pyvips.Image, colour, rgb) -> pyvips.Image:
    if colour is not None and colour == (0, 0, 0):
        # A black fade only darkens: base·inv is exactly a ushort, and a cast with shift divides
        # by 256 in the same pass (≤ 2 levels darker than /255 — invisible, and twice as fast).
        return (base * inv).cast("uchar", shift=True).copy(interpretation="srgb")
    else:
        alpha = 255 - inv
        paint = rgb if colour is None else alpha.new_from_image(list(colour))
        out = (base * inv + paint * alpha) / 255
    return (out + 0.5).cast("uchar").copy(interpretation="srgb")


def blend(base: pyvips.Image, plate: Plate) -> pyvips.Image:
    """Composite ``plate`` over the 3-band uchar ``base`` (same size); returns 3-band uchar.

    Only the bands around the plate's clear rectangle are computed; the rest is passed through.
    """
    if plate.clear is None:
        return _blend_full(base, plate.inv_alpha, plate.colour, plate.rgb)
    width, height = base.width, base.height
    cx, cy, cw, ch = plate.clear
    strips = [(0, 0, width, cy), (0, cy + ch, width, height - cy - ch), (0, cy, cx, ch), (cx + cw, cy, width - cx - cw, ch)]
    out = base
    for x, y, w, h in strips:
        if w <= 0 or h <= 0:
            continue
        rgb = plate.rgb.crop(x, y, w, h) if plate.rgb is not None else None
        patch = _blend_full(base.crop(x, y, w, h), plate.inv_alpha.crop(x, y, w, h), plate.colour, rgb)
        out = out.insert(patch, x, y)
    return out


def blend_mask(base: pyvips.Image, mask: pyvips.Image, colour: tuple[int, int, int, int], x: int, y: int,
               opacity: float = 1.0) -> pyvips.Image:
    """Paint ``colour`` through a 1-band ``mask`` at (x, y), touching only that region."""
    bx, by = max(0, x), max(0, y)
    right, bottom = min(base.width, x + mask.width), min(base.height, y + mask.height)
    if right <= bx or bottom <= by:
        return base
    mask = mask.crop(bx - x, by - y, right - bx, bottom - by)
    strength = opacity * colour[3] / 255
    if strength < 1:
        mask = (mask * strength).cast("uchar")
    region = base.crop(bx, by, right - bx, bottom - by)
    rgb = tuple(colour[:3])
    if rgb == (0, 0, 0):  # black (strokes, shadows): region·(255−m) >> 8, all integer
        out = (region * mask.invert()).cast("uchar", shift=True)
    elif rgb == (255, 255, 255):  # white (most titles): the same, mirrored
        out = (region.invert() * mask.invert()).cast("uchar", shift=True).invert()
    else:
        blended = (region * (255 - mask) + mask.new_from_image(list(rgb)) * mask) / 255
        out = (blended + 0.5).cast("uchar")
    return base.insert(out.copy(interpretation="srgb"), bx, by)


def list_overlay_files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in OVERLAY_EXTENSIONS)
