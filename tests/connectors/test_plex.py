"""PlexClient against the Plex simulator over real HTTP, including injected failures."""

from __future__ import annotations

import hashlib
import types

import pytest
import tenacity

from curatarr.connectors.errors import AuthFailed, BadResponse, ConnectorError, NotFound, RateLimited, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.connectors.plex import PlexClient, parse_guid_ids
from curatarr.sims.images import render_placeholder
from curatarr.sims.library import SampleLibrary
from curatarr.sims.plex import create_app
from curatarr.sims.server import SimServer

TOKEN = "connector-token"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.001, backoff_max=0.01, max_wait=30)


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    app = create_app(library, token=TOKEN, section_titles={"movie": "Cinema"}, small_images=True)
    with SimServer(app, name="plex") as srv:
        yield srv


@pytest.fixture
def plex(server):
    server.sim.reset()
    with PlexClient(server.url, TOKEN, retry=FAST_RETRY, page_size=9) as client:
        yield client


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """Waits tenacity asked for, recorded instead of slept (no timing in tests)."""
    waits: list[float] = []
    monkeypatch.setattr(tenacity.nap, "time", types.SimpleNamespace(sleep=waits.append))
    return waits


def test_health_and_sections(plex):
    info = plex.health()
    assert info.name == "plex" and info.version and info.machine_identifier
    sections = plex.sections()
    assert [(s.key, s.type, s.title) for s in sections] == [("1", "movie", "Cinema"), ("2", "show", "TV Shows"),
                                                            ("3", "artist", "Music")]
    assert sections[1].locations == ("/data/tv", "/data/anime")


