"""The simulators' real files: the layout, and file operations through the *arr APIs change the tree."""

from __future__ import annotations

import os

import httpx

from curatarr.sims.arr_files import VIDEO_SIZE
from tests.arr_files.conftest import arr_get, unlinked


def send(arr, kind: str, method: str, path: str, **kwargs) -> httpx.Response:
    r = httpx.request(method, arr.urls[kind] + path, headers={"X-Api-Key": arr.api_keys[kind]}, timeout=10, **kwargs)
    assert r.status_code < 300, r.text
    return r


def command(arr, kind: str, **body) -> dict:
    cid = send(arr, kind, "POST", "/api/v3/command", json=body).json()["id"]
    return arr_get(arr, kind, f"/api/v3/command/{cid}")


def test_layout_matches_what_the_apis_report(arr, media):
    movies = arr_get(arr, "radarr", "/api/v3/movie")
    with_file = [m for m in movies if m.get("movieFile")]
    assert with_file
    for m in with_file:
        path = m["movieFile"]["path"]
        assert path.startswith(str(media) + "/") and path == f"{m['path']}/{m['movieFile']['relativePath']}"
        assert os.path.getsize(path) == VIDEO_SIZE
    roots = [r["path"] for r in arr_get(arr, "radarr", "/api/v3/rootfolder")]
    assert roots == [f"{media}/movies", f"{media}/documentaries"] and all(os.path.isdir(r) for r in roots)
    series = arr_get(arr, "sonarr", "/api/v3/series")
    files = arr_get(arr, "sonarr", f"/api/v3/episodefile?seriesId={series[0]['id']}")
    assert files and all(os.path.isfile(f["path"]) for f in files)
    links = [os.stat(m["movieFile"]["path"]).st_nlink for m in with_file]
    assert 1 in links and 2 in links                    # some hardlinked into downloads, some not
    assert unlinked(media / "tv")                       # a season left unlinked (season pack case)


def test_deleting_files_and_items_changes_the_tree(arr, media):
    movie = next(m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile"))
    path = movie["movieFile"]["path"]
    send(arr, "radarr", "DELETE", f"/api/v3/moviefile/{movie['movieFile']['id']}")
    assert not os.path.exists(path)
    other = [m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")][-1]
    send(arr, "radarr", "DELETE", f"/api/v3/movie/{other['id']}", params={"deleteFiles": "false"})
    assert os.path.isdir(other["path"])                 # without deleteFiles the folder stays
    third = [m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")][-1]
    send(arr, "radarr", "DELETE", f"/api/v3/movie/{third['id']}", params={"deleteFiles": "true"})
    assert not os.path.exists(third["path"])
    show = arr_get(arr, "sonarr", "/api/v3/series")[3]
    ep_file = arr_get(arr, "sonarr", f"/api/v3/episodefile?seriesId={show['id']}")[0]
    send(arr, "sonarr", "DELETE", f"/api/v3/episodefile/{ep_file['id']}")
    assert not os.path.exists(ep_file["path"])


def test_moves_and_renames_change_the_tree_and_stay_inside_the_root(arr, media, tmp_path):
    movie = next(m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile"))
    target = f"{media}/documentaries/{os.path.basename(movie['path'])}"
    send(arr, "radarr", "PUT", f"/api/v3/movie/{movie['id']}", params={"moveFiles": "true"}, json={**movie, "path": target})
    assert os.path.isdir(target) and not os.path.exists(movie["path"])
    moved = arr_get(arr, "radarr", f"/api/v3/movie/{movie['id']}")
    assert os.path.isfile(moved["movieFile"]["path"])
    # without moveFiles only the *arr's record changes
    second = [m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")][1]
    send(arr, "radarr", "PUT", f"/api/v3/movie/{second['id']}", params={"moveFiles": "false"},
         json={**second, "path": f"{media}/movies/Renamed Only"})
    assert os.path.isdir(second["path"]) and not os.path.exists(f"{media}/movies/Renamed Only")
    # a path outside the files root never touches the disk
    third = [m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")][2]
    send(arr, "radarr", "PUT", f"/api/v3/movie/{third['id']}", params={"moveFiles": "true"},
         json={**third, "path": str(tmp_path / "escaped")})
    assert not (tmp_path / "escaped").exists() and os.path.isdir(third["path"])
    # RenameMovie renames the files the rename preview lists
    ids = [m["id"] for m in arr_get(arr, "radarr", "/api/v3/movie")]
    preview = arr_get(arr, "radarr", "/api/v3/rename?" + "&".join(f"movieId={i}" for i in ids))
    assert preview
    command(arr, "radarr", name="RenameMovie", movieIds=[p["movieId"] for p in preview])
    for p in preview:
        m = arr_get(arr, "radarr", f"/api/v3/movie/{p['movieId']}")
        if m["path"].startswith(str(media)):
            assert os.path.isfile(f"{m['path']}/{p['newPath']}") and not os.path.exists(f"{m['path']}/{p['existingPath']}")
    # Sonarr: moving a series moves its folder and episode files
    show = arr_get(arr, "sonarr", "/api/v3/series")[4]
    new = f"{media}/anime/{os.path.basename(show['path'])}"
    send(arr, "sonarr", "PUT", f"/api/v3/series/{show['id']}", params={"moveFiles": "true"}, json={**show, "path": new})
    files = arr_get(arr, "sonarr", f"/api/v3/episodefile?seriesId={show['id']}")
    assert files and all(f["path"].startswith(new + "/") and os.path.isfile(f["path"]) for f in files)


def test_a_search_imports_a_hardlinked_file_and_reset_restores_the_tree(arr, media):
    movie = next(m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile"))
    send(arr, "radarr", "DELETE", f"/api/v3/moviefile/{movie['movieFile']['id']}")
    command(arr, "radarr", name="MoviesSearch", movieIds=[movie["id"]])
    after = arr_get(arr, "radarr", f"/api/v3/movie/{movie['id']}")
    assert after["hasFile"] and os.stat(after["movieFile"]["path"]).st_nlink == 2
    arr.reset()
    assert os.path.isfile(movie["movieFile"]["path"])
    assert arr_get(arr, "radarr", f"/api/v3/movie/{movie['id']}")["movieFile"]["path"] == movie["movieFile"]["path"]
