"""Bad input never crashes the engine: each case is a clear ArtworkError with a 4xx status."""

from __future__ import annotations

import pytest

from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.errors import ArtworkError, FontRejected, ImageRejected, ImageTooLarge, UnsupportedMedia
from curatarr.artwork.fonts import inspect_font_bytes
from curatarr.artwork.source import inspect_image, load_cover
from curatarr.artwork.textprep import TextInputs

from .conftest import photo_like, png_header_bomb

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
HTML = b"<!DOCTYPE html><html><body>not an image</body></html>"


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ImageTooLarge) as info:
        inspect_image(png_header_bomb(30000, 30000))
    assert info.value.status == 413 and "30000x30000" in str(info.value)


@pytest.mark.parametrize("payload", [SVG, HTML, b"GIF89a" + b"\x00" * 5, b"\x00\x00\x00\x00garbage" * 10, b""])
def test_disguised_or_garbage_uploads_are_refused(payload):
    with pytest.raises(ImageRejected) as info:
        inspect_image(payload)
    assert 400 <= info.value.status < 500


def test_svg_named_png_is_refused_as_media_type():
    with pytest.raises(UnsupportedMedia) as info:
        load_cover(SVG, 200, 300)
    assert info.value.status == 415


def test_truncated_jpeg_is_refused_not_rendered_half_grey(store, ctx):
    data = photo_like(600, 900)
    with pytest.raises(ImageRejected):
        render(store.resolve("classic", "poster"), RenderInputs(image=data[: len(data) // 2]), ctx)


def test_corrupt_body_after_valid_magic(store, ctx):
    data = b"\xff\xd8\xff\xe0" + b"\x13" * 4000
    with pytest.raises(ImageRejected):
        render(store.resolve("classic", "poster"), RenderInputs(image=data, texts=TextInputs(title="x")), ctx)


def test_missing_file_path_is_an_error_not_a_crash(store, ctx, tmp_path):
    with pytest.raises(ImageRejected):
        render(store.resolve("classic", "poster"), RenderInputs(image=tmp_path / "nope.jpg"), ctx)


@pytest.mark.parametrize("payload", [b"not a font at all", b"OTTO" + b"\x00" * 200, SVG, b"\x00\x01\x00\x00" + b"\xff" * 64])
def test_non_fonts_are_refused(payload):
    with pytest.raises(FontRejected):
        inspect_font_bytes(payload)


def test_a_real_font_is_accepted():
    from curatarr.artwork.fonts import FontRegistry

    path = FontRegistry(None).resolve("Bebas Neue").path
    info = inspect_font_bytes(path.read_bytes())
    assert info["family"] == "Bebas Neue" and info["glyphs"] > 100


def test_unknown_font_in_template_is_a_404(store, ctx):
    template = store.resolve("classic", "poster")
    from curatarr.artwork.templates import validate_template

    data = template.model_dump(mode="json")
    data["layers"][3]["font"] = "No Such Font"
    with pytest.raises(ArtworkError) as info:
        render(validate_template(data), RenderInputs(texts=TextInputs(title="x")), ctx)
    assert info.value.status == 404


def test_missing_overlay_file_is_a_404(store, ctx):
    from curatarr.artwork.templates import validate_template

    data = store.resolve("classic", "poster").model_dump(mode="json")
    data["layers"].insert(0, {"type": "overlay", "file": "missing.png"})
    with pytest.raises(ArtworkError) as info:
        render(validate_template(data), RenderInputs(), ctx)
    assert info.value.status == 404
