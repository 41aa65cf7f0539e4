"""/api/media actions against the simulators: resolve (Radarr exclusions, Sonarr importlistexclusion,
Lidarr v1), jobs (refresh, scan, fix-metadata), export, poster proxy, metadata edits, delete,
history, import exclusions, collections."""

from __future__ import annotations

import csv
import io

import httpx

from curatarr.db.models.library import MediaItem

JOB_TIMEOUT = 60


def arr_get(sims, instance, path, **params):
    base = "/api/v1" if instance.startswith("lidarr") else "/api/v3"
    r = httpx.get(f"{sims.urls[instance]}{base}/{path}", params=params, headers={"X-Api-Key": sims.api_keys[instance]})
    r.raise_for_status()
    return r.json()


def deletes(sims, instance):
    r = httpx.get(f"{sims.urls[instance]}/__sim__/state")
    return r.json().get("recorded", {}).get("deletes", [])


def exact_group(client, type_, instances):
    groups = client.get("/api/media/duplicates", params={"type": type_, "limit": 1000}).json()["duplicates"]
    return next(g for g in groups if set(g["instances"]) == set(instances) and g["count"] == len(instances))


# ---- resolve ---------------------------------------------------------------------------------------

def test_resolve_on_radarr_uses_exclusions_path(media_client):
    c, sims = media_client, media_client.sims
    group = exact_group(c, "movie", ["radarr", "radarr_4k"])
    keep = next(i for i in group["ids"] if i.startswith("radarr_4k:"))
    remove = next(i for i in group["ids"] if i.startswith("radarr:"))
    tmdb = c.get(f"/api/media/{remove}").json()["tmdb_id"]
    r = c.post(f"/api/media/duplicates/{group['group_id']}/resolve",
               json={"keepId": keep, "removeIds": [remove], "deleteFiles": True, "addImportExclusion": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kept"] == keep and [x["id"] for x in body["removed"]] == [remove] and body["failed"] == []
    assert body["removed"][0]["api"] == "/api/v3"
    assert any(e["tmdbId"] == tmdb for e in arr_get(sims, "radarr", "exclusions"))
    rec = [d for d in deletes(sims, "radarr") if d.get("kind") == "movie"]
    assert rec and rec[-1]["delete_files"] is True and rec[-1]["add_exclusion"] is True
    assert c.get(f"/api/media/{remove}").json()["removed"] is True
    assert c.get(f"/api/media/{remove}/import-exclusion").json()["excluded"] is True


def test_resolve_on_sonarr_uses_importlistexclusion(media_client):
    c, sims = media_client, media_client.sims
    group = exact_group(c, "series", ["sonarr", "sonarr2"])
    keep, remove = sorted(group["ids"])
    tvdb = c.get(f"/api/media/{remove}").json()["tvdb_id"]
    r = c.post(f"/api/media/duplicates/{group['group_id']}/resolve",
               json={"keepId": keep, "deleteFiles": False, "addImportExclusion": True})
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["removed"]] == [remove]
    instance = remove.split(":")[0]
    assert any(e["tvdbId"] == tvdb for e in arr_get(sims, instance, "importlistexclusion"))
    rec = [d for d in deletes(sims, instance) if d.get("kind") == "series"]
    assert rec and rec[-1]["delete_files"] is False


def test_resolve_on_lidarr_uses_v1(media_client):
    c, sims = media_client, media_client.sims
    group = exact_group(c, "artist", ["lidarr", "lidarr2"])
    keep, remove = sorted(group["ids"])
    r = c.post(f"/api/media/duplicates/{group['group_id']}/resolve",
               json={"keepId": keep, "removeIds": [remove], "addImportExclusion": True})
    assert r.status_code == 200, r.text
    assert r.json()["removed"][0]["api"] == "/api/v1"
    instance, native = remove.split(":")
    ids = [a["id"] for a in arr_get(sims, instance, "artist")]
    assert int(native) not in ids
    mbid = c.get(f"/api/media/{remove}").json()["musicbrainz_id"]
    assert any(e.get("foreignId") == mbid for e in arr_get(sims, instance, "importlistexclusion"))


def test_resolve_validates_before_deleting(media_client):
    c, sims = media_client, media_client.sims
    group = exact_group(c, "movie", ["radarr", "radarr_4k"])
    before = len(arr_get(sims, "radarr", "movie")) + len(arr_get(sims, "radarr_4k", "movie"))
    r = c.post(f"/api/media/duplicates/{group['group_id']}/resolve", json={"keepId": "radarr:999999"})
    assert r.status_code == 422 and "keepId" in r.json()["message"]
    r = c.post(f"/api/media/duplicates/{group['group_id']}/resolve",
               json={"keepId": group["ids"][0], "removeIds": ["radarr:999999"]})
    assert r.status_code == 422
    after = len(arr_get(sims, "radarr", "movie")) + len(arr_get(sims, "radarr_4k", "movie"))
    assert after == before and deletes(sims, "radarr") == [] and deletes(sims, "radarr_4k") == []
    assert c.post("/api/media/duplicates/x-0000000000000000/resolve", json={"keepId": "a:1"}).status_code == 404
    assert c.post("/api/media/duplicates/garbage/resolve", json={"keepId": "a:1"}).status_code == 404
    assert c.post(f"/api/media/duplicates/{group['group_id']}/resolve", json={}).status_code == 422


def test_resolve_reports_per_item_failures(media_client):
    c, sims = media_client, media_client.sims
    group = exact_group(c, "movie", ["radarr", "radarr_4k"])
    keep = next(i for i in group["ids"] if i.startswith("radarr:"))
    sims.sims["radarr_4k"].faults.add(kind="status", status=400, path=r"/api/v3/movie/\d+", method="DELETE")
    body = c.post(f"/api/media/duplicates/{group['group_id']}/resolve", json={"keepId": keep}).json()
    assert body["removed"] == [] and len(body["failed"]) == 1 and body["failed"][0]["id"] != keep


# ---- jobs ------------------------------------------------------------------------------------------

def wait(client, job_id):
    job = client.rt.jobs.wait(job_id, JOB_TIMEOUT)
    assert job["status"] == "success", job
    return job


def test_refresh_submits_cache_refresh(media_client):
    c, sims = media_client, media_client.sims
    sims.sims["radarr"].library.movies[0].title = "The Matrix (Director's Cut)"
    r = c.post("/api/media/refresh", json={"instances": ["radarr"]})
    assert r.status_code == 200
    wait(c, r.json()["job_id"])
    assert c.get(f"/api/media/radarr:{sims.library.movies[0].id}").json()["title"] == "The Matrix (Director's Cut)"
    r = c.post("/api/media/refresh", json={"full": True})
    job = wait(c, r.json()["job_id"])
    assert job["module"] == "cache_refresh"
    assert c.post("/api/media/refresh", json={"instances": ["nope"]}).status_code == 404


def test_scan_paths_rescans_matching_items(media_client):
    c, sims = media_client, media_client.sims
    movie = sims.library.movies[0]
    r = c.post("/api/media/scan", json={"paths": [movie.path]})
    assert r.status_code == 200 and r.json()["items"] == 1
    wait(c, r.json()["job_id"])
    commands = arr_get(sims, "radarr", "command")
    assert any(cmd["name"] == "RescanMovie" for cmd in commands)
    assert c.post("/api/media/scan", json={"paths": ["/nowhere/at/all"]}).status_code == 422
    r = c.post("/api/media/scan", json={})
    assert r.status_code == 200 and r.json()["paths"] == []
    wait(c, r.json()["job_id"])


def test_fix_metadata_single_and_bulk(media_client):
    c, sims = media_client, media_client.sims
    movie = sims.sims["radarr"].library.movies[4]
    movie.studio = "Refreshed Pictures"
    r = c.post(f"/api/media/radarr:{movie.id}/fix-metadata")
    assert r.status_code == 200
    wait(c, r.json()["job_id"])
    assert any(cmd["name"] == "RefreshMovie" and movie.id in cmd["body"].get("movieIds", [])
               for cmd in arr_get(sims, "radarr", "command"))
    assert c.get(f"/api/media/radarr:{movie.id}").json()["studio"] == "Refreshed Pictures"
    assert c.post("/api/media/radarr:999999/fix-metadata").status_code == 404

    r = c.post("/api/media/fix-metadata", json={"filter": {"instance": "lidarr"}})
    assert r.status_code == 200 and r.json()["items"] == len(sims.library.artists)
    wait(c, r.json()["job_id"])
    assert any(cmd["name"] == "RefreshArtist" for cmd in arr_get(sims, "lidarr", "command"))
    assert c.post("/api/media/fix-metadata", json={"ids": ["radarr:999999"]}).status_code == 404
    assert c.post("/api/media/fix-metadata", json={"filter": {"query": "zzzzzzzz"}}).status_code == 422
    assert c.post("/api/media/fix-metadata", json={"filter": {"sort": "bogus"}}).status_code == 422


# ---- export ----------------------------------------------------------------------------------------

def test_export_csv_and_json_of_a_filter(media_client):
    c = media_client
    expected = c.get("/api/media/search", params={"type": "movie", "instance": "radarr", "limit": 500}).json()
    r = c.post("/api/media/export", json={"format": "csv", "fields": ["id", "title", "year", "genres"],
                                          "filter": {"type": "movie", "instance": "radarr"}})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in rows] == [i["id"] for i in expected["items"]]
    r = c.post("/api/media/export", json={"format": "json", "filter": {"query": "matrix", "instance": "radarr"}})
    body = r.json()
    assert body["count"] == len(body["items"]) == 2 and {"id", "title", "tags"} <= set(body["items"][0])
    assert c.post("/api/media/export", json={"format": "xml"}).status_code == 422
    assert c.post("/api/media/export", json={"fields": ["password"]}).status_code == 422


