"""The Fanart.tv simulator's wire behaviour (raw HTTP, no connector)."""

from __future__ import annotations

import httpx
import pytest

from curatarr.sims import fanart as fanart_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "fanart-sim-key"


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def http(library):
    with SimServer(fanart_sim.create_app(library, api_key=KEY, small_images=True)) as srv:
        with httpx.Client(base_url=srv.url, params={"api_key": KEY}) as client:
            yield client


def all_images(doc):
    return [img for key, value in doc.items() if isinstance(value, list) for img in value]


def test_movie_document_types_and_textless_markers(http, library):
    hits = 0
    for movie in library.movies[:15]:
        doc = http.get(f"/v3/movies/{movie.tmdb_id}").json()
        assert doc["tmdb_id"] == str(movie.tmdb_id)
        for key, value in doc.items():
            if not isinstance(value, list):
                continue
            assert value, "keys without images must be absent"
            for img in value:
                hits += 1
                assert isinstance(img["id"], str) and isinstance(img["likes"], str) and img["likes"].isdigit()
                assert img["url"].startswith(str(http.base_url).rstrip("/") + "/fanart/movies/")
                if key == "moviebackground":
                    assert img["lang"] != "00"  # backgrounds say "" for textless
                else:
                    assert img["lang"] != ""  # posters say "00"
    assert hits > 20


def test_share_of_library_artwork(http, library):
    movie = library.movies[0]
    doc = http.get(f"/v3/movies/{movie.tmdb_id}").json()
    posters = [a for a in movie.artworks if a.kind == "poster"]
    held = {fanart_sim.image_id(a) for a in posters if fanart_sim.on_fanart(a)}
    assert {img["id"] for img in doc.get("movieposter", [])} == held
    every = [a for m in library.movies for a in m.artworks]
    share = sum(map(fanart_sim.on_fanart, every)) / len(every)
    assert 0.4 < share < 0.8  # providers disagree: Fanart.tv holds a stable part of the artwork


def test_imdb_lookup_and_tv_seasons(http, library):
    movie = next(m for m in library.movies if m.imdb_id)
    assert http.get(f"/v3/movies/{movie.imdb_id}").json()["tmdb_id"] == str(movie.tmdb_id)
    show = next(s for s in library.shows if not s.removed_from_tvdb)
    doc = http.get(f"/v3/tv/{show.tvdb_id}").json()
    assert doc["thetvdb_id"] == str(show.tvdb_id)
    seasons = {img["season"] for img in doc.get("seasonposter", [])}
    assert seasons <= {str(s.number) for s in show.seasons}
    assert all(img["season"] == "all" for img in doc.get("showbackground", []))


def test_image_bytes(http, library):
    doc = http.get(f"/v3/movies/{library.movies[0].tmdb_id}").json()
    url = all_images(doc)[0]["url"]
    resp = httpx.get(url)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("image/")
    assert http.get("/fanart/movies/1/movieposter/x-1.jpg").status_code == 404


def test_errors(http, library):
    assert http.get("/v3/movies/424242424").json() == fanart_sim.NOT_FOUND
    assert http.get("/v3/movies/424242424").status_code == 404
    bad = http.get(f"/v3/movies/{library.movies[0].tmdb_id}", params={"api_key": "wrong"})
    assert bad.status_code == 401 and bad.json()["status"] == "error"
    assert http.get("/v3/tv/not-a-number").status_code == 404
