"""Real poster files with a known border, and a started runtime whose border_replacerr section
points at them."""

from __future__ import annotations

from pathlib import Path

import pyvips
import pytest

from tests._fixtures import run_module

WAIT = 60
BORDER = 12
INNER = (40, 120, 200)
OLD = (255, 255, 255)


def poster_bytes(width: int = 300, height: int = 450, *, border: int = BORDER, inner=INNER, old=OLD,
                 fmt: str = "png") -> bytes:
    """A poster: a solid ``inner`` picture inside a ``border`` px frame of ``old``."""
    picture = (pyvips.Image.black(width - 2 * border, height - 2 * border, bands=3) + list(inner)).cast("uchar")
    image = picture.embed(border, border, width, height, extend="background", background=list(old))
    image = image.copy(interpretation="srgb")
    return image.pngsave_buffer() if fmt == "png" else image.jpegsave_buffer(Q=95)


def write_poster(path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(poster_bytes(**kw))
    return path


def pixel(path: Path, x: int, y: int) -> list[int]:
    image = pyvips.Image.new_from_buffer(path.read_bytes(), "")  # from_file would hit libvips' cache
    return [round(v) for v in image(x, y)[:3]]


def size(path: Path) -> tuple[int, int]:
    image = pyvips.Image.new_from_buffer(path.read_bytes(), "")
    return image.width, image.height


@pytest.fixture
def assets(tmp_path) -> Path:
    """A Kometa asset folder (folder layout) with two movies, a show with a season and a collection."""
    root = tmp_path / "assets"
    write_poster(root / "Alien (1979) {tmdb-348}" / "poster.png")
    write_poster(root / "Blade Runner (1982) {tmdb-78}" / "poster.png", width=400, height=500)  # not 2:3
    write_poster(root / "Dexter (2006) {tvdb-79349}" / "Season01.png")
    write_poster(root / "Marvel Collection" / "poster.png", inner=(200, 30, 30))
    return root


@pytest.fixture
def rt(runtime, assets):
    runtime.config.update({"border_replacerr": {"source_dirs": [str(assets)], "border_width": BORDER,
                                                "border_colors": ["#ff0000"]}})
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, **overrides) -> dict:
    return run_module(rt, "border_replacerr", overrides, wait=WAIT)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
