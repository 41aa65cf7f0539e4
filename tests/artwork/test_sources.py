"""Every kind of source picture comes out as the exact canvas in 8-bit sRGB."""

from __future__ import annotations

import pyvips
import pytest

from curatarr.artwork.source import load_cover

from .conftest import photo_like


def _variants():
    rgb = pyvips.Image.new_from_buffer(photo_like(300, 450), "")
    grey = rgb.colourspace("b-w")
    yield "grey-png", grey.pngsave_buffer()
    yield "rgba-png", rgb.bandjoin(128).copy(interpretation="srgb").pngsave_buffer()
    yield "16bit-png", (rgb.cast("ushort") * 256).copy(interpretation="rgb16").pngsave_buffer()
    yield "cmyk-jpeg", rgb.colourspace("cmyk").jpegsave_buffer()
    yield "webp", rgb.webpsave_buffer()
    yield "gif", rgb.gifsave_buffer() if hasattr(rgb, "gifsave_buffer") else rgb.pngsave_buffer()
    yield "tiny", rgb.resize(0.1).jpegsave_buffer()
    rotated = rgb.copy()
    rotated.set_type(pyvips.GValue.gint_type, "orientation", 6)
    yield "exif-rotated", rotated.jpegsave_buffer()


@pytest.mark.parametrize("name, data", list(_variants()), ids=lambda v: v if isinstance(v, str) else "")
def test_sources_become_exact_srgb_canvases(name, data):
    image = load_cover(data, 2000, 3000)
    assert (image.width, image.height, image.bands, image.format) == (2000, 3000, 3, "uchar")
    assert image.interpretation == "srgb"
    assert 5 < image.avg() < 250


def test_focal_point_moves_the_crop():
    import numpy as np

    arr = np.zeros((1000, 3000, 3), dtype=np.uint8)
    arr[:, :1000] = 255  # left third white, rest black
    wide = pyvips.Image.new_from_array(arr).copy(interpretation="srgb").pngsave_buffer()
    left = load_cover(wide, 2000, 3000, focal_point=(0.0, 0.5))
    centre = load_cover(wide, 2000, 3000, focal_point="center")
    assert left.crop(0, 1000, 200, 200).avg() > 250 and centre.crop(900, 1000, 200, 200).avg() < 5
