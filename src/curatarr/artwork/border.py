"""Borders: Posterizarr's solid frame (replaces the outer pixels, the picture is not shrunk),
a rounded frame, or a thin inner stroke. Colour lists make a vertical gradient frame."""

from __future__ import annotations

import numpy as np
import pyvips

from curatarr.artwork.templates import BorderLayer, parse_colour


def _frame_colour(layer: BorderLayer, width: int, height: int) -> pyvips.Image:
    """A full-canvas 3-band image of the border colour(s)."""
    if layer.colors:
        colours = np.array([parse_colour(c)[:3] for c in layer.colors], dtype=np.float32)
        t = np.linspace(0, 1, height, dtype=np.float32)
        stops = np.linspace(0, 1, len(colours), dtype=np.float32)
        column = np.stack([np.interp(t, stops, colours[:, i]) for i in range(3)], axis=-1)
        column = np.round(column).astype(np.uint8).reshape(height, 1, 3)
        from curatarr.artwork.overlays import _to_vips

        img = _to_vips(column)
        return img.replicate(width, 1).copy(interpretation="srgb")
    r, g, b, _a = parse_colour(layer.color)
    return (pyvips.Image.black(width, height, bands=3) + [r, g, b]).cast("uchar").copy(interpretation="srgb")


def _rounded_inside(width: int, height: int, inset: float, radius: float) -> pyvips.Image:
    """Anti-aliased mask (uchar) of the rounded rectangle ``inset`` px inside the canvas."""
    radius = min(radius, (min(width, height) - 2 * inset) / 2)
    sdf = pyvips.Image.sdf(width, height, "rounded-box", a=[inset, inset], b=[width - inset, height - inset],
                           corners=[radius] * 4)
    # sdf < 0 inside; a 1 px ramp across the edge anti-aliases it
    return _clip_to_uchar((0.5 - sdf) * 255)


def _clip_to_uchar(image: pyvips.Image) -> pyvips.Image:
    return (image > 255).ifthenelse(255, (image < 0).ifthenelse(0, image)).cast("uchar")


def reads_in_order(layer: BorderLayer) -> bool:
    """Whether :func:`apply_border` reads the picture once, top to bottom (a single-colour frame
    via ``embed``, the rounded/stroke masks via ``ifthenelse``), so it can join a decode stream."""
    return layer.style != "solid" or not layer.colors


def apply_border(base: pyvips.Image, layer: BorderLayer) -> pyvips.Image:
    width, height = base.width, base.height
    w = layer.width
    if w <= 0:
        return base
    if layer.style == "solid" and not layer.colors and 2 * w < min(width, height):
        # One colour: keep the inner picture and let ``embed`` paint the frame around it — one
        # operation, no full-size colour image (same pixels as IM's -shave w -border w).
        r, g, b, _a = parse_colour(layer.color)
        inner = base.crop(w, w, width - 2 * w, height - 2 * w)
        return inner.embed(w, w, width, height, extend="background", background=[r, g, b]).copy(interpretation="srgb")
    frame = _frame_colour(layer, width, height)
    if layer.style == "solid":
        if 2 * w >= min(width, height):
            return frame
        # Same pixels as IM's -shave w -border w: the outer w px become the frame colour. Four
        # bars are pasted on the picture, so only the bars are computed, not a full-size frame.
        for x, y, bar_w, bar_h in ((0, 0, width, w), (0, height - w, width, w),
                                   (0, w, w, height - 2 * w), (width - w, w, w, height - 2 * w)):
            base = base.insert(frame.crop(x, y, bar_w, bar_h), x, y)
        return base
    if layer.style == "rounded":
        inside = _rounded_inside(width, height, w, max(layer.radius, 0))
        return inside.ifthenelse(base, frame, blend=True).cast("uchar").copy(interpretation="srgb")
    # inner_stroke: a w-px line whose outer edge sits ``inset`` px inside the canvas
    outer = _rounded_inside(width, height, layer.inset, layer.radius)
    inner = _rounded_inside(width, height, layer.inset + w, max(layer.radius - w, 0))
    ring = _clip_to_uchar(outer.cast("int") - inner.cast("int"))
    return ring.ifthenelse(frame, base, blend=True).cast("uchar").copy(interpretation="srgb")
