"""Pure geometry: where boxes sit on the canvas, where ink sits in its box, cover-crop maths."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: "Rect") -> bool:
        return other.x >= self.x and other.y >= self.y and other.right <= self.right and other.bottom <= self.bottom

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]


def box_rect(canvas_w: int, canvas_h: int, box_w: int, box_h: int, offset_bottom: int, offset_x: int = 0) -> Rect:
    """Posterizarr's placement: centred horizontally, bottom edge ``offset_bottom`` px above the
    canvas bottom (``-gravity south -geometry +0+<text_offset>``)."""
    x = (canvas_w - box_w) // 2 + offset_x
    y = canvas_h - offset_bottom - box_h
    return Rect(x, y, box_w, box_h)


def place_in_box(box: Rect, width: int, height: int, align: str, valign: str, pad: int = 0) -> Rect:
    """Position a ``width``×``height`` ink box inside ``box`` (minus ``pad``) by alignment/gravity."""
    inner_x, inner_y = box.x + pad, box.y + pad
    inner_w, inner_h = box.width - 2 * pad, box.height - 2 * pad
    if align == "left":
        x = inner_x
    elif align == "right":
        x = inner_x + inner_w - width
    else:
        x = inner_x + (inner_w - width) // 2
    if valign == "top":
        y = inner_y
    elif valign == "middle":
        y = inner_y + (inner_h - height) // 2
    else:
        y = inner_y + inner_h - height
    return Rect(x, y, width, height)


def cover_size(src_w: int, src_h: int, dst_w: int, dst_h: int) -> tuple[int, int]:
    """Smallest size ≥ the canvas in both dimensions with the source's aspect ratio (IM ``WxH^``)."""
    scale = max(dst_w / src_w, dst_h / src_h)
    return max(dst_w, math.ceil(src_w * scale - 1e-6)), max(dst_h, math.ceil(src_h * scale - 1e-6))


def focal_crop(cover_w: int, cover_h: int, dst_w: int, dst_h: int, fx: float, fy: float) -> tuple[int, int]:
    """Top-left of a ``dst`` crop from a ``cover`` image that centres the focal point if possible."""
    left = round(fx * cover_w - dst_w / 2)
    top = round(fy * cover_h - dst_h / 2)
    return min(max(0, left), cover_w - dst_w), min(max(0, top), cover_h - dst_h)


GRAVITY_TO_ALIGN = {
    "north": ("center", "top"), "south": ("center", "bottom"), "center": ("center", "middle"),
    "east": ("right", "middle"), "west": ("left", "middle"), "northeast": ("right", "top"),
    "northwest": ("left", "top"), "southeast": ("right", "bottom"), "southwest": ("left", "bottom"),
}


def gravity_to_align(gravity: str) -> tuple[str, str]:
    """Posterizarr ``TextGravity`` → (horizontal align, vertical gravity)."""
    return GRAVITY_TO_ALIGN.get(gravity.strip().lower(), ("center", "bottom"))
