"""Fidelity: python-plexapi (the client CHUB, DAPS, Kometa and TitleCardMaker build on) drives the
Plex simulator without errors, and the simulator's state shows what plexapi changed."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from plexapi.exceptions import NotFound, Unauthorized
from plexapi.server import PlexServer

from curatarr.sims.images import render_placeholder
from curatarr.sims.library import SampleLibrary
from tests.sims.conftest import PLEXAPI_TOKEN, plexapi_client, serve_plex

TOKEN = PLEXAPI_TOKEN


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module")
def server(library):
    yield from serve_plex(library, section_titles={"movie": "Cinema"})


@pytest.fixture
def plex(server) -> PlexServer:
    return plexapi_client(server)


def recorded(server, kind: str) -> list[dict]:
    return httpx.get(f"{server.url}/__sim__/state").json()["recorded"].get(kind, [])


def test_constructs_and_reads_server_attributes(plex):
    assert plex.friendlyName == "plex" and plex.version and plex.machineIdentifier
    assert plex.platform == "Linux"


def test_wrong_token_raises_unauthorized(server):
    with pytest.raises(Unauthorized):
        PlexServer(server.url, "wrong", timeout=10)


def test_sections_and_all(plex, library):
    sections = plex.library.sections()
    assert [(s.key, s.type, s.title) for s in sections] == [(1, "movie", "Cinema"), (2, "show", "TV Shows"),
                                                            (3, "artist", "Music")]
    movies = plex.library.section("Cinema").all()
    assert len(movies) == sum(1 for m in library.movies if m.has_file)
    by_key = {m.plex_rating_key: m for m in library.movies}
    for movie in movies:
        source = by_key[movie.ratingKey]
        assert movie.title == source.title and movie.year == source.year
        assert movie.locations == [f"{source.path}/{source.file_name}"]
    modern = [m for m in movies if m.guid.startswith("plex://")]
    assert all(f"tmdb://{by_key[m.ratingKey].tmdb_id}" in [g.id for g in m.guids] for m in modern)
    assert plex.library.section("Cinema").totalViewSize() == len(movies)


def test_paging_smaller_than_the_library(plex):
    section = plex.library.sectionByID(1)
    everything = section.all()
    paged = section.search(container_size=7)
    assert [m.ratingKey for m in paged] == [m.ratingKey for m in everything]


def test_search_by_title_and_hub_search(plex):
    section = plex.library.sectionByID(1)
    found = section.search(title="the")
    assert found and all("the" in m.title.lower() for m in found)
    hub_results = plex.search("titan")
    assert hub_results and all("titan" in r.title.lower() for r in hub_results)


def test_shows_seasons_episodes(plex, library):
    show = plex.library.sectionByID(2).all()[0]
    source = next(s for s in library.shows if s.plex_rating_key == show.ratingKey)
    assert show.locations == [source.path]
    assert f"tvdb://{source.tvdb_id}" in [g.id for g in show.guids] or show.guid.startswith("com.plexapp")
    seasons = show.seasons()
    assert seasons and all(s.parentRatingKey == show.ratingKey for s in seasons)
    on_disk = [e for e in source.episodes() if e.has_file]
    assert len(show.episodes()) == len(on_disk)
    assert [e.index for e in seasons[0].episodes()] == sorted(e.index for e in seasons[0].episodes())


def test_add_and_remove_labels(plex, server):
    movie = plex.library.sectionByID(1).all()[3]
    # PMS replaces the whole label set and plexapi re-sends its cached list, so reload between edits
    # (exactly as against a real server).
    movie.addLabel("Curatarr").reload()
    movie.addLabel(["Second", "Third"]).reload()
    movie.removeLabel("Second").reload()
    assert {label.tag for label in movie.labels} >= {"Curatarr", "Third"}
    assert "Second" not in {label.tag for label in movie.labels}
    changes = [c for c in recorded(server, "tag_changes") if c["rating_key"] == movie.ratingKey]
    assert changes[-1]["removed"] == ["Second"]
    state_labels = httpx.get(f"{server.url}/__sim__/state").json()["labels"][str(movie.ratingKey)]
    assert state_labels == [label.tag for label in movie.labels]


def test_upload_poster_from_file_and_url(plex, server, tmp_path):
    movie = plex.library.sectionByID(1).all()[0]
    data = render_placeholder(40, 60, seed=7, text="Up")
    path = tmp_path / "poster.jpg"
    path.write_bytes(data)
    movie.uploadPoster(filepath=str(path))
    posters = movie.posters()
    chosen = [p for p in posters if p.selected]
    assert len(chosen) == 1 and chosen[0].ratingKey == f"upload://posters/{hashlib.sha1(data).hexdigest()}"
    assert recorded(server, "uploads")[-1]["sha256"] == hashlib.sha256(data).hexdigest()

    art_url = f"{server.url}{movie.arts()[0].key}&X-Plex-Token={TOKEN}"
    movie.uploadPoster(url=art_url)
    last = recorded(server, "uploads")[-1]
    assert last["source"] == "url" and last["url"] == art_url
    movie.reload()
    assert movie.thumb.startswith(f"/library/metadata/{movie.ratingKey}/thumb/")


def test_set_poster_and_art_round_trip(plex):
    movie = plex.library.sectionByID(1).all()[1]
    target = [p for p in movie.posters() if not p.selected][0]
    movie.setPoster(target)
    assert [p.ratingKey for p in movie.posters() if p.selected] == [target.ratingKey]
    art = movie.arts()[-1]
    movie.setArt(art)
    assert [a.ratingKey for a in movie.arts() if a.selected] == [art.ratingKey]


def test_maintenance_calls(plex, server):
    plex.library.emptyTrash()
    plex.library.cleanBundles()
    plex.library.optimize()
    plex.library.sectionByID(1).update()
    actions = [m["action"] for m in recorded(server, "maintenance")]
    assert actions == ["emptyTrash", "emptyTrash", "emptyTrash", "cleanBundles", "optimize", "refresh"]


def test_fetch_item_and_missing_item(plex):
    movie = plex.library.sectionByID(1).all()[0]
    again = plex.fetchItem(movie.ratingKey)
    assert again.title == movie.title and again.librarySectionID == 1
    with pytest.raises(NotFound):
        plex.fetchItem(987654321)
