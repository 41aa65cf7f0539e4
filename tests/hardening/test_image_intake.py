"""Issue #20, items 5 and 6 (images): decompression-bomb headers and images over the configured pixel
limit are refused with 413 on every image intake (never a decoder's 500), nothing is stored, and a
stored asset's bytes are what its extension says."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

ASSET = "Movies/Some Movie (2001)/poster.jpg"


def png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming ``width``×``height``, then one tiny IDAT: what a
    decompression bomb looks like to a decoder that trusts the header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def real_image(w: int, h: int, fmt: str = "JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 10)).save(buf, fmt)
    return buf.getvalue()


@pytest.fixture
def assets(client, runtime):
    manual = runtime.data_dir / "manual"
    r = client.put("/api/modules/poster_maker/config", json={"asset_path": str(runtime.data_dir / "assets"),
                                                             "manual_asset_path": str(manual)})
    assert r.status_code == 200, r.text
    return manual


def upload(client, data: bytes, name: str = "a.png", path: str = ASSET):
    return client.post("/api/assets/upload-replacement", params={"asset_path": path},
                       files={"file": (name, data, "image/png")})


@pytest.mark.parametrize("width, height", [(60_000, 60_000), (10_000, 15_000)])  # 3.6 GP bomb, 150 MP
def test_huge_image_headers_are_refused_with_413_and_not_stored(client, assets, width, height):
    r = upload(client, png_header(width, height))
    assert r.status_code == 413, r.text
    assert "MP" in r.json()["detail"] and "limit" in r.json()["detail"]
    assert not (assets / ASSET).exists()


def test_replace_from_url_refuses_a_bomb_from_the_network(client, assets, live_image_server):
    url = live_image_server(png_header(60_000, 60_000))
    r = client.post("/api/assets/replace-from-url", json={"asset_path": ASSET, "image_url": url})
    assert r.status_code == 413, r.text
    assert not (assets / ASSET).exists()


def test_the_pixel_limit_is_configurable(client, assets):
    assert client.post("/api/config", json={"general": {"max_image_megapixels": 1}}).status_code == 200
    r = upload(client, real_image(1000, 1500), "a.jpg")  # 1.5 MP
    assert r.status_code == 413 and "1 MP" in r.json()["detail"]
    assert upload(client, real_image(600, 900), "a.jpg").status_code == 200  # 0.54 MP


def test_a_png_sent_for_poster_jpg_is_stored_as_jpeg(client, assets):
    r = upload(client, real_image(200, 300, "PNG"))
    assert r.status_code == 200, r.text
    stored = (assets / ASSET).read_bytes()
    assert stored.startswith(b"\xff\xd8\xff"), stored[:8]
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and img.size == (200, 300)
    # The same image for a .png asset keeps its bytes as they are.
    png = real_image(200, 300, "PNG")
    assert upload(client, png, path="Movies/Other (2002)/poster.png").status_code == 200
    assert (assets / "Movies/Other (2002)/poster.png").read_bytes() == png


def test_not_an_image_or_empty_is_a_clear_4xx(client, assets):
    assert upload(client, b"").status_code == 400
    r = upload(client, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert r.status_code == 415, r.text
    assert upload(client, b"\x89PNG\r\n\x1a\n" + b"\0" * 40).status_code in (400, 415)
