"""The simulator framework: images, fault injection, recording, control routes, servers, cluster."""

from __future__ import annotations

import io

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image, ImageChops

from curatarr.sims import SIMULATORS
from curatarr.sims.base import Simulator, install, json_response
from curatarr.sims.images import render_artwork, render_placeholder
from curatarr.sims.library import Artwork
from curatarr.sims.server import SimCluster, SimServer, api_key_for, split_service


def _art(**kw) -> Artwork:
    base = dict(kind="poster", language="en", width=1000, height=1500, has_text=True, vote_average=5.0,
                vote_count=3, likes=1, seed=1234, provider_id="abc")
    return Artwork(**{**base, **kw})


# ---- images ------------------------------------------------------------------------------------
def test_artwork_bytes_have_the_declared_size_and_format(demo_library):
    for art in list(demo_library.movies[0].artworks)[:8]:
        img = Image.open(io.BytesIO(render_artwork(art, "The Matrix")))
        assert img.size == (art.width, art.height)
        assert img.format == ("PNG" if art.kind in ("logo", "clearart") else "JPEG")
        if art.kind in ("logo", "clearart"):
            assert img.mode == "RGBA" and img.getextrema()[3][0] == 0  # transparent somewhere


def test_artwork_is_deterministic_small_mode_and_text_visible():
    art = _art()
    assert render_artwork(art, "Title") == render_artwork(_art(), "Title")
    small = Image.open(io.BytesIO(render_artwork(art, "Title", small=True)))
    assert small.size == (100, 150)
    with_text = Image.open(io.BytesIO(render_artwork(art, "A Long Title", small=True))).convert("RGB")
    textless = Image.open(io.BytesIO(render_artwork(_art(has_text=False, language=None), "A Long Title",
                                                    small=True))).convert("RGB")
    assert ImageChops.difference(with_text, textless).getbbox() is not None
    assert render_artwork(_art(seed=1), "T", small=True) != render_artwork(_art(seed=2), "T", small=True)
    assert Image.open(io.BytesIO(render_placeholder(64, 96, seed=3))).size == (64, 96)


# ---- a tiny app built on the framework ---------------------------------------------------------
@pytest.fixture
def tiny():
    sim = Simulator("tiny", api_key="k")
    app = FastAPI()

    @app.get("/items")
    async def items():
        sim.record("reads", what="items")
        return json_response({"items": [1, 2, 3], "none": None}, drop_nulls=True)

    install(app, sim)
    with SimServer(app, name="tiny") as server:
        yield server, sim


def test_requests_are_recorded(tiny):
    server, sim = tiny
    httpx.post(server.url + "/items?x=1", json={"a": 1})
    httpx.get(server.url + "/items", headers={"X-Test": "yes"})
    assert [(r.method, r.path, r.status) for r in sim.requests] == [("POST", "/items", 405), ("GET", "/items", 200)]
    assert sim.requests[0].json() == {"a": 1} and sim.requests[0].params == {"x": ["1"]}
    assert sim.requests[1].headers["x-test"] == "yes"
    assert sim.find_requests("/items", "GET")[0].status == 200
    state = httpx.get(server.url + "/__sim__/state").json()
    assert state["service"] == "tiny" and state["recorded"]["reads"][0]["what"] == "items"
    assert httpx.get(server.url + "/__sim__/requests?limit=1").json()["requests"][0]["method"] == "GET"


