"""Simulator fidelity measured with real client libraries: pyarr (Radarr/Sonarr/Lidarr),
jellyfin-apiclient-python and python-plexapi drive the simulators over real HTTP, for every call
upgradinatorr and labelarr make plus the calls issue 16 lists. Where a route has a contract
(``../shared/contracts``), the simulator's answer is also validated against it."""

from __future__ import annotations

import httpx
import pytest
from pyarr import LidarrAPI, RadarrAPI, SonarrAPI

from tests._fixtures import fresh, sim_cluster
from tests.sims.arr_openapi import validate_exchange


@pytest.fixture(scope="module")
def _cluster():
    with sim_cluster(services=["radarr", "sonarr", "lidarr", "jellyfin", "emby", "plex"]) as c:
        yield c


@pytest.fixture
def cluster(_cluster):
    return fresh(_cluster)


def contract_get(cluster, service: str, path: str, **params) -> httpx.Response:
    """GET over httpx and validate the exchange against the service's OpenAPI document."""
    resp = httpx.get(cluster.urls[service] + path, params=params, headers={"X-Api-Key": cluster.api_keys[service]},
                     timeout=10)
    assert resp.status_code == 200, resp.text
    validate_exchange(service, resp)
    return resp


def wait_command(api, command: dict) -> dict:
    for _ in range(20):
        current = api.get_command(command["id"])
        if current["status"] in ("completed", "failed"):
            return current
    raise AssertionError(f"command {command['id']} never finished")


# ---- pyarr --------------------------------------------------------------------------------------

def test_pyarr_radarr_calls_of_upgradinatorr_and_labelarr(cluster):
    api = RadarrAPI(cluster.urls["radarr"], cluster.api_keys["radarr"])
    movie = next(m for m in api.get_movie() if m["monitored"])
    tag = api.create_tag("curatarr-checked")
    assert tag["label"] == "curatarr-checked" and tag in api.get_tag()
    # upd_movie: PUT /api/v3/movie with the id only in the body (the real route's id is optional)
    movie["tags"] = [tag["id"]]
    updated = api.upd_movie(movie)
    assert updated["id"] == movie["id"] and updated["tags"] == [tag["id"]]
    assert api.get_movie(movie["id"])["tags"] == [tag["id"]]
    assert api.get_tag_detail(tag["id"])["movieIds"] == [movie["id"]]
    # search → command polled to completion → the grab shows in the queue with a custom-format score
    done = wait_command(api, api.post_command("MoviesSearch", movieIds=[movie["id"]]))
    assert done["status"] == "completed"
    queue = api.get_queue(page=1, page_size=50)["records"]
    assert [q["movieId"] for q in queue] == [movie["id"]] and isinstance(queue[0]["customFormatScore"], int)
    contract_get(cluster, "radarr", "/api/v3/queue", page=1, pageSize=50)
    # history: paged, newest first
    history = api.get_history(page=1, page_size=5)
    assert history["totalRecords"] >= len(history["records"]) > 0
    assert all("movieId" in r and r["eventType"] for r in history["records"])
    dates = [r["date"] for r in history["records"]]
    assert dates == sorted(dates, reverse=True)


def test_pyarr_radarr_put_without_an_id_is_a_clear_400(cluster):
    r = httpx.put(cluster.urls["radarr"] + "/api/v3/movie", json={"title": "no id"},
                  headers={"X-Api-Key": cluster.api_keys["radarr"]}, timeout=10)
    assert r.status_code == 400 and r.json()[0]["propertyName"] == "Id"


