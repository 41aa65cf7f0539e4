"""RadarrClient / SonarrClient / LidarrClient against the simulators, incl. injected failures."""

from __future__ import annotations

import httpx
import pytest

from curatarr.connectors.arr import LidarrClient, RadarrClient, SonarrClient, client_for, detect
from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound, Unreachable
from curatarr.connectors.http import Pong, RetryPolicy

FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.02)


def radarr(sims, **kw) -> RadarrClient:
    return RadarrClient(sims.urls["radarr"], sims.api_keys["radarr"], retry=kw.pop("retry", FAST_RETRY), **kw)


def test_radarr_items_are_typed(arr_sims):
    library = arr_sims.apps["radarr"].state.arr.library
    with radarr(arr_sims) as client:
        assert client.system_status().app_name == "Radarr"
        movies = client.movies()
        assert [m.tmdb_id for m in movies] == [m.tmdb_id for m in library.movies]
        matrix = client.movie_by_tmdb(603)
        assert matrix.title == "The Matrix" and matrix.alternate_titles == ["Matrix"]
        assert matrix.collection_title == "The Matrix Collection" and matrix.original_language == "English"
        assert matrix.movie_file.quality == library.movie_by_tmdb(603).quality
        assert {i.cover_type for i in matrix.images} >= {"poster", "fanart"}
        assert client.movie(matrix.id) == matrix
        files = client.movie_files([matrix.id])
        assert [f.movie_id for f in files] == [matrix.id] and client.movie_files([]) == []
        assert {r.path for r in client.root_folders()} == {"/data/movies", "/data/documentaries"}
        assert "HD-1080p" in {p.name for p in client.quality_profiles()}
        assert client.movie_by_tmdb(1) is None


def test_tags_ensure_and_bulk_edit(arr_sims):
    with radarr(arr_sims) as client:
        tag = client.ensure_tag("Chub Renamed!")
        assert tag.label == "chub-renamed" and client.ensure_tag("chub-renamed") == tag
        client.edit_tags([1, 2], [tag.id], "add")
        assert all(tag.id in client.movie(i).tags for i in (1, 2))
        client.edit_tags([1], [tag.id], "remove")
        assert tag.id not in client.movie(1).tags
        with pytest.raises(ValueError):
            client.edit_tags([1], [tag.id], "merge")
        with pytest.raises(ValueError):
            client.ensure_tag("!!!")


def test_commands_poll_until_done(arr_sims):
    arr_sims.apps["radarr"].state.arr.polls_to_complete = 3
    sleeps: list[float] = []
    with radarr(arr_sims) as client:
        command = client.search([1, 2])
        assert command.status == "queued" and command.body["movieIds"] == [1, 2]
        done = client.wait_for_command(command, poll=2.5, sleep=sleeps.append)
    assert done.succeeded and sleeps == [2.5, 2.5]
    assert arr_sims.sims["radarr"].events("searches")[-1]["movie_ids"] == [1, 2]


def test_wait_for_command_times_out_with_bad_response(arr_sims):
    arr_sims.apps["radarr"].state.arr.polls_to_complete = 1000
    now = [0.0]

    def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    with radarr(arr_sims) as client:
        command = client.refresh([1])
        with pytest.raises(BadResponse, match="still started"):
            client.wait_for_command(command, timeout=10, poll=4, sleep=fake_sleep, clock=lambda: now[0])


def test_failed_command_is_reported_not_raised(arr_sims):
    arr_sims.apps["sonarr"].state.arr.fail_commands.add("seriessearch")
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"], retry=FAST_RETRY) as client:
        done = client.wait_for_command(client.search(1), poll=0)
    assert done.status == "failed" and not done.succeeded


def test_rename_preview_then_rename(arr_sims):
    with radarr(arr_sims) as client:
        ids = [m.id for m in client.movies()]
        preview = client.rename_preview(ids)
        assert preview and all(p.movie_id and p.new_path.endswith("].mkv") for p in preview)
        client.wait_for_command(client.rename([p.movie_id for p in preview]), poll=0)
        assert client.rename_preview(ids) == []


