"""Artwork fixtures: deterministic photo-like source images, a render context, sample titles."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pyvips
import pytest

from curatarr.artwork.compose import RenderContext
from curatarr.artwork.fonts import FontRegistry
from curatarr.artwork.store import TemplateStore
from curatarr.artwork.textfit import FitCache

LONG_TITLES = {
    "lotr": "The Lord of the Rings: The Return of the King",
    "german": "Donaudampfschifffahrtsgesellschaftskapitän",  # 40+ letters, no break opportunity
    "cjk": "千と千尋の神隠し",
    "arabic": "الرجل العنكبوت: بعيدا عن الوطن",
    "hebrew": "הסיפור שלא נגמר",
    "cyrillic": "Иван Васильевич меняет профессию",
    "thai": "ฉลาดเกมส์โกง",
}


def photo_like(width: int, height: int, seed: int = 7) -> bytes:
    """A noisy colour gradient (a fair stand-in for a photo: busy pixels, all channels)."""
    noise = pyvips.Image.gaussnoise(max(8, width // 8), max(8, height // 8), sigma=50, mean=128, seed=seed)
    noise = noise.resize(width / noise.width, vscale=height / noise.height)
    xyz = pyvips.Image.xyz(width, height)
    gradient = (xyz[0] * (255.0 / width)).bandjoin([xyz[1] * (255.0 / height), (xyz[0] + xyz[1]) * (127.0 / (width + height))])
    image = (noise.bandjoin([noise, noise]) * 0.5 + gradient * 0.5 + 40).cast("uchar").copy(interpretation="srgb")
    return image.jpegsave_buffer(Q=90)


def flat(width: int, height: int, rgb=(200, 200, 200)) -> bytes:
    return (pyvips.Image.black(width, height, bands=3) + list(rgb)).cast("uchar").copy(
        interpretation="srgb").jpegsave_buffer(Q=95)


def png_header_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header claims width×height pixels (the classic decompression bomb shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def poster_src() -> bytes:
    return photo_like(1000, 1500)


@pytest.fixture(scope="session")
def landscape_src() -> bytes:
    return photo_like(1920, 1080, seed=11)


@pytest.fixture(scope="session")
def exact_poster_src() -> bytes:
    return photo_like(2000, 3000, seed=3)


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    d = tmp_path / "overlayfiles"
    d.mkdir()
    return d


@pytest.fixture
def ctx(files_dir: Path) -> RenderContext:
    return RenderContext(fonts=FontRegistry(files_dir), overlay_dir=files_dir, fit_cache=FitCache())


@pytest.fixture(scope="session")
def store() -> TemplateStore:
    return TemplateStore(None)


def decode(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


def mean_rgb(image: pyvips.Image, x: int, y: int, w: int, h: int) -> float:
    return image.crop(x, y, w, h).avg()