def test_pyarr_sonarr(cluster):
    api = SonarrAPI(cluster.urls["sonarr"], cluster.api_keys["sonarr"])
    series = api.get_series()[0]
    series["monitored"] = not series["monitored"]
    assert api.upd_series(series)["monitored"] == series["monitored"]
    assert api.get_series(series["id"])["monitored"] == series["monitored"]
    profiles = api.get_language_profile()
    assert profiles and profiles[0]["languages"]
    contract_get(cluster, "sonarr", "/api/v3/languageprofile")
    history = api.get_history(page=1, page_size=10)
    assert history["records"] and all("seriesId" in r and "episodeId" in r for r in history["records"])
    episodes = api.get_episode(series["id"], series=True)
    ids = [e["id"] for e in episodes[:2]]
    answer = api.upd_episode_monitor(ids, False)   # 202 carrying the updated episodes
    assert sorted(e["id"] for e in answer) == sorted(ids) and not any(e["monitored"] for e in answer)
    assert not any(e["monitored"] for e in api.get_episode(series["id"], series=True) if e["id"] in ids)
    wanted = api.get_wanted(page=1, page_size=5, include_series=True)
    assert wanted["records"] and all("series" in r for r in wanted["records"])
    done = wait_command(api, api.post_command("SeasonSearch", seriesId=series["id"], seasonNumber=1))
    assert done["status"] == "completed"


def test_pyarr_lidarr(cluster):
    api = LidarrAPI(cluster.urls["lidarr"], cluster.api_keys["lidarr"])
    artist = api.get_artist()[0]
    artist["monitored"] = not artist["monitored"]
    assert api.upd_artist(artist)["monitored"] == artist["monitored"]
    album = next(a for a in api.get_album() if a["statistics"]["trackFileCount"])
    tracks = api.get_tracks(albumId=album["id"])
    assert len(tracks) == album["statistics"]["trackCount"]
    assert sum(t["hasFile"] for t in tracks) == album["statistics"]["trackFileCount"]
    files = api.get_track_file(albumId=album["id"])
    assert {f["id"] for f in files} == {t["trackFileId"] for t in tracks if t["hasFile"]}
    by_artist = api.get_track_file(artistId=album["artistId"])
    assert {f["id"] for f in files} <= {f["id"] for f in by_artist}
    assert api.get_tracks(trackIds=tracks[0]["id"])["title"] == tracks[0]["title"]
    history = api.get_history(page=1, page_size=5)
    assert history["records"] and all("albumId" in r for r in history["records"])
    done = wait_command(api, api.post_command("AlbumSearch", albumIds=[album["id"]]))
    assert done["status"] == "completed"
    assert any(q["albumId"] == album["id"] for q in api.get_queue(page=1, page_size=20)["records"])


# ---- jellyfin-apiclient-python -----------------------------------------------------------------

def jellyfin_api(cluster, name: str = "jellyfin"):
    from jellyfin_apiclient_python import JellyfinClient

    url, key = cluster.urls[name], cluster.api_keys[name]
    if name == "emby":
        url += "/emby"
    user = httpx.get(url + "/Users", headers={"Authorization": f'MediaBrowser Token="{key}"'}, timeout=10).json()[0]
    client = JellyfinClient()
    client.config.app("curatarr-tests", "1.0", "pytest", "pytest-device")
    client.config.data["auth.ssl"] = False
    state = client.authenticate({"Servers": [{"Id": "sim", "address": url, "AccessToken": key, "UserId": user["Id"],
                                              "DateLastAccessed": 0}]}, discover=False)
    assert str(state["State"]).endswith("SignedIn")
    return client.jellyfin, user


