"""Behaviours the *arr simulators must pin (contracts.md §13.1–3), over real HTTP."""

from __future__ import annotations

import httpx
import pytest


def client(cluster, name: str) -> httpx.Client:
    return httpx.Client(base_url=cluster.urls[name], headers={"X-Api-Key": cluster.api_keys[name]})


@pytest.mark.parametrize("service,base", [("radarr", "/api/v3"), ("sonarr", "/api/v3"), ("lidarr", "/api/v1")])
def test_all_three_auth_forms_and_401_otherwise(arr_cluster, service, base):
    url, key = arr_cluster.urls[service], arr_cluster.api_keys[service]
    path = f"{url}{base}/system/status"
    assert httpx.get(path, headers={"X-Api-Key": key}).json()["appName"].lower() == service
    assert httpx.get(path, params={"apikey": key}).status_code == 200
    assert httpx.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    for bad in ({}, {"X-Api-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
        resp = httpx.get(path, headers=bad)
        assert resp.status_code == 401 and resp.content == b""


def test_tags_are_lowercased_validated_and_persist(arr_cluster):
    with client(arr_cluster, "radarr") as c:
        created = c.post("/api/v3/tag", json={"Label": "Chub-Renamed"})
        assert created.status_code == 201 and created.json()["label"] == "chub-renamed"
        again = c.post("/api/v3/tag", json={"label": "CHUB-renamed"}).json()
        assert again["id"] == created.json()["id"]  # same label: the existing tag comes back
        bad = c.post("/api/v3/tag", json={"label": "no spaces!"})
        assert bad.status_code == 400 and bad.json()[0]["propertyName"] == "Label"
        tag_id = created.json()["id"]
        edit = c.put("/api/v3/movie/editor", json={"movieIds": [1, 2], "tags": [tag_id], "applyTags": "add"})
        assert edit.status_code == 202 and all(tag_id in m["tags"] for m in edit.json())
        assert tag_id in c.get("/api/v3/movie/1").json()["tags"]
        assert c.get(f"/api/v3/tag/detail/{tag_id}").json()["movieIds"] == [1, 2]
        assert c.delete(f"/api/v3/tag/{tag_id}").status_code == 409  # still in use
        c.put("/api/v3/movie/editor", json={"movieIds": [1, 2], "tags": [tag_id], "applyTags": "remove"})
        assert c.delete(f"/api/v3/tag/{tag_id}").status_code == 200
    changes = arr_cluster.sims["radarr"].events("tag_changes")
    assert [c["action"] for c in changes] == ["create", "apply", "apply", "apply", "apply", "delete"]


def test_command_lifecycle_is_deterministic(arr_cluster):
    arr_cluster.apps["radarr"].state.arr.polls_to_complete = 2
    with client(arr_cluster, "radarr") as c:
        posted = c.post("/api/v3/command", json={"name": "moviessearch", "MovieIds": [1]})
        assert posted.status_code == 201
        command = posted.json()
        assert command["status"] == "queued" and command["name"] == "MoviesSearch"
        assert command["body"]["movieIds"] == [1]  # keys matched case-insensitively
        first = c.get(f"/api/v3/command/{command['id']}").json()
        second = c.get(f"/api/v3/command/{command['id']}").json()
        assert (first["status"], second["status"]) == ("started", "completed")
        assert second["result"] == "successful" and second["ended"]
    assert arr_cluster.sims["radarr"].events("searches")[0]["movie_ids"] == [1]


def test_unknown_command_is_a_server_error_like_the_real_lookup(arr_cluster):
    with client(arr_cluster, "radarr") as c:
        assert c.post("/api/v3/command", json={"name": "MoviesSearchCommand"}).status_code == 500


def test_series_and_artist_search_take_one_id(arr_cluster):
    with client(arr_cluster, "sonarr") as c:
        good = c.post("/api/v3/command", json={"name": "SeriesSearch", "seriesId": 1}).json()
        wrong = c.post("/api/v3/command", json={"name": "SeriesSearch", "seriesIds": [1]}).json()
        assert c.get(f"/api/v3/command/{good['id']}").json()["status"] == "completed"
        assert c.get(f"/api/v3/command/{wrong['id']}").json()["status"] == "failed"
        legacy = c.post("/api/v3/command", json={"name": "RefreshSeries", "seriesId": 3}).json()
        assert legacy["body"]["seriesIds"] == [3]
    with client(arr_cluster, "lidarr") as c:
        wrong = c.post("/api/v1/command", json={"name": "ArtistSearch", "artistIds": [1]}).json()
        assert c.get(f"/api/v1/command/{wrong['id']}").json()["status"] == "failed"


def test_exclusion_paths_and_delete_flags_differ_per_app(arr_cluster, demo_library):
    with client(arr_cluster, "radarr") as c:
        assert c.get("/api/v3/importlistexclusion").status_code == 404  # CHUB's bug must show
        before = len(c.get("/api/v3/exclusions").json())
        assert c.delete("/api/v3/movie/2", params={"deleteFiles": "true", "addImportExclusion": "true"}).status_code == 200
        exclusions = c.get("/api/v3/exclusions").json()
        assert len(exclusions) == before + 1 and exclusions[-1]["tmdbId"] == demo_library.movies[1].tmdb_id
        assert c.get("/api/v3/movie/2").status_code == 404
    with client(arr_cluster, "sonarr") as c:
        assert c.get("/api/v3/exclusions").status_code == 404
        c.delete("/api/v3/series/1", params={"deleteFiles": "false", "addImportExclusion": "true"})  # Radarr's name
        assert 81189 not in {e["tvdbId"] for e in c.get("/api/v3/importlistexclusion").json()}
        c.delete("/api/v3/series/2", params={"addImportListExclusion": "true"})
        assert demo_library.shows[1].tvdb_id in {e["tvdbId"] for e in c.get("/api/v3/importlistexclusion").json()}
    deletes = arr_cluster.sims["sonarr"].events("deletes")
    assert [(d["id"], d["add_exclusion"], d["delete_files"]) for d in deletes] == [(1, False, False), (2, True, False)]


def _has_null(value) -> bool:
    if isinstance(value, dict):
        return any(v is None or _has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(v is None or _has_null(v) for v in value)
    return False


def test_nulls_are_omitted_and_unknown_params_ignored(arr_cluster, demo_library):
    no_file = next(m for m in demo_library.movies if not m.has_file)
    with client(arr_cluster, "radarr") as c:
        movie = c.get(f"/api/v3/movie/{no_file.id}", params={"includeImages": "false"}).json()
        assert movie["hasFile"] is False and "movieFile" not in movie
        movies = c.get("/api/v3/movie", params={"includeImages": "false", "whatever": "1"})
        assert len(movies.json()) == len(demo_library.movies) and not _has_null(movies.json())
        assert "\\u" in movies.text and "千と千尋" not in movies.text  # non-ASCII escaped, as .NET does
    with client(arr_cluster, "sonarr") as c:
        assert not _has_null(c.get("/api/v3/series").json())
        assert not _has_null(c.get("/api/v3/episode", params={"seriesId": 1, "includeEpisodeFile": "true"}).json())


def test_rename_preview_and_rename_command(arr_cluster, demo_library):
    scene_named = [m for m in demo_library.movies if m.has_file and not m.file_name.endswith(f"[{m.quality}].mkv")]
    assert scene_named, "the demo library has files waiting for a rename"
    movie = scene_named[0]
    with client(arr_cluster, "radarr") as c:
        assert c.get("/api/v3/rename").status_code == 400
        preview = c.get("/api/v3/rename", params={"movieId": movie.id}).json()
        assert preview == [{"id": movie.file_id, "movieId": movie.id, "movieFileId": movie.file_id,
                            "existingPath": movie.file_name,
                            "newPath": preview[0]["newPath"]}] and preview[0]["newPath"].endswith(f"[{movie.quality}].mkv")
        command = c.post("/api/v3/command", json={"name": "RenameMovie", "movieIds": [movie.id]}).json()
        c.get(f"/api/v3/command/{command['id']}")
        assert c.get("/api/v3/rename", params={"movieId": movie.id}).json() == []
        assert c.get(f"/api/v3/movie/{movie.id}").json()["movieFile"]["relativePath"] == preview[0]["newPath"]


def test_sonarr_rename_preview_is_relative_to_series_folder(arr_cluster):
    with client(arr_cluster, "sonarr") as c:
        previews = [p for s in c.get("/api/v3/series").json()
                    for p in c.get("/api/v3/rename", params={"seriesId": s["id"]}).json()]
    assert previews and all(p["existingPath"].startswith(("Season ", "Specials/")) for p in previews)


def test_paging_envelope(arr_cluster):
    with client(arr_cluster, "radarr") as c:
        first = c.get("/api/v3/wanted/cutoff", params={"page": 1, "pageSize": 1}).json()
        assert set(first) == {"page", "pageSize", "sortKey", "sortDirection", "totalRecords", "records"}
        total, seen, page = first["totalRecords"], [], 1
        while len(seen) < total:
            seen += c.get("/api/v3/wanted/cutoff", params={"page": page, "pageSize": 1}).json()["records"]
            page += 1
        assert len({m["id"] for m in seen}) == total >= 2


def test_two_radarr_instances_differ_realistically(arr_cluster, demo_library):
    with client(arr_cluster, "radarr_4k") as c:
        movies = c.get("/api/v3/movie").json()
        status = c.get("/api/v3/system/status").json()
    assert 0 < len(movies) < len(demo_library.movies)
    assert status["instanceName"] == "Radarr4K"
    assert all("2160" in m["movieFile"]["quality"]["quality"]["name"] for m in movies if m.get("movieFile"))
    assert {m["tmdbId"] for m in movies} <= {m.tmdb_id for m in demo_library.movies}
    assert [m["id"] for m in movies] == list(range(1, len(movies) + 1))


def test_health_reports_removed_items_in_chub_format(arr_cluster, demo_library):
    removed = [m for m in demo_library.movies if m.removed_from_tmdb]
    with client(arr_cluster, "radarr") as c:
        health = c.get("/api/v3/health").json()
    check = next(h for h in health if h["source"] == "RemovedMovieCheck")
    for movie in removed:
        assert f"{movie.title} (tmdbid {movie.tmdb_id})" in check["message"]


def test_media_cover_serves_images_and_needs_the_key(arr_cluster):
    url, key = arr_cluster.urls["radarr"], arr_cluster.api_keys["radarr"]
    assert httpx.get(f"{url}/MediaCover/1/poster.jpg").status_code == 401
    resp = httpx.get(f"{url}/MediaCover/1/poster-500.jpg", params={"apikey": key})
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/jpeg" and resp.content[:2] == b"\xff\xd8"
    assert httpx.get(f"{url}/api/v3/mediacover/1/nonsense.jpg", params={"apikey": key}).status_code == 404


def test_reset_restores_the_library(arr_cluster):
    with client(arr_cluster, "radarr") as c:
        c.delete("/api/v3/movie/1")
        assert c.get("/api/v3/movie/1").status_code == 404
        assert c.post("/__sim__/reset").json() == {"ok": True}
        assert c.get("/api/v3/movie/1").status_code == 200
        assert c.get("/__sim__/state").json()["recorded"] == {}
