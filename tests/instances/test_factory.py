"""The factory: config.yml entries → references and working connectors (real HTTP to the sims)."""

from __future__ import annotations

import pytest

from curatarr.instances.factory import (
    INSTANCE_TYPES,
    connector_for,
    find_instance,
    get_instance,
    list_instances,
)


@pytest.fixture
def rt_with_sims(runtime, sim_instances):
    runtime.config.update({"instances": sim_instances})
    return runtime


def test_list_and_get(rt_with_sims, sim_instances):
    refs = list_instances(rt_with_sims)
    assert [r.type for r in refs] == sorted((r.type for r in refs), key=INSTANCE_TYPES.index)
    assert {r.name for r in list_instances(rt_with_sims, "radarr")} == set(sim_instances["radarr"])
    ref = get_instance(rt_with_sims, "radarr_4k")
    assert (ref.type, ref.url, ref.enabled) == ("radarr", sim_instances["radarr"]["radarr_4k"]["url"], True)
    assert ref.api == sim_instances["radarr"]["radarr_4k"]["api"]
    with pytest.raises(KeyError):
        get_instance(rt_with_sims, "radarr_4k", "sonarr")
    with pytest.raises(KeyError):
        get_instance(rt_with_sims, "nope")
    assert find_instance(rt_with_sims, "nope") is None
    rt_with_sims.config.update({"instances": {"radarr": {"radarr_4k": {"enabled": False}}}})
    assert "radarr_4k" not in {r.name for r in list_instances(rt_with_sims, enabled_only=True)}


def test_default_url_for_providers(runtime):
    runtime.config.update({"instances": {"tmdb": {"tmdb_public": {"api": "k"}}}})
    assert get_instance(runtime, "tmdb_public").url == "https://api.themoviedb.org/3"


def test_connectors_talk_to_the_simulators(rt_with_sims, sim_cluster):
    from curatarr.sims.library import SampleLibrary

    lib = SampleLibrary.demo()
    with connector_for(rt_with_sims, "radarr", "radarr") as radarr:
        assert type(radarr).__name__ == "RadarrClient"
        assert len(radarr.movies()) == len(lib.movies)
    with connector_for(rt_with_sims, "radarr_4k") as radarr_4k:
        assert 0 < len(radarr_4k.movies()) < len(lib.movies)
    with connector_for(rt_with_sims, "sonarr") as sonarr:
        assert type(sonarr).__name__ == "SonarrClient" and len(sonarr.series()) == len(lib.shows)
    if "lidarr" in sim_cluster.types:
        with connector_for(rt_with_sims, "lidarr") as lidarr:
            assert type(lidarr).__name__ == "LidarrClient" and len(lidarr.artists()) == len(lib.artists)
    with connector_for(rt_with_sims, "plex") as plex:
        assert type(plex).__name__ == "PlexClient" and {s.type for s in plex.sections()} >= {"movie", "show"}
    for flavor in ("jellyfin", "emby"):
        if flavor in sim_cluster.types:
            with connector_for(rt_with_sims, flavor) as mb:
                assert type(mb).__name__ == "MediaBrowserClient" and mb.flavor == flavor
                assert {lib_.collection_type for lib_ in mb.libraries()} >= {"movies", "tvshows"}
    with connector_for(rt_with_sims, "tmdb") as tmdb:
        assert tmdb.ping().status_code == 200
        poster = tmdb.movie_images(lib.movies[0].tmdb_id)[0]
        assert poster.url.startswith(sim_cluster.urls["tmdb"] + "/t/p/")  # images_url setting was passed
    with connector_for(rt_with_sims, "tvdb") as tvdb:
        assert tvdb.ping().status_code == 200
    with connector_for(rt_with_sims, "fanart") as fanart:
        assert isinstance(fanart.movie_images(lib.movies[0].tmdb_id), list)


def test_connector_errors_use_the_shared_vocabulary(rt_with_sims, sim_cluster):
    from curatarr.connectors.errors import AuthFailed

    sim_cluster.sims["radarr"].faults.add("bad_auth")
    with connector_for(rt_with_sims, "radarr") as radarr, pytest.raises(AuthFailed):
        radarr.movies()


def test_arr_stats_count_live_items(client, rt_with_sims):
    from curatarr.sims.library import SampleLibrary

    lib = SampleLibrary.demo()
    stats = client.get("/api/instances/radarr/stats").json()
    assert stats["total_media"] == len(lib.movies) and stats["source"] == "live"
    assert client.get("/api/instances/sonarr/stats").json()["total_media"] == len(lib.shows)
    assert client.get("/api/instances/radarr/stats", params={"service_type": "sonarr"}).status_code == 404
    tmdb = client.get("/api/instances/tmdb/stats").json()
    assert tmdb["total_media"] is None and tmdb["source"] is None  # providers have no library


def test_every_connector_is_built_from_its_instance_and_answers_ping(rt_with_sims):
    from curatarr.connectors.http import Pong
    from curatarr.instances.factory import build_connector

    refs = list_instances(rt_with_sims)
    assert {r.type for r in refs} >= {"radarr", "sonarr", "plex", "tmdb", "fanart", "tvdb"}
    for ref in refs:
        connector = ref.spec.connector_class.from_instance(ref)
        assert type(connector) is type(build_connector(ref)), ref.name
        with connector:
            pong = connector.ping()
        assert isinstance(pong, Pong) and pong.status_code in (200, 404), (ref.name, pong)
        if ref.spec.category != "provider":  # servers say which version answered
            assert pong.version, (ref.name, pong)


def test_from_instance_options_win_over_settings(rt_with_sims):
    from curatarr.connectors.http import RetryPolicy
    from curatarr.instances.factory import build_connector

    ref = get_instance(rt_with_sims, "radarr")
    with build_connector(ref, retry=RetryPolicy(attempts=1), name="renamed") as radarr:
        assert radarr.http.retry.attempts == 1 and radarr.http.service == "renamed"
    with connector_for(rt_with_sims, ref.name) as radarr:
        assert radarr.http.service == ref.name  # errors name the instance
