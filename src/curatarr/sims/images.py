"""Procedurally generated artwork bytes for the simulators (Pillow).

``render_artwork(artwork, title)`` returns JPEG bytes (PNG with alpha for logos and clearart) of
exactly ``artwork.width x artwork.height``: a seeded two-colour gradient with a few shapes; when
``artwork.has_text`` the title and the language code are drawn on it, textless artwork carries no
text at all. Output is deterministic for a given artwork + title (same Pillow version).

``small=True`` renders the same picture at 1/10 of the size (aspect ratio kept, at least 16 px a
side) — cheap for tests that only need *an* image. Results are cached (bounded LRU).

``use_stock_images(True)`` (benchmarks): every artwork is served from a small set of pre-rendered
pictures of the same size, kind and format (a few variants each, no per-title text), so a
simulator serving 200,000 different images costs no Pillow work per request — what a real
provider's CDN costs its client. Off by default; tests keep per-artwork pictures.
"""

from __future__ import annotations

import io
import random
import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from curatarr.sims.library import Artwork

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Bold.ttf",
)
SMALL_FACTOR = 10
STOCK_VARIANTS = 3
_stock = {"on": False}


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _palette(seed: int) -> tuple[tuple[int, int, int], tuple[int, int, int], random.Random]:
    rng = random.Random(seed)
    top = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    bottom = tuple(max(0, c - rng.randrange(60, 160)) for c in top)
    return top, bottom, rng  # type: ignore[return-value]


def _gradient(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    # A 1-pixel-wide column resized with NEAREST: far cheaper than filling width*height pixels in Python.
    column = Image.new("RGB", (1, 256))
    column.putdata([tuple(int(t + (b - t) * y / 255) for t, b in zip(top, bottom)) for y in range(256)])
    return column.resize((width, height), Image.Resampling.BILINEAR)


def _shapes(draw: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int) -> None:
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(max(2, min(width, height) // 12), max(3, min(width, height) // 3))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)


def _draw_text(draw: ImageDraw.ImageDraw, text: str, width: int, height: int, *, top_fraction: float,
               fill: tuple[int, ...], max_lines: int = 3) -> None:
    size = max(8, width // 12)
    lines = textwrap.wrap(text, width=max(6, int(width / (size * 0.6)))) or [text]
    font = _font(size)
    y = int(height * top_fraction)
    for line in lines[:max_lines]:
        draw.text((width // 2, y), line, font=font, fill=fill, anchor="ma")
        y += int(size * 1.2)


def _render(artwork: Artwork, title: str, width: int, height: int) -> bytes:
    top, bottom, rng = _palette(artwork.seed)
    transparent = artwork.kind in ("logo", "clearart")
    if transparent:
        img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    else:
        img = _gradient(width, height, top, bottom)
    draw = ImageDraw.Draw(img)
    if not transparent:
        _shapes(draw, rng, width, height)
    if artwork.has_text:
        if transparent:
            _draw_text(draw, title, width, height, top_fraction=0.3, fill=(*top, 255), max_lines=2)
        elif artwork.kind == "still":
            _draw_text(draw, title, width, height, top_fraction=0.8, fill=(255, 255, 255), max_lines=1)
        else:
            label = f"Season {artwork.season_number}" if artwork.kind == "season" and artwork.season_number is not None else None
            _draw_text(draw, title, width, height, top_fraction=0.72, fill=(255, 255, 255))
            if label:
                _draw_text(draw, label, width, height, top_fraction=0.9, fill=(255, 255, 220), max_lines=1)
        if artwork.language:
            badge = max(8, width // 20)
            draw.text((badge // 2, badge // 2), artwork.language.upper(), font=_font(badge), fill=(255, 255, 0))
    out = io.BytesIO()
    if transparent:
        img.save(out, format="PNG", optimize=False)
    else:
        img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def use_stock_images(enabled: bool = True) -> None:
    """Serve pre-rendered stock pictures instead of one picture per artwork (see module docstring)."""
    _stock["on"] = bool(enabled)


@lru_cache(maxsize=256)
def _stock_picture(kind: str, has_text: bool, width: int, height: int, variant: int) -> bytes:
    art = Artwork(kind=kind, language="en" if has_text else None, width=width, height=height, has_text=has_text,
                  vote_average=0.0, vote_count=0, likes=0, seed=variant, provider_id=f"stock{variant}",
                  season_number=1 if kind == "season" else None)
    return _render(art, "Stock Artwork", width, height)


def render_artwork(artwork: Artwork, title: str = "", *, small: bool = False) -> bytes:
    """Image bytes for ``artwork`` (JPEG, or PNG for logo/clearart); see module docstring."""
    width, height = artwork.width, artwork.height
    if small:
        width, height = max(16, width // SMALL_FACTOR), max(16, height // SMALL_FACTOR)
    if _stock["on"]:
        return _stock_picture(artwork.kind, artwork.has_text, width, height, artwork.seed % STOCK_VARIANTS)
    return _rendered(artwork, title, width, height)


@lru_cache(maxsize=128)
def _rendered(artwork: Artwork, title: str, width: int, height: int) -> bytes:
    return _render(artwork, title, width, height)


def render_placeholder(width: int, height: int, *, seed: int = 0, text: str = "",
                       kind: str = "poster") -> bytes:
    """An ad-hoc image (e.g. an upload in a test) without a library Artwork."""
    art = Artwork(kind=kind, language="en" if text else None, width=width, height=height, has_text=bool(text),
                  vote_average=0.0, vote_count=0, likes=0, seed=seed, provider_id=f"placeholder{seed}")
    return render_artwork(art, text)
