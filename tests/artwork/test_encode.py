"""One encode with a provenance marker (JPEG comment + EXIF + XMP), formats, the size guard."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.encode import MARKER, Provenance, encode, read_provenance
from curatarr.artwork.errors import OutputTooLarge

from .conftest import decode, photo_like


def test_jpeg_carries_comment_exif_and_xmp(store, ctx, poster_src):
    template = store.resolve("classic", "poster")
    result = render(template, RenderInputs(image=poster_src), ctx)
    data = result.data
    assert data[:2] == b"\xff\xd8" and data[2:4] == b"\xff\xfe"  # COM segment right after SOI
    prov = read_provenance(data)
    assert prov == {"template": "classic-poster", "hash": template.content_hash()}
    image = decode(data)
    assert MARKER in image.get("exif-ifd0-ImageDescription")
    assert image.get("exif-ifd0-Software").startswith("curatarr")
    xmp = image.get("xmp-data")
    assert b"created with curatarr" in xmp and template.content_hash().encode() in xmp


@pytest.mark.skipif(not shutil.which("identify") or not shutil.which("convert"), reason="ImageMagick not installed")
def test_other_tools_see_the_comment(store, ctx, poster_src, tmp_path):
    identify = "/usr/bin/identify" if os.path.exists("/usr/bin/identify") else shutil.which("identify")
    path = tmp_path / "poster.jpg"
    path.write_bytes(render(store.resolve("classic", "poster"), RenderInputs(image=poster_src), ctx).data)
    out = subprocess.run([identify, "-format", "%c", str(path)], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.skip("identify could not run here")
    assert "created with curatarr" in out.stdout


def test_source_metadata_is_not_copied(store, ctx):
    import pyvips

    src = pyvips.Image.new_from_buffer(photo_like(400, 600), "").copy()
    src.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Artist", "Someone Else")
    data = src.jpegsave_buffer(keep="exif")
    result = render(store.resolve("classic", "poster"), RenderInputs(image=data), ctx)
    assert b"Someone Else" not in result.data


@pytest.mark.parametrize("fmt", ["webp", "png"])
def test_other_formats(fmt, store, ctx, poster_src):
    result = render(store.resolve("classic", "poster"), RenderInputs(image=poster_src, output_format=fmt), ctx)
    image = decode(result.data)
    assert (image.width, image.height) == (2000, 3000) and result.format == fmt
    assert image.get("vips-loader").startswith(fmt if fmt != "jpeg" else "jpeg")
    assert read_provenance(result.data) is not None


def test_size_guard_lowers_quality_then_refuses(store, ctx):
    import pyvips

    bands = [pyvips.Image.gaussnoise(600, 900, sigma=90, mean=128, seed=s).cast("uchar") for s in (1, 2, 3)]
    noise = bands[0].bandjoin(bands[1:]).copy(interpretation="srgb").copy_memory()
    full, _q = encode(noise, fmt="jpeg", quality=95, max_bytes=50_000_000, provenance=Provenance("t", "h"))
    limit = int(len(full) * 0.8)
    data, quality = encode(noise, fmt="jpeg", quality=95, max_bytes=limit, provenance=Provenance("t", "h"))
    assert len(data) <= limit and quality < 95
    with pytest.raises(OutputTooLarge):
        encode(noise, fmt="jpeg", quality=95, max_bytes=50_000, provenance=Provenance("t", "h"))


def test_read_provenance_ignores_foreign_files(tmp_path):
    path = tmp_path / "other.jpg"
    path.write_bytes(photo_like(100, 150))
    assert read_provenance(path) is None
    assert read_provenance(tmp_path / "missing.jpg") is None
