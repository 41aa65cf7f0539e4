"""Robust sources (issue 18, items 1, 2, 9, 10, 13): any shape renders with bounded memory,
corrupt data is refused, tiny sources are flagged, the PNG size guard can be raised, and the
preview answers a small image on request."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyvips
import pytest
from typer.testing import CliRunner

from curatarr.artwork.batch import RenderJob, render_many
from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.errors import ImageRejected
from curatarr.artwork.source import load_source
from curatarr.artwork.textprep import TextInputs
from curatarr.cli import app as cli_app

from .conftest import decode, flat, photo_like

SRC = str(Path(__file__).resolve().parents[2] / "src")


def corrupt_jpeg(width: int = 1000, height: int = 1500) -> bytes:
    """A JPEG whose entropy-coded body is overwritten with noise after the first quarter (headers
    intact): before the fix it decoded "successfully" into a flat grey poster."""
    data = bytearray(photo_like(width, height))
    rnd = random.Random(1)
    for i in range(len(data) // 4, len(data) - 2):
        data[i] = rnd.randrange(256)
    return bytes(data)


def strip(width: int, height: int) -> bytes:
    """A left→right red ramp (green 0, blue 200): which columns the poster shows is measurable."""
    ramp = np.zeros((height, width, 3), dtype=np.uint8)
    ramp[:, :, 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    ramp[:, :, 2] = 200
    return pyvips.Image.new_from_array(ramp).copy(interpretation="srgb").jpegsave_buffer(Q=95)


# ---------------------------------------------------------------- 1. bounded work and memory

PROBE = textwrap.dedent("""
    import json, resource, sys
    limit = int(sys.argv[3])
    if limit:  # the issue's "under a 3 GB limit": address space capped before libvips starts
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import pyvips
    from curatarr.artwork.compose import RenderContext, RenderInputs, render
    from curatarr.artwork.store import TemplateStore
    from curatarr.artwork.textprep import TextInputs
    w, h = int(sys.argv[1]), int(sys.argv[2])
    data = (pyvips.Image.black(w, h, bands=3) + [90, 120, 200]).cast("uchar").jpegsave_buffer()
    template = TemplateStore(None).resolve("classic", "poster")
    out = {}
    try:
        result = render(template, RenderInputs(image=data, texts=TextInputs(title="Strip")), RenderContext())
        out["size"] = [result.width, result.height]
        out["low_resolution"] = result.low_resolution
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    # libvips' own accounting of the pixel memory it allocated (the library pyvips loaded)
    import ctypes
    path = [line.split()[-1] for line in open("/proc/self/maps") if "libvips" in line][0]
    highwater = ctypes.CDLL(path).vips_tracked_get_mem_highwater
    highwater.restype = ctypes.c_size_t
    out["vips_highwater_mb"] = highwater() / 2**20
    # VmHWM: this process image's peak RSS (ru_maxrss would keep the forking pytest's size across exec)
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
    out["maxrss_mb"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))
