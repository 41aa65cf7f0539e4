"""Overlays: user PNGs scaled to the canvas, generated gradients, and the blend that applies them.

Overlays are prepared once per process and canvas size ("plates") and kept in memory. A plate
stores ``255 - alpha`` (1 band) plus either one colour (every generated gradient whose stops
share a colour — the usual black fade) or the full RGB. Blending is integer arithmetic on the
source — ``(base·(255−a) + rgb·a) / 255`` — which costs a fraction of a general float
``composite`` over the whole canvas.

Black plates (the classic glow + fade) keep ``255 - alpha`` in all three bands instead: the blend
is then one uchar multiply and one shifting cast over the canvas. libvips would otherwise replicate
a 1-band operand to 3 bands for every pixel of every render, which cost more than the multiply
itself (measured: 17 ms vs 9 ms per 2000×3000 poster on one core). A solid black border that
directly follows the fades is folded into the same plate (alpha 255 on the outer band ⇒ exactly
black), so it costs nothing at render time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvips

from curatarr.artwork.canvas import Canvas
from curatarr.artwork.errors import AssetNotFound
from curatarr.artwork.source import load_rgba
from curatarr.artwork.templates import BorderLayer, GradientLayer, parse_colour

OVERLAY_EXTENSIONS = (".png", ".webp")


@dataclass
class Plate:
    inv_alpha: pyvips.Image  # uchar, 1 band, 255 - alpha
    colour: tuple[int, int, int] | None  # uniform colour, or None when ``rgb`` varies
    rgb: pyvips.Image | None = None  # uchar, 3 bands
    # (x, y, w, h) where the plate is fully transparent; not computed for black plates, whose blend
    # covers the whole canvas (see blend_black), so it is never read for them
    clear: tuple[int, int, int, int] | None = None
    inv3: pyvips.Image | None = None  # black plates only: 255 - alpha in 3 bands (see module doc)

    def __post_init__(self):
        if self.clear is None and self.inv3 is None:
            self.clear = clear_rect(self.inv_alpha)

    @property
    def nbytes(self) -> int:
        parts = (self.inv3, self.rgb) if self.inv3 is not None else (self.inv_alpha, self.rgb)
        return sum(p.width * p.height * p.bands for p in parts if p is not None)


def black_plate(inv_alpha: pyvips.Image) -> Plate:
    """A black plate held as one 3-band image; ``inv_alpha`` becomes a view of its first band."""
    inv3 = inv_alpha.bandjoin([inv_alpha, inv_alpha]).copy_memory()
    return Plate(inv_alpha=inv3.extract_band(0), colour=(0, 0, 0), inv3=inv3)


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
    """LRU of plates, bounded by count and by bytes (a 4K black plate is 25 MB)."""

    def __init__(self, capacity: int = 8, max_bytes: int = 160 * 1024 * 1024):
        self.capacity = capacity
        self.max_bytes = max_bytes
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
            while len(self._data) > 1 and (len(self._data) > self.capacity or self._bytes() > self.max_bytes):
                self._data.popitem(last=False)
        return plate

    def _bytes(self) -> int:
        return sum(plate.nbytes for plate in self._data.values())

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


def _gradient_inv(layer: GradientLayer, width: int, height: int) -> pyvips.Image:
    """The gradient's ``255 - alpha``: 1-band uchar, in memory."""
    index = _gradient_index(layer, width, height)
    t = np.linspace(0.0, 1.0, LUT_SIZE, dtype=np.float32)
    alpha = _interp(layer.stops, t, lambda s: s.opacity * parse_colour(s.color)[3] / 255) * layer.opacity
    return index.maplut(_lut(255 - 255 * alpha)).cast("uchar").copy_memory()


def make_gradient_plate(layer: GradientLayer, width: int, height: int) -> Plate:
    inv_img = _gradient_inv(layer, width, height)
    colour = _uniform_colour(layer)
    if colour == (0, 0, 0):
        return black_plate(inv_img)
    rgb_img = None
    if colour is None:
        index = _gradient_index(layer, width, height)  # lazy: building the graph again is cheap
        t = np.linspace(0.0, 1.0, LUT_SIZE, dtype=np.float32)
        channels = np.stack([_interp(layer.stops, t, lambda s, i=i: parse_colour(s.color)[i]) for i in range(3)], axis=-1)
        rgb_img = index.maplut(_lut(channels)).cast("uchar").copy(interpretation="srgb").copy_memory()
    return Plate(inv_alpha=inv_img, colour=colour, rgb=rgb_img)


