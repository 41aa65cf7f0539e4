"""/api/posters/* over a real index of real files (no simulators needed except for the job routes)."""

from __future__ import annotations

import io

import pytest
import pyvips

from curatarr.poster_library import index, sources
from tests.poster_library.poster_files import configure, folders, image_bytes, tree, write  # noqa: F401 (fixtures)


@pytest.fixture
def indexed(runtime, tree):
    configure(runtime, tree)
    index.scan(runtime.db, sources.configured(runtime).folders, runtime.roots())
    return tree


def ids_by_name(client) -> dict[str, int]:
    items = client.get("/api/posters/list", params={"limit": 1000}).json()["items"]
    return {i["relpath"].rsplit("/", 1)[-1]: i["id"] for i in items}


def test_search_browse_list_and_one_poster(client, indexed):
    r = client.get("/api/posters/search", params={"query": "matrix"})
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True and body["total"] == 3
    assert {i["relpath"] for i in body["items"]} == {"Alpha Set/The Matrix (1999) {tmdb-603}.jpg",
                                                     "Alpha Set/copy of matrix (1999).jpg", "Beta Set/The Matrix (1999).webp"}
    browse = client.get("/api/posters/browse", params={"owner": "Beta Set"}).json()
    assert browse["total"] == 3 and {o["owner"] for o in browse["owners"]} == {"Alpha Set", "Beta Set"}
    seasons = client.get("/api/posters/browse", params={"type": "season"}).json()
    assert {i["season_number"] for i in seasons["items"]} == {1, 0}
    errors = client.get("/api/posters/browse", params={"filter": "errors"}).json()
    assert errors["total"] == 2
    low = client.get("/api/posters/browse", params={"filter": "low_res", "min_width": 150}).json()
    assert {i["relpath"] for i in low["items"]} == {"Alpha Set/Tiny Poster (2001).jpg", "Beta Set/The Matrix (1999).webp"}
    listing = client.get("/api/posters/list", params={"limit": 2}).json()
    assert listing["total"] == 9 and len(listing["files"]) == 2 and listing["files"][0].startswith("/")
    one_id = listing["items"][0]["id"]
    one = client.get(f"/api/posters/{one_id}").json()
    assert one["id"] == one_id and one["file"] == listing["files"][0]
    assert client.get("/api/posters/999999").status_code == 404
    assert client.get("/api/posters/browse", params={"filter": "bogus"}).status_code == 422


def test_stats_low_resolution_added_since(client, indexed):
    stats = client.get("/api/posters/stats").json()
    assert stats["poster_cache_count"] == 9 and stats["errors"] == 2
    assert stats["by_type"]["season"] == 2
    # nothing written by the renamer or the poster maker yet: counted, and zero (not unknown)
    assert stats["orphaned_count"] == 0 and stats["orphaned"] == {"renamer": 0, "poster_maker": 0}
    assert stats["gdrive_stats"] == []  # no Drive folder configured
    low = client.get("/api/posters/low-resolution", params={"min_width": 150}).json()
    assert low["total"] == 2 and [p["width"] for p in low["posters"]] == [100, 100]
    assert client.get("/api/posters/added-since", params={"cutoff": "2000-01-01T00:00:00Z"}).json()["total"] == 9
    assert client.get("/api/posters/added-since", params={"cutoff": "2999-01-01T00:00:00Z"}).json()["total"] == 0
    assert client.get("/api/posters/added-since", params={"cutoff": "yesterday"}).status_code == 422
    matched = client.get("/api/posters/matched/stats").json()["matched_posters_stats"]
    assert matched["total"] == 7 and matched["matched"] == 0


def test_duplicates_exact_and_near_and_resolve(client, indexed):
    body = client.get("/api/posters/duplicates").json()
    assert body["exact_groups"] == 1 and body["near_groups"] == 1
    exact = next(g for g in body["groups"] if g["kind"] == "exact")
    near = next(g for g in body["groups"] if g["kind"] == "near")
    assert {p["relpath"] for p in exact["posters"]} == {"Alpha Set/The Matrix (1999) {tmdb-603}.jpg",
                                                        "Alpha Set/copy of matrix (1999).jpg"}
    assert "Beta Set/The Matrix (1999).webp" in {p["relpath"] for p in near["posters"]}
    assert client.get("/api/posters/duplicates").json()["groups"] == body["groups"]  # stable ids
    keep, drop = sorted(exact["posters"], key=lambda p: p["relpath"])
    plan = client.post(f"/api/posters/duplicates/{exact['group_id']}/resolve", json={"keepId": keep["id"]}).json()
    assert plan["dry_run"] is True and [x["id"] for x in plan["would_remove"]] == [drop["id"]]
    assert client.get(f"/api/posters/{drop['id']}").status_code == 200
    done = client.post(f"/api/posters/duplicates/{exact['group_id']}/resolve",
                       json={"keepId": keep["id"], "deleteFiles": True}).json()
    assert done["deleted_files"] == 1
    assert not (indexed["sets_a"] / drop["relpath"]).exists() and (indexed["sets_a"] / keep["relpath"]).exists()
    assert client.get(f"/api/posters/{drop['id']}").status_code == 404
    assert client.post("/api/posters/duplicates/x-nope/resolve", json={"keepId": 1}).status_code == 404
    assert client.post(f"/api/posters/duplicates/{near['group_id']}/resolve", json={"keepId": 999}).status_code == 400