""")


def _probe(width: int, height: int, address_limit: int = 0) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(width), str(height), str(address_limit)],
                          capture_output=True, text=True, timeout=300, env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shape", [(4000, 50), (50, 4000), (10000, 10)])
def test_extreme_shapes_render_with_bounded_memory(shape):
    # Before: 4000×50 was magnified ×60 whole (240000×3000) — 2.2–2.5 GB RSS. Now the 33×50 source
    # region the poster shows is cut first; libvips' own accounting and the RSS stay near one canvas.
    out = _probe(*shape)
    assert out.get("error") is None and out["size"] == [2000, 3000]
    assert out["low_resolution"] is True
    assert out["vips_highwater_mb"] < 200, out  # a 2000×3000 RGB canvas is 17 MB; ×60 was > 2 GB
    assert out["maxrss_mb"] < 600, out


def test_a_10000x10_source_renders_under_a_3gb_address_space_limit():
    # Before: it failed as "corrupt" (the ×300 intermediate could not be allocated).
    out = _probe(10000, 10, address_limit=3 * 2**30)
    assert out.get("error") is None, out
    assert out["size"] == [2000, 3000]


def test_an_enlarged_strip_shows_the_region_around_the_focal_point():
    data = strip(4000, 50)
    centre, report = load_source(data, 2000, 3000)
    left, _ = load_source(data, 2000, 3000, focal_point=(0.0, 0.5))
    assert report.scale == pytest.approx(60) and report.low_resolution
    # the centre crop shows the middle of the ramp (red ≈ 128), the left focal point its dark start
    assert 110 < centre.extract_band(0).avg() < 145
    assert left.extract_band(0).avg() < 20
    assert abs(centre.extract_band(2).avg() - 200) < 6  # colours survive the crop-then-enlarge path


def test_contain_blur_keeps_the_whole_picture_over_a_blurred_fill():
    arr = np.zeros((500, 4000, 3), dtype=np.uint8)
    arr[:, :2000, 0] = 255  # left half red
    arr[:, 2000:, 2] = 255  # right half blue
    wide = pyvips.Image.new_from_array(arr).copy(interpretation="srgb").pngsave_buffer()
    image, report = load_source(wide, 2000, 3000, fit="contain_blur")
    assert (image.width, image.height, image.bands) == (2000, 3000, 3)
    assert report.fit == "contain_blur" and report.scale == pytest.approx(0.5) and not report.low_resolution
    middle_left, middle_right = image.getpoint(20, 1500), image.getpoint(1980, 1500)
    assert middle_left[0] > 200 and middle_left[2] < 60  # both ends of the source are visible...
    assert middle_right[2] > 200 and middle_right[0] < 60
    top = image.crop(0, 0, 2000, 600)
    assert 0 < top.avg() < 0.7 * image.crop(0, 1400, 2000, 200).avg()  # ...over a darker fill
    cover, _ = load_source(wide, 2000, 3000)
    assert max(cover.getpoint(20, 100)) > 200  # cover: the picture itself fills the top, no fill


def test_contain_blur_is_a_template_option(ctx, store):
    draft = store.resolve("classic", "poster").model_dump(mode="json", exclude_none=True)
    draft.pop("builtin", None)
    draft["id"] = "blurfill-poster"
    draft["source"] = {"fit": "contain_blur"}
    from curatarr.artwork.templates import validate_template

    template = validate_template(draft)
    result = render(template, RenderInputs(image=strip(4000, 500), texts=TextInputs(title="Wide")), ctx)
    assert result.source.fit == "contain_blur" and result.summary()["source"]["fit"] == "contain_blur"


# ---------------------------------------------------------------- 2. corrupt data refused


def test_a_corrupt_jpeg_body_is_refused_not_rendered_grey(ctx, store):
    bad = corrupt_jpeg()
    with pytest.raises(ImageRejected, match="(?i)corrupt"):
        load_source(bad, 2000, 3000)
    template = store.resolve("classic", "poster")
    with pytest.raises(ImageRejected, match="(?i)corrupt"):
        render(template, RenderInputs(image=bad, texts=TextInputs(title="Grey")), ctx)
    # the same damage on a source that is shrunk (thumbnail path) is refused as well
    with pytest.raises(ImageRejected, match="(?i)corrupt"):
        render(template, RenderInputs(image=corrupt_jpeg(3000, 4500), texts=TextInputs(title="Grey")), ctx)


def test_cli_exits_non_zero_on_a_corrupt_source(tmp_path):
    source = tmp_path / "broken.jpg"
    source.write_bytes(corrupt_jpeg())
    out = tmp_path / "out.jpg"
    result = CliRunner().invoke(cli_app, ["render", "poster", "--image", str(source), "--title", "Broken",
                                          "--out", str(out), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1 and "corrupt" in result.output.lower()
    assert not out.exists()


def test_preview_refuses_corrupt_and_empty_uploads(client):
    r = client.post("/api/artwork/preview", data={"kind": "poster", "title": "Broken"},
                    files={"image": ("broken.jpg", corrupt_jpeg(), "image/jpeg")})
    assert r.status_code == 400 and "corrupt" in r.json()["detail"].lower()
    r = client.post("/api/artwork/preview", data={"kind": "poster", "title": "Empty"},
                    files={"image": ("empty.jpg", b"", "image/jpeg")})
    assert r.status_code == 422 and "is empty (0 bytes)" in json.dumps(r.json())


# ---------------------------------------------------------------- 3. low-resolution flag


@pytest.mark.parametrize("size, low, scale", [((200, 300), True, 10.0), ((1, 1), True, 3000.0),
                                               ((2000, 3000), False, 1.0), ((1400, 2100), False, 2000 / 1400)])
def test_low_resolution_sources_are_flagged(ctx, store, size, low, scale):
    result = render(store.resolve("classic", "poster"),
                    RenderInputs(image=flat(*size, rgb=(40, 90, 160)), texts=TextInputs(title="Tiny")), ctx)
    assert result.low_resolution is low
    assert result.summary()["source"] == {"width": size[0], "height": size[1], "scale": round(scale, 3),
                                          "fit": "cover", "low_resolution": low}


def test_low_resolution_reaches_the_batch_result_cli_and_preview_headers(tmp_path, client):
    tiny = tmp_path / "tiny.jpg"
    tiny.write_bytes(flat(200, 300))
    [result] = render_many([RenderJob(kind="poster", image=str(tiny), texts={"title": "Tiny"},
                                      out=str(tmp_path / "a.jpg"))], workers=1)
    assert result.ok and result.low_resolution and result.source["scale"] == 10.0
    cli = CliRunner().invoke(cli_app, ["render", "poster", "--image", str(tiny), "--title", "Tiny",
                                       "--out", str(tmp_path / "b.jpg"), "--data-dir", str(tmp_path / "data")])
    assert cli.exit_code == 0 and "low-resolution source (200x300, enlarged 10.0x)" in cli.output
    r = client.post("/api/artwork/preview", data={"kind": "poster", "title": "Tiny"},
                    files={"image": ("tiny.jpg", flat(200, 300), "image/jpeg")})
    assert r.status_code == 200 and r.headers["x-curatarr-low-resolution"] == "true"
    assert json.loads(r.headers["x-curatarr-source"])["scale"] == 10.0
    r = client.post("/api/artwork/preview", data={"kind": "poster", "title": "Big"},
                    files={"image": ("big.jpg", photo_like(2000, 3000), "image/jpeg")})
    assert r.headers["x-curatarr-low-resolution"] == "false"


# ---------------------------------------------------------------- 4. configurable output size guard


def test_png_size_guard_can_be_raised_from_the_cli(tmp_path):
    noise = pyvips.Image.gaussnoise(2000, 3000, sigma=60, mean=128, seed=3)
    photo = noise.bandjoin([noise, noise]).cast("uchar").copy(interpretation="srgb")
    source = tmp_path / "noisy.jpg"
    source.write_bytes(photo.jpegsave_buffer(Q=95))
    out = tmp_path / "poster.png"
    base = ["render", "poster", "--image", str(source), "--title", "Noise", "--out", str(out),
            "--data-dir", str(tmp_path / "data")]
    refused = CliRunner().invoke(cli_app, base)
    assert refused.exit_code == 1 and "over the 10000000-byte limit" in refused.output and not out.exists()
    raised = CliRunner().invoke(cli_app, base + ["--max-bytes", "60MB"])
    assert raised.exit_code == 0, raised.output
    assert out.stat().st_size > 10_000_000 and decode(out.read_bytes()).width == 2000
    bad = CliRunner().invoke(cli_app, base + ["--max-bytes", "lots"])
    assert bad.exit_code == 2 and "--max-bytes" in bad.output


def test_batch_lines_may_carry_their_own_size_guard(tmp_path):
    source = tmp_path / "p.jpg"
    source.write_bytes(photo_like(1000, 1500))
    batch = tmp_path / "items.jsonl"
    batch.write_text(json.dumps({"image": str(source), "title": "Tight", "out": str(tmp_path / "t.png"),
                                 "format": "png", "max_bytes": "60KB"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["render", "poster", "--batch", str(batch), "--workers", "1",
                                          "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1 and "over the 60000-byte limit" in result.output


# ---------------------------------------------------------------- 5. small previews


def test_preview_width_answers_a_small_image(client):
    form = {"kind": "poster", "template_id": "classic", "title": "The Matrix"}
    source = photo_like(1000, 1500)
    full = client.post("/api/artwork/preview", data=form, files={"image": ("p.jpg", source, "image/jpeg")})
    small = client.post("/api/artwork/preview", data={**form, "width": "400"},
                        files={"image": ("p.jpg", source, "image/jpeg")})
    assert full.status_code == small.status_code == 200
    image = decode(small.content)
    assert (image.width, image.height) == (400, 600) and small.headers["x-curatarr-size"] == "400x600"
    assert len(small.content) * 8 < len(full.content)
    as_json = client.post("/api/artwork/preview", json={**form, "width": 400})
    assert as_json.status_code == 200 and decode(as_json.content).width == 400
    for bad in ("10", "abc", "5000"):
        r = client.post("/api/artwork/preview", json={**form, "width": bad})
        assert r.status_code == 422, bad
