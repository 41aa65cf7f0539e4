"""The renderer's fast paths pinned against the straightforward computation they replace.

* the black glow/fade plate (3-band inverse alpha, one multiply + shift, border folded in) against
  a plain float blend of the same gradients followed by a separate border;
* painting text in place on the canvas buffer against the lazy ``insert`` blend;
* a streamed (sequential) source through plate → border → paint, which must not be read out of order.
"""

from __future__ import annotations

import numpy as np
import pyvips
import pytest

from curatarr.artwork.border import apply_border, reads_in_order
from curatarr.artwork.canvas import Canvas
from curatarr.artwork.overlays import (
    _clip,
    blend,
    blend_black,
    combined_plate,
    is_black_frame,
    make_gradient_plate,
    mask_over,
    paint_mask,
    plates,
)
from curatarr.artwork.templates import BorderLayer, GradientLayer

from .conftest import photo_like

W, H = 240, 360
GLOW = GradientLayer(type="gradient", id="glow", shape="edges", size=0.07,
                     stops=[{"at": 0, "opacity": 0.6}, {"at": 1, "opacity": 0}])
FADE = GradientLayer(type="gradient", id="fade", direction="to_bottom",
                     stops=[{"at": 0, "opacity": 0}, {"at": 0.55, "opacity": 0}, {"at": 1, "opacity": 0.85}])
FRAME = BorderLayer(type="border", width=6, color="#000000")


def _array(image: pyvips.Image) -> np.ndarray:
    return image.numpy().astype(np.int32)


def blend_mask(base: pyvips.Image, mask: pyvips.Image, colour: tuple[int, int, int, int], x: int, y: int,
               opacity: float = 1.0) -> pyvips.Image:
    """Paint ``colour`` through a 1-band ``mask`` at (x, y), touching only that region (lazy insert)."""
    clipped = _clip(base.width, base.height, mask, x, y)
    if clipped is None:
        return base
    mask, bx, by = clipped
    return base.insert(mask_over(base.crop(bx, by, mask.width, mask.height), mask, colour, opacity), bx, by)


@pytest.fixture
def base() -> pyvips.Image:
    plates.clear()
    return pyvips.Image.new_from_buffer(photo_like(W, H, seed=5), "").copy_memory()


