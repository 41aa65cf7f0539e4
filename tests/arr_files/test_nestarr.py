"""nestarr on the simulators' real files: the scan as a job, the routes, preview and a checked fix."""

from __future__ import annotations

import os


from tests.arr_files.conftest import arr_get, run


def wait_scan(api, job_id: int) -> dict:
    job = api.app.state.runtime.jobs.wait(job_id, 60)
    assert job["status"] == "success", job
    return job


def by_type(issues) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for i in issues:
        out.setdefault(i["type"], []).append(i)
    return out


def test_module_finds_nesting_cross_type_strays_and_extras(rt, arr, media):
    job = run(rt, "nestarr")
    assert job["status"] == "success", job
    found = by_type(job["result"]["data"]["issues"])
    movies = {m["id"]: m for m in arr_get(arr, "radarr", "/api/v3/movie")}
    shows = {s["id"]: s for s in arr_get(arr, "sonarr", "/api/v3/series")}
    [nested] = found["movie_in_movie"]
    inner, outer = movies[nested["media_id"]], movies[nested["parent"]["media_id"]]
    assert inner["path"].startswith(outer["path"] + "/") and os.path.isdir(inner["path"])
    assert nested["suggested_path"] == f"{media}/movies/{os.path.basename(inner['path'])}"
    [series] = found["series_in_series"]
    assert shows[series["media_id"]]["path"].startswith(shows[series["parent"]["media_id"]]["path"] + "/")
    [cross] = found["movie_in_series_root"]
    assert movies[cross["media_id"]]["path"].startswith(f"{media}/tv/")
    strays = {os.path.basename(i["path"]) for i in found["stray_folder"] + found["stray_file"]}
    assert strays == {"Untracked Movie (1999)", "loose movie file.mkv", "Untracked Show (1999)", "loose show file.mkv"}
    assert len(found["stray_folder"]) == 4          # movies, documentaries, tv, anime roots
    [extra] = found["extra_video_in_folder"]
    assert sorted(os.path.basename(f) for f in extra["files"]) == sorted(
        f for f in (os.path.basename(p) for p in extra["files"]) if "sample" in f or f == "Behind the Scenes.mkv")
    assert len(extra["files"]) == 2
    assert job["result"]["counts"]["issues"] == sum(len(v) for v in found.values())
    # read-only: nothing moved, nothing recorded
    assert arr.sims["radarr"].events("moves") == [] and arr.sims["sonarr"].events("moves") == []


def test_scan_route_starts_a_job_and_results_are_cached(api, arr):
    before = api.get("/api/nestarr/results")
    assert before.status_code == 200 and before.json()["issues"] == [] and before.json()["scanned_at"] is None
    r = api.get("/api/nestarr/scan")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True and isinstance(body["scan_job_id"], int)
    wait_scan(api, body["scan_job_id"])
    results = api.get("/api/nestarr/results").json()
    assert results["job_id"] == body["scan_job_id"] and results["total"] == len(results["issues"]) > 5
    assert results["instances_checked"] == ["radarr", "sonarr"] and results["scanned_at"]
    assert results["data"]["total"] == results["total"]     # CHUB envelope
    again = api.get("/api/nestarr/scan").json()
    assert again["total"] == results["total"]               # answered at once with the cached findings
    wait_scan(api, again["scan_job_id"])


def test_preview_and_fix_move_the_nested_movie_on_disk(api, arr, media):
    job = wait_scan(api, api.get("/api/nestarr/scan").json()["scan_job_id"])
    [nested] = [i for i in job["result"]["data"]["issues"] if i["type"] == "movie_in_movie"]
    body = {"instance_type": "radarr", "instance_name": "radarr", "media_id": nested["media_id"],
            "target_path": nested["suggested_path"]}
    old = nested["path"]
    preview = api.post("/api/nestarr/preview", json=body)
    assert preview.status_code == 200, preview.text
    p = preview.json()
    assert p["current_path"] == old and p["target_path"] == body["target_path"] and p["already_correct"] is False
    assert os.path.isdir(old) and not os.path.exists(body["target_path"])       # preview moves nothing
    fixed = api.post("/api/nestarr/fix", json=body)
    assert fixed.status_code == 200, fixed.text
    f = fixed.json()
    assert f["moved"] is True and f["verified_on_disk"] is True and f["rename_triggered"] is True
    assert os.path.isdir(body["target_path"]) and not os.path.exists(old)
    movie = arr_get(arr, "radarr", f"/api/v3/movie/{nested['media_id']}")
    assert movie["path"] == body["target_path"]
    assert os.path.isfile(movie["movieFile"]["path"])
    moves = arr.sims["radarr"].events("moves")
    assert [(m["source"], m["destination"], m["move_files"]) for m in moves] == [(old, body["target_path"], True)]
    rescan = wait_scan(api, api.get("/api/nestarr/scan").json()["scan_job_id"])
    assert not [i for i in rescan["result"]["data"]["issues"] if i["type"] == "movie_in_movie"]


def test_bad_targets_and_instances_are_refused_and_nothing_moves(api, arr, media, tmp_path):
    movie = next(m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile"))
    base = {"instance_type": "radarr", "instance_name": "radarr", "media_id": movie["id"]}
    cases = [
        ({**base, "target_path": str(tmp_path / "elsewhere")}, 400, "TARGET_OUTSIDE_ROOT_FOLDERS"),
        ({**base, "target_path": f"{media}/tv/Some Movie"}, 400, "TARGET_OUTSIDE_ROOT_FOLDERS"),
        ({**base, "target_path": f"{media}/movies/../../etc"}, 400, "INVALID_TARGET"),
        ({**base, "target_path": "relative/path"}, 400, "INVALID_TARGET"),
        ({**base, "target_path": movie["path"] + "/inside"}, 400, "INVALID_TARGET"),
        ({**base, "target_path": f"{media}/movies/Untracked Movie (1999)"}, 409, "TARGET_EXISTS"),
        ({**base, "instance_name": "nope", "target_path": f"{media}/movies/x"}, 404, "INSTANCE_NOT_FOUND"),
        ({**base, "media_id": 999_999, "target_path": f"{media}/movies/x"}, 404, None),
        ({**base, "instance_type": "lidarr", "target_path": f"{media}/movies/x"}, 422, None),
        ({**base, "media_id": "x", "target_path": f"{media}/movies/x"}, 422, None),
    ]
    for body, status, code in cases:
        for route in ("/api/nestarr/preview", "/api/nestarr/fix"):
            r = api.post(route, json=body)
            assert r.status_code == status, (route, body, r.text)
            if code:
                assert r.json().get("code") == code or code in r.text, r.text
    assert arr.sims["radarr"].events("moves") == []
    assert os.path.isdir(movie["path"])


def test_scan_and_fix_need_operator_scope(api, anon_client, runtime):
    from curatarr.auth.tokens import issue_token

    token, _ = issue_token(runtime.jwt_secret, "admin", 1, scope="read")
    headers = {"Authorization": f"Bearer {token}"}
    assert anon_client.get("/api/nestarr/results", headers=headers).status_code == 200
    assert anon_client.get("/api/nestarr/scan", headers=headers).status_code == 403
    body = {"instance_type": "radarr", "instance_name": "radarr", "media_id": 1, "target_path": "/x"}
    assert anon_client.post("/api/nestarr/fix", json=body, headers=headers).status_code == 403
