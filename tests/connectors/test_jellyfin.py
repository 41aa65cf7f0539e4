"""MediaBrowserClient against the Jellyfin and Emby simulators over real HTTP, including failures."""

from __future__ import annotations

import base64
import hashlib
import types

import pytest
import tenacity

from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.connectors.jellyfin import MediaBrowserClient
from curatarr.sims import emby, jellyfin
from curatarr.sims.images import render_placeholder
from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimServer

KEY = "mb-connector-key"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.001, backoff_max=0.01, max_wait=30)


@pytest.fixture(scope="module")
def library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="module", params=["jellyfin", "emby"])
def server(request, library):
    module = jellyfin if request.param == "jellyfin" else emby
    with SimServer(module.create_app(library, api_key=KEY, small_images=True), name=request.param) as srv:
        srv.flavor = request.param
        yield srv


@pytest.fixture
def mb(server):
    server.sim.reset()
    with MediaBrowserClient(server.url, KEY, server.flavor, retry=FAST_RETRY, page_size=7) as client:
        yield client


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(tenacity.nap, "time", types.SimpleNamespace(sleep=waits.append))
    return waits


def item_id(server, source) -> str:
    return str(source.plex_rating_key) if server.flavor == "emby" else source.jellyfin_id


def test_health_and_libraries(mb, server):
    info = mb.health()
    assert info.product == ("Emby Server" if server.flavor == "emby" else "Jellyfin Server") and info.version
    libraries = mb.libraries()
    assert [(lib.name, lib.collection_type) for lib in libraries] == [("Movies", "movies"), ("Shows", "tvshows"),
                                                                       ("Music", "music")]
    assert libraries[0].locations == ("/data/movies", "/data/documentaries")


def test_recursive_items_with_provider_ids_and_paths(mb, server, library):
    movies_id = mb.libraries()[0].id
    movies = mb.items(movies_id, ["Movie"])
    on_disk = [m for m in library.movies if m.has_file]
    assert sorted(m.id for m in movies) == sorted(item_id(server, m) for m in on_disk)
    pages = server.sim.find_requests("/Items")
    assert len(pages) == -(-len(on_disk) // 7)
    by_id = {item_id(server, m): m for m in on_disk}
    for movie in movies:
        source = by_id[movie.id]
        assert movie.ids["tmdb"] == str(source.tmdb_id) and movie.year == source.year
        assert movie.path == f"{source.path}/{source.file_name}" and movie.image_tags.get("Primary")


def test_seasons_and_episodes(mb, server, library):
    series = mb.items(mb.libraries()[1].id, ["Series"])
    source = next(s for s in library.shows if item_id(server, s) == series[0].id)
    assert series[0].ids["tvdb"] == str(source.tvdb_id)
    seasons = mb.seasons(series[0].id)
    assert [s.index for s in seasons] == sorted(s.number for s in source.seasons if any(e.has_file for e in s.episodes))
    episodes = mb.episodes(series[0].id, seasons[-1].id)
    assert episodes and all(e.season_id == seasons[-1].id and e.series_id == series[0].id for e in episodes)
    assert len(mb.episodes(series[0].id)) == sum(1 for e in source.episodes() if e.has_file)
    found = mb.items(types=["Series"], search=source.title[:5])
    assert series[0].id in [s.id for s in found]


def test_images_upload_replace_and_delete(mb, server):
    movie = mb.items(mb.libraries()[0].id, ["Movie"])[0]
    infos = mb.images(movie.id)
    assert {"Primary", "Backdrop"} <= {i.type for i in infos}
    current = mb.image(movie.id, "Primary")
    assert current[:2] == b"\xff\xd8"
    data = render_placeholder(30, 45, seed=21, text="MB")
    mb.upload_image(movie.id, "primary", data)
    assert mb.image(movie.id, "Primary") == data
    upload = server.sim.events("uploads")[-1]
    assert upload["sha256"] == hashlib.sha256(data).hexdigest() and upload["content_type"] == "image/jpeg"
    body = server.sim.find_requests("/Images/Primary", method="POST")[-1].body
    assert base64.b64decode(body) == data  # base64 text on the wire, as both servers expect

    backdrops = [i for i in mb.images(movie.id) if i.type == "Backdrop"]
    background = render_placeholder(64, 36, seed=22, kind="background")
    mb.replace_backdrop(movie.id, background)
    after = [i for i in mb.images(movie.id) if i.type == "Backdrop"]
    assert len(after) == len(backdrops) and after[-1].tag == hashlib.md5(background).hexdigest()
    mb.delete_image(movie.id, "Logo")
    assert "Logo" not in {i.type for i in mb.images(movie.id)}
    with pytest.raises(ValueError):
        mb.upload_image(movie.id, "Poster", data)


def test_credentials_travel_in_headers(mb, server):
    mb.libraries()
    request = server.sim.find_requests("/Library/VirtualFolders")[-1]
    if server.flavor == "jellyfin":
        assert f'Token="{KEY}"' in request.headers["authorization"]
    else:
        assert request.headers["x-emby-token"] == KEY
    assert KEY not in request.query


def test_emby_base_url_gets_its_prefix(library):
    with SimServer(emby.create_app(library, api_key=KEY), name="emby-prefix") as srv:
        for base in (srv.url, f"{srv.url}/emby", f"{srv.url}/emby/"):
            with MediaBrowserClient(base, KEY, "emby") as client:
                assert client.health().product == "Emby Server"
    with pytest.raises(ValueError):
        MediaBrowserClient("http://127.0.0.1:8096", KEY, "plex")  # type: ignore[arg-type]


# ---- failures ----------------------------------------------------------------------------------
def test_wrong_key_is_auth_failed(server):
    with MediaBrowserClient(server.url, "wrong", server.flavor, retry=FAST_RETRY) as client:
        with pytest.raises(AuthFailed):
            client.libraries()


def test_unknown_item_is_not_found(mb):
    with pytest.raises(NotFound):
        mb.item("0" * 32 if mb.flavor == "jellyfin" else "99999999")


def test_timeout_is_unreachable(server):
    server.sim.reset()
    server.sim.faults.add("timeout", path="/System/Info", hang_s=5)
    with MediaBrowserClient(server.url, KEY, server.flavor, timeout=0.3, retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(Unreachable):
            client.health()


def test_rate_limit_is_retried_honouring_retry_after(mb, server, slept):
    server.sim.faults.add("rate_limit", path="/Library/VirtualFolders", times=2, retry_after=4)
    assert len(mb.libraries()) == 3
    assert slept == [4, 4]


@pytest.mark.parametrize("body", ["truncate", "garbage", "html"])
def test_malformed_json_is_bad_response(mb, server, body):
    server.sim.faults.add("malformed", path="/Items", body=body)
    with pytest.raises(BadResponse):
        mb.items(types=["Movie"])


def test_wrong_shape_is_bad_response(mb, server):
    server.sim.faults.add("malformed", path="/Library/VirtualFolders", body="empty")
    with pytest.raises(BadResponse):
        mb.libraries()
