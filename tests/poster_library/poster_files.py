"""Poster library test helpers and fixtures (imported by the test modules that use them, not a
conftest, so other areas can add their own conftest here): real image files (pyvips-encoded) in
poster-set folders, and a runtime whose ``poster_renamerr`` section names them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pyvips


def image_bytes(seed: int, width: int = 200, height: int = 300, fmt: str = "jpeg") -> bytes:
    """A small poster whose art depends on ``seed`` (different seeds → different perceptual hashes)."""
    img = pyvips.Image.black(width, height, bands=3)
    for i in range(4):
        x = (seed * 37 + i * 53) % width
        y = (seed * 61 + i * 29) % height
        img = img.draw_circle([(seed * 40 + i * 70) % 255, (seed * 90) % 255, 200], x, y, width // 4, fill=True)
    img = img.gaussblur(3)
    if fmt == "png":
        return img.pngsave_buffer()
    if fmt == "webp":
        return img.webpsave_buffer(Q=80)
    return img.jpegsave_buffer(Q=88)


def resized_copy(data: bytes, scale: float, fmt: str = "webp") -> bytes:
    """The same art, resized and re-encoded (a near duplicate)."""
    img = pyvips.Image.new_from_buffer(data, "").resize(scale)
    return img.webpsave_buffer(Q=70) if fmt == "webp" else img.jpegsave_buffer(Q=70)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def folders(tmp_path) -> dict[str, Path]:
    out = {name: tmp_path / name for name in ("sets_a", "sets_b", "uploads", "assets")}
    for p in out.values():
        p.mkdir()
    return out


@pytest.fixture
def tree(folders) -> dict[str, Path]:
    """Two set folders; the second one re-makes one poster of the first (later source wins)."""
    a, b = folders["sets_a"], folders["sets_b"]
    write(a / "Alpha Set" / "The Matrix (1999) {tmdb-603}.jpg", image_bytes(1))
    write(a / "Alpha Set" / "Breaking Bad (2008) - Season 1.jpg", image_bytes(2))
    write(a / "Alpha Set" / "Breaking Bad (2008) - Specials.png", image_bytes(3, fmt="png"))
    write(a / "Alpha Set" / "Star Wars Collection.jpg", image_bytes(4))
    write(a / "Alpha Set" / "Tiny Poster (2001).jpg", image_bytes(5, 100, 150))
    write(a / "Alpha Set" / "copy of matrix (1999).jpg", image_bytes(1))                   # exact duplicate
    write(b / "Beta Set" / "The Matrix (1999).webp", resized_copy(image_bytes(1), 0.5))      # near duplicate
    write(b / "Beta Set" / "Empty (2000).jpg", b"")
    write(b / "Beta Set" / "Not An Image (2000).jpg", b"<html>hello</html>")
    return folders


def configure(rt, folders: dict[str, Path], **extra) -> None:
    rt.config.update({"poster_renamerr": {
        "source_dirs": [str(folders["sets_a"]), str(folders["sets_b"])],
        "upload_dir": str(folders["uploads"]),
        "destination_dir": str(folders["assets"]),
        **extra,
    }})


def touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