def test_black_plate_matches_a_plain_float_blend_then_border(base):
    # straightforward: each gradient's alpha as float, composited over the picture, rounded; then the border
    keep = np.ones((H, W), dtype=np.float64)
    for layer in (GLOW, FADE):
        keep *= np.atleast_3d(_array(make_gradient_plate(layer, W, H).inv_alpha))[..., 0] / 255
    reference = np.floor(_array(base) * keep[..., None] + 0.5)
    w = FRAME.width
    reference[:w], reference[-w:], reference[:, :w], reference[:, -w:] = 0, 0, 0, 0

    assert is_black_frame(FRAME, W, H)
    plate = combined_plate([GLOW, FADE], W, H, border=FRAME)
    assert plate.inv3 is not None and plate.inv3.bands == 3
    fast = _array(blend_black(base, plate.inv3))

    diff = reference - fast
    assert diff.min() >= -1 and diff.max() <= 2  # (v·inv) >> 8: never brighter, ≤ 2 levels darker
    assert np.abs(diff).mean() < 1.0
    assert fast[:w].max() == 0 and fast[-w:].max() == 0 and fast[:, :w].max() == 0 and fast[:, -w:].max() == 0
    assert fast[H // 3, W // 2].tolist() != [0, 0, 0]  # the middle is not blacked out


def test_folded_border_equals_blend_then_apply_border(base):
    folded = combined_plate([GLOW, FADE], W, H, border=FRAME)
    separate = combined_plate([GLOW, FADE], W, H)
    assert separate.inv3 is not None
    expected = apply_border(blend(base, separate), FRAME)
    assert np.array_equal(_array(blend(base, folded)), _array(expected))


def test_non_black_or_framed_borders_are_not_folded():
    assert not is_black_frame(BorderLayer(type="border", width=6, color="#101010"), W, H)
    assert not is_black_frame(BorderLayer(type="border", width=6, color="#00000080"), W, H)
    assert not is_black_frame(BorderLayer(type="border", width=6, style="rounded", radius=10), W, H)
    assert not is_black_frame(BorderLayer(type="border", width=6, colors=["#000000", "#000000"]), W, H)
    assert not is_black_frame(BorderLayer(type="border", width=200), W, H)


@pytest.mark.parametrize("colour", [(255, 255, 255, 255), (0, 0, 0, 255), (200, 30, 90, 255), (255, 255, 255, 128)])
def test_painting_in_place_equals_the_lazy_insert(base, colour):
    mask = pyvips.Image.gaussnoise(90, 40, sigma=80, mean=128, seed=3).cast("uchar")  # cast clips to 0..255
    expected = blend_mask(base, mask, colour, 100, 300)  # also clipped: it runs off the bottom edge
    canvas = Canvas(base)
    paint_mask(canvas, mask, colour, 100, 300)
    got = _array(canvas.image)
    assert np.array_equal(got, _array(expected))
    assert not np.array_equal(got, _array(base))


def test_streamed_source_through_plate_border_and_paint_is_read_in_order():
    data = photo_like(W, H, seed=9)
    plates.clear()
    plate = combined_plate([GLOW, FADE], W, H, border=FRAME)
    mask = (pyvips.Image.black(50, 20) + 255).cast("uchar")

    red = BorderLayer(type="border", width=3, color="#ff0000")
    rounded = BorderLayer(type="border", style="rounded", width=8, radius=20, color="#00ff00")
    graded = BorderLayer(type="border", width=5, colors=["#0000ff", "#00ffff"])
    assert reads_in_order(red) and reads_in_order(rounded) and not reads_in_order(graded)

    def run(sequential: bool, frame: BorderLayer) -> np.ndarray:
        source = pyvips.Image.new_from_buffer(data, "", access="sequential" if sequential else "random")
        canvas = Canvas(source, sequential=sequential)
        canvas.pointwise(lambda image: blend_black(image, plate.inv3))
        canvas.pointwise(lambda image: apply_border(image, rounded))  # still streaming
        paint_mask(canvas, mask, (255, 255, 255, 255), 0, 0)  # at the very top: the stream is already read
        step = canvas.pointwise if reads_in_order(frame) else canvas.transform
        step(lambda image: apply_border(image, frame))
        paint_mask(canvas, mask, (0, 0, 0, 255), 100, 200)
        return _array(canvas.image)

    for frame, corner in ((red, [255, 0, 0]), (graded, [0, 0, 255])):
        streamed, random = run(True, frame), run(False, frame)
        assert np.array_equal(streamed, random)
        assert streamed[10, 20].tolist() == [255, 255, 255] and streamed[0, 0].tolist() == corner


def test_single_colour_frame_equals_the_bar_by_bar_frame(base):
    # embed (fast path) against the four pasted bars of a one-stop colour list (the general path)
    fast = apply_border(base, BorderLayer(type="border", width=7, color="#336699"))
    bars = apply_border(base, BorderLayer(type="border", width=7, colors=["#336699", "#336699"]))
    assert np.array_equal(_array(fast), _array(bars))
    assert _array(fast)[3, 100].tolist() == [0x33, 0x66, 0x99]


@pytest.mark.parametrize("focal", ["center", "attention", (0.2, 0.5)])
@pytest.mark.parametrize("size", [(1000, 1500), (1920, 1080), (2000, 3000)])
def test_streamed_render_matches_the_decoded_in_memory_source(store, ctx, focal, size):
    # render() streams the source (sequential decode); whatever the resize/crop path, the picture
    # must be the one load_cover gives when it decodes into memory first
    from curatarr.artwork.compose import RenderInputs, render
    from curatarr.artwork.source import load_cover
    from curatarr.artwork.textprep import TextInputs

    template = store.resolve("classic", "poster")
    template = template.model_copy(update={"source": template.source.model_copy(update={"focal_point": focal})})
    data = photo_like(*size, seed=13)
    result = render(template, RenderInputs(image=data, texts=TextInputs(title="Heat")), ctx)
    out = pyvips.Image.new_from_buffer(result.data, "")
    source = load_cover(data, 2000, 3000, focal_point=focal)
    # the middle of the canvas: no text, no border, overlay α = 0 (at most one level darker)
    x, y, w, h = 400, 700, 1200, 600
    diff = (out.crop(x, y, w, h).cast("int") - source.crop(x, y, w, h).cast("int")).abs()
    assert diff.avg() < 2.0
    assert result.layers[0]["lines"] == ["HEAT"]
