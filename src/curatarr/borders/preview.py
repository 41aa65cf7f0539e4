"""The live preview: render a few posters (from the asset folder, one named file inside the roots,
or built-in samples) before | after, side by side, at screen size, and hand them out by token.

Renders are kept in memory per runtime (at most ``MAX_TOKENS``, each for ``TOKEN_TTL`` seconds), so
nothing is written anywhere and an old token simply answers 404. A 2000×3000 JPEG is decoded with
libvips' shrink-on-load (the JPEG decoder skips most of the work), so a preview costs a few tens
of milliseconds, not a full-size render.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyvips
from pydantic import ValidationError

from curatarr.artwork.source import MAX_IMAGE_BYTES, to_srgb8
from curatarr.borders.colours import normalise_colours
from curatarr.borders.config import IMAGE_SUFFIXES, BorderReplacerrConfig
from curatarr.borders.holidays import PRESETS
from curatarr.borders.posters import asset_title
from curatarr.borders.replace import PosterError, Style, apply, load
from curatarr.borders.run import choose, today_for
from curatarr.errors import Invalid, NotFound
from curatarr.security.paths import safe_path

TOKEN_TTL = 600.0
MAX_TOKENS = 96
PREVIEW_HEIGHT = 720  # each half of the composite
GAP = 16
_TOKEN_FILE = re.compile(r"([0-9a-f]{32})\.jpg")
_SEASON_NUMBER = re.compile(r"season\s*0*(\d+)", re.IGNORECASE)


class PreviewStore:
    """token → JPEG bytes, bounded and expiring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, bytes]] = {}

    def put(self, data: bytes) -> str:
        token = uuid.uuid4().hex
        now = time.monotonic()
        with self._lock:
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
            while len(self._items) >= MAX_TOKENS:
                self._items.pop(next(iter(self._items)))
            self._items[token] = (now + TOKEN_TTL, data)
        return token

    def get(self, filename: str) -> bytes:
        match = _TOKEN_FILE.fullmatch(filename)
        with self._lock:
            item = self._items.get(match.group(1)) if match else None
        if item is None or item[0] <= time.monotonic():
            raise NotFound("no such preview (it may have expired; render it again)")
        return item[1]


_stores: "weakref.WeakKeyDictionary[Any, PreviewStore]" = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_for(rt: Any) -> PreviewStore:
    with _stores_lock:
        store = _stores.get(rt)
        if store is None:
            store = _stores[rt] = PreviewStore()
        return store


