"""nohl on the simulators' real files: dry run lists, a real run replaces through the *arr."""

from __future__ import annotations

import os

from tests.arr_files.conftest import arr_get, run, unlinked


def movie_files(arr) -> dict[str, dict]:
    return {m["movieFile"]["path"]: m for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")}


def test_dry_run_finds_every_unlinked_file_and_changes_nothing(rt, arr, media):
    expected = unlinked(media / "movies") | unlinked(media / "documentaries") | unlinked(media / "tv") \
        | unlinked(media / "anime")
    job = run(rt, "nohl", dry_run=True, replace=True)
    assert job["status"] == "success", job
    files = job["result"]["data"]["files"]
    assert {f["path"] for f in files} == expected
    counts = job["result"]["counts"]
    assert counts["not_hardlinked"] == len(expected) > 10
    tracked = {f["path"]: f for f in files if f["state"] == "tracked"}
    movies = movie_files(arr)
    for path, movie in movies.items():
        if path in expected:
            assert tracked[path]["id"] == movie["id"] and tracked[path]["instance"] == "radarr"
    # strays in the root folders belong to no item; the sample next to a movie is in an item folder
    assert any(f["state"] == "unpaired" and "Untracked Movie" in f["path"] for f in files)
    assert any(f["state"] == "untracked" and f["path"].endswith("-sample.mkv") for f in files)
    assert arr.sims["radarr"].events("commands") == [] and arr.sims["radarr"].events("deletes") == []
    assert unlinked(media) >= expected   # nothing changed on disk


def test_real_run_replaces_a_movie_through_radarr(rt, arr, media):
    before = movie_files(arr)
    target = next(p for p, m in sorted(before.items(), key=lambda kv: kv[1]["id"]) if os.stat(p).st_nlink == 1)
    movie = before[target]
    job = run(rt, "nohl", instances=["radarr"], replace=True, searches=1, source_dirs=[str(media / "movies")])
    assert job["status"] == "success", job
    assert job["result"]["counts"]["searches"] == 1
    deletes = arr.sims["radarr"].events("deletes")
    assert len(deletes) == 1 and deletes[0]["movie_id"] == movie["id"]
    assert [c["name"] for c in arr.sims["radarr"].events("commands")] == ["MoviesSearch"]
    after = arr_get(arr, "radarr", f"/api/v3/movie/{movie['id']}")
    new_path = after["movieFile"]["path"]
    assert os.stat(new_path).st_nlink == 2          # the search imported a hardlinked copy
    assert job["result"]["counts"]["left_for_next_run"] >= 1


def test_sonarr_season_pack_and_excluded_series(rt, arr, media):
    series = {s["title"]: s for s in arr_get(arr, "sonarr", "/api/v3/series")}
    dry = run(rt, "nohl", instances=["sonarr"], dry_run=True)
    unlinked_titles = {f["title"] for f in dry["result"]["data"]["files"] if f["state"] == "tracked"}
    excluded = sorted(unlinked_titles)[0]
    job = run(rt, "nohl", instances=["sonarr"], replace=True, searches=100, exclude_series=[excluded])
    assert job["status"] == "success", job
    searches = arr.sims["sonarr"].events("searches")
    assert searches and all(s["series_id"] != series[excluded]["id"] for s in searches if s["series_id"])
    assert any(s["kind"] == "seasonsearch" for s in searches)
    assert job["result"]["counts"]["excluded"] >= 1
    again = run(rt, "nohl", instances=["sonarr"], dry_run=True)
    left = {f["title"] for f in again["result"]["data"]["files"] if f["state"] == "tracked"}
    assert left == {excluded}


def test_outside_roots_and_unknown_instance_are_clear_errors(rt, arr, tmp_path):
    job = run(rt, "nohl", source_dirs=[str(tmp_path)], dry_run=True)
    assert job["status"] == "error" and "no media folder" in job["error"]
    assert any("outside" in w for w in job["result"]["warnings"])
    job = run(rt, "nohl", instances=["nope"], dry_run=True)
    assert job["status"] == "error" and "instance" in job["error"]