# ---- poster proxy ----------------------------------------------------------------------------------

def test_poster_proxy_caching_and_auth(media_client, anon_client):
    c = media_client
    item = c.get("/api/media/search", params={"instance": "radarr", "has_poster": "true", "limit": 1}).json()["items"][0]
    r = c.get(item["poster"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")
    assert r.headers["cache-control"] == "public, max-age=86400" and r.headers["etag"]
    assert len(r.content) > 100
    again = c.get(item["poster"], headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    thumb = c.get(item["poster"], params={"width": 200})
    assert thumb.status_code == 200 and thumb.headers["etag"] != r.headers["etag"]
    from PIL import Image
    assert Image.open(io.BytesIO(thumb.content)).width == 200
    # <img> tags cannot send headers: ?token= works here, and nothing works without credentials
    assert anon_client.get(item["poster"]).status_code == 401
    assert anon_client.get(item["poster"], params={"token": c.token}).status_code == 200
    for server in ("plex", "jellyfin"):
        srv = c.get("/api/media/search", params={"instance": server, "role": "server", "has_poster": "true",
                                                 "limit": 1}).json()["items"][0]
        assert c.get(srv["poster"]).headers["content-type"].startswith("image/")
    assert c.get("/api/media/radarr:999999/poster").status_code == 404


def test_poster_proxy_refuses_unsafe_urls(media_client):
    c = media_client
    item = c.get("/api/media/search", params={"instance": "radarr", "limit": 1}).json()["items"][0]
    from sqlalchemy import update
    with c.rt.db.session() as s:
        s.execute(update(MediaItem).where(MediaItem.id == item["id"])
                  .values(poster_url="http://169.254.169.254/latest/meta-data/poster.jpg"))
    r = c.get(f"/api/media/{item['id']}/poster")
    assert r.status_code in (400, 403) and "detail" in r.json()
    with c.rt.db.session() as s:
        s.execute(update(MediaItem).where(MediaItem.id == item["id"]).values(poster_url=None, has_poster=False))
    assert c.get(f"/api/media/{item['id']}/poster").status_code == 404


# ---- edits / delete / history / exclusions -----------------------------------------------------------

def test_metadata_edit_writes_arr_fields_and_history(media_client):
    c, sims = media_client, media_client.sims
    movie = sims.library.movies[5]
    media = f"radarr:{movie.id}"
    r = c.put(f"/api/media/{media}/metadata", json={"monitored": not movie.monitored, "tags": ["keep", "favorites"],
                                                    "edition": "Director's Cut", "studio": "Local Studio"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["written_to_arr"] == ["monitored", "tags"] and set(body["kept_locally"]) == {"edition", "studio"}
    arr_movie = arr_get(sims, "radarr", f"movie/{movie.id}")
    labels = {t["id"]: t["label"] for t in arr_get(sims, "radarr", "tag")}
    assert arr_movie["monitored"] is (not movie.monitored)
    assert {labels[t] for t in arr_movie["tags"]} == {"keep", "favorites"}
    item = c.get(f"/api/media/{media}").json()
    assert set(item["tags"]) == {"keep", "favorites"} and item["edition"] == "Director's Cut"
    assert item["studio"] == "Local Studio"
    history = c.get(f"/api/media/{media}/history").json()["history"]
    assert {h["field"] for h in history} == {"monitored", "tags", "edition", "studio"}
    assert all(h["edited_by"] == "admin" and h["edited_at"] for h in history)
    assert {h["field"]: h["written_to"] for h in history}["tags"] == "arr"
    # local edits survive a full re-sync
    job = c.post("/api/media/refresh", json={"instances": ["radarr"], "full": True}).json()["job_id"]
    c.rt.jobs.wait(job, JOB_TIMEOUT)
    assert c.get(f"/api/media/{media}").json()["studio"] == "Local Studio"
    # same values again: nothing changes, no new history rows
    again = c.put(f"/api/media/{media}/metadata", json={"edition": "Director's Cut"}).json()
    assert again["changed"] == [] and again["history_rows"] == 0
    assert c.put(f"/api/media/{media}/metadata", json={"title": "x"}).status_code == 422
    assert c.put(f"/api/media/{media}/metadata", json={"tags": ["bad tag!"]}).status_code == 422
    assert c.put(f"/api/media/{media}/metadata", json={}).status_code == 422
    assert c.put("/api/media/radarr:999999/metadata", json={"notes": "x"}).status_code == 404
    assert c.get("/api/media/radarr:999999/history").status_code == 404


def test_delete_cache_only_and_with_files(media_client):
    c, sims = media_client, media_client.sims
    a, b = sims.library.movies[6], sims.library.movies[7]
    r = c.delete(f"/api/media/radarr:{a.id}")
    assert r.status_code == 200 and r.json()["arr"] is None
    assert c.get(f"/api/media/radarr:{a.id}").status_code == 404
    assert a.id in [m["id"] for m in arr_get(sims, "radarr", "movie")]  # still in Radarr
    r = c.delete(f"/api/media/radarr:{b.id}", params={"delete_files": "true"})
    assert r.status_code == 200 and r.json()["arr"]["status"] == "deleted"
    assert b.id not in [m["id"] for m in arr_get(sims, "radarr", "movie")]
    assert deletes(sims, "radarr")[-1]["delete_files"] is True
    assert c.delete("/api/media/radarr:999999").status_code == 404


def test_import_exclusion_lookup(media_client):
    c, sims = media_client, media_client.sims
    body = c.get(f"/api/media/radarr:{sims.library.movies[0].id}/import-exclusion").json()
    assert body["excluded"] is False and body["endpoint"] == "/api/v3/exclusions" and body["exclusion_count"] >= 1
    body = c.get(f"/api/media/sonarr:{sims.library.shows[0].id}/import-exclusion").json()
    assert body["endpoint"] == "/api/v3/importlistexclusion"
    body = c.get(f"/api/media/lidarr:{sims.library.artists[0].id}/import-exclusion").json()
    assert body["endpoint"] == "/api/v1/importlistexclusion"
    plex = c.get("/api/media/search", params={"role": "server", "instance": "plex", "limit": 1}).json()["items"][0]
    assert c.get(f"/api/media/{plex['id']}/import-exclusion").status_code == 422
    assert c.get("/api/media/radarr:999999/import-exclusion").status_code == 404


# ---- collections ------------------------------------------------------------------------------------

def test_collections_crud_and_from_tag(media_client):
    c = media_client
    ids = [i["id"] for i in c.get("/api/media/search", params={"limit": 3}).json()["items"]]
    r = c.post("/api/media/collections", json={"name": "Weekend", "media_ids": ids[:2]})
    assert r.status_code == 201
    cid = r.json()["id"]
    assert r.json()["media_ids"] == sorted(ids[:2])
    assert c.post("/api/media/collections", json={"name": "Weekend"}).status_code == 409
    assert c.post("/api/media/collections", json={"name": "Bad", "media_ids": ["radarr:999999"]}).status_code == 422
    r = c.put(f"/api/media/collections/{cid}", json={"add_ids": [ids[2]], "remove_ids": [ids[0]],
                                                      "description": "Fun"})
    assert r.status_code == 200 and set(r.json()["media_ids"]) == {ids[1], ids[2]} and r.json()["description"] == "Fun"
    listed = c.get("/api/media/collections").json()["collections"]
    assert [(x["name"], x["item_count"]) for x in listed if x["source"] == "user"] == [("Weekend", 2)]
    assert c.get(f"/api/media/collections/{cid}").json()["name"] == "Weekend"
    r = c.post("/api/media/collections/from-tag", json={"tag": "4k", "collection_name": "All 4K"})
    assert r.status_code == 201
    tagged = c.get("/api/media/search", params={"tag": "4k", "limit": 500}).json()["total"]
    assert r.json()["item_count"] == tagged > 0 and r.json()["source_tag"] == "4k"
    assert c.delete(f"/api/media/collections/{cid}").status_code == 200
    assert c.get(f"/api/media/collections/{cid}").status_code == 404
    assert c.put("/api/media/collections/424242", json={"name": "x"}).status_code == 404
    assert c.delete("/api/media/collections/424242").status_code == 404
    assert c.post("/api/media/collections/from-tag", json={"tag": ""}).status_code == 422
