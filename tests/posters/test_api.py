"""Posterizarr's asset and export endpoints: exact seed shapes, backed by a real run's files and rows."""

from __future__ import annotations

import pytest

from tests.posters.conftest import configure, run


@pytest.fixture
def after_run(client, runtime, sims):
    configure(runtime, sims, manual_asset_path=str(runtime.data_dir / "manual"))
    manual = runtime.data_dir / "manual" / "Movies" / "Custom (2000)"
    manual.mkdir(parents=True)
    (manual / "poster.jpg").write_bytes(b"\xff\xd8\xff\xe0fake")
    result = run(runtime)
    return client, runtime, sims, result


def test_assets_stats_and_folders(after_run):
    client, runtime, sims, result = after_run
    stats = client.get("/api/assets/stats").json()
    assert stats["success"] is True
    s = stats["stats"]
    assert s["posters"] == result.counts["posters"] and s["titlecards"] == result.counts["titlecards"]
    assert s["seasons"] == result.counts["seasons"] and s["backgrounds"] == result.counts["backgrounds"]
    assert s["total_size"] > 0
    names = {f["name"]: f for f in s["folders"]}
    assert set(names) == {"Movies", "TV Shows"}
    assert names["Movies"]["poster_count"] == len(sims.library.movies)
    assert set(names["Movies"]) >= {"name", "path", "poster_count", "files", "size"}
    folders = client.get("/api/assets-folders").json()["folders"]
    assert {f["name"] for f in folders} == {"Movies", "TV Shows"}
    assert all({"name", "path", "files", "size"} <= set(f) for f in folders)


def test_folder_view_browse_and_file_serving(after_run):
    client, *_ = after_run
    top = client.get("/api/folder-view/browse").json()
    assert top["success"] is True and top["path"] == ""
    assert [i["name"] for i in top["items"]] == ["Movies", "TV Shows"]
    assert all(i["type"] == "folder" and i["item_count"] > 0 for i in top["items"])
    movies = client.get("/api/folder-view/browse", params={"path": "Movies"}).json()
    first = movies["items"][0]
    files = client.get("/api/folder-view/browse", params={"path": first["path"]}).json()["items"]
    poster = next(f for f in files if f["name"] == "poster.jpg")
    r = client.get(poster["url"])
    assert r.status_code == 200 and r.content[:2] == b"\xff\xd8"
    assert client.get("/api/folder-view/browse", params={"path": "../etc"}).status_code == 400
    assert client.get("/api/folder-view/browse", params={"path": "Nope"}).status_code == 404
    assert client.get("/poster_assets/..%2F..%2Fconfig.yml").status_code in (400, 404)


def test_manual_assets_gallery(after_run):
    client, *_ = after_run
    g = client.get("/api/manual-assets-gallery").json()
    assert g["total_assets"] == 1
    lib = g["libraries"][0]
    assert lib["name"] == "Movies" and lib["folder_count"] == 1
    folder = lib["folders"][0]
    assert folder["name"] == "Custom (2000)" and folder["path"] == "Movies/Custom (2000)" and folder["asset_count"] == 1
    asset = folder["assets"][0]
    assert asset == {"name": "poster.jpg", "path": "Movies/Custom (2000)/poster.jpg", "type": "poster",
                     "url": "/manual_poster_assets/Movies/Custom%20%282000%29/poster.jpg"}
    assert client.get(asset["url"]).status_code == 200


def test_assets_overview_categories(after_run):
    client, runtime, sims, result = after_run
    o = client.get("/api/assets/overview").json()
    assert o["config"] == {"primary_language": "xx", "primary_provider": "tmdb"}
    cats = o["categories"]
    assert set(cats) >= {"missing_assets", "non_primary_lang", "non_primary_provider", "truncated_text",
                         "missing_assets_fav_provider", "assets_with_issues", "resolved"}
    for cat in cats.values():
        assert cat["count"] == len(cat["assets"])
    some = next(a for c in cats.values() for a in c["assets"]) if any(c["count"] for c in cats.values()) else None
    if some:
        assert {"id", "Title", "Type", "Rootfolder", "LibraryName", "Language", "has_poster"} <= set(some)
    issues = cats["assets_with_issues"]["assets"]
    if issues:
        r = client.post("/api/assets/skip", json={"id": issues[0]["id"]})
        assert r.status_code == 200
        again = client.get("/api/assets/overview").json()["categories"]
        # every row of that movie/show is hidden (the skip label covers the whole item; test_skip.py)
        assert again["resolved"]["count"] == cats["resolved"]["count"] + r.json()["rows"]
        assert issues[0]["id"] in {a["id"] for a in again["resolved"]["assets"]}
    assert client.post("/api/assets/skip", json={"id": 999999}).status_code == 404


def test_exports_record_each_run(after_run):
    client, runtime, sims, result = after_run
    stats = client.get("/api/plex-export/statistics").json()
    assert stats["success"] is True
    st = stats["statistics"]
    assert st["total_runs"] == 1 and st["total_library_records"] == len(sims.library.movies) + len(sims.library.shows)
    assert st["total_episode_records"] == sum(1 for _ in sims.library.shows[0].episodes())
    assert isinstance(st["latest_run"], str)
    runs = client.get("/api/plex-export/runs").json()
    assert runs == {"success": True, "runs": [st["latest_run"]], "count": 1}
    other = client.get("/api/other-media-export/statistics").json()
    assert other == {"success": True, "statistics": {"total_runs": 0, "total_library_records": 0,
                                                     "total_episode_records": 0, "latest_run": None}}
    assert client.get("/api/other-media-export/runs").json() == {"success": True, "runs": [], "count": 0}


def test_endpoints_need_auth(anon_client):
    for path in ("/api/assets/overview", "/api/assets/stats", "/api/assets-folders", "/api/manual-assets-gallery",
                 "/api/folder-view/browse", "/api/plex-export/statistics", "/api/other-media-export/runs"):
        assert anon_client.get(path).status_code == 401, path
