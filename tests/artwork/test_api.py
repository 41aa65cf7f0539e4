"""The artwork API over the real app: templates CRUD, preview (upload, JSON, URL), test sheet,
overlay files and fonts — and clear 4xx answers for every kind of bad input."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from .conftest import decode, photo_like, png_header_bomb

SVG_AS_PNG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


@pytest.fixture(scope="module")
def image_server():
    """A local HTTP server: /poster.jpg, /redirect-metadata (→ cloud metadata), /big.jpg."""
    poster = photo_like(500, 750)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/poster.jpg":
                body = poster
            elif self.path == "/redirect-metadata":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data")
                self.end_headers()
                return
            elif self.path == "/big.jpg":
                self.send_response(200)
                self.send_header("Content-Length", str(200 * 1024 * 1024))
                self.end_headers()
                return
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_templates_list_and_schema(client):
    r = client.get("/api/artwork/templates")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 15 and {"classic", "cinema", "editorial"} <= set(body["families"])
    assert client.get("/api/artwork/templates/schema").json()["title"] == "Template"
    assert client.get("/api/artwork/templates/classic-poster").json()["kind"] == "poster"
    assert client.get("/api/artwork/templates/nope").status_code == 404


def test_template_crud_and_validation_errors_point_at_the_field(client):
    draft = client.get("/api/artwork/templates/classic-poster").json()
    draft.pop("builtin", None)
    draft["id"] = "my-poster"
    r = client.post("/api/artwork/templates", json=draft)
    assert r.status_code == 201 and r.json()["id"] == "my-poster"
    assert client.post("/api/artwork/templates", json=draft).status_code == 409
    draft["layers"][3]["box"]["width"] = -100
    r = client.put("/api/artwork/templates/my-poster", json=draft)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["layers", 3, "box", "width"]
    check = client.post("/api/artwork/templates/validate", json=draft).json()
    assert check["valid"] is False and check["errors"][0]["loc"][-1] == "width"
    draft["layers"][3]["box"]["width"] = 1500
    assert client.put("/api/artwork/templates/my-poster", json=draft).json()["layers"][3]["box"]["width"] == 1500
    assert client.put("/api/artwork/templates/classic-poster", json=draft).status_code == 409
    assert client.delete("/api/artwork/templates/classic-poster").status_code == 409
    assert client.delete("/api/artwork/templates/my-poster").json()["success"] is True
    assert client.get("/api/artwork/templates/my-poster").status_code == 404
    assert client.post("/api/artwork/templates", content=b"{nope", headers={"content-type": "application/json"}).status_code == 422


def test_preview_with_upload(client):
    r = client.post("/api/artwork/preview", data={"kind": "poster", "template_id": "classic", "title": "The Matrix"},
                    files={"image": ("poster.jpg", photo_like(600, 900), "image/jpeg")})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    image = decode(r.content)
    assert (image.width, image.height) == (2000, 3000)
    layers = json.loads(r.headers["x-curatarr-layers"])
    assert layers[0]["lines"] == ["THE MATRIX"] and r.headers["x-curatarr-truncated"] == "false"
    assert r.headers["x-curatarr-template"] == "classic-poster"


def test_preview_with_a_draft_template_and_json_body(client):
    draft = client.get("/api/artwork/templates/cinema-titlecard").json()
    r = client.post("/api/artwork/preview", json={"template": draft, "texts": {
        "episode_title": "Pilot", "season_number": 1, "episode_number": 1}, "format": "webp"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"
    assert decode(r.content).width == 3840


def test_preview_from_url_and_ssrf_on_redirect(client, image_server):
    r = client.post("/api/artwork/preview", json={"kind": "season", "season_name": "Season 2",
                                                  "image_url": f"{image_server}/poster.jpg"})
    assert r.status_code == 200 and decode(r.content).height == 3000
    r = client.post("/api/artwork/preview", json={"kind": "poster", "image_url": f"{image_server}/redirect-metadata"})
    assert r.status_code == 400 and "refused" in r.json()["detail"].lower()
    r = client.post("/api/artwork/preview", json={"kind": "poster", "image_url": f"{image_server}/big.jpg"})
    assert r.status_code == 413
    r = client.post("/api/artwork/preview", json={"kind": "poster", "image_url": "file:///etc/passwd"})
    assert r.status_code == 400


@pytest.mark.parametrize("name, payload, status", [
    ("svg-as-png", SVG_AS_PNG, 415),
    ("bomb", png_header_bomb(30000, 30000), 413),
    ("corrupt", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 500, 400),
    ("truncated", photo_like(400, 600)[:3000], 400),
])
def test_preview_refuses_bad_images_with_4xx(client, name, payload, status):
    r = client.post("/api/artwork/preview", data={"kind": "poster"}, files={"image": (f"{name}.png", payload, "image/png")})
    assert r.status_code == status, r.text
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_preview_refuses_bad_requests(client):
    assert client.post("/api/artwork/preview", json={"kind": "sticker"}).status_code == 422
    bad = client.get("/api/artwork/templates/classic-poster").json()
    bad["layers"][3]["box"]["height"] = -1
    r = client.post("/api/artwork/preview", json={"template": bad})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["layers", 3, "box", "height"]
    assert client.post("/api/artwork/preview", json={"kind": "poster", "season_number": "two"}).status_code == 400
    assert client.post("/api/artwork/preview", json={"kind": "poster", "format": "gif"}).status_code == 400
    assert client.post("/api/artwork/preview", json=["list"]).status_code == 400


def test_preview_requires_auth(anon_client):
    assert anon_client.post("/api/artwork/preview", json={"kind": "poster"}).status_code == 401


def test_test_sheet(client):
    r = client.post("/api/artwork/test-sheet", json={"family": "classic"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.headers["x-curatarr-tiles"] == "30"  # 5 kinds × 3 lengths × caps on/off
    sheet = decode(r.content)
    assert sheet.width > 2000 and sheet.height > 5 * 420
    assert client.post("/api/artwork/test-sheet", json={"family": "nope"}).status_code == 404


def test_overlayfiles_seed_shape_upload_preview_delete(client):
    import pyvips

    png = (pyvips.Image.black(400, 600, bands=3)).bandjoin(128).cast("uchar").copy(interpretation="srgb").pngsave_buffer()
    r = client.post("/api/overlayfiles/upload", files={"file": ("my-overlay.png", png, "image/png")})
    assert r.status_code == 200 and r.json()["file"]["type"] == "image"
    listing = client.get("/api/overlayfiles").json()
    assert listing["success"] is True
    mine = next(f for f in listing["files"] if f["name"] == "my-overlay.png")
    assert set(mine) >= {"name", "type", "extension", "size"} and mine["extension"] == ".png"
    assert any(f["type"] == "font" for f in listing["files"])
    r = client.get("/api/overlayfiles/preview/my-overlay.png")
    assert r.status_code == 200 and r.content == png
    assert client.post("/api/overlayfiles/upload", files={"file": ("my-overlay.png", png, "image/png")}).status_code == 409
    # the uploaded overlay is usable by a template (scaled to the canvas)
    draft = client.get("/api/artwork/templates/classic-poster").json()
    draft["layers"] = [{"type": "overlay", "file": "my-overlay.png"}]
    r = client.post("/api/artwork/preview", json={"template": draft})
    assert r.status_code == 200 and decode(r.content).avg() < 130  # half-transparent black over grey
    assert client.delete("/api/overlayfiles/my-overlay.png").json()["success"] is True
    assert client.delete("/api/overlayfiles/my-overlay.png").status_code == 404
    assert client.delete("/api/overlayfiles/..%2Fconfig.yml").status_code in (400, 404)


@pytest.mark.parametrize("name, payload, status", [
    ("evil.png", SVG_AS_PNG, 415),
    ("bomb.png", png_header_bomb(), 413),
    ("fake.ttf", b"this is not a font" * 10, 400),
    ("script.sh", b"#!/bin/sh", 400),
    ("../escape.png", b"\x89PNG\r\n\x1a\n", 400),
])
def test_overlay_and_font_uploads_are_validated_by_content(client, name, payload, status):
    r = client.post("/api/overlayfiles/upload", files={"file": (name, payload, "application/octet-stream")})
    assert r.status_code == status, r.text


def test_font_upload_use_and_preview(client):
    from curatarr.artwork.fonts import FontRegistry

    data = FontRegistry(None).resolve("Oswald").path.read_bytes()
    r = client.post("/api/fonts/upload", files={"file": ("MyFont.ttf", data, "font/ttf")})
    assert r.status_code == 200 and r.json()["info"]["family"] == "Oswald"
    fonts = client.get("/api/fonts").json()["fonts"]
    assert any(f["name"] == "MyFont.ttf" and not f["builtin"] for f in fonts)
    r = client.get("/api/fonts/preview/MyFont.ttf", params={"text": "Hello"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    cjk = client.get("/api/fonts/preview/Cinzel", params={"text": "千と千尋"})
    assert cjk.status_code == 200 and decode(cjk.content).avg() > 26  # glyphs drawn via fallback
    draft = client.get("/api/artwork/templates/classic-poster").json()
    draft["layers"][3]["font"] = "MyFont.ttf"
    assert client.post("/api/artwork/preview", json={"template": draft, "title": "x"}).status_code == 200
    assert client.get("/api/fonts/preview/NoSuchFont").status_code == 404
    assert client.delete("/api/fonts/Cinzel[wght].ttf").status_code == 403
    assert client.delete("/api/fonts/MyFont.ttf").status_code == 200


def test_font_preview_accepts_query_token_for_img_tags(anon_client, client):
    r = anon_client.get("/api/fonts/preview/Cinzel", params={"text": "Aa", "token": client.token})
    assert r.status_code == 200
    assert anon_client.get("/api/fonts/preview/Cinzel").status_code == 401
