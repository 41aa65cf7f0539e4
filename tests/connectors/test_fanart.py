"""FanartClient against the Fanart.tv simulator over real HTTP."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound, RateLimited, Unreachable
from curatarr.connectors.fanart import FanartClient, parse_images, MOVIE_KEYS
from curatarr.connectors.http import RetryPolicy
from curatarr.sims import fanart as fanart_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "fanart-project-key"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.05, max_wait=1.0)


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    with SimServer(fanart_sim.create_app(library, api_key=KEY, small_images=True), name="fanart") as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server):
    server.sim.reset()
    yield


def client(server, **kw) -> FanartClient:
    opts = dict(api_key=KEY, base_url=f"{server.url}/v3", rate_limit=None, retry=FAST_RETRY)
    opts.update(kw)
    return FanartClient(**opts)


def test_movie_images_normalise_language_and_likes(server, library):
    movie = library.movies[0]
    with client(server) as fanart:
        cands = fanart.movie_images(movie.tmdb_id)
    on_fanart = [a for a in movie.artworks if fanart_sim.on_fanart(a) and a.kind in fanart_sim.MOVIE_KEYS]
    assert len(cands) == len(on_fanart) > 0
    by_id = {fanart_sim.image_id(a): a for a in on_fanart}
    for c in cands:
        art = by_id[c.provider_id]
        assert c.language == ("xx" if art.language in (None, "xx") else art.language)
        assert c.votes == art.likes and isinstance(c.votes, int) and c.score == float(art.likes)
        assert c.provider == "fanart" and c.nominal_size and c.width and c.height
    textless = [c for c in cands if c.textless]
    # Fanart.tv spells textless "00" for posters and "" for backgrounds: both normalise to "xx".
    assert {c.raw_language for c in textless} <= {"00", ""}
    assert {(c.kind, c.raw_language) for c in textless if c.kind == "background"} <= {("background", "")}


def test_movie_falls_back_from_tmdb_id_to_imdb_id(server, library):
    movie = next(m for m in library.movies if m.imdb_id)
    with client(server) as fanart:
        cands = fanart.movie_images(987_654_321, movie.imdb_id)
    assert cands and {c.item_id for c in cands} == {str(movie.tmdb_id)}
    paths = [r.path for r in server.sim.find_requests("/v3/movies/")]
    assert paths == ["/v3/movies/987654321", f"/v3/movies/{movie.imdb_id}"]


def test_show_and_season_images(server, library):
    show = library.shows[0]
    season = next(s for s in show.seasons if any(fanart_sim.on_fanart(a) for a in s.artworks))
    with client(server, client_key="personal") as fanart:
        cands = fanart.show_images(show.tvdb_id)
        seasons = fanart.season_images(show.tvdb_id, season.number)
    assert {c.kind for c in cands} >= {"season"}
    assert seasons and all(c.kind == "season" and c.season in (season.number, None) for c in seasons)
    assert [c.votes for c in seasons if c.season == season.number] == sorted(
        (c.votes for c in seasons if c.season == season.number), reverse=True)
    backgrounds = [c for c in cands if c.kind == "background"]
    assert all(c.season is None for c in backgrounds)  # "all" means every season
    assert server.sim.events("client_keys")[0]["client_key"] == "personal"


def test_download_image(server, library):
    with client(server) as fanart:
        cand = next(c for c in fanart.movie_images(library.movies[0].tmdb_id) if c.kind == "poster")
        data = fanart.download(cand)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.width > 0


def test_parse_handles_string_numbers_and_missing_fields():
    doc = {"name": "X", "movieposter": [{"id": "7", "url": "https://a/b.jpg", "lang": "00", "likes": "12"},
                                        {"id": "8", "lang": "en"},  # no url: skipped
                                        {"id": "9", "url": "https://a/c.jpg", "lang": "de", "likes": "n/a"}],
           "unknownkey": [{"url": "https://a/d.jpg"}]}
    cands = parse_images(doc, MOVIE_KEYS, "603")
    assert [(c.provider_id, c.language, c.votes) for c in cands] == [("7", "xx", 12), ("9", "de", 0)]
    with pytest.raises(BadResponse):
        parse_images({"movieposter": "oops"}, MOVIE_KEYS, "603")


def test_errors(server, library):
    movie = library.movies[0]
    with client(server, api_key="wrong") as fanart, pytest.raises(AuthFailed):
        fanart.movie_images(movie.tmdb_id)
    with client(server) as fanart, pytest.raises(NotFound):
        fanart.show_images(1)
    server.sim.faults.add("malformed", path="/v3/movies/", times=1)
    with client(server) as fanart, pytest.raises(BadResponse):
        fanart.movie_images(movie.tmdb_id)
    server.sim.faults.add("rate_limit", path="/v3/movies/", retry_after=0.01)
    with client(server) as fanart, pytest.raises(RateLimited):
        fanart.movie_images(movie.tmdb_id)
    server.sim.faults.clear()
    server.sim.faults.add("timeout", path="/v3/movies/", hang_s=3)
    with client(server, timeout=0.3, retry=RetryPolicy(attempts=1)) as fanart, pytest.raises(Unreachable):
        fanart.movie_images(movie.tmdb_id)


def test_429_then_success(server, library):
    server.sim.faults.add("rate_limit", path="/v3/tv/", times=2, retry_after=0.02)
    with client(server) as fanart:
        assert fanart.show_images(library.shows[0].tvdb_id)
    assert [r.status for r in server.sim.find_requests("/v3/tv/")] == [429, 429, 200]
