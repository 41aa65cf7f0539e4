"""labelarr against the Radarr/Sonarr, Plex and Jellyfin simulators (real HTTP): mappings in both
directions, dry run, missing tags, and the two /api/labelarr routes."""

from __future__ import annotations

import httpx
import pytest

from curatarr.connectors.jellyfin import MediaBrowserClient
from curatarr.connectors.plex import PlexClient
from tests.arr_upkeep.conftest import WAIT, arr_get, run, tag_id


def server(sims, name: str):
    if name == "plex":
        return PlexClient(sims.urls[name], sims.api_keys[name])
    return MediaBrowserClient(sims.urls[name], sims.api_keys[name], name)


def labels_by_tmdb(sims, name: str) -> dict[str, set[str]]:
    with server(sims, name) as client:
        out = {}
        for lib in client.media_libraries():
            if lib.kind == "movie":
                for item in client.iter_media(lib):
                    if item.ids.get("tmdb"):
                        out[item.ids["tmdb"]] = {label.lower() for label in item.labels}
        return out


def movies_with_tag(sims, label: str) -> dict[int, str]:
    tid = tag_id(sims, "radarr", label)
    return {m["id"]: str(m["tmdbId"]) for m in arr_get(sims, "radarr", "/movie") if tid in m["tags"]}


def editor(sims, ids, tags, mode):
    r = httpx.put(sims.urls["radarr"] + "/api/v3/movie/editor", headers={"X-Api-Key": sims.api_keys["radarr"]},
                  json={"movieIds": ids, "tags": tags, "applyTags": mode}, timeout=10)
    r.raise_for_status()


def mapping(label="keep", servers=("plex", "jellyfin"), **extra):
    return [{"app_instance": "radarr", "labels": [label], "media_servers": list(servers), **extra}]


def test_dry_run_plans_and_changes_nothing(rt, sims):
    tagged = movies_with_tag(sims, "keep")
    before = labels_by_tmdb(sims, "plex")
    missing = {tmdb for tmdb in tagged.values() if tmdb in before and "keep" not in before[tmdb]}
    assert missing, "the sample library has tagged movies whose Plex twin lacks the label"
    job = run(rt, "labelarr", dry_run=True, mappings=mapping(servers=["plex"]))
    assert job["status"] == "success"
    assert job["result"]["counts"]["labels_added"] == len(missing)
    assert all("would add" in c["description"] for c in job["result"]["changed"])
    assert sims.sims["plex"].events("tag_changes") == []
    assert labels_by_tmdb(sims, "plex") == before


def test_labels_follow_tags_on_plex_and_jellyfin(rt, sims):
    tagged = movies_with_tag(sims, "keep")
    job = run(rt, "labelarr", mappings=mapping())
    assert job["status"] == "success", job["result"]
    both = None
    for name in ("plex", "jellyfin"):
        labels = labels_by_tmdb(sims, name)
        assert {t for t, ls in labels.items() if "keep" in ls} == {t for t in tagged.values() if t in labels}
        both = set(labels) if both is None else both & set(labels)
    # Take the tag off one movie on both servers: its label goes from both on the next run.
    movie_id, tmdb = next((i, t) for i, t in tagged.items() if t in both)
    editor(sims, [movie_id], [tag_id(sims, "radarr", "keep")], "remove")
    again = run(rt, "labelarr", mappings=mapping())
    assert again["result"]["counts"]["labels_removed"] == 2
    assert "keep" not in labels_by_tmdb(sims, "plex")[tmdb]
    assert "keep" not in labels_by_tmdb(sims, "jellyfin")[tmdb]
    # A third run has nothing left to do.
    third = run(rt, "labelarr", mappings=mapping())
    assert third["result"]["counts"]["labels_added"] == third["result"]["counts"]["labels_removed"] == 0


def test_tags_follow_labels_server_to_arr(rt, sims):
    tagged = movies_with_tag(sims, "keep")
    jelly = labels_by_tmdb(sims, "jellyfin")
    movie_id = next(i for i, tmdb in tagged.items() if "keep" in jelly.get(tmdb, ()))
    keep = tag_id(sims, "radarr", "keep")
    editor(sims, [movie_id], [keep], "remove")
    job = run(rt, "labelarr", mappings=mapping(servers=["jellyfin"], direction="server_to_arr"))
    assert job["status"] == "success", job["result"]
    assert job["result"]["counts"]["tags_added"] == 1
    assert movie_id in movies_with_tag(sims, "keep")
    changes = [c for c in sims.sims["radarr"].events("tag_changes") if c.get("media_id") == movie_id]
    assert changes[-1]["after"] == sorted(set(changes[-1]["before"]) | {keep}) or keep in changes[-1]["after"]


def test_both_directions_add_and_never_remove(rt, sims):
    tagged = movies_with_tag(sims, "hdr")
    job = run(rt, "labelarr", mappings=mapping(label={"tag": "hdr", "label": "HDR Label"}, servers=["plex"],
                                               direction="both"))
    assert job["status"] == "success", job["result"]
    plex = labels_by_tmdb(sims, "plex")
    assert {t for t, ls in plex.items() if "hdr label" in ls} == {t for t in tagged.values() if t in plex}
    assert job["result"]["counts"]["labels_removed"] == job["result"]["counts"]["tags_removed"] == 0


