"""pyarr, a widely used third-party client, runs against the *arr simulators without errors."""

from __future__ import annotations

from pyarr import LidarrAPI, RadarrAPI, SonarrAPI


def test_pyarr_radarr(arr_cluster, demo_library):
    api = RadarrAPI(arr_cluster.urls["radarr"], arr_cluster.api_keys["radarr"])
    assert api.get_system_status()["appName"] == "Radarr"
    movies = api.get_movie()
    assert len(movies) == len(demo_library.movies)
    assert api.get_movie(1)["title"] == demo_library.movies[0].title
    assert api.get_movie(603, tmdb=True)[0]["tmdbId"] == 603
    assert {t["label"] for t in api.get_tag()} >= {"4k", "kids"}
    created = api.create_tag("pyarr-made")
    assert created["label"] == "pyarr-made" and api.get_tag(created["id"])["label"] == "pyarr-made"
    assert api.get_root_folder()[0]["path"] == "/data/movies"
    assert api.get_quality_profile(4)["name"] == "HD-1080p"
    command = api.post_command("MoviesSearch", movieIds=[1, 2])
    assert command["status"] == "queued"
    assert api.get_command(command["id"])["status"] == "completed"
    assert api.get_movie_file(movies[0]["movieFile"]["id"])  # list for one id
    assert api.lookup_movie("Matrix")[0]["tmdbId"] in (603, 604)
    assert isinstance(api.get_health(), list)
    # The completed search grabbed one release per monitored movie: the queue shows them, scored.
    queue = api.get_queue(page=1, page_size=10)["records"]
    assert sorted(q["movieId"] for q in queue) == [1, 2]
    assert all(isinstance(q["customFormatScore"], int) for q in queue)
    assert isinstance(api.get_movie_history(1), list)
    api.del_movie(3, delete_files=True, add_exclusion=True)
    assert 3 not in {m["id"] for m in api.get_movie()}


def test_pyarr_sonarr(arr_cluster, demo_library):
    api = SonarrAPI(arr_cluster.urls["sonarr"], arr_cluster.api_keys["sonarr"])
    assert api.get_system_status()["appName"] == "Sonarr"
    series = api.get_series()
    assert [s["title"] for s in series] == [s.title for s in demo_library.shows]
    assert api.get_series(81189, tvdb=True)[0]["title"] == "Breaking Bad"
    episodes = api.get_episodes_by_series_id(2)
    assert episodes and all(e["seriesId"] == 2 for e in episodes)
    assert api.get_episode(episodes[0]["id"])["id"] == episodes[0]["id"]
    assert all(f["seriesId"] == 2 for f in api.get_episode_files_by_series_id(2))
    assert api.get_tag() and api.get_root_folder()[0]["path"] == "/data/tv"
    command = api.post_command("SeriesSearch", seriesId=1)
    assert api.get_command(command["id"])["status"] == "completed"
    api.del_series(5, delete_files=True)
    assert 5 not in {s["id"] for s in api.get_series()}


def test_pyarr_lidarr(arr_cluster, demo_library):
    api = LidarrAPI(arr_cluster.urls["lidarr"], arr_cluster.api_keys["lidarr"])
    assert api.get_system_status()["appName"] == "Lidarr"
    artists = api.get_artist()
    assert [a["artistName"] for a in artists] == [a.name for a in demo_library.artists]
    albums = api.get_album(artistId=1)
    assert [a["title"] for a in albums] == [a.title for a in demo_library.artists[0].albums]
    assert api.get_tag() and api.get_root_folder()[0]["path"] == "/data/music"
    assert api.get_metadata_profile()[0]["name"] == "Standard"
    assert api.get_quality_profile()[0]["name"] == "Any"
    command = api.post_command("ArtistSearch", artistId=1)
    assert api.get_command(command["id"])["status"] == "completed"
