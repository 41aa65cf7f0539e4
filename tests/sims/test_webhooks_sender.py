"""Webhook payloads as Radarr/Sonarr/Tautulli send them (contracts.md §5, §11) and the sender."""

from __future__ import annotations

import base64

from fastapi import FastAPI, Request

from curatarr.sims import webhooks as wh
from curatarr.sims.base import Simulator, install
from curatarr.sims.server import SimServer


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield v
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield v
            yield from _walk(v)


def test_test_payloads_match_the_contract_exactly():
    assert wh.radarr_test() == {
        "movie": {"id": 1, "title": "Test Title", "year": 1970, "releaseDate": "1970-01-01",
                  "folderPath": "C:\\testpath", "tmdbId": 0, "tags": ["test-tag"]},
        "remoteMovie": {"tmdbId": 1234, "imdbId": "5678", "title": "Test title", "year": 1970},
        "release": {"quality": "Test Quality", "qualityVersion": 1, "releaseGroup": "Test Group",
                    "releaseTitle": "Test Title", "indexer": "Test Indexer", "size": 9999999, "customFormatScore": 0},
        "eventType": "Test", "instanceName": "Radarr", "applicationUrl": ""}
    sonarr = wh.sonarr_test()
    assert sonarr["eventType"] == "Test" and sonarr["series"]["tvMazeId"] == 0 and sonarr["series"]["year"] == 0
    assert sonarr["episodes"][0]["seriesId"] == 0


def test_radarr_upgrade_is_a_download_with_deleted_files(demo_library):
    movie = demo_library.movie_by_tmdb(603)
    payload = wh.radarr_download(movie, demo_library, upgrade=True)
    assert payload["eventType"] == "Download" and payload["isUpgrade"] is True
    assert payload["deletedFiles"][0]["path"].startswith(movie.path + "/")
    assert payload["deletedFiles"][0]["recycleBinPath"].startswith("/recycle/")
    assert payload["movie"]["folderPath"] == movie.path and payload["movie"]["tmdbId"] == 603
    assert payload["movie"]["tags"] == sorted(demo_library.tags[t] for t in movie.tags)  # labels, not ids
    assert "2160" in payload["movieFile"]["quality"]
    assert None not in list(_walk(payload))
    plain = wh.radarr_download(movie, demo_library)
    assert plain["isUpgrade"] is False and "deletedFiles" not in plain


def test_sonarr_has_two_download_shapes(demo_library):
    show = demo_library.shows[0]
    episodes = show.seasons[0].episodes[:3]
    single = wh.sonarr_download(show, episodes[0], demo_library)
    complete = wh.sonarr_download_complete(show, episodes, demo_library)
    assert single["eventType"] == complete["eventType"] == "Download"
    assert "episodeFile" in single and "isUpgrade" in single and "episodeFiles" not in single
    assert complete["fileCount"] == 3 and len(complete["episodeFiles"]) == 3 and "isUpgrade" not in complete
    assert single["series"]["path"] == show.path and "folderPath" not in single["series"]
    assert None not in list(_walk(single)) and None not in list(_walk(complete))


def test_other_events(demo_library):
    movie, show = demo_library.movies[0], demo_library.shows[0]
    ep = show.seasons[0].episodes[0]
    assert wh.radarr_rename(movie, previous_relative_path="old.mkv")["renamedMovieFiles"][0]["previousPath"].endswith("/old.mkv")
    assert wh.radarr_movie_delete(movie)["eventType"] == "MovieDelete"
    assert wh.radarr_movie_file_delete(movie)["deleteReason"] == "manual"
    assert wh.radarr_movie_added(movie)["addMethod"] == "manual"
    assert wh.sonarr_rename(show, ep, previous_relative_path="x.mkv")["eventType"] == "Rename"
    assert wh.sonarr_series_add(show)["eventType"] == "SeriesAdd"
    assert wh.sonarr_series_delete(show)["deletedFiles"] is True
    assert wh.sonarr_episode_file_delete(show, ep)["eventType"] == "EpisodeFileDelete"


def test_tautulli_body_is_all_strings(demo_library):
    show = demo_library.shows[0]
    season = show.seasons[0]
    ep = season.episodes[0]
    body = wh.tautulli_recently_added(ep, media_type="episode", parent=season, grandparent=show, library_name="TV Shows")
    assert body["rating_key"] == str(ep.plex_rating_key) and body["grandparent_rating_key"] == str(show.plex_rating_key)
    assert body["tvdb_id"] == str(show.tvdb_id) and all(isinstance(v, str) for v in body.values())
    movie_body = wh.tautulli_recently_added(demo_library.movies[0], media_type="movie")
    assert movie_body["parent_rating_key"] == "" and movie_body["tmdb_id"] == "603"


def test_send_webhook_with_basic_auth_and_headers(demo_library):
    sink = Simulator("sink")
    app = FastAPI()

    @app.api_route("/hook", methods=["POST", "PUT"])
    async def hook(request: Request):
        return {"ok": True}

    install(app, sink)
    with SimServer(app) as server:
        resp = wh.send_webhook(server.url + "/hook", wh.radarr_test(), username="u", password="p",
                               headers={"X-Service-Port": "7878"})
        wh.send_webhook(server.url + "/hook", wh.sonarr_test(), method="PUT")
    assert resp.status_code == 200
    first, second = sink.requests
    assert first.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert first.headers["x-service-port"] == "7878" and first.headers["content-type"] == "application/json"
    assert first.json()["eventType"] == "Test" and second.method == "PUT" and "authorization" not in second.headers
