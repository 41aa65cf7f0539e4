"""The media-server interface: Plex, Jellyfin and Emby answer the same questions the same way
(against their simulators over real HTTP)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from curatarr.connectors.jellyfin import MediaBrowserClient
from curatarr.connectors.media_server import Capability, MediaServer, Unsupported
from curatarr.connectors.plex import PlexClient
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimCluster

SERVERS = ("plex", "jellyfin", "emby")


@pytest.fixture(scope="module")
def cluster():
    with SimCluster(SampleLibrary.demo(), services=SERVERS) as sims:
        yield sims


@pytest.fixture(params=SERVERS)
def server(request, cluster) -> MediaServer:
    cluster.reset()
    name, url, key = request.param, cluster.servers[request.param].url, cluster.api_keys[request.param]
    client = PlexClient(url, key) if name == "plex" else MediaBrowserClient(url, key, name)
    with client:
        yield client


def _library(server: MediaServer, kind: str):
    return next(lib for lib in server.media_libraries() if lib.kind == kind)


def test_every_server_implements_the_interface(server):
    assert isinstance(server, MediaServer)
    assert server.server_type in SERVERS
    expected = {"plex": {Capability.RATING_KEYS, Capability.PLEX_SECTIONS, Capability.OVERLAY_LABEL,
                         Capability.MAINTENANCE, Capability.LIBRARY_COLLECTIONS, Capability.POSTER_SELECT,
                         Capability.SYNC_SOURCE, Capability.ITEM_LABELS, Capability.LIBRARY_DATABASE},
                "jellyfin": {Capability.THUMB_IMAGE, Capability.ITEM_LABELS},
                "emby": {Capability.THUMB_IMAGE, Capability.PROVIDER_ID_LOOKUP, Capability.ITEM_LABELS}}
    assert server.capabilities == expected[server.server_type]


def test_movies_and_shows_in_one_shape(server, cluster):
    movies = list(server.iter_media(_library(server, "movie")))
    on_disk = [m for m in cluster.library.movies if m.has_file]
    assert sorted(m.title for m in movies) == sorted(m.title for m in on_disk)
    folders = {(m.title, m.year): m.path for m in on_disk}
    for movie in movies:
        assert movie.kind == "movie" and movie.path and movie.path.startswith(folders[(movie.title, movie.year)])
    assert server.count_media(_library(server, "movie")) == len(movies)

    shows = _library(server, "show")
    show = next(s for s in server.iter_media(shows) if s.kind == "show")
    seasons, episodes = server.show_seasons(show.id), server.show_episodes(show.id)
    assert seasons and all(s.kind == "season" and s.show_id == show.id and s.index is not None for s in seasons)
    assert episodes and all(e.kind == "episode" and e.parent_index is not None for e in episodes)
    in_library = [e for e in server.iter_media(shows, "episode") if e.show_id == show.id]
    assert sorted((e.parent_index, e.index) for e in in_library) == sorted((e.parent_index, e.index) for e in episodes)
    assert server.media_item(episodes[0].id).show_id == show.id


def test_lookup_labels_and_artwork(server):
    movies = _library(server, "movie")
    movie = next(m for m in server.iter_media(movies) if m.path)
    found = server.find_media("movie", title=movie.title, libraries=[movies])
    assert movie.id in {m.id for m in found}
    assert server.find_media("movie", libraries=[movies]) is None  # nothing to look up by

    server.add_labels(movie.id, ["curatarr-test"])
    assert "curatarr-test" in server.media_item(movie.id).labels
    server.remove_labels(movie.id, ["CURATARR-TEST"])
    assert "curatarr-test" not in server.media_item(movie.id).labels

    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), (200, 10, 10)).save(buffer, "JPEG")
    server.upload_artwork(movie.id, "poster", buffer.getvalue(), content_type="image/jpeg")
    assert server.artwork(movie.id, "poster") == buffer.getvalue()


def test_what_a_server_cannot_do_is_unsupported(server):
    movie = next(server.iter_media(_library(server, "movie")))
    if Capability.POSTER_SELECT in server.capabilities:
        assert server.poster_choices(movie.id)
    else:
        with pytest.raises(Unsupported):
            server.poster_choices(movie.id)
