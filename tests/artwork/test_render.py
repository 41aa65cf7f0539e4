"""Rendering every kind: exact canvas, border pixels, overlay darkening, text inside its box,
long and non-Latin titles without tofu, the other families, logos, test mode."""

from __future__ import annotations

import pytest

from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.layout import Rect
from curatarr.artwork.templates import BorderLayer, GradientLayer, Kind, TextLayer
from curatarr.artwork.textprep import TextInputs

from .conftest import LONG_TITLES, decode, flat, mean_rgb

KINDS = [k.value for k in Kind]
TEXTS = TextInputs(title="The Matrix", season_name="Season 1", season_number=1, episode_number=5,
                   episode_title="The Long Night")


def _src(kind, poster_src, landscape_src):
    return landscape_src if kind in ("background", "titlecard") else poster_src


def _without(template, *types):
    return template.model_copy(update={"layers": [l for l in template.layers if not isinstance(l, types)]})


@pytest.mark.parametrize("kind", KINDS)
def test_classic_kind_canvas_border_overlay_and_text(kind, store, ctx, poster_src, landscape_src):
    template = store.resolve("classic", kind)
    src = _src(kind, poster_src, landscape_src)
    result = render(template, RenderInputs(image=src, texts=TEXTS), ctx)
    image = decode(result.data)
    width, height = template.size
    assert (image.width, image.height) == (width, height) == (result.width, result.height)
    assert result.format == "jpeg" and not result.truncated and not result.skipped

    # border: the outer 30 px are black (a little JPEG ringing allowed near the inner edge)
    for x, y, w, h in [(0, 0, width, 24), (0, height - 24, width, 24), (0, 0, 24, height), (width - 24, 0, 24, height)]:
        assert mean_rgb(image, x, y, w, h) < 4.0
        assert image.crop(x, y, w, h).max() < 60

    # overlay: compared with the same render without overlays, the bottom is darker, the centre is not
    plain = decode(render(_without(template, GradientLayer), RenderInputs(image=src, texts=TEXTS), ctx).data)
    boxes = [Rect(*item["box"]) for item in result.layers]
    free_y = height - 30 - 60  # a strip just above the border, below every text box
    assert all(b.bottom <= free_y for b in boxes)
    assert mean_rgb(image, 200, free_y, width - 400, 40) < 0.5 * mean_rgb(plain, 200, free_y, width - 400, 40)
    cx, cy = width // 2 - 200, height // 4
    assert abs(mean_rgb(image, cx, cy, 400, 200) - mean_rgb(plain, cx, cy, 400, 200)) < 2.0

    # text: the report's ink box is inside its box, and the pixels that text changed are too
    no_text = decode(render(_without(template, TextLayer), RenderInputs(image=src, texts=TEXTS), ctx).data)
    changed = (image - no_text).abs().bandmean() > 40
    left, top, w, h = changed.find_trim(background=0, threshold=0.5)
    assert w > 0 and h > 0, "no text drawn"
    union = Rect(min(b.x for b in boxes), min(b.y for b in boxes),
                 max(b.right for b in boxes) - min(b.x for b in boxes),
                 max(b.bottom for b in boxes) - min(b.y for b in boxes))
    assert union.contains(Rect(left, top, w, h))
    for item in result.layers:
        assert Rect(*item["box"]).contains(Rect(*item["ink"]))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["lotr", "german", "cjk", "arabic"])
def test_long_and_non_latin_titles_fit_or_follow_the_rule(kind, name, store, ctx, poster_src, landscape_src):
    template = store.resolve("classic", kind)
    title = LONG_TITLES[name]
    texts = TextInputs(title=title, season_name=title, episode_title=title, season_number=1, episode_number=1)
    result = render(template, RenderInputs(image=_src(kind, poster_src, landscape_src), texts=texts), ctx)
    assert result.missing_glyphs == []  # no character left without a glyph (no tofu)
    for item in result.layers:
        layer = next(l for l in template.layers if getattr(l, "id", None) == item["id"])
        assert Rect(*item["box"]).contains(Rect(*item["ink"]))
        if item["truncated"]:
            assert item["action"] == layer.overflow == "skip" and result.skipped
        else:
            assert layer.min_size <= item["size"] <= layer.max_size
    if name in ("cjk", "arabic"):
        main = next(item for item in result.layers if item["text"] == title.upper() or item["text"] == title)
        assert not main["truncated"]


@pytest.mark.parametrize("family", ["cinema", "editorial"])
@pytest.mark.parametrize("kind", KINDS)
def test_our_families_render_every_kind_and_never_drop(family, kind, store, ctx, poster_src, landscape_src):
    template = store.resolve(family, kind)
    texts = TextInputs(title=LONG_TITLES["lotr"] * 2, season_name="Season 12", season_number=12, episode_number=3,
                       episode_title=LONG_TITLES["lotr"] * 2)
    result = render(template, RenderInputs(image=_src(kind, poster_src, landscape_src), texts=texts), ctx)
    assert (result.width, result.height) == template.size
    assert not result.skipped  # shrink / ellipsize: our families never silently drop an asset
    for item in result.layers:
        assert Rect(*item["box"]).contains(Rect(*item["ink"]))


