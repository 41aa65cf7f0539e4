"""/api/posters/plex-metadata/* and /api/webhooks/cleanarr/* against the Plex simulator."""

from __future__ import annotations

import hashlib
import sqlite3

from tests.plex_cleanup.conftest import tree

DB = "Plug-in Support/Databases/com.plexapp.plugins.library.db"
BASE = "/api/posters/plex-metadata"


def test_by_media_lists_variants_with_active_marked(configured, client, plex_home):
    r = client.get(f"{BASE}/by-media", params={"limit": 500, "only_bloat": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True and body["data"]["total"] == body["total"]
    db = sqlite3.connect(plex_home / DB)
    urls = {str(rk): (t, a, b) for rk, t, a, b in db.execute(
        "SELECT id, user_thumb_url, user_art_url, user_banner_url FROM metadata_items")}
    db.close()
    seen_active = 0
    for item in body["items"]:
        assert item["bloat_count"] >= 1
        for v in item["variants"]:
            assert "/Contents/" not in v["path"] and (plex_home / v["path"]).is_file()
            if item["rating_key"] is not None:
                active = any(u and u.endswith("/" + v["filename"]) for u in urls[item["rating_key"]])
                assert v["active"] == active
                seen_active += active
    assert seen_active > 0
    assert body["stats"]["bloat_files"] == sum(i["bloat_count"] for i in body["items"])
    assert {lib["name"] for lib in body["libraries"]} >= {"Movies", "TV Shows"}
    movies = client.get(f"{BASE}/by-media", params={"media_type": "movie", "limit": 500}).json()
    assert movies["items"] and all(i["media_type"] == "movie" for i in movies["items"])
    art = client.get(f"{BASE}/by-media", params={"variant_kind": "art", "limit": 500}).json()
    assert art["items"] and all(v["kind"] == "art" for i in art["items"] for v in i["variants"])


def test_bloat_list_pages_and_thumbnail(configured, client):
    first = client.get(f"{BASE}/bloat", params={"limit": 5}).json()
    assert first["total"] > 5 and len(first["items"]) == 5
    second = client.get(f"{BASE}/bloat", params={"limit": 5, "offset": 5}).json()
    assert not {i["path"] for i in first["items"]} & {i["path"] for i in second["items"]}
    thumb = client.get(f"{BASE}/variant-thumbnail", params={"path": first["items"][0]["path"], "width": 64})
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb.content[:2] == b"\xff\xd8"


def test_delete_variant_refuses_contents_outside_and_active(configured, client, plex_home, tmp_path):
    bloat = client.get(f"{BASE}/bloat", params={"limit": 1}).json()["items"][0]
    target = plex_home / bloat["path"]
    r = client.request("DELETE", f"{BASE}/variant", json={"path": bloat["path"]})
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == bloat["path"] and not target.exists()

    before = tree(plex_home)
    contents = next(k for k in before if "/Contents/" in k)
    assert client.request("DELETE", f"{BASE}/variant", json={"path": contents}).status_code == 403
    outside = tmp_path / "victim"
    outside.write_bytes(b"keep")
    assert client.request("DELETE", f"{BASE}/variant", json={"path": str(outside)}).status_code == 403
    assert client.request("DELETE", f"{BASE}/variant", json={"path": "Metadata/../" + DB}).status_code == 403
    active = next(v for i in client.get(f"{BASE}/by-media", params={"limit": 500}).json()["items"]
                  for v in i["variants"] if v["active"])
    r = client.request("DELETE", f"{BASE}/variant", json={"path": active["path"]})
    assert r.status_code == 409
    assert client.request("DELETE", f"{BASE}/variant", json={"path": "Metadata/none"}).status_code == 404
    info = plex_home / "Metadata" / "Movies" / "notes.txt"  # a file in Metadata/ that is no variant
    info.write_text("keep")
    assert client.request("DELETE", f"{BASE}/variant", json={"path": "Metadata/Movies/notes.txt"}).status_code == 404
    assert info.read_text() == "keep"
    info.unlink()
    assert client.request("DELETE", f"{BASE}/variant", json={}).status_code == 422
    assert tree(plex_home) == before and outside.read_bytes() == b"keep"


def test_set_active_uploads_the_file_and_plex_selects_it(configured, client, plex, plex_home):
    item = next(i for i in client.get(f"{BASE}/by-media", params={"limit": 500, "only_bloat": True,
                                                                 "variant_kind": "poster"}).json()["items"]
                if i["rating_key"] and i["media_type"] == "movie")
    variant = next(v for v in item["variants"] if not v["active"])
    r = client.post(f"{BASE}/set-active", json={"rating_key": item["rating_key"], "path": variant["path"]})
    assert r.status_code == 200, r.text
    upload = plex.sims["plex"].events("uploads")[-1]
    assert upload["rating_key"] == int(item["rating_key"])
    assert upload["sha256"] == hashlib.sha256((plex_home / variant["path"]).read_bytes()).hexdigest()
    again = client.get(f"{BASE}/by-media", params={"limit": 500, "variant_kind": "poster"}).json()["items"]
    now = next(i for i in again if i["rating_key"] == item["rating_key"])
    assert next(v for v in now["variants"] if v["path"] == variant["path"])["active"] is True
    assert client.post(f"{BASE}/set-active", json={"rating_key": "x1", "path": variant["path"]}).status_code == 422
    other = client.post(f"{BASE}/set-active", json={"rating_key": str(int(item["rating_key"]) + 1), "path": variant["path"]})
    assert other.status_code == 400 and other.json()["error_code"] == "VARIANT_OTHER_ITEM"


def test_cleanup_route_queues_a_job_and_deletes_nothing_itself(configured, client, plex_home):
    before = tree(plex_home)
    r = client.post(f"{BASE}/cleanup", json={"mode": "report"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "report" and body["module"] == "poster_cleanarr" and body["job_id"] > 0
    job = configured.jobs.wait(body["job_id"], 60)
    assert job["status"] == "success" and job["result"]["counts"]["bloat_files"] > 0
    assert tree(plex_home) == before
    assert client.post(f"{BASE}/cleanup", json={"mode": "explode"}).status_code == 422


def test_plex_path_unset_and_missing_are_400(configured, client, tmp_path):
    configured.config.update({"poster_cleanarr": {"plex_path": ""}})
    r = client.get(f"{BASE}/by-media")
    assert r.status_code == 400 and r.json()["error_code"] == "PLEX_PATH_UNSET"
    configured.config.update({"poster_cleanarr": {"plex_path": str(tmp_path / "gone")}})
    r = client.get(f"{BASE}/bloat")
    assert r.status_code == 400 and "does not exist" in r.json()["detail"]


def test_corrupt_download_is_a_clear_error(configured, client, plex):
    plex.sims["plex"].faults.add(path="/diagnostics/databases", kind="malformed", body="not a zip")
    r = client.get(f"{BASE}/by-media", params={"force": True})
    assert r.status_code == 400 and r.json()["error_code"] == "PLEX_DB_NOT_ZIP"


def test_cleanarr_webhooks_queue_poster_cleanarr(configured, client, plex_home):
    before = tree(plex_home)
    r = client.post("/api/webhooks/cleanarr/process")
    assert r.status_code == 200, r.text
    assert r.json()["module"] == "poster_cleanarr" and r.json()["status"] == "enqueued"
    job = configured.jobs.wait(r.json()["job_id"], 60)
    assert job["status"] == "success"
    assert tree(plex_home) == before  # the configured mode is report
    status = client.get("/api/webhooks/cleanarr/status").json()
    assert status["status"] == "active" and status["module"] == "poster_cleanarr"
    assert status["summary"]["counts"]["bloat_files"] == job["result"]["counts"]["bloat_files"]
