"""Fidelity: python-plexapi's collection calls work against the Plex simulator (section.collections(),
a collection's items and posters, new collections from tag edits)."""

from __future__ import annotations

import pytest
from plexapi.collection import Collection
from plexapi.server import PlexServer

from curatarr.sims.images import render_placeholder
from curatarr.sims.library import SampleLibrary
from tests.sims.conftest import plexapi_client, serve_plex



@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.generate(seed=7, movies=6, shows=1, artists=0, seasons=(1, 1), episodes=(1, 1))


@pytest.fixture(scope="module")
def server(library):
    yield from serve_plex(library)


@pytest.fixture
def plex(server) -> PlexServer:
    return plexapi_client(server)


def test_section_collections_and_their_items(plex, library):
    movies = plex.library.section("Movies")
    collections = movies.collections()
    expected: dict[str, set[int]] = {}
    for m in library.movies:
        if m.collection and m.has_file:
            expected.setdefault(m.collection.name, set()).add(m.plex_rating_key)
    assert expected and {c.title for c in collections} == set(expected)
    for coll in collections:
        assert isinstance(coll, Collection) and coll.subtype == "movie" and not coll.smart
        assert coll.librarySectionID == movies.key and coll.childCount == len(expected[coll.title])
        assert {i.ratingKey for i in coll.items()} == expected[coll.title]
        assert coll.thumb and coll.key == f"/library/collections/{coll.ratingKey}"
    one = collections[0]
    assert movies.collection(one.title).ratingKey == one.ratingKey
    assert plex.fetchItem(one.ratingKey).title == one.title
    assert plex.library.section("TV Shows").collections() == []


def test_collection_poster_upload_and_new_collection_from_a_tag(plex, server, tmp_path):
    movies = plex.library.section("Movies")
    coll = movies.collections()[0]
    path = tmp_path / "poster.jpg"
    path.write_bytes(render_placeholder(40, 60, seed=3, text="Coll"))
    coll.uploadPoster(filepath=str(path))
    assert any(p.selected and p.ratingKey.startswith("upload://") for p in coll.posters())
    assert str(server.sim.events("uploads")[-1]["rating_key"]) == str(coll.ratingKey)

    movie = movies.all()[0]
    movie.addCollection("Curatarr Picks")
    made = movies.collection("Curatarr Picks")
    assert [i.ratingKey for i in made.items()] == [movie.ratingKey]
    assert "Curatarr Picks" in [c.tag for c in movie.reload().collections]
