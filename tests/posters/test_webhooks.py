"""POST /api/webhook/arr and /api/webhook/tautulli: auth, native payloads, bad input, duplicates, and
a Sonarr import producing exactly that episode's title card and season poster."""

from __future__ import annotations

import copy

import pytest

from tests.posters.conftest import configure

RADARR_TEST = {"movie": {"id": 1, "title": "Test Title", "year": 1970, "releaseDate": "1970-01-01",
                         "folderPath": "C:\\testpath", "tmdbId": 0, "tags": ["test-tag"]},
               "remoteMovie": {"tmdbId": 1234, "imdbId": "5678", "title": "Test title", "year": 1970},
               "eventType": "Test", "instanceName": "Radarr", "applicationUrl": ""}
SONARR_TEST = {"series": {"id": 1, "title": "Test Title", "path": "C:\\testpath", "tvdbId": 1234, "tvMazeId": 0,
                          "tmdbId": 0, "type": "standard", "year": 0, "tags": ["test-tag"]},
               "episodes": [{"id": 123, "episodeNumber": 1, "seasonNumber": 1, "title": "Test title",
                             "seriesId": 0, "tvdbId": 0}],
               "eventType": "Test", "instanceName": "Sonarr", "applicationUrl": ""}


def sonarr_import(show, season, episode, *, complete=False):
    body = {"series": {"id": 7, "title": show.title, "path": show.path, "tvdbId": show.tvdb_id, "tmdbId": show.tmdb_id,
                       "imdbId": show.imdb_id or "", "type": "standard", "year": show.year},
            "episodes": [{"id": 501, "episodeNumber": episode, "seasonNumber": season, "title": "Ep",
                          "seriesId": 7, "tvdbId": 1}],
            "eventType": "Download", "instanceName": "Sonarr", "applicationUrl": ""}
    if complete:  # Sonarr v4 "On Import Complete" shape
        body.update({"episodeFiles": [{"id": 1, "path": "/x.mkv"}], "fileCount": 1, "sourcePath": "/dl",
                     "destinationPath": show.path})
    else:
        body.update({"episodeFile": {"id": 9001, "path": "/x.mkv"}, "isUpgrade": False})
    return body


@pytest.mark.parametrize("body", [RADARR_TEST, SONARR_TEST])
def test_test_events_answer_200_without_queuing(client, body):
    r = client.post("/api/webhook/arr", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True and r.json()["job_id"] is None and r.json()["file"] is None


@pytest.mark.parametrize("body,status,needle", [
    ({"eventType": "Bogus", "movie": {"title": "X"}}, 400, "unknown Radarr event"),
    ({"movie": {"title": "X"}}, 422, "eventType"),
    ({"eventType": "Download"}, 422, "neither"),
    ({"eventType": "Download", "series": {"title": "X"}, "episodes": "nope"}, 422, "episodes"),
    ({"eventType": "Download", "movie": {"title": ["x"]}}, 422, "movie.title"),
    ({"eventType": "Download", "series": {"title": "X"}, "episodes": [{"seasonNumber": "one"}]}, 422, "seasonNumber"),
])
def test_bad_arr_input_is_a_clear_4xx(client, body, status, needle):
    r = client.post("/api/webhook/arr", json=body)
    assert r.status_code == status, r.text
    assert needle in str(r.json()["detail"])


def test_non_json_and_non_object_bodies(client):
    assert client.post("/api/webhook/arr", content=b"{nope", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/api/webhook/arr", json=[1, 2]).status_code == 400
    assert client.post("/api/webhook/tautulli", content=b"").status_code == 400


def test_other_events_are_acknowledged_and_ignored(client):
    body = {**copy.deepcopy(RADARR_TEST), "eventType": "Grab"}
    r = client.post("/api/webhook/arr", json=body)
    assert r.status_code == 200 and r.json()["job_id"] is None and "ignored" in r.json()["message"]


def test_webhooks_need_auth(anon_client):
    assert anon_client.post("/api/webhook/arr", json=RADARR_TEST).status_code == 401
    assert anon_client.post("/api/webhook/tautulli", json={"media_type": "movie", "rating_key": "1"}).status_code == 401


@pytest.mark.parametrize("body,needle", [
    ({"media_type": "album", "rating_key": "1"}, "media_type"),
    ({"media_type": "movie", "rating_key": "abc"}, "rating_key"),
    ({"media_type": "movie"}, "rating_key"),
    ({"mediatype": "episode", "RatingKey": True}, "rating_key"),
])
def test_bad_tautulli_input(client, body, needle):
    r = client.post("/api/webhook/tautulli", json=body)
    assert r.status_code == 422, r.text
    assert needle in str(r.json()["detail"])


def test_sonarr_import_makes_exactly_that_title_card_and_season_poster(client, runtime, sims):
    configure(runtime, sims, webhook_retry_delay=0, webhook_retries=0)
    show = sims.library.shows[0]
    r = client.post("/api/webhook/arr", json=sonarr_import(show, 1, 2))
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    assert isinstance(job_id, int) and r.json()["message"] == "Trigger queued for Sonarr"
    dup = client.post("/api/webhook/arr", json=sonarr_import(show, 1, 2, complete=True))
    job = runtime.jobs.wait(job_id, 120)
    assert job["status"] in ("success", "completed", "done", "finished", "ok"), job
    root = runtime.data_dir / "posters" / "assets"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg"))
    assert files == [f"TV Shows/{show.folder_name}/S01E02.jpg", f"TV Shows/{show.folder_name}/Season01.jpg"]
    assert dup.status_code == 200 and isinstance(dup.json()["job_id"], int)


def test_tautulli_movie_trigger_renders_that_movie(client, runtime, sims):
    configure(runtime, sims, webhook_retry_delay=0, webhook_retries=0)
    movie = sims.library.movies[1]
    r = client.post("/api/webhook/tautulli", json={"media_type": "movie", "rating_key": str(movie.plex_rating_key),
                                                   "parent_rating_key": "", "grandparent_rating_key": ""})
    assert r.status_code == 200, r.text
    runtime.jobs.wait(r.json()["job_id"], 120)
    root = runtime.data_dir / "posters" / "assets"
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.jpg"))
    assert files == [f"Movies/{movie.folder_name}/background.jpg", f"Movies/{movie.folder_name}/poster.jpg"]


def test_webhooks_accept_basic_auth_and_the_webhook_secret(anon_client, runtime):
    r = anon_client.post("/api/webhook/arr", json=RADARR_TEST, auth=("admin", "admin-pass-123"))
    assert r.status_code == 200, r.text
    runtime.config.update({"general": {"webhook_secret": "s3cret-value-123"}})
    assert anon_client.post("/api/webhook/arr?secret=s3cret-value-123", json=SONARR_TEST).status_code == 200
    assert anon_client.post("/api/webhook/arr", json=SONARR_TEST,
                            headers={"X-Webhook-Secret": "s3cret-value-123"}).status_code == 200
    assert anon_client.post("/api/webhook/arr?secret=wrong", json=SONARR_TEST).status_code == 401
    # the secret is a webhook credential only
    assert anon_client.get("/api/assets/stats?secret=s3cret-value-123").status_code == 401
