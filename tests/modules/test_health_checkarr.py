"""health_checkarr against the Radarr/Sonarr simulators (real HTTP)."""

from __future__ import annotations

import httpx

from curatarr.connectors.arr import HealthItem
from curatarr.modules.health_checkarr import removed_ids
from tests.modules.conftest import run

REMOVED = {"radarr": {("Godzilla", 2014), ("La La Land", 2016)}, "sonarr": {("Attack on Titan", 2013)}}


def titles(arr, kind: str) -> set[str]:
    path = "/api/v3/movie" if kind == "radarr" else "/api/v3/series"
    r = httpx.get(arr.urls[kind] + path, headers={"X-Api-Key": arr.api_keys[kind]}, timeout=10)
    return {(i["title"], i["year"]) for i in r.json()}


def test_dry_run_is_the_default_and_reports_only(rt, arr):
    job = run(rt, "health_checkarr")
    assert job["status"] == "success" and job["dry_run"] is True
    counts = job["result"]["counts"]
    assert counts["would_delete"] == 3 and counts["instances_checked"] == 2 and "deleted" not in counts
    changed = sorted(c["description"] for c in job["result"]["changed"])
    assert changed == ["radarr: would delete Godzilla (2014)", "radarr: would delete La La Land (2016)",
                       "sonarr: would delete Attack on Titan (2013)"]
    assert REMOVED["radarr"] <= titles(arr, "radarr") and REMOVED["sonarr"] <= titles(arr, "sonarr")
    assert arr.sims["radarr"].find_requests("/api/v3/movie/", method="DELETE") == []


def test_real_run_deletes_flagged_items_only(rt, arr):
    before = titles(arr, "radarr")
    job = run(rt, "health_checkarr", dry_run=False)
    assert job["status"] == "success" and job["dry_run"] is False
    assert job["result"]["counts"]["deleted"] == 3
    assert titles(arr, "radarr") == before - REMOVED["radarr"]
    assert not REMOVED["sonarr"] & titles(arr, "sonarr")
    deletes = arr.sims["radarr"].find_requests("/api/v3/movie/", method="DELETE")
    assert len(deletes) == 2
    assert [e["delete_files"] for e in arr.sims["radarr"].events("deletes")] == [False, False]
    # Nothing left to do on a second run.
    again = run(rt, "health_checkarr", dry_run=False)
    assert "deleted" not in again["result"]["counts"]


def test_instances_list_is_honoured_and_report_only_wins(rt, arr):
    job = run(rt, "health_checkarr", dry_run=False, report_only=True, instances=["sonarr", "ghost"])
    assert job["status"] == "success"
    assert job["result"]["counts"] == {"instances_checked": 1, "would_delete": 1}
    assert "ghost: not a configured Radarr or Sonarr instance; skipped" in job["result"]["warnings"]
    assert arr.sims["radarr"].find_requests("/api/v3/health") == []


def test_one_unreachable_instance_does_not_stop_the_other(rt, arr):
    rt.config.update({"instances": {"radarr": {"radarr": {"url": "http://127.0.0.1:9", "api": "x"}}}})
    job = run(rt, "health_checkarr")
    assert job["status"] == "success"
    assert job["result"]["errors"][0]["item"] == "radarr"
    assert job["result"]["counts"]["would_delete"] == 1
    rt.config.update({"instances": {"sonarr": {"sonarr": {"url": "http://127.0.0.1:9", "api": "x"}}}})
    failed = run(rt, "health_checkarr")
    assert failed["status"] == "error" and "no instance could be checked" in failed["error"]


def test_no_instances_is_a_clear_error(runtime):
    runtime.start()
    try:
        job = runtime.jobs.wait(runtime.jobs.submit("health_checkarr"), 30)
        assert job["status"] == "error" and "no Radarr or Sonarr instance" in job["error"]
        assert job["attempts"] == 1
    finally:
        runtime.stop()


def test_removed_ids_parser():
    health = [HealthItem(source="RemovedMovieCheck", message="Movie A (tmdbid 12), B (tmdbid 34) was removed from TMDb"),
              HealthItem(source="IndexerStatusCheck", message="tmdbid 99"),
              HealthItem(source="RemovedSeriesCheck", message="Series X (tvdbid 7) was removed from TheTVDB")]
    assert removed_ids("radarr", health) == {12, 34}
    assert removed_ids("sonarr", health) == {7}


def test_module_connectivity_test_probes_its_instances(client, arr):
    rt = client.app.state.runtime
    rt.config.update({"instances": {
        "radarr": {"radarr": {"url": arr.urls["radarr"], "api": arr.api_keys["radarr"]}},
        "sonarr": {"sonarr": {"url": arr.urls["sonarr"], "api": "wrong"}}},
        "health_checkarr": {"instances": ["radarr", "sonarr", "lidarr_gone"]}})
    r = client.post("/api/modules/health_checkarr/test")
    assert r.status_code == 200
    results = {x["instance"]: x["status"] for x in r.json()["results"]}
    assert results == {"radarr": "healthy", "sonarr": "auth_failed", "lidarr_gone": "not_found"}
    assert r.json()["ok"] is False