def current_config(rt: Any) -> BorderReplacerrConfig:
    """The saved section; a section that no longer validates is reported, not half-used."""
    section = rt.config.get_section("border_replacerr") or {}
    try:
        return BorderReplacerrConfig.model_validate(section if isinstance(section, dict) else {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(section)"
        raise Invalid(f"the border_replacerr settings are invalid: {where}: {first.get('msg')}") from None


# ---- options and calendar --------------------------------------------------------------------------

def options(rt: Any) -> list[dict]:
    config = current_config(rt)
    today = today_for(rt, config)
    active = choose(config, today).holiday
    out = [{"value": "default", "label": "Default colours", "colors": list(config.border_colors)},
           {"value": "current", "label": f"Current ({active or 'no holiday'})", "holiday": active}]
    for h in config.holidays:
        out.append({"value": h.name, "label": h.name, "schedule": h.schedule, "colors": list(h.colors),
                    "active": h.name == active})
    return out


def calendar(rt: Any, as_of: date | None = None) -> dict:
    config = current_config(rt)
    today = as_of or today_for(rt, config)
    choice = choose(config, today)
    rows = []
    for h in config.holidays:
        first, last = h.range.occurrence(today)
        rows.append({"name": h.name, "schedule": h.schedule, "colors": list(h.colors), "start": first.isoformat(),
                     "end": last.isoformat(), "active": h.name == choice.holiday,
                     "in_range": first <= today <= last, "days_until": max(0, (first - today).days)})
    return {"today": today.isoformat(), "active": choice.holiday, "colors": choice.colours,
            "border_colors": list(config.border_colors), "border_width": config.border_width,
            "holidays": rows, "presets": [dict(p) for p in PRESETS]}


# ---- previews --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    title: str
    kind: str
    season_number: int | None
    data: bytes | None  # None = a built-in sample
    label: str


def _describe(rel: Path, data: bytes | None, label: str) -> Source:
    title = asset_title(rel)
    season = _SEASON_NUMBER.search(rel.stem)
    kind = "season" if season else "collection" if title.casefold().endswith("collection") else "poster"
    return Source(title, kind, int(season.group(1)) if season else None, data, label)


def _read(path: Path) -> bytes:
    if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
        raise Invalid(f"{path} is not a poster file (JPEG, PNG or WebP)")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise Invalid(f"{path} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    return path.read_bytes()


def _first_posters(folders: list[str], roots: list[Path], count: int) -> list[Source]:
    found: list[Source] = []
    for folder in folders:
        try:
            root = safe_path(folder, roots)
        except ValueError:
            continue
        for here, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(IMAGE_SUFFIXES):
                    continue
                path = Path(here) / name
                try:
                    found.append(_describe(path.relative_to(root), _read(path), str(path)))
                except (Invalid, OSError):
                    continue
                if len(found) >= count:
                    return found
    return found


def sample_poster(index: int, width: int = 1000, height: int = 1500, border: int = 26) -> bytes:
    """A built-in sample: a two-colour gradient with a disc, inside a white ``border`` px frame."""
    hue = (index * 67) % 360
    lch = [60.0, 50.0, float(hue)]
    y = pyvips.Image.xyz(1, height)[1] / height
    colour = (y * -35 + lch[0]).bandjoin([y * 0 + lch[1], y * 0 + lch[2]]).copy(interpretation="lch")
    picture = colour.colourspace("srgb").replicate(width, 1).cast("uchar")
    disc = pyvips.Image.sdf(width, height, "circle", a=[width / 2, height * 0.4], r=width * 0.28)
    picture = (disc < 0).ifthenelse([245, 235, 200], picture).cast("uchar")
    inner = picture.crop(border, border, width - 2 * border, height - 2 * border)
    framed = inner.embed(border, border, width, height, extend="background", background=[255, 255, 255])
    return framed.copy(interpretation="srgb").jpegsave_buffer(Q=88)


def _half(data: bytes, style: Style) -> tuple[pyvips.Image, pyvips.Image, int, int]:
    """(before, after) at preview height; the border width scales with the picture."""
    image, _fmt = load(data, streaming=False)
    full_w, full_h = image.width, image.height
    scale = min(1.0, PREVIEW_HEIGHT / full_h)
    try:
        small = pyvips.Image.thumbnail_buffer(data, max(1, round(full_w * scale)), height=PREVIEW_HEIGHT,
                                              size="down", option_string="fail_on=truncated")
    except pyvips.Error:
        raise PosterError("corrupt or unreadable image") from None
    # decoded once into memory: both halves read it (a lazy thumbnail would decode the JPEG twice)
    small = to_srgb8(small, (0, 0, 0)).copy_memory()
    width = max(1, round(style.width * small.width / full_w))
    after = apply(small, Style(width, style.colour))
    return small, after, full_w, full_h


def _composite(before: pyvips.Image, after: pyvips.Image) -> bytes:
    width = before.width + GAP + after.width
    height = max(before.height, after.height)
    canvas = before.embed(0, 0, width, height, extend="background", background=[24, 24, 28])
    canvas = canvas.insert(after, before.width + GAP, 0)
    return canvas.copy(interpretation="srgb").jpegsave_buffer(Q=85, strip=True)


def render_previews(rt: Any, *, count: int, holiday: str, path: str | None, colors: list[str] | None,
                    width: int | None) -> dict:
    config = current_config(rt)
    today = today_for(rt, config)
    if colors is not None:
        colours, name = normalise_colours(colors), None
    elif holiday == "default":
        colours, name = list(config.border_colors), None
    elif holiday == "current":
        chosen = choose(config, today)
        colours, name = chosen.colours, chosen.holiday
    else:
        match = next((h for h in config.holidays if h.name == holiday), None)
        if match is None:
            raise Invalid(f"unknown holiday {holiday!r}: use default, current or a configured holiday's name")
        colours, name = list(match.colors), match.name
    border = width or config.border_width
    roots = rt.roots()
    if path:
        target = safe_path(path, roots)
        sources = [_describe(Path(target.parent.name) / target.name, _read(target), str(target))]
    else:
        sources = _first_posters(config.source_dirs, roots, count)
    if not sources:
        sources = [Source(f"Sample {i + 1}", "poster", None, None, "built-in sample") for i in range(count)]
    store = store_for(rt)
    previews = []
    for i, src in enumerate(sources):
        style = Style(border, colours[i % len(colours)] if colours else None)
        data = src.data if src.data is not None else sample_poster(i, border=border)
        try:
            before, after, full_w, full_h = _half(data, style)
            composite = _composite(before, after)
        except PosterError as exc:
            raise Invalid(f"{src.label}: {exc}") from None
        except pyvips.Error:  # pixels that fail only once decoded (a truncated JPEG)
            raise Invalid(f"{src.label}: corrupt or unreadable image") from None
        token = store.put(composite)
        previews.append({"token": token, "title": src.title, "kind": src.kind, "season_number": src.season_number,
                         "color": style.colour, "url": f"/api/border-replacerr/preview/file/{token}.jpg",
                         "source": src.label, "width": full_w, "height": full_h})
    return {"previews": previews, "holiday": name, "colors": colours, "border_width": border,
            "today": today.isoformat()}


def preview_file(rt: Any, filename: str) -> bytes:
    return store_for(rt).get(filename)


__all__ = ["render_previews", "preview_file", "options", "calendar", "sample_poster"]