def test_paged_items_carry_ids_paths_and_labels(plex, library, server):
    movies = plex.items("1")
    on_disk = [m for m in library.movies if m.has_file]
    assert sorted(int(m.rating_key) for m in movies) == sorted(m.plex_rating_key for m in on_disk)
    pages = [r for r in server.sim.find_requests("/library/sections/1/all")]
    assert len(pages) == -(-len(on_disk) // 9)  # page_size 9: one request per page, no more
    by_key = {str(m.plex_rating_key): m for m in on_disk}
    for item in movies:
        source = by_key[item.rating_key]
        assert item.ids["tmdb" if "tmdb" in item.ids else "imdb"] in (str(source.tmdb_id), source.imdb_id)
        assert item.files == [f"{source.path}/{source.file_name}"] and item.section_key == "1"
    assert any(m.labels == ["Overlay"] for m in movies)


def test_legacy_guids_are_understood():
    assert parse_guid_ids("com.plexapp.agents.imdb://tt0133093?lang=en") == {"imdb": "tt0133093"}
    assert parse_guid_ids("com.plexapp.agents.themoviedb://603?lang=en") == {"tmdb": "603"}
    assert parse_guid_ids("com.plexapp.agents.thetvdb://81189/1/1?lang=en") == {"tvdb": "81189"}
    assert parse_guid_ids("plex://movie/5d77", ["imdb://tt1", "tmdb://2", "tvdb://3"]) == {
        "imdb": "tt1", "tmdb": "2", "tvdb": "3"}
    assert parse_guid_ids("local://123") == {}


def test_show_children_and_episodes(plex, library):
    show = plex.items("2")[0]
    assert show.locations and show.type == "show"
    seasons = plex.children(show.rating_key)
    assert seasons and all(s.type == "season" and s.parent_rating_key == show.rating_key for s in seasons)
    episodes = plex.children(seasons[0].rating_key)
    assert all(e.type == "episode" and e.files and e.grandparent_rating_key == show.rating_key for e in episodes)
    assert len(plex.all_leaves(show.rating_key)) == sum(len(plex.children(s.rating_key)) for s in seasons)
    every_episode = plex.items("2", libtype="episode")
    assert len(every_episode) == sum(1 for s in library.shows for e in s.episodes() if e.has_file)


def test_labels_add_and_remove(plex, server):
    movie = plex.items("1")[2]
    assert plex.add_labels(movie, ["Curatarr", "Ünïcode, comma"]) == movie.labels + ["Curatarr", "Ünïcode, comma"]
    assert plex.add_labels(movie.rating_key, ["curatarr"]) == movie.labels + ["Curatarr", "Ünïcode, comma"]
    plex.remove_labels(movie.rating_key, ["Ünïcode, comma"])
    assert plex.item(movie.rating_key).labels == movie.labels + ["Curatarr"]
    edits = server.sim.find_requests("/library/sections/1/all", method="PUT")
    assert len(edits) == 2  # adding a label that is already there sends nothing


def test_upload_by_bytes_and_url_then_select(plex, server):
    movie = plex.items("1")[0]
    data = render_placeholder(40, 60, seed=11, text="C")
    plex.upload_poster(movie.rating_key, data=data)
    posters = plex.images(movie.rating_key)
    chosen = [p for p in posters if p.selected]
    assert chosen[0].rating_key == f"upload://posters/{hashlib.sha1(data).hexdigest()}"
    assert plex.download(plex.item(movie.rating_key).thumb) == data
    assert server.sim.events("uploads")[-1]["sha256"] == hashlib.sha256(data).hexdigest()

    art = plex.images(movie.rating_key, "art")[0]
    plex.upload_art(movie.rating_key, url=f"{server.url}{art.key}&X-Plex-Token={TOKEN}")
    assert server.sim.events("uploads")[-1]["source"] == "url"
    plex.select_image(movie.rating_key, posters[0])
    assert [p.rating_key for p in plex.images(movie.rating_key) if p.selected] == [posters[0].rating_key]
    with pytest.raises(ValueError):
        plex.upload_poster(movie.rating_key)
    with pytest.raises(ConnectorError):
        plex.upload_poster(movie.rating_key, url="file:///etc/passwd")


def test_maintenance(plex, server):
    plex.empty_trash()
    plex.clean_bundles()
    plex.optimize()
    plex.refresh_section("2")
    actions = [(m["action"], m["section"]) for m in server.sim.events("maintenance")]
    assert actions == [("emptyTrash", 1), ("emptyTrash", 2), ("emptyTrash", 3), ("cleanBundles", None),
                       ("optimize", None), ("refresh", 2)]


def test_token_travels_in_a_header_not_the_url(plex, server):
    plex.sections()
    request = server.sim.find_requests("/library/sections")[-1]
    assert request.headers["x-plex-token"] == TOKEN and TOKEN not in request.query


# ---- failures ----------------------------------------------------------------------------------
def test_wrong_token_is_auth_failed(server):
    with PlexClient(server.url, "wrong", retry=FAST_RETRY) as client, pytest.raises(AuthFailed):
        client.sections()


def test_injected_bad_auth_is_auth_failed(plex, server):
    server.sim.faults.add("bad_auth", path="/library/sections$", times=1)
    with pytest.raises(AuthFailed):
        plex.sections()


def test_unknown_item_is_not_found(plex):
    with pytest.raises(NotFound):
        plex.item(123456789)


def test_timeout_is_unreachable(server):
    server.sim.reset()
    server.sim.faults.add("timeout", path="/library/sections", hang_s=5)
    with PlexClient(server.url, TOKEN, timeout=0.3, retry=RetryPolicy(attempts=2, backoff_initial=0.001)) as client:
        with pytest.raises(Unreachable):
            client.sections()
    assert len(server.sim.find_requests("/library/sections")) == 2  # retried once


def test_rate_limit_is_retried_honouring_retry_after(plex, server, slept):
    server.sim.faults.add("rate_limit", path="/library/sections", times=1, retry_after=7)
    assert len(plex.sections()) == 3
    assert slept == [7]
    assert [r.fault for r in server.sim.find_requests("/library/sections")] == ["rate_limit", None]


def test_persistent_rate_limit_is_rate_limited(plex, server, slept):
    server.sim.faults.add("rate_limit", path="/library/sections", retry_after=2)
    with pytest.raises(RateLimited) as caught:
        plex.sections()
    assert caught.value.retry_after == 2 and slept == [2, 2]


def test_server_errors_are_retried_then_bad_response(plex, server, slept):
    server.sim.faults.add("status", path="/library/sections", status=503)
    with pytest.raises(BadResponse):
        plex.sections()
    assert len(server.sim.find_requests("/library/sections")) == 3


@pytest.mark.parametrize("body", ["truncate", "garbage", "html", "empty"])
def test_malformed_xml_is_bad_response(plex, server, body):
    server.sim.faults.add("malformed", path="/library/sections", body=body)
    with pytest.raises(BadResponse):
        plex.sections()


def test_unsafe_base_url_is_refused():
    with pytest.raises(Unreachable):
        PlexClient("http://169.254.169.254:32400", TOKEN)