def test_missing_tag_and_unknown_instances_are_clear_errors(rt, sims):
    job = run(rt, "labelarr", mappings=mapping(label="no-such-tag"))
    assert job["status"] == "error"
    assert any("does not exist" in e["message"] for e in job["result"]["errors"])
    assert sims.sims["plex"].events("tag_changes") == []
    unknown = run(rt, "labelarr", mappings=[{"app_instance": "radarr_x", "labels": ["keep"], "media_servers": ["plex"]}])
    assert unknown["status"] == "error"
    assert unknown["result"]["errors"][0]["item"] == "radarr_x"
    no_server = run(rt, "labelarr", mappings=mapping(servers=["plex_x"]))
    assert any(e["item"] == "plex_x" for e in no_server["result"]["errors"])


# ---- the routes ------------------------------------------------------------------------------

@pytest.fixture
def api(configured, client):
    return client


def wait_job(api, job_id: int) -> dict:
    rt = api.app.state.runtime
    return rt.jobs.wait(job_id, WAIT)


def test_sync_route_tags_the_item_and_labels_its_twin(api, sims):
    movie = next(m for m in arr_get(sims, "radarr", "/movie") if m["tmdbId"])
    r = api.post("/api/labelarr/sync", json={"source_instance": "radarr", "media_cache_id": f"radarr:{movie['id']}",
                                             "tag_actions": {"add": ["Curated Pick"]}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "queued" and body["plex_instance"] == "plex" and body["success"] is True
    job = wait_job(api, body["job_id"])
    assert job["status"] == "success", job
    assert movie["id"] in movies_with_tag(sims, "curated-pick")
    assert "curated pick" in labels_by_tmdb(sims, "plex")[str(movie["tmdbId"])]


def test_bulk_sync_reports_per_item_failures(api, sims):
    ids = [m["id"] for m in arr_get(sims, "radarr", "/movie")][:3]
    r = api.post("/api/labelarr/bulk-sync", json={
        "source_instance": "radarr", "media_cache_ids": [*ids, "sonarr:1", "radarr:99999"],
        "tag_actions": {"add": ["bulk"]}, "plex_instance": "jellyfin", "dry_run": False})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [f["media_cache_id"] for f in body["failures"]] == ["sonarr:1"]
    assert len(body["job_ids"]) == 1 and body["queued"] == 4
    job = wait_job(api, body["job_ids"][0])
    assert job["status"] == "success"
    outcome = job["result"]["data"]["items"]
    assert outcome["failures"] == [{"media_id": "radarr:99999", "error": "no such item"}]
    assert set(movies_with_tag(sims, "bulk")) == set(ids)


def test_bulk_dry_run_changes_nothing(api, sims):
    ids = [m["id"] for m in arr_get(sims, "radarr", "/movie")][:2]
    r = api.post("/api/labelarr/bulk-sync", json={"source_instance": "radarr", "media_cache_ids": ids,
                                                  "tag_actions": {"add": ["dry"]}, "dry_run": True})
    job = wait_job(api, r.json()["job_ids"][0])
    assert job["status"] == "success" and job["dry_run"] is True
    assert tag_id(sims, "radarr", "dry") is None
    assert sims.sims["plex"].events("tag_changes") == []


@pytest.mark.parametrize(("path", "body", "status", "code"), [
    ("/api/labelarr/sync", {"source_instance": "nope", "media_cache_id": 1}, 404, "ARR_INSTANCE_NOT_FOUND"),
    ("/api/labelarr/sync", {"source_instance": "radarr", "media_cache_id": 1, "plex_instance": "nope"}, 404,
     "PLEX_INSTANCE_NOT_FOUND"),
    ("/api/labelarr/sync", {"source_instance": "radarr", "media_cache_id": "sonarr:1"}, 400, "INVALID_MEDIA_ID"),
    ("/api/labelarr/bulk-sync", {"source_instance": "radarr", "media_cache_ids": []}, 400, "NO_MEDIA_IDS"),
    ("/api/labelarr/bulk-sync", {"source_instance": "radarr", "media_cache_ids": list(range(1, 1002))}, 400,
     "BULK_TOO_LARGE"),
    ("/api/labelarr/bulk-sync", {"source_instance": "nope", "media_cache_ids": [1]}, 404, "ARR_INSTANCE_NOT_FOUND"),
])
def test_bad_requests_answer_clear_errors(api, sims, path, body, status, code):
    r = api.post(path, json=body)
    assert r.status_code == status, r.text
    assert code in r.text


def test_wrong_types_are_422_not_500(api, sims):
    r = api.post("/api/labelarr/sync", json={"source_instance": "radarr", "media_cache_id": 1,
                                             "tag_actions": {"add": "x", "bogus": []}})
    assert r.status_code == 422