def test_thumbnail_is_cached_under_the_data_dir_and_download_resizes(client, indexed, runtime):
    ids = ids_by_name(client)
    r = client.get(f"/api/posters/{ids['Star Wars Collection.jpg']}/thumbnail", params={"width": 100})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert pyvips.Image.new_from_buffer(r.content, "").width == 100
    assert list((runtime.data_dir / "cache" / "poster-thumbs").iterdir())
    assert not any(p.name.startswith(".thumb") for p in indexed["sets_a"].rglob("*"))
    d = client.post(f"/api/posters/{ids['Star Wars Collection.jpg']}/download", params={"size": 120, "format": "webp"})
    assert d.status_code == 200 and d.headers["content-type"] == "image/webp"
    assert d.content[8:12] == b"WEBP" and pyvips.Image.new_from_buffer(d.content, "").width == 120
    assert 'filename="Star Wars Collection.webp"' in d.headers["content-disposition"]
    raw = client.post(f"/api/posters/{ids['Star Wars Collection.jpg']}/download")
    assert raw.content == (indexed["sets_a"] / "Alpha Set" / "Star Wars Collection.jpg").read_bytes()
    bad = client.get(f"/api/posters/{ids['Empty (2000).jpg']}/thumbnail")
    assert bad.status_code == 422


def test_delete_keeps_the_file_unless_asked(client, indexed):
    ids = ids_by_name(client)
    path = indexed["sets_a"] / "Alpha Set" / "Star Wars Collection.jpg"
    r = client.delete(f"/api/posters/{ids['Star Wars Collection.jpg']}").json()
    assert r["deleted"] is True and r["deleted_file"] is False and path.exists()
    tiny = indexed["sets_a"] / "Alpha Set" / "Tiny Poster (2001).jpg"
    r = client.delete(f"/api/posters/{ids['Tiny Poster (2001).jpg']}", params={"delete_file": True}).json()
    assert r["deleted_file"] is True and not tiny.exists()


def test_upload_checks_type_and_fixes_the_extension(client, indexed):
    png = image_bytes(20, fmt="png")
    r = client.post("/api/posters/upload", files={"file": ("Fresh (2021).jpg", io.BytesIO(png), "image/jpeg")})
    assert r.status_code == 200, r.text
    up = r.json()["uploaded"]
    assert [u["relpath"] for u in up] == ["Fresh (2021).png"] and up[0]["format"] == "png"
    assert (indexed["uploads"] / "Fresh (2021).png").read_bytes() == png
    again = client.post("/api/posters/upload", files={"file": ("Fresh (2021).png", io.BytesIO(png), "image/png")})
    assert again.status_code == 409
    html = client.post("/api/posters/upload", files={"file": ("x.jpg", io.BytesIO(b"<html></html>"), "image/jpeg")})
    assert html.status_code == 400
    exe = client.post("/api/posters/upload", files={"file": ("x.exe", io.BytesIO(png), "image/png")})
    assert exe.status_code == 400
    evil = client.post("/api/posters/upload", files={"file": ("../../evil.png", io.BytesIO(png), "image/png")})
    assert evil.status_code == 200 and (indexed["uploads"] / "evil.png").exists()
    assert client.post("/api/posters/upload", json={"x": 1}).status_code == 400


def test_upload_refuses_a_decompression_bomb(client, indexed):
    bomb = pyvips.Image.black(12000, 12000).pngsave_buffer(compression=9)
    r = client.post("/api/posters/upload", files={"file": ("bomb.png", io.BytesIO(bomb), "image/png")})
    assert r.status_code == 413
    assert not (indexed["uploads"] / "bomb.png").exists()


def test_optimize_report_then_optimize_keeps_the_id_and_fixes_the_extension(client, indexed):
    rep = client.post("/api/posters/optimize", json={"mode": "report", "max_width": 150, "max_height": 225}).json()
    assert rep["total"] == 5 and all(c["width"] > 150 or c["height"] > 225 for c in rep["candidates"])
    ids = ids_by_name(client)
    pid = ids["Star Wars Collection.jpg"]
    done = client.post("/api/posters/optimize", json={"mode": "optimize", "max_width": 150, "max_height": 225,
                                                      "format": "webp", "poster_ids": [pid]}).json()
    assert [o["id"] for o in done["optimized"]] == [pid]
    new = indexed["sets_a"] / "Alpha Set" / "Star Wars Collection.webp"
    assert new.read_bytes()[8:12] == b"WEBP" and not (indexed["sets_a"] / "Alpha Set" / "Star Wars Collection.jpg").exists()
    one = client.get(f"/api/posters/{pid}").json()
    assert one["relpath"].endswith(".webp") and one["width"] == 150 and one["format"] == "webp"
    outside = client.post("/api/posters/optimize", json={"mode": "report", "paths": ["/etc/passwd"]})
    assert outside.status_code == 400


def test_backfill_dimensions_reads_rows_without_size(client, indexed, runtime):
    from sqlalchemy import update

    from curatarr.db.models.poster_library import PosterFile
    with runtime.db.session() as s:
        s.execute(update(PosterFile).where(PosterFile.error.is_(None)).values(width=None, height=None))
    r = client.post("/api/posters/backfill-dimensions", params={"limit": 3}).json()
    assert r["processed"] == 3 and r["updated"] == 3 and r["remaining"] == 4
    assert client.post("/api/posters/backfill-dimensions", params={"limit": 5000}).status_code == 422


def test_job_routes_need_a_known_poster(client, indexed):
    assert client.post("/api/posters/999999/sync-metadata").status_code == 404
    assert client.post("/api/posters/auto-match", json={"poster_id": 999999}).status_code == 404
