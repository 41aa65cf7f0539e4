"""TvdbClient against the TVDB simulator over real HTTP: login, token cache and refresh, artwork."""

from __future__ import annotations

import pytest

from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.connectors.tvdb import TvdbClient, clear_token_cache
from curatarr.sims import tvdb as tvdb_sim
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "tvdb-project-key"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.05, max_wait=1.0)


@pytest.fixture(scope="module")
def library():
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    with SimServer(tvdb_sim.create_app(library, api_key=KEY, small_images=True), name="tvdb") as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean(server):
    server.sim.reset()  # also revokes every token the simulator issued
    clear_token_cache()
    yield


def client(server, **kw) -> TvdbClient:
    opts = dict(api_key=KEY, base_url=f"{server.url}/v4", rate_limit=None, retry=FAST_RETRY)
    opts.update(kw)
    return TvdbClient(**opts)


def visible_show(library):
    return next(s for s in library.shows if not s.removed_from_tvdb)


def test_login_once_and_token_is_shared_between_clients(server, library):
    show = visible_show(library)
    with client(server) as a, client(server) as b:
        a.series_artworks(show.tvdb_id)
        a.series(show.tvdb_id)
        b.series_posters(show.tvdb_id)
    assert a.logins + b.logins == 1
    assert len(server.sim.events("logins")) == 1
    login = server.sim.find_requests("/v4/login")[0]
    assert login.json() == {"apikey": KEY}


def test_expired_token_is_refreshed_once(server, library):
    show = visible_show(library)
    with client(server) as tvdb:
        tvdb.series(show.tvdb_id)
        tvdb_sim.expire_tokens(server.app)
        item = tvdb.series(show.tvdb_id)
    assert item.id == show.tvdb_id and tvdb.logins == 2
    statuses = [r.status for r in server.sim.find_requests(f"/v4/series/{show.tvdb_id}/extended")]
    assert statuses == [200, 401, 200]


def test_persistent_401_gives_up_after_one_relogin(server, library):
    show = visible_show(library)
    server.sim.faults.add("bad_auth", path="/v4/series/")
    with client(server) as tvdb, pytest.raises(AuthFailed):
        tvdb.series(show.tvdb_id)
    assert tvdb.logins == 2


def test_bad_key_and_pin(server, library):
    with client(server, api_key="wrong") as tvdb, pytest.raises(AuthFailed):
        tvdb.series(visible_show(library).tvdb_id)
    with client(server, pin="1234") as tvdb:
        tvdb.login()
    assert server.sim.find_requests("/v4/login")[-1].json() == {"apikey": KEY, "pin": "1234"}


def test_series_artworks_normalise_language_and_sort_by_score(server, library):
    show = visible_show(library)
    with client(server) as tvdb:
        cands = tvdb.series_artworks(show.tvdb_id)
        posters = tvdb.series_posters(show.tvdb_id)
    held = [a for a in show.artworks if tvdb_sim.on_tvdb(a) and a.kind in tvdb_sim.SERIES_TYPES]
    assert len(cands) == len(held) > 0
    by_id = {str(tvdb_sim.artwork_id(a)): a for a in held}
    for c in cands:
        art = by_id[c.provider_id]
        assert c.language == ("xx" if art.language in (None, "xx") else art.language)
        assert c.raw_language in (None, "eng", "deu", "fra", "spa", "ita", "jpn", "zho", "rus", "kor", "heb", "ara")
        assert (c.width, c.height) == (art.width, art.height)
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
    assert posters and {c.kind for c in posters} == {"poster"}
    assert server.sim.find_requests("/artworks")[-1].params["type"] == ["2"]


def test_language_filter_is_sent_as_three_letters(server, library):
    show = visible_show(library)
    with client(server) as tvdb:
        cands = tvdb.series_artworks(show.tvdb_id, language="en")
    assert all(c.language == "en" for c in cands)
    assert server.sim.find_requests("/artworks")[-1].params["lang"] == ["eng"]


def test_season_episode_and_movie_artworks(server, library):
    show = visible_show(library)
    season = next(s for s in show.seasons if any(tvdb_sim.on_tvdb(a) for a in s.artworks))
    ep = next(e for e in show.episodes() if any(tvdb_sim.on_tvdb(a) for a in e.artworks))
    movie = library.movies[0]
    with client(server) as tvdb:
        seasons = tvdb.season_artworks(show.tvdb_id, season.number)
        stills = tvdb.episode_images(show.tvdb_id, ep.season_number, ep.episode_number)
        movie_posters = tvdb.movie_artworks(movie.tmdb_id, type_id=14)
        types = tvdb.artwork_types()
    assert seasons and all(c.kind == "season" and c.season == season.number for c in seasons)
    assert stills and stills[0].kind == "still" and stills[0].episode == ep.episode_number
    assert movie_posters and {c.kind for c in movie_posters} == {"poster"}
    assert {t["id"] for t in types} >= {2, 3, 7, 14, 15}
    assert server.sim.find_requests(f"/v4/seasons/{show.tvdb_id * 1000 + season.number}/extended")


def test_download(server, library):
    show = visible_show(library)
    with client(server) as tvdb:
        cand = tvdb.series_artworks(show.tvdb_id)[0]
        data = tvdb.download(cand)
    assert data[:3] == b"\xff\xd8\xff" or data[:4] == b"\x89PNG"
    assert "authorization" not in server.sim.find_requests("/banners/")[-1].headers


def test_unknown_items(server, library):
    removed = next(s for s in library.shows if s.removed_from_tvdb)
    with client(server) as tvdb:
        with pytest.raises(NotFound):
            tvdb.series(removed.tvdb_id)
        with pytest.raises(NotFound):
            tvdb.season_artworks(visible_show(library).tvdb_id, 99)


def test_transport_failures(server, library):
    show = visible_show(library)
    server.sim.faults.add("malformed", path="/v4/series/", times=1)
    with client(server) as tvdb, pytest.raises(BadResponse):
        tvdb.series(show.tvdb_id)
    server.sim.faults.add("rate_limit", path="/v4/series/", times=1, retry_after=0.02)
    with client(server) as tvdb:
        assert tvdb.series(show.tvdb_id).id == show.tvdb_id
    server.sim.faults.add("timeout", path="/v4/login", hang_s=3)
    clear_token_cache()
    with client(server, timeout=0.3, retry=RetryPolicy(attempts=1)) as tvdb, pytest.raises(Unreachable):
        tvdb.series(show.tvdb_id)