def test_exclusions_use_the_right_path_per_app(arr_sims):
    with radarr(arr_sims) as client:
        before = client.exclusions()
        added = client.add_exclusion(4242, "Excluded", 2001)
        assert added.external_id == "4242" and added.year == 2001
        client.delete(3, delete_files=True, add_exclusion=True)
        with pytest.raises(NotFound):
            client.movie(3)
        assert len(client.exclusions()) == len(before) + 2
        client.delete_exclusion(added.id)
    paths = [r.path for r in arr_sims.sims["radarr"].requests]
    assert "/api/v3/exclusions" in paths and not any("importlistexclusion" in p for p in paths)
    delete = arr_sims.sims["radarr"].find_requests("/api/v3/movie/3", "DELETE")[0]
    assert delete.params == {"deleteFiles": ["true"], "addImportExclusion": ["true"]}
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"]) as sonarr:
        tvdb_id = sonarr.series_by_id(2).tvdb_id
        sonarr.delete(2, add_exclusion=True)
        assert str(tvdb_id) in {e.external_id for e in sonarr.exclusions()}
    sonarr_delete = arr_sims.sims["sonarr"].find_requests("/api/v3/series/2", "DELETE")[0]
    assert sonarr_delete.params["addImportListExclusion"] == ["true"]


def test_sonarr_and_lidarr(arr_sims):
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"]) as sonarr:
        series = sonarr.series()
        assert series[0].title == "Breaking Bad" and series[0].seasons
        assert sonarr.series(tvdb_id=81189)[0].id == series[0].id
        episodes = sonarr.episodes(2, season_number=1)
        assert episodes and {e.season_number for e in episodes} == {1}
        files = sonarr.episode_files(2)
        sonarr.delete_episode_files([files[0].id])
        assert len(sonarr.episode_files(2)) == len(files) - 1
        assert all(p.existing_path.startswith("Season") for p in sonarr.rename_preview(2))
        assert sonarr.search(1).body["seriesId"] == 1
        moved = sonarr.move_to_root_folder([3], "/data/anime")
        assert moved[0]["path"].startswith("/data/anime/") and sonarr.series_by_id(3).root_folder_path == "/data/anime"
    with LidarrClient(arr_sims.urls["lidarr"], arr_sims.api_keys["lidarr"]) as lidarr:
        artists = lidarr.artists()
        assert artists[0].artist_name == "AC/DC"
        assert lidarr.albums(artists[0].id)[0].artist_id == artists[0].id
        assert lidarr.search(artists[0].id).body["artistId"] == artists[0].id
        assert lidarr.exclusions()[0].title == "Linkin Park"