@pytest.mark.parametrize("name", ["jellyfin", "emby"])
def test_jellyfin_apiclient(cluster, name):
    api, user = jellyfin_api(cluster, name)
    assert api.get_user()["Id"] == user["Id"] == api.get_user(user["Id"])["Id"]
    assert api.get_public_users() == []
    views = api.get_views()["Items"]
    assert {v["CollectionType"] for v in views} >= {"movies", "tvshows"}
    movies_view = next(v for v in views if v["CollectionType"] == "movies")
    page = api.user_items(params={"ParentId": movies_view["Id"], "Recursive": True, "IncludeItemTypes": "Movie",
                                  "Fields": "ProviderIds,Tags", "Limit": 5})
    assert len(page["Items"]) == 5 and page["TotalRecordCount"] > 5
    assert all(i["Type"] == "Movie" and "ProviderIds" in i for i in page["Items"])
    first = page["Items"][0]
    assert api.get_item(first["Id"])["Name"] == first["Name"]
    assert {i["Id"] for i in api.get_items([i["Id"] for i in page["Items"][:3]])["Items"]} == \
        {i["Id"] for i in page["Items"][:3]}
    latest = api.get_recently_added(media="Movie", limit=4)
    assert isinstance(latest, list) and len(latest) == 4 and all(i["Type"] == "Movie" for i in latest)
    added = [i["DateCreated"] for i in latest]
    assert added == sorted(added, reverse=True)
    genres = api.get_genres()["Items"]
    assert genres and all(g["Type"] == "Genre" for g in genres)
    sim = cluster.sims[name]
    api.refresh_library()
    api.refresh_item(first["Id"])
    refreshes = sim.events("refreshes")
    assert [r["scope"] for r in refreshes] == ["library", "item"] and refreshes[1]["item_id"] == first["Id"]
    assert api.get_sessions()[0]["UserId"] == user["Id"]
    assert api.get_plugins() == []
    # labelarr's edit: the item's tags replaced through the full-item POST
    api.update_item(first["Id"], {"Tags": ["curatarr"]})
    assert api.get_item(first["Id"])["Tags"] == ["curatarr"]


# ---- python-plexapi -----------------------------------------------------------------------------

@pytest.fixture
def plex(cluster):
    from plexapi.server import PlexServer

    return PlexServer(cluster.urls["plex"], cluster.api_keys["plex"], timeout=10)


def test_plexapi_search_filters_and_labels(plex, cluster):
    movies = plex.library.section("Movies")
    everything = plex.library.search()
    assert len(everything) >= len(movies.all())
    assert [m.title for m in plex.library.search(title="Matrix", libtype="movie")] == \
        [m.title for m in movies.all() if "matrix" in m.title.lower()]
    target = movies.all()[3]
    target.addLabel("curatarr-probe")                      # labelarr's edit
    assert [m.ratingKey for m in movies.search(label="curatarr-probe")] == [target.ratingKey]
    assert [m.ratingKey for m in movies.search(filters={"label": "curatarr-probe"})] == [target.ratingKey]
    assert target.ratingKey not in [m.ratingKey for m in movies.search(filters={"label!": "curatarr-probe"})]
    assert "curatarr-probe" in [c.title for c in movies.listFilterChoices("label")]
    assert all(m.year == target.year for m in movies.search(year=target.year))
    assert all(m.year > 2000 for m in movies.search(filters={"year>>": 2000}))
    genre = target.genres[0].tag
    assert all(genre in [g.tag for g in m.genres] for m in movies.search(genre=genre))
    titles = [m.titleSort or m.title for m in movies.search(sort="titleSort:desc")]
    assert titles == sorted(titles, key=str.lower, reverse=True)
    assert {f.filter for f in movies.listFilters()} >= {"label", "genre", "collection", "year"}
    target.removeLabel("curatarr-probe")
    assert movies.search(label="curatarr-probe") == []


def test_plexapi_collections_recently_added_sessions_activities(plex, cluster):
    movies = plex.library.section("Movies")
    members = movies.all()[:2]
    coll = plex.createCollection("Curatarr Upgrades", section=movies, items=members)
    assert sorted(i.ratingKey for i in coll.items()) == sorted(m.ratingKey for m in members)
    assert "Curatarr Upgrades" in [c.title for c in movies.collections()]
    assert cluster.sims["plex"].events("collections")[-1]["title"] == "Curatarr Upgrades"
    recent = movies.recentlyAdded(maxresults=5)
    stamps = [m.addedAt for m in recent]
    assert len(recent) == 5 and stamps == sorted(stamps, reverse=True)
    assert plex.library.recentlyAdded()
    assert plex.sessions() == []
    assert plex.activities == []
