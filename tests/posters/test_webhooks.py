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
    assert client.post("/api/webhook/arr", content=b"{nope", headers={"Content-Type": "application/json"}).status_code == 422
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


# ---- cheap item lookup: a webhook costs a handful of server requests, whatever the library size ----

def _on_disk_episode(library):
    from curatarr.sims.plex_tree import children_of, on_disk

    for show in library.shows:
        if not on_disk(show):
            continue
        for season in children_of(show):
            episodes = children_of(season)
            if episodes and season.number > 0:
                return show, season.number, episodes[0].episode_number
    raise AssertionError("no show with an episode on disk")


def _webhook_requests(client, runtime, shows: int, server: str) -> tuple[int, list[str]]:
    from curatarr.sims.library import SampleLibrary
    from tests.posters.conftest import serving

    library = SampleLibrary.generate(seed=11, movies=1, shows=shows, artists=0, seasons=(1, 2), episodes=(1, 2))
    with serving(library, services=(server, "tmdb", "fanart", "tvdb")) as sims:
        # provider answers are cached per show in the database: off, as each library has its own sims
        configure(runtime, sims, servers=(server,), webhook_retry_delay=0, webhook_retries=0, provider_cache_hours=0)
        # small pages: a library walk would need more requests on the larger library
        runtime.config.update({"instances": {server: {server: {"page_size": 50}}}})
        show, season, episode = _on_disk_episode(library)
        r = client.post("/api/webhook/arr", json=sonarr_import(show, season, episode))
        assert r.status_code == 200, r.text
        job = runtime.jobs.wait(r.json()["job_id"], 120)
        assert job["status"] in ("success", "completed", "done", "finished", "ok"), job
        root = runtime.data_dir / "posters" / "assets"
        made = {p.name for p in (root / "TV Shows" / show.folder_name).glob("*.jpg")} if server == "plex" else \
            {p.name for p in root.rglob("*.jpg")}
        assert f"S{season:02d}E{episode:02d}.jpg" in made, made
        paths = [f"{q.method} {q.path}?{q.query}" for q in sims.sim(server).requests]
        return len(paths), paths


@pytest.mark.parametrize("server", ["plex", "jellyfin", "emby"])
def test_arr_webhook_lookup_does_not_walk_the_library(client, runtime, server):
    small, _ = _webhook_requests(client, runtime, 10, server)
    import shutil

    shutil.rmtree(runtime.data_dir / "posters" / "assets", ignore_errors=True)
    large, paths = _webhook_requests(client, runtime, 200, server)
    assert large <= 8, paths
    assert large == small, paths  # does not grow with the library
    listings = [p for p in paths if p.split("?")[0].endswith("/all") or p.split("?")[0].endswith("/Items")]
    assert listings and all("title=" in p or "SearchTerm=" in p or "AnyProviderIdEquals=" in p for p in listings), paths


def test_lookup_variants_and_the_walk_fallback(sims):
    """Title with the *arr's region suffix, ids without a title (Plex/Jellyfin walk; Emby asks by id),
    an excluded library, and an item the server does not have."""
    from curatarr.connectors.jellyfin import MediaBrowserClient
    from curatarr.connectors.plex import PlexClient
    from curatarr.posters.modes import ItemTarget, find_items
    from tests.posters.conftest import serving, tiny_library

    show, movie = sims.library.shows[0], sims.library.movies[0]
    with serving(tiny_library(), services=("emby",)) as emby_sims:
        clients = {"plex": PlexClient(sims.servers["plex"].url, sims.keys["plex"]),
                   "jellyfin": MediaBrowserClient(sims.servers["jellyfin"].url, sims.keys["jellyfin"]),
                   "emby": MediaBrowserClient(emby_sims.servers["emby"].url, emby_sims.keys["emby"], "emby")}
        try:
            for name, client in clients.items():
                sim = emby_sims.sim("emby") if name == "emby" else sims.sim(name)
                found = find_items(client, name, ItemTarget(media_type="episode", title=f"{show.title} (US)",
                                                                  tvdb=str(show.tvdb_id), season=1, episodes=[1]))
                assert [i.server_id for i in found] and found[0].title == show.title and found[0].episodes, name
                sim.requests.clear()
                by_id = find_items(client, name, ItemTarget(media_type="movie", tmdb=str(movie.tmdb_id)))
                assert [i.title for i in by_id] == [movie.title], name
                queries = " ".join(r.query for r in sim.requests)
                assert ("AnyProviderIdEquals=tmdb." in queries) == (name == "emby"), queries
                missing = ItemTarget(media_type="movie", title="No Such Film", year=1901)
                assert find_items(client, name, missing) == []
                library = "Movies"
                assert find_items(client, name, ItemTarget(media_type="movie", title=movie.title),
                                  exclude=[library]) == [], name
        finally:
            for client in clients.values():
                client.close()


@pytest.mark.parametrize("server", ["plex", "jellyfin"])
def test_items_known_from_earlier_runs_are_found_by_id_whatever_their_title(runtime, sims, server):
    """An upgrade or a new episode of a show we already made art for: fetched by the server id the
    run recorded, even when the *arr's title differs from the server's (a localised library)."""
    from curatarr.instances.factory import connector_for
    from curatarr.posters.modes import ItemTarget, find_items
    from tests.posters.conftest import run

    configure(runtime, sims, servers=(server,))
    run(runtime)
    show = sims.library.shows[0]
    target = ItemTarget(media_type="episode", title="Ein ganz anderer Titel", tvdb=str(show.tvdb_id), season=1)
    with connector_for(runtime, server) as client:
        assert find_items(client, server, target.model_copy()) == []  # the title search misses
        sims.sim(server).requests.clear()
        found = find_items(client, server, target.model_copy(), db=runtime.db)
        assert [i.title for i in found] == [show.title] and found[0].episodes
        listings = [r for r in sims.sim(server).requests if r.path.endswith(("/all", "/Items"))]
        assert listings == []  # fetched by id, no search and no library listing
        library = found[0].library
        assert find_items(client, server, target.model_copy(), db=runtime.db, exclude=[library]) == []