def test_detect_and_client_for(arr_sims):
    assert isinstance(detect(arr_sims.urls["lidarr"], arr_sims.api_keys["lidarr"]), LidarrClient)
    assert isinstance(detect(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"]), SonarrClient)
    assert isinstance(client_for("Radarr", arr_sims.urls["radarr"], "k"), RadarrClient)
    with pytest.raises(ValueError):
        client_for("readarr", arr_sims.urls["radarr"], "k")


def test_ping_is_one_status_request(arr_sims):
    for app, cls in (("radarr", RadarrClient), ("sonarr", SonarrClient), ("lidarr", LidarrClient)):
        sim = arr_sims.sims[app]
        before = len(sim.find_requests(f"{cls.api}/system/status", "GET"))
        with cls(arr_sims.urls[app], arr_sims.api_keys[app]) as client:
            pong = client.ping()
            assert len(sim.find_requests(f"{cls.api}/system/status", "GET")) == before + 1
            status = client.system_status()
        assert isinstance(pong, Pong) and (pong.service, pong.status_code) == (app, 200)
        assert pong.version == status.version and pong.name in (status.instance_name, status.app_name)
    with RadarrClient(arr_sims.urls["radarr"], "wrong-key") as client, pytest.raises(AuthFailed):
        client.ping()


def test_streamed_listings_match_the_typed_ones(arr_sims):
    with radarr(arr_sims) as client:
        streamed = [raw for raw, _text in client.stream_items()]
        assert [m["id"] for m in streamed] == [m.id for m in client.movies()]
        first = streamed[0]["id"]
        assert client.item_document(first) == streamed[0]
        assert '"id"' in client.item_text(first)
        assert client.exclusion_endpoint == "/api/v3/exclusions"
        assert client.tag_labels() == {t.id: t.label for t in client.tags()}
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"]) as sonarr:
        episodes = [raw["id"] for raw, _ in sonarr.stream_episodes(2)]
        assert episodes == [e.id for e in sonarr.episodes(2)]
        assert sonarr.exclusion_endpoint == "/api/v3/importlistexclusion"
    with LidarrClient(arr_sims.urls["lidarr"], arr_sims.api_keys["lidarr"]) as lidarr:
        artist = lidarr.artists()[0].id
        assert [raw["id"] for raw, _ in lidarr.stream_albums(artist)] == [a.id for a in lidarr.albums(artist)]
        assert {raw["artistId"] for raw, _ in lidarr.stream_albums()} >= {artist}


def test_rescan_sends_each_apps_command(arr_sims):
    with radarr(arr_sims) as client:
        assert [(c.name, c.body["movieIds"]) for c in client.rescan([1, 2])] == [("RescanMovie", [1, 2])]
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"]) as sonarr:
        assert [(c.name, c.body["seriesId"]) for c in sonarr.rescan([1, 2])] == [("RescanSeries", 1),
                                                                                 ("RescanSeries", 2)]
    with LidarrClient(arr_sims.urls["lidarr"], arr_sims.api_keys["lidarr"]) as lidarr:
        assert [c.name for c in lidarr.rescan([1, 2])] == ["RescanFolders"]


# ---- failures ------------------------------------------------------------------------------------
def test_wrong_key_is_auth_failed(arr_sims):
    with RadarrClient(arr_sims.urls["radarr"], "wrong-key") as client:
        with pytest.raises(AuthFailed):
            client.system_status()
    arr_sims.sims["radarr"].faults.add("bad_auth", times=1)
    with radarr(arr_sims) as client:
        with pytest.raises(AuthFailed):
            client.movies()
        assert client.system_status().app_name == "Radarr"


def test_timeout_is_unreachable(arr_sims):
    arr_sims.sims["radarr"].faults.add("timeout", path="/system/status", hang_s=10)
    with radarr(arr_sims, timeout=httpx.Timeout(0.3), retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(Unreachable, match="timed out") as caught:
            client.system_status()
        assert caught.value.timed_out  # a health probe reports it as "timeout"


def test_rate_limit_is_retried_after_retry_after(arr_sims):
    sim = arr_sims.sims["radarr"]
    sim.faults.add("rate_limit", path="/api/v3/tag$", retry_after=0.05, times=1)
    with radarr(arr_sims) as client:
        assert client.tags()
    assert [r.status for r in sim.find_requests("/api/v3/tag")] == [429, 200]


def test_server_errors_are_retried_then_bad_response(arr_sims):
    sim = arr_sims.sims["radarr"]
    sim.faults.add("status", path="/api/v3/movie$", status=503)
    with radarr(arr_sims) as client:
        with pytest.raises(BadResponse) as info:
            client.movies()
    assert info.value.status == 503 and len(sim.find_requests("/api/v3/movie", "GET")) == 3


def test_malformed_json_is_bad_response(arr_sims):
    arr_sims.sims["sonarr"].faults.add("malformed", path="/api/v3/series$", times=1)
    with SonarrClient(arr_sims.urls["sonarr"], arr_sims.api_keys["sonarr"], retry=FAST_RETRY) as client:
        with pytest.raises(BadResponse, match="not valid JSON"):
            client.series()


def test_wrong_shape_is_bad_response(arr_sims):
    arr_sims.sims["lidarr"].faults.add("malformed", path="/api/v1/artist$", body="empty", times=1)
    with LidarrClient(arr_sims.urls["lidarr"], arr_sims.api_keys["lidarr"]) as client:
        with pytest.raises(BadResponse):
            client.artists()


def test_unreachable_and_ssrf(arr_sims):
    with pytest.raises(Unreachable):
        RadarrClient("http://169.254.169.254", "k")
    with RadarrClient("http://127.0.0.1:9", "k", retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(Unreachable):
            client.system_status()


def test_api_key_never_appears_in_errors(arr_sims):
    key = arr_sims.api_keys["radarr"]
    arr_sims.sims["radarr"].faults.add("status", status=500)
    with radarr(arr_sims) as client:
        with pytest.raises(BadResponse) as info:
            client.tags()
    assert key not in str(info.value) and key not in repr(info.value.args)


def test_move_to_root_folder_is_recorded(arr_sims):
    with radarr(arr_sims) as client:
        moved = client.move_to_root_folder([1], "/data/documentaries")
    assert moved[0]["rootFolderPath"] == "/data/documentaries"
    move = arr_sims.sims["radarr"].events("moves")[0]
    assert move["movie_id"] == 1 and move["move_files"] is True and move["destination"].startswith("/data/documentaries/")
