"""The 6-hourly health snapshot job and the jobs part of /api/system/digest and cleanup-candidates."""

from __future__ import annotations

from datetime import timedelta

import pytest


from curatarr.db.base import utcnow
from curatarr.db.models.system import HealthSnapshot
from tests._fixtures import sim_cluster

WAIT = 60


@pytest.fixture(scope="module")
def radarr():
    from curatarr.sims.library import SampleLibrary

    with sim_cluster(SampleLibrary.generate(movies=3, shows=1, artists=1), ["radarr"]) as c:
        yield c


def test_health_snapshot_job_records_and_prunes(client, radarr):
    rt = client.app.state.runtime
    rt.config.update({"instances": {"radarr": {
        "radarr_main": {"url": radarr.urls["radarr"], "api": radarr.api_keys["radarr"]},
        "radarr_bad": {"url": radarr.urls["radarr"], "api": "wrong-key"}}}})
    with rt.db.session() as s:
        s.add(HealthSnapshot(snapshot_at=utcnow() - timedelta(days=45), service="radarr", instance_name="old",
                             status="healthy"))
    job = rt.jobs.wait(rt.jobs.submit("health_snapshot", source="system"), WAIT)
    assert job["status"] == "success"
    assert job["result"]["counts"] == {"healthy": 1, "auth_failed": 1, "probed": 2}
    assert job["result"]["data"]["pruned"] == 1
    snaps = client.get("/api/system/health/snapshots").json()["snapshots"]
    assert sorted((s["instance_name"], s["status"]) for s in snaps) == [("radarr_bad", "auth_failed"),
                                                                          ("radarr_main", "healthy")]
    # It is a system rule of the scheduler (every 6 hours), hidden from the module list.
    system = {r["module"]: r for r in client.get("/api/schedule").json()["system"]}
    assert system["health_snapshot"]["description"] == "every 6 hours"
    names = [m["name"] for m in client.get("/api/modules").json()["modules"]]
    assert "health_snapshot" not in names
    dash = client.get("/api/dashboard/all").json()
    assert {i["instance"]: i["status"] for i in dash["instances"]} == {"radarr_bad": "auth_failed",
                                                                        "radarr_main": "healthy"}


def test_digest_and_cleanup_candidates_from_real_jobs(client):
    rt = client.app.state.runtime
    ok = rt.jobs.submit("stepper", overrides={"items": 1})
    bad = rt.jobs.submit("stepper", overrides={"items": 2, "fail_at": 0})
    rt.jobs.wait(ok, WAIT)
    rt.jobs.wait(bad, WAIT)
    digest = client.get("/api/system/digest", params={"days": 7}).json()
    assert digest["job_counts"] == {"success": 1, "error": 1}
    assert [f["id"] for f in digest["recent_failures"]] == [bad]
    assert digest["recent_failures"][0]["module_name"] == "stepper" and "boom" in digest["recent_failures"][0]["error"]
    assert client.get("/api/system/cleanup-candidates").json()["errored_jobs"] == 1
