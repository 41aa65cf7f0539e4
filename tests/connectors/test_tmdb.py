"""TmdbClient against the TMDB simulator over real HTTP, plus the shared language normalisation."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound, RateLimited, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.connectors.provider_images import RateLimiter, normalize_language, to_iso639_2
from curatarr.connectors.tmdb import TmdbClient, include_image_language
from curatarr.sims import tmdb as tmdb_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "tmdb-read-token-abc123"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.05, max_wait=1.0)
KIND = {"poster": "poster", "background": "background", "logo": "logo"}


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    with SimServer(tmdb_sim.create_app(library, api_key=KEY, small_images=True), name="tmdb") as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server):
    server.sim.reset()
    yield


def client(server, **kw) -> TmdbClient:
    opts = dict(read_token=KEY, base_url=f"{server.url}/3", images_base_url=f"{server.url}/t/p",
                rate_limit=None, retry=FAST_RETRY)
    opts.update(kw)
    return TmdbClient(**opts)


def expected_language(lang):
    return "xx" if lang in (None, "xx") else lang


def test_movie_images_are_normalised_candidates(server, library):
    movie = library.movies[0]
    with client(server) as tmdb:
        cands = tmdb.movie_images(movie.tmdb_id)
    want = {(a.file_path, KIND[a.kind], expected_language(a.language), a.width, a.height)
            for a in movie.artworks if a.kind in KIND}
    got = {(c.provider_id, c.kind, c.language, c.width, c.height) for c in cands}
    assert got == want
    assert all(c.provider == "tmdb" and c.item_id == str(movie.tmdb_id) for c in cands)
    assert all(c.url == f"{server.url}/t/p/original{c.provider_id}" for c in cands)
    raw = {c.raw_language for c in cands if c.textless}
    assert raw <= {None, "xx"}


def test_textless_filter_asks_for_null_and_xx(server, library):
    movie = next(m for m in library.movies
                 if {a.language for a in m.artworks if a.kind == "poster"} >= {None} and not m.removed_from_tmdb)
    with client(server) as tmdb:
        cands = tmdb.movie_images(movie.tmdb_id, languages=["xx"])
    textless = [a for a in movie.artworks if a.kind in KIND and a.language in (None, "xx")]
    assert cands and all(c.textless for c in cands)
    assert len(cands) == len(textless)
    (req,) = server.sim.find_requests(f"/3/movie/{movie.tmdb_id}/images")
    assert req.params["include_image_language"] == ["xx,null"]


def test_language_preference_filter(server, library):
    movie = library.movies[0]
    with client(server) as tmdb:
        cands = tmdb.movie_images(movie.tmdb_id, languages=["en", "de"])
    assert cands and {c.language for c in cands} <= {"en", "de"}


def test_query_api_key_auth_and_season_episode_collection(server, library):
    show = library.shows[0]
    season = next(s for s in show.seasons if s.number >= 1)
    ep = season.episodes[0]
    coll = next(m.collection for m in library.movies if m.collection)
    with client(server, read_token=None, api_key=KEY) as tmdb:
        seasons = tmdb.season_images(show.tmdb_id, season.number)
        stills = tmdb.episode_images(show.tmdb_id, season.number, ep.episode_number)
        coll_images = tmdb.collection_images(coll.tmdb_id)
    assert seasons and {c.kind for c in seasons} == {"season"} and {c.season for c in seasons} == {season.number}
    assert len(seasons) == len(season.artworks)
    assert stills and {c.kind for c in stills} == {"still"} and stills[0].episode == ep.episode_number
    assert {c.kind for c in coll_images} <= {"poster", "background"} and coll_images
    assert "authorization" not in server.sim.requests[0].headers
    assert server.sim.requests[0].params["api_key"] == [KEY]


def test_details_find_and_search(server, library):
    movie = next(m for m in library.movies if m.collection and m.imdb_id)
    show = library.shows[0]
    with client(server) as tmdb:
        item = tmdb.movie(movie.tmdb_id)
        tv = tmdb.show(show.tmdb_id)
        found = tmdb.find(movie.imdb_id, "imdb_id")
        found_tv = tmdb.find(str(show.tvdb_id), "tvdb_id")
        results = tmdb.search_movie(movie.title, year=movie.year)
    assert (item.title, item.year, item.imdb_id, item.collection_id) == (
        movie.title, movie.year, movie.imdb_id, movie.collection.tmdb_id)
    assert tv.tvdb_id == show.tvdb_id and tv.media_type == "tv" and tv.season_numbers
    assert [f.id for f in found] == [movie.tmdb_id]
    assert [f.id for f in found_tv] == [show.tmdb_id]
    assert results[0].id == movie.tmdb_id


def test_download_fetches_image_without_credentials(server, library):
    movie = library.movies[0]
    with client(server) as tmdb:
        cand = next(c for c in tmdb.movie_images(movie.tmdb_id) if c.kind == "poster")
        data = tmdb.download(cand)
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (max(16, cand.width // 10), max(16, cand.height // 10))  # sim renders small
    image_req = server.sim.find_requests("/t/p/original")[-1]
    assert "authorization" not in image_req.headers


def test_bad_key_is_authfailed(server, library):
    with client(server, read_token="wrong") as tmdb, pytest.raises(AuthFailed):
        tmdb.movie_images(library.movies[0].tmdb_id)


def test_unknown_and_removed_ids_are_notfound(server, library):
    removed = next(m for m in library.movies if m.removed_from_tmdb)
    with client(server) as tmdb:
        with pytest.raises(NotFound):
            tmdb.movie_images(99_999_999)
        with pytest.raises(NotFound):
            tmdb.movie(removed.tmdb_id)


def test_429_is_retried_after_retry_after(server, library):
    movie = library.movies[0]
    server.sim.faults.add("rate_limit", path=f"/3/movie/{movie.tmdb_id}/images", times=1, retry_after=0.05)
    with client(server) as tmdb:
        cands = tmdb.movie_images(movie.tmdb_id)
    assert cands
    reqs = server.sim.find_requests(f"/3/movie/{movie.tmdb_id}/images")
    assert [r.status for r in reqs] == [429, 200]


def test_persistent_429_is_ratelimited(server, library):
    server.sim.faults.add("rate_limit", path="/3/movie/", retry_after=0.01)
    with client(server) as tmdb, pytest.raises(RateLimited) as info:
        tmdb.movie_images(library.movies[0].tmdb_id)
    assert info.value.retry_after == pytest.approx(0.01)
    assert len(server.sim.find_requests("/3/movie/")) == FAST_RETRY.attempts


def test_timeout_is_unreachable(server, library):
    server.sim.faults.add("timeout", path="/3/movie/", hang_s=3)
    with client(server, timeout=0.3, retry=RetryPolicy(attempts=1)) as tmdb, pytest.raises(Unreachable):
        tmdb.movie_images(library.movies[0].tmdb_id)


def test_malformed_json_is_badresponse(server, library):
    server.sim.faults.add("malformed", path="/3/movie/")
    with client(server) as tmdb, pytest.raises(BadResponse):
        tmdb.movie_images(library.movies[0].tmdb_id)


def test_server_errors_are_retried_then_badresponse(server, library):
    server.sim.faults.add("status", path="/3/movie/", status=503)
    with client(server) as tmdb, pytest.raises(BadResponse):
        tmdb.movie(library.movies[0].tmdb_id)
    assert len(server.sim.find_requests("/3/movie/")) == FAST_RETRY.attempts


def test_images_base_url_comes_from_configuration_when_not_set(server, library):
    with client(server, images_base_url=None) as tmdb:
        cands = tmdb.movie_images(library.movies[0].tmdb_id)
        assert tmdb.download(cands[0])
    assert cands[0].url.startswith(f"{server.url}/t/p/original/")
    assert len(server.sim.find_requests("/3/configuration")) == 1
    assert TmdbClient(api_key=KEY, base_url="").images_base_url == "https://image.tmdb.org/t/p"  # no I/O


def test_refuses_metadata_address():
    with pytest.raises(Unreachable):
        TmdbClient(read_token=KEY, base_url="http://169.254.169.254/3")


def test_client_side_rate_limit_is_applied(server, library):
    with client(server) as tmdb:
        slept: list[float] = []
        # one token, refilled every ~17 minutes: every call after the first must wait (sleep is faked)
        tmdb.http.limiter = RateLimiter(0.001, 1, sleep=slept.append)
        for _ in range(3):
            tmdb.configuration()
    assert len(slept) == 2 and all(s > 900 for s in slept)


# ---- language normalisation shared by all providers -----------------------------------------------
@pytest.mark.parametrize("raw,expected", [
    (None, "xx"), ("", "xx"), ("00", "xx"), ("xx", "xx"), ("null", "xx"), ("zxx", "xx"),
    ("en", "en"), ("EN", "en"), ("en-US", "en"), ("pt_BR", "pt"),
    ("eng", "en"), ("deu", "de"), ("ger", "de"), ("fra", "fr"), ("jpn", "ja"), ("zho", "zh"), ("heb", "he"),
    ("tlh", "tlh"),  # unknown 3-letter code stays as is
])
def test_normalize_language(raw, expected):
    assert normalize_language(raw) == expected


@pytest.mark.parametrize("code,expected", [("en", "eng"), ("de", "deu"), ("fr", "fra"), ("xx", None),
                                           ("eng", "eng"), ("q1", None)])
def test_to_iso639_2(code, expected):
    assert to_iso639_2(code) == expected


def test_include_image_language_asks_for_both_textless_spellings():
    assert include_image_language(["xx", "en", "de", "en"]) == "xx,null,en,de"
    assert include_image_language(None) is None
    assert include_image_language(["00"]) == "xx,null"


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rate_limiter_allows_a_burst_then_spaces_requests():
    clock = FakeClock()
    limiter = RateLimiter(4.0, burst=2, clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire() for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2] == pytest.approx(0.25) and waits[3] == pytest.approx(0.25)
    clock.now += 10  # idle time refills the bucket up to the burst size only
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, pytest.approx(0.25)]


def test_rate_limiter_disabled():
    limiter = RateLimiter(None, sleep=lambda s: pytest.fail("must not sleep"))
    assert all(limiter.acquire() == 0.0 for _ in range(100))