def gradient_plate(layer: GradientLayer, width: int, height: int) -> Plate:
    key = ("gradient", layer.model_dump_json(), width, height)
    return plates.get_or_make(key, lambda: make_gradient_plate(layer, width, height))


def combined_plate(layers: list[GradientLayer], width: int, height: int, border: BorderLayer | None = None) -> Plate:
    """Consecutive black fades merged into one plate, so the canvas is multiplied only once.

    ``border``: a solid black frame (see :func:`is_black_frame`) drawn right after the fades;
    it is folded in as alpha 255 on the outer ``border.width`` px.
    """
    if len(layers) == 1 and border is None:
        return gradient_plate(layers[0], width, height)
    key = ("combined", tuple(layer.model_dump_json() for layer in layers), border and border.model_dump_json(),
           width, height)

    def make() -> Plate:
        inv = None
        for layer in layers:  # the parts are not cached: only the merged plate is ever used
            part = _gradient_inv(layer, width, height).cast("float") / 255
            inv = part if inv is None else inv * part
        inv = (inv * 255 + 0.5).cast("uchar")
        if border is not None:
            w = border.width
            inv = inv.crop(w, w, width - 2 * w, height - 2 * w).embed(w, w, width, height, extend="black")
        return black_plate(inv.copy_memory())

    return plates.get_or_make(key, make)


def is_black_fade(layer: GradientLayer) -> bool:
    return _uniform_colour(layer) == (0, 0, 0)


def is_black_frame(layer: BorderLayer, width: int, height: int) -> bool:
    """A plain opaque black frame narrower than the canvas: a black plate can draw it exactly."""
    return (layer.style == "solid" and not layer.colors and parse_colour(layer.color) == (0, 0, 0, 255)
            and 0 < 2 * layer.width < min(width, height))


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


def blend_black(base: pyvips.Image, inv3: pyvips.Image) -> pyvips.Image:
    """``base·(255−a) >> 8`` with the 3-band inverse alpha: one multiply, one shifting cast.

    Over the whole canvas: skipping the plate's clear middle would need crops and inserts whose
    copies cost more than multiplying those pixels (measured on the classic poster and title card).
    """
    return (base * inv3).cast("uchar", shift=True).copy(interpretation="srgb")


def blend(base: pyvips.Image, plate: Plate) -> pyvips.Image:
    """Composite ``plate`` over the 3-band uchar ``base`` (same size); returns 3-band uchar.

    Black plates: :func:`blend_black`. Others: only the bands around the plate's clear rectangle
    are computed; the rest is passed through.
    """
    if plate.inv3 is not None:
        return blend_black(base, plate.inv3)
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


def _clip(width: int, height: int, mask: pyvips.Image, x: int, y: int) -> tuple[pyvips.Image, int, int] | None:
    """``mask`` cut to the part that lies on a ``width``×``height`` canvas, and where that part sits."""
    bx, by = max(0, x), max(0, y)
    right, bottom = min(width, x + mask.width), min(height, y + mask.height)
    if right <= bx or bottom <= by:
        return None
    return mask.crop(bx - x, by - y, right - bx, bottom - by), bx, by


def mask_over(region: pyvips.Image, mask: pyvips.Image, colour: tuple[int, int, int, int],
              opacity: float = 1.0) -> pyvips.Image:
    """``colour`` painted through the 1-band ``mask`` over the same-size 3-band ``region``."""
    strength = opacity * colour[3] / 255
    if strength < 1:
        mask = (mask * strength).cast("uchar")
    rgb = tuple(colour[:3])
    if rgb == (0, 0, 0):  # black (strokes, shadows): region·(255−m) >> 8, all integer
        out = (region * mask.invert()).cast("uchar", shift=True)
    elif rgb == (255, 255, 255):  # white (most titles): the same, mirrored
        out = (region.invert() * mask.invert()).cast("uchar", shift=True).invert()
    else:
        blended = (region * (255 - mask) + mask.new_from_image(list(rgb)) * mask) / 255
        out = (blended + 0.5).cast("uchar")
    return out.copy(interpretation="srgb")


def paint_mask(canvas: Canvas, mask: pyvips.Image, colour: tuple[int, int, int, int], x: int, y: int,
               opacity: float = 1.0) -> None:
    """Paint ``colour`` through a 1-band ``mask`` at (x, y), clipped to the canvas, in place."""
    clipped = _clip(canvas.width, canvas.height, mask, x, y)
    if clipped is None:
        return
    mask, bx, by = clipped
    canvas.paint(bx, by, mask.width, mask.height, lambda region: mask_over(region, mask, colour, opacity))


def list_overlay_files(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in OVERLAY_EXTENSIONS)
