"""The TMDB simulator's wire behaviour (raw HTTP, no connector)."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from curatarr.sims import tmdb as tmdb_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimCluster, SimServer

KEY = "tmdb-sim-key"


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def http(library):
    with SimServer(tmdb_sim.create_app(library, api_key=KEY, small_images=True)) as srv:
        with httpx.Client(base_url=srv.url, params={"api_key": KEY}) as client:
            yield client


def movie_with_both_textless_spellings(library):
    return next(m for m in library.movies if {a.language for a in m.artworks if a.kind == "poster"} >= {None}
                and not m.removed_from_tmdb)


def test_auth_bearer_or_query_and_tmdb_error_bodies(http, library):
    movie = library.movies[0]
    assert http.get(f"/3/movie/{movie.tmdb_id}", params={"api_key": ""},
                    headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    bad = http.get(f"/3/movie/{movie.tmdb_id}", params={"api_key": "nope"})
    assert bad.status_code == 401 and bad.json()["status_code"] == 7 and bad.json()["success"] is False
    missing = http.get("/3/movie/1")
    assert missing.status_code == 404 and missing.json() == tmdb_sim.NOT_FOUND
    assert http.get("/3/no/such/route").json()["status_code"] == 34


def test_include_image_language_null_and_xx(http, library):
    movie = movie_with_both_textless_spellings(library)
    def langs(value):
        body = http.get(f"/3/movie/{movie.tmdb_id}/images", params={"include_image_language": value}).json()
        return {img["iso_639_1"] for arr in ("posters", "backdrops", "logos") for img in body[arr]}
    assert langs("null") == {None}
    assert langs("en") == {"en"}
    assert langs("null,en") == {None, "en"}
    if any(a.language == "xx" for a in movie.artworks):
        assert langs("xx") == {"xx"}
    everything = {a.language for a in movie.artworks if a.kind in ("poster", "background", "logo")}
    body = http.get(f"/3/movie/{movie.tmdb_id}/images").json()
    assert {img["iso_639_1"] for arr in ("posters", "backdrops", "logos") for img in body[arr]} == everything


def test_language_param_without_include_keeps_no_language_images(http, library):
    movie = movie_with_both_textless_spellings(library)
    body = http.get(f"/3/movie/{movie.tmdb_id}/images", params={"language": "en-US"}).json()
    assert {img["iso_639_1"] for img in body["posters"]} <= {None, "en"}


def test_image_object_shape_and_vote_order(http, library):
    body = http.get(f"/3/movie/{library.movies[0].tmdb_id}/images").json()
    poster = body["posters"][0]
    assert set(poster) >= {"aspect_ratio", "height", "width", "iso_639_1", "file_path", "vote_average", "vote_count"}
    votes = [p["vote_average"] for p in body["posters"]]
    assert votes == sorted(votes, reverse=True)


def test_append_to_response_images_and_external_ids(http, library):
    show = library.shows[0]
    body = http.get(f"/3/tv/{show.tmdb_id}", params={"append_to_response": "images,external_ids"}).json()
    assert body["name"] == show.title and body["external_ids"]["tvdb_id"] == show.tvdb_id
    assert set(body["images"]) == {"posters", "backdrops", "logos"}
    assert [s["season_number"] for s in body["seasons"]] == [s.number for s in show.seasons]


def test_image_bytes_original_and_scaled(http, library):
    body = http.get(f"/3/movie/{library.movies[0].tmdb_id}/images").json()
    path = body["posters"][0]["file_path"]
    original = http.get(f"/t/p/original{path}", params={})
    scaled = http.get(f"/t/p/w92{path}")
    assert original.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(original.content)) as a, Image.open(io.BytesIO(scaled.content)) as b:
        assert a.width == body["posters"][0]["width"] // 10  # small_images
        assert b.width == min(92, a.width)
    assert http.get("/t/p/original/doesnotexist.jpg").status_code == 404
    assert http.get(f"/t/p/bogus{path}").status_code == 404


def test_find_search_configuration(http, library):
    movie = next(m for m in library.movies if m.imdb_id and not m.removed_from_tmdb)
    found = http.get(f"/3/find/{movie.imdb_id}", params={"external_source": "imdb_id"}).json()
    assert [r["id"] for r in found["movie_results"]] == [movie.tmdb_id]
    assert http.get(f"/3/find/{movie.imdb_id}", params={"external_source": "bogus"}).status_code == 400
    search = http.get("/3/search/movie", params={"query": movie.title, "year": movie.year}).json()
    assert search["results"][0]["id"] == movie.tmdb_id and search["page"] == 1
    everything = http.get("/3/search/movie", params={"query": "a"}).json()
    assert everything["total_results"] > 20 and len(everything["results"]) == 20 and everything["total_pages"] >= 2
    config = http.get("/3/configuration").json()
    assert "original" in config["images"]["poster_sizes"] and config["images"]["base_url"].endswith("/t/p/")


def test_removed_movies_are_unknown(http, library):
    removed = next(m for m in library.movies if m.removed_from_tmdb)
    assert http.get(f"/3/movie/{removed.tmdb_id}/images").status_code == 404


def test_registered_in_cluster(library):
    with SimCluster(library, services=["tmdb", "fanart", "tvdb"]) as cluster:
        key = cluster.api_keys["tmdb"]
        resp = httpx.get(f"{cluster.urls['tmdb']}/3/configuration", params={"api_key": key})
        assert resp.status_code == 200
        assert httpx.get(f"{cluster.urls['fanart']}/v3/movies/603", params={"api_key": cluster.api_keys["fanart"]}
                         ).status_code == 200
        assert httpx.post(f"{cluster.urls['tvdb']}/v4/login", json={"apikey": cluster.api_keys["tvdb"]}
                          ).json()["status"] == "success"
