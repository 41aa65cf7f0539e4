"""Big answers are gzipped for clients that accept it; the decoded answer is the same JSON, small
answers and images are sent as they are (issue 13, item 4)."""

from __future__ import annotations

import gzip
import json

import httpx


def _raw(client, url: str, encoding: str) -> httpx.Response:
    """The response as transmitted (the test client would decode gzip transparently)."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        r.raw_bytes = b"".join(r.iter_raw())
    return r


def test_large_answers_are_gzipped_only_for_clients_that_accept_it(media_client):
    c = media_client
    url = "/api/media/search?limit=500"
    plain = _raw(c, url, "identity")
    packed = _raw(c, url, "gzip")
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"]
    assert len(packed.raw_bytes) * 4 < len(plain.raw_bytes)
    assert json.loads(gzip.decompress(packed.raw_bytes)) == json.loads(plain.raw_bytes)
    assert packed.headers["x-content-type-options"] == "nosniff"  # the other middlewares still apply


def test_small_answers_and_images_are_not_compressed(media_client):
    c = media_client
    small = _raw(c, "/api/auth/status", "gzip")
    assert small.status_code == 200 and len(small.raw_bytes) < 1024 and "content-encoding" not in small.headers
    item = c.get("/api/media/search", params={"has_poster": "true", "limit": 1}).json()["items"][0]
    poster = _raw(c, item["poster"], "gzip")
    assert poster.status_code == 200 and poster.headers["content-type"].startswith("image/")
    assert "content-encoding" not in poster.headers
