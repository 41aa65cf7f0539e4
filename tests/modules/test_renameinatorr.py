"""renameinatorr against the Radarr/Sonarr simulators (real HTTP)."""

from __future__ import annotations

import httpx

from curatarr.modules.renameinatorr import batches
from tests.modules.conftest import run


def get(arr, kind: str, path: str):
    r = httpx.get(arr.urls[kind] + path, headers={"X-Api-Key": arr.api_keys[kind]}, timeout=10)
    r.raise_for_status()
    return r.json()


def needing_rename(arr) -> set[int]:
    ids = [m["id"] for m in get(arr, "radarr", "/api/v3/movie")]
    return {p["movieId"] for p in get(arr, "radarr", "/api/v3/rename?" + "&".join(f"movieId={i}" for i in ids))}


def test_dry_run_reports_and_changes_nothing(rt, arr):
    wanted = needing_rename(arr)
    job = run(rt, "renameinatorr", dry_run=True, count=0, instances=["radarr"], tag_name="renamed")
    assert job["status"] == "success"
    counts = job["result"]["counts"]
    assert counts["items_to_rename"] == len(wanted) > 0
    assert {c["id"] for c in job["result"]["changed"]} == wanted
    assert any("would rename" in c["description"] and "→" in c["description"] for c in job["result"]["changed"])
    assert arr.sims["radarr"].events("commands") == []
    assert arr.sims["radarr"].find_requests("/api/v3/tag", method="POST") == []
    assert arr.sims["radarr"].find_requests("/editor", method="PUT") == []
    assert needing_rename(arr) == wanted


def test_batch_is_renamed_tagged_and_the_next_run_continues(rt, arr):
    wanted = needing_rename(arr)
    first = run(rt, "renameinatorr", instances=["radarr"], count=20, tag_name="Renamed!", rename_folders=False)
    assert first["status"] == "success"
    tag = next(t for t in get(arr, "radarr", "/api/v3/tag") if t["label"] == "renamed")
    movies = sorted(get(arr, "radarr", "/api/v3/movie"), key=lambda m: m["id"])
    tagged = [m["id"] for m in movies if tag["id"] in m["tags"]]
    assert tagged == [m["id"] for m in movies[:20]]
    assert first["result"]["counts"]["tagged"] == 20
    renamed_first = {c["id"] for c in first["result"]["changed"]}
    assert renamed_first == wanted & set(tagged)
    commands = arr.sims["radarr"].events("commands")
    assert [c["name"] for c in commands] == ["RenameMovie"]
    assert sorted(commands[0]["body"]["movieIds"]) == sorted(renamed_first)
    assert needing_rename(arr) == wanted - renamed_first

    second = run(rt, "renameinatorr", instances=["radarr"], count=20, tag_name="renamed", rename_folders=False)
    movies = sorted(get(arr, "radarr", "/api/v3/movie"), key=lambda m: m["id"])
    assert [m["id"] for m in movies if tag["id"] in m["tags"]] == [m["id"] for m in movies[:40]]
    assert {c["id"] for c in second["result"]["changed"]} == wanted & {m["id"] for m in movies[20:40]}


def test_batching_handles_everything_and_sonarr_too(rt, arr):
    job = run(rt, "renameinatorr", count=7, enable_batching=True, rename_folders=False)
    assert job["status"] == "success"
    assert needing_rename(arr) == set()
    radarr_cmds = [c for c in arr.sims["radarr"].events("commands") if c["name"] == "RenameMovie"]
    assert len(radarr_cmds) >= 2  # several batches
    sonarr_renames = arr.sims["sonarr"].events("renames")
    assert len(sonarr_renames) == sum(1 for c in job["result"]["changed"] if c["instance"] == "sonarr")
    assert job["result"]["counts"]["items_renamed"] >= 2


def test_ignore_tags_and_folder_renames(rt, arr):
    movies = get(arr, "radarr", "/api/v3/movie")
    keep = next(t for t in get(arr, "radarr", "/api/v3/tag") if t["label"] == "keep")
    kept = {m["id"] for m in movies if keep["id"] in m["tags"]}
    job = run(rt, "renameinatorr", instances=["radarr"], count=0, ignore_tags="keep, nonexistent", rename_folders=True)
    assert job["result"]["counts"]["ignored"] == len(kept)
    assert not kept & {c["id"] for c in job["result"]["changed"]}
    edits = arr.sims["radarr"].find_requests("/api/v3/movie/editor", method="PUT")
    assert edits and all(r.status == 202 for r in edits)


def test_failing_command_is_reported(rt, arr):
    service = arr.apps["radarr"].state.arr  # the simulator's service object
    service.fail_commands.add("renamemovie")
    try:
        job = run(rt, "renameinatorr", instances=["radarr"], count=0, rename_folders=False)
        assert job["status"] == "success"
        assert job["result"]["errors"][0]["item"] == "radarr: rename"
        assert "failed" in job["result"]["errors"][0]["message"]
    finally:
        service.fail_commands.discard("renamemovie")


def test_batches():
    assert batches([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert batches([1, 2], 0) == [[1, 2]]
    assert batches([], 3) == []


def test_cancel_stops_within_one_item(rt, arr):
    """Cancel while the first Sonarr preview is in flight: the run ends cancelled after that item."""
    arr.sims["sonarr"].faults.add("latency", path="/api/v3/rename", ms=300)
    series_count = len(get(arr, "sonarr", "/api/v3/series"))
    with rt.events.subscribe(["module.progress"]) as sub:
        job_id = rt.jobs.submit("renameinatorr", overrides={"instances": ["sonarr"], "count": 0})
        while True:
            event = sub.get(timeout=30)
            assert event is not None, "no progress event"
            if event.data.get("job_id") == job_id and "previewing" in (event.data.get("phase") or ""):
                rt.jobs.cancel(job_id)
                break
    job = rt.jobs.wait(job_id, 60)
    assert job["status"] == "cancelled"
    previews = arr.sims["sonarr"].find_requests("/api/v3/rename")
    assert 1 <= len(previews) <= 2 < series_count
    assert arr.sims["sonarr"].events("commands") == []
