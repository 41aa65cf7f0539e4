"""The TVDB v4 simulator's wire behaviour (raw HTTP, no connector)."""

from __future__ import annotations

import httpx
import pytest

from curatarr.sims import tvdb as tvdb_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "tvdb-sim-key"


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.generate(seed=7, movies=10, shows=4, artists=0, seasons=(2, 3), episodes=(60, 80))


@pytest.fixture(scope="module")
def server(library):
    with SimServer(tvdb_sim.create_app(library, api_key=KEY, pin="4321", small_images=True)) as srv:
        yield srv


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url) as client:
        token = client.post("/v4/login", json={"apikey": KEY, "pin": "4321"}).json()["data"]["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def show_of(library):
    return next(s for s in library.shows if not s.removed_from_tvdb)


def test_login_rules(server):
    assert httpx.post(f"{server.url}/v4/login", json={"apikey": KEY}).status_code == 401  # pin required here
    assert httpx.post(f"{server.url}/v4/login", json={"apikey": "x", "pin": "4321"}).status_code == 401
    assert httpx.post(f"{server.url}/v4/login", content=b"{oops").status_code == 400
    ok = httpx.post(f"{server.url}/v4/login", json={"apikey": KEY, "pin": "4321"}).json()
    assert ok["status"] == "success" and ok["data"]["token"]


def test_bearer_required_and_revocable(server, library, http):
    show = show_of(library)
    assert httpx.get(f"{server.url}/v4/series/{show.tvdb_id}/extended").status_code == 401
    assert http.get(f"/v4/series/{show.tvdb_id}/extended").status_code == 200
    tvdb_sim.expire_tokens(server.app)
    denied = http.get(f"/v4/series/{show.tvdb_id}/extended")
    assert denied.status_code == 401 and denied.json() == tvdb_sim.UNAUTHORIZED


def test_artwork_shape_and_filters(library, http):
    show = show_of(library)
    data = http.get(f"/v4/series/{show.tvdb_id}/artworks").json()["data"]
    arts = data["artworks"]
    assert arts and data["slug"]
    for art in arts:
        assert set(art) >= {"id", "image", "thumbnail", "language", "type", "score", "width", "height", "includesText"}
        assert art["language"] is None or len(art["language"]) == 3
        assert (art["language"] is None) == (not art["includesText"]) or art["type"] in (22, 23)
    posters = http.get(f"/v4/series/{show.tvdb_id}/artworks", params={"type": 2}).json()["data"]["artworks"]
    assert posters and {a["type"] for a in posters} == {2}
    english = http.get(f"/v4/series/{show.tvdb_id}/artworks", params={"lang": "eng"}).json()["data"]["artworks"]
    assert {a["language"] for a in english} <= {"eng"}
    thumb = httpx.get(arts[0]["thumbnail"])
    full = httpx.get(arts[0]["image"])
    assert thumb.status_code == full.status_code == 200 and len(thumb.content) <= len(full.content)


def test_season_extended_uses_singular_artwork_key(library, http):
    show = show_of(library)
    seasons = http.get(f"/v4/series/{show.tvdb_id}/extended").json()["data"]["seasons"]
    assert all(s["type"]["type"] == "official" for s in seasons)
    data = http.get(f"/v4/seasons/{seasons[0]['id']}/extended").json()["data"]
    assert "artwork" in data and "artworks" not in data
    assert all(a["type"] == 7 for a in data["artwork"])


def test_episode_paging_until_empty(library, http):
    show = show_of(library)
    total = sum(len(s.episodes) for s in show.seasons)
    seen, page = [], 0
    while True:
        body = http.get(f"/v4/series/{show.tvdb_id}/episodes/default", params={"page": page}).json()
        if not body["data"]["episodes"]:
            break
        seen += body["data"]["episodes"]
        assert body["links"]["total_items"] == total
        page += 1
    assert len(seen) == total and page == -(-total // tvdb_sim.EPISODE_PAGE_SIZE) >= 2
    one = http.get(f"/v4/episodes/{seen[0]['id']}/extended").json()["data"]
    assert one["seasonNumber"] == seen[0]["seasonNumber"] and one["number"] == seen[0]["number"]


def test_movies_types_and_unknown(library, http):
    movie = library.movies[0]
    data = http.get(f"/v4/movies/{movie.tmdb_id}/extended").json()["data"]
    assert data["name"] == movie.title and {a["type"] for a in data["artworks"]} <= {14, 15, 24, 25}
    types = http.get("/v4/artwork/types").json()["data"]
    assert {t["id"] for t in types} >= {2, 3, 7, 14, 15}
    missing = http.get("/v4/series/1/extended")
    assert missing.status_code == 404 and missing.json()["status"] == "failure"
    assert http.get("/v4/no/such").status_code == 404