def test_exact_size_source_path_matches_canvas(store, ctx, exact_poster_src):
    result = render(store.resolve("classic", "poster"), RenderInputs(image=exact_poster_src, texts=TEXTS), ctx)
    image = decode(result.data)
    assert (image.width, image.height) == (2000, 3000)


def test_cover_crop_of_an_odd_aspect_source(store, ctx):
    wide = flat(3000, 1000, (10, 200, 30))
    result = render(store.resolve("classic", "poster"), RenderInputs(image=wide, texts=TEXTS), ctx)
    image = decode(result.data)
    assert (image.width, image.height) == (2000, 3000)
    assert abs(image.crop(900, 800, 200, 200).avg() - (10 + 200 + 30) / 3) < 3


def test_border_styles_and_colour_lists(ctx, store):
    base = store.resolve("classic", "poster")
    src = flat(2000, 3000, (200, 200, 200))
    variants = {
        "gradient": BorderLayer(type="border", width=40, colors=["#ff0000", "#0000ff"]),
        "rounded": BorderLayer(type="border", width=40, style="rounded", radius=120, color="#00ff00"),
        "inner": BorderLayer(type="border", width=10, style="inner_stroke", inset=60, color="#ff0000"),
    }
    out = {}
    for name, border in variants.items():
        template = base.model_copy(update={"layers": [border]})
        out[name] = decode(render(template, RenderInputs(image=src), ctx).data)
    top = out["gradient"].crop(500, 5, 100, 20).getpoint(50, 10)
    bottom = out["gradient"].crop(500, 2975, 100, 20).getpoint(50, 10)
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60
    rounded = out["rounded"]
    assert rounded.getpoint(60, 60)[1] > 200 and rounded.getpoint(60, 60)[0] < 60  # corner filled by the frame
    assert abs(rounded.getpoint(1000, 1500)[0] - 200) < 4  # picture untouched inside
    inner = out["inner"]
    assert inner.getpoint(1000, 64)[0] > 200 and inner.getpoint(1000, 64)[1] < 60  # the stroke
    assert abs(inner.getpoint(1000, 20)[0] - 200) < 4  # outside the stroke: picture, not frame


def test_stroke_and_shadow_are_drawn_around_the_text(ctx, store):
    template = store.resolve("classic", "poster")
    layer = next(l for l in template.layers if isinstance(l, TextLayer))
    styled = {**layer.model_dump(mode="json"), "stroke": {"width": 12, "color": "#ff0000"},
              "shadow": {"color": "#0000ff", "opacity": 1, "blur": 0, "dx": 40, "dy": 40}}
    from curatarr.artwork.templates import validate_template

    template = validate_template({**template.model_dump(mode="json"), "layers": [styled]})
    src = flat(2000, 3000, (128, 128, 128))
    result = render(template, RenderInputs(image=src, texts=TextInputs(title="HI")), ctx)
    image = decode(result.data)
    x, y, w, h = result.layers[0]["ink"]
    region = image.crop(x - 60, y - 60, w + 120, h + 120)
    red = (region[0] > 200) & (region[1] < 80) & (region[2] < 80)
    blue = (region[2] > 200) & (region[0] < 80)
    assert red.avg() > 0 and blue.avg() > 0


def test_logo_replaces_the_title(ctx, store):
    import pyvips

    logo = (pyvips.Image.black(800, 300, bands=3) + [255, 0, 0]).bandjoin(255).cast("uchar")
    logo = logo.copy(interpretation="srgb").pngsave_buffer()
    base = store.resolve("classic", "poster")
    from curatarr.artwork.templates import validate_template

    layers = [layer.model_dump(mode="json") for layer in base.layers]
    layers.append({"type": "logo", "box": {"width": 1200, "height": 400, "offset_bottom": 500}, "replaces": "title"})
    template = validate_template({**base.model_dump(mode="json"), "layers": layers})
    result = render(template, RenderInputs(image=flat(2000, 3000), texts=TEXTS, logo=logo), ctx)
    assert [item["id"] for item in result.layers] == ["logo"]
    image = decode(result.data)
    x, y, w, h = result.layers[0]["ink"]
    assert w == 1066 or h == 400  # contained: the limiting side fills the box
    red = image.getpoint(x + w // 2, y + h // 2)
    assert red[0] > 200 and red[1] < 60


def test_test_mode_draws_the_box_and_blue_text(ctx, store):
    from curatarr.artwork.compose import compose

    canvas, report = compose(store.resolve("classic", "poster"), RenderInputs(texts=TEXTS), ctx, test_mode=True)
    x, y, w, h = report[0]["box"]
    corner = canvas.getpoint(x + 5, y + 5)
    assert [round(v) for v in corner] == [0xAC, 0xD7, 0xE6]
    pink = canvas.getpoint(1000, 400)
    # the glow/fade plate multiplies every pixel by (255 − α) >> 8: where α = 0 that is at most one
    # level darker than the source (floor(v·255/256)), the price of one full-canvas multiply
    assert all(abs(round(v) - want) <= 1 for v, want in zip(pink, (255, 192, 203)))
    ix, iy, iw, ih = report[0]["ink"]
    ink = canvas.crop(ix, iy, iw, ih)
    assert (ink[2] > 200).avg() > 0 and (ink[0] < 60).avg() > 0