def test_status_fault_applies_n_times_then_stops(tiny):
    server, sim = tiny
    sim.faults.add("status", path="^/items$", status=503, times=2)
    codes = [httpx.get(server.url + "/items").status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert [r.fault for r in sim.requests] == ["status", "status", None]


def test_method_filter_and_rate_limit(tiny):
    server, sim = tiny
    sim.faults.add("rate_limit", path="/items", method="post", retry_after=7)
    assert httpx.get(server.url + "/items").status_code == 200
    resp = httpx.post(server.url + "/items")
    assert resp.status_code == 429 and resp.headers["retry-after"] == "7"


def test_malformed_bad_auth_and_latency(tiny):
    server, sim = tiny
    sim.faults.add("malformed", path="/items", times=1)
    broken = httpx.get(server.url + "/items")
    assert broken.status_code == 200 and broken.content == b'{"items":[1,2,3]}'[:8]
    sim.faults.add("malformed", path="/items", body="garbage", times=1)
    with pytest.raises(ValueError):
        httpx.get(server.url + "/items").json()
    sim.faults.add("bad_auth", times=1)
    assert httpx.get(server.url + "/items").status_code == 401
    sim.faults.add("latency", ms=1, times=1)
    assert httpx.get(server.url + "/items").json() == {"items": [1, 2, 3]}


def test_timeout_fault_hangs_until_the_client_gives_up(tiny):
    server, sim = tiny
    sim.faults.add("timeout", path="/items", hang_s=30, times=1)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + "/items", timeout=0.3)
    assert httpx.get(server.url + "/items").status_code == 200  # the server is still fine


def test_faults_over_http(tiny):
    server, sim = tiny
    created = httpx.post(server.url + "/__sim__/faults", json={"kind": "status", "path": "/items", "status": 500})
    assert created.status_code == 201 and created.json()["remaining"] is None
    assert httpx.get(server.url + "/items").status_code == 500
    listed = httpx.get(server.url + "/__sim__/faults").json()["rules"]
    assert listed[0]["hits"] == 1
    assert httpx.post(server.url + "/__sim__/faults", json={"kind": "explode"}).status_code == 400
    assert httpx.post(server.url + "/__sim__/faults", json={"kind": "status", "bogus": 1}).status_code == 400
    assert httpx.delete(server.url + f"/__sim__/faults/{listed[0]['id']}").json() == {"ok": True}
    assert httpx.get(server.url + "/items").status_code == 200
    httpx.post(server.url + "/__sim__/faults", json=[{"kind": "status", "status": 502}])
    assert httpx.delete(server.url + "/__sim__/faults").json() == {"ok": True}
    assert len(sim.faults) == 0


def test_reset_clears_everything(tiny):
    server, sim = tiny
    sim.faults.add("status", status=500)
    sim.record("x", y=1)
    assert httpx.post(server.url + "/__sim__/reset").json() == {"ok": True}
    assert len(sim.faults) == 0 and sim.recorded == {} and len(sim.requests) == 0


# ---- servers and clusters ----------------------------------------------------------------------
def test_sim_server_start_stop():
    app = FastAPI()
    server = SimServer(app)
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    url = server.url
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(url + "/nope").status_code == 404
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/nope", timeout=1)


def test_split_service_and_keys():
    assert split_service("radarr") == ("radarr", "radarr")
    assert split_service("radarr_4k") == ("radarr", "radarr_4k")
    assert split_service(("sonarr", "anime")) == ("sonarr", "anime")
    with pytest.raises(KeyError):
        split_service("nosuchthing")
    assert api_key_for("radarr") == api_key_for("radarr") != api_key_for("sonarr")
    assert {"radarr", "sonarr", "lidarr"} <= set(SIMULATORS)


def test_cluster_urls_keys_and_duplicates(demo_library):
    with pytest.raises(ValueError):
        SimCluster(demo_library, services=["radarr", "radarr"])
    with SimCluster(demo_library, services=["radarr", ("sonarr", "tv")]) as cluster:
        assert set(cluster.urls) == {"radarr", "tv"} and cluster.types == {"radarr": "radarr", "tv": "sonarr"}
        resp = httpx.get(cluster.urls["tv"] + "/api/v3/system/status", headers={"X-Api-Key": cluster.api_keys["tv"]})
        assert resp.json()["appName"] == "Sonarr"
        assert cluster.sims["radarr"].service == "radarr"
    assert cluster.servers == {}
