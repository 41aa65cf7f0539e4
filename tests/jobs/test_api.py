"""/api/modules/* and /api/jobs/* over the app (test modules registered only here)."""

from __future__ import annotations

import pytest

WAIT = 30
MASK = "********"


def run(client, module="stepper", **body):
    r = client.post(f"/api/modules/{module}/execute", json=body)
    assert r.status_code == 200, r.text
    return r.json()["job_id"]


def wait(client, job_id):
    return client.app.state.runtime.jobs.wait(job_id, WAIT)


def test_list_modules_and_run_states(client):
    mods = {m["name"]: m for m in client.get("/api/modules").json()["modules"]}
    assert {"stepper", "health_checkarr", "renameinatorr"} <= set(mods)
    assert "health_snapshot" not in mods  # hidden system module
    assert mods["stepper"]["enabled"] is False and mods["stepper"]["status"] == "idle"
    job_id = run(client, overrides={"items": 2})
    wait(client, job_id)
    states = client.get("/api/modules/run-states").json()
    assert states["stepper"]["last_run_status"] == "success" and states["stepper"]["last_job_id"] == job_id
    assert states["renameinatorr"]["status"] == "idle"
    mod = client.get("/api/modules").json()["modules"]
    stepper = next(m for m in mod if m["name"] == "stepper")
    assert stepper["last_run_successful"] is True and stepper["last_duration"] is not None
    assert "health_snapshot" in client.get("/api/modules", params={"include_hidden": True}).text


def test_schema_config_replace_and_secret_preservation(client):
    schema = client.get("/api/modules/stepper/schema").json()["schema"]
    assert schema["properties"]["items"]["type"] == "integer"
    r = client.put("/api/modules/stepper/config", json={"items": 4, "token": "tokSECRET1", "instances": []})
    assert r.status_code == 200, r.text
    assert r.json()["config"]["token"] == MASK
    detail = client.get("/api/modules/stepper").json()
    assert detail["config"] == {"items": 4, "token": MASK, "instances": []}
    assert "tokSECRET1" not in str(detail)
    # Replace again sending the mask back: the stored secret is kept; dropped keys are dropped.
    assert client.put("/api/modules/stepper/config", json={"items": 6, "token": MASK}).status_code == 200
    rt = client.app.state.runtime
    assert rt.config.get_section("stepper") == {"items": 6, "token": "tokSECRET1"}
    bad = client.put("/api/modules/stepper/config", json={"items": -1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["items"]
    assert rt.config.get_section("stepper")["items"] == 6
    assert client.get("/api/modules/nope/schema").status_code == 404


def test_execute_with_overrides_status_history_stats(client):
    job_id = run(client, overrides={"items": 3}, dry_run=True)
    job = wait(client, job_id)
    assert job["dry_run"] is True and job["overrides"] == {"items": 3} and job["source"] == "manual"
    status = client.get(f"/api/modules/stepper/status/{job_id}").json()
    assert status["status"] == "success" and status["result"]["counts"] == {"processed": 3}
    assert client.get(f"/api/modules/renameinatorr/status/{job_id}").status_code == 404
    hist = client.get("/api/modules/stepper/history", params={"limit": 5}).json()
    assert hist["total"] == 1 and hist["history"][0]["id"] == job_id
    assert hist["history"][0]["summary"]["changed"] == 3
    stats = client.get("/api/modules/stepper/stats").json()
    assert stats["job_stats"]["status_counts"] == {"success": 1}
    assert client.get("/api/modules/status", params={"module": "stepper"}).json()["running"] is False
    assert client.get("/api/modules/history", params={"module": "stepper"}).json()["total"] == 1
    bad = client.post("/api/modules/stepper/execute", json={"overrides": {"items": "many"}})
    assert bad.status_code == 422 and "items" in bad.json()["message"]
    assert client.post("/api/modules/stepper/execute", json={"overrides": [1]}).status_code == 400
    assert client.post("/api/modules/nope/execute", json={}).status_code == 404
    r = client.post("/api/modules/run", json={"module": "stepper", "overrides": {"items": 1}})
    assert r.status_code == 200 and wait(client, r.json()["job_id"])["status"] == "success"


def test_cancel_via_api_and_already_running(client, controls):
    controls.hold(1)
    job_id = run(client, overrides={"items": 5, "token": controls.token})
    assert controls.reached[1].wait(WAIT)
    again = client.post("/api/modules/stepper/execute", json={})
    assert again.status_code == 409 and "already running" in again.json()["detail"]
    r = client.delete(f"/api/modules/stepper/execution/{job_id}")
    assert r.status_code == 200 and r.json()["status"] == "cancelling"
    controls.release[1].set()
    assert wait(client, job_id)["status"] == "cancelled"
    assert client.delete(f"/api/modules/stepper/execution/{job_id}").status_code == 400
    assert client.delete("/api/modules/stepper/execution/99999").status_code == 404


def test_patch_enable_disable_restores_schedule(client):
    assert client.patch("/api/modules/stepper", json={"enabled": True}).status_code == 400
    r = client.patch("/api/modules/stepper", json={"enabled": True, "schedule": "daily(04:00)"})
    bare = {"module": "stepper", "enabled": True, "schedule": "daily(04:00)"}
    assert r.json() == {**bare, "success": True, "message": "OK", "data": bare}  # CHUB's envelope too
    assert client.patch("/api/modules/stepper", json={"enabled": False}).json()["enabled"] is False
    assert client.get("/api/schedule").json()["schedule"] == {}
    assert client.patch("/api/modules/stepper", json={"enabled": True}).json()["schedule"] == "daily(04:00)"
    assert client.patch("/api/modules/stepper", json={"enabled": "yes"}).status_code == 400


def test_module_connectivity_test(client):
    client.app.state.runtime.config.update({"stepper": {"instances": ["ghost"]}})
    r = client.post("/api/modules/stepper/test").json()
    assert r["results"] == [{"instance": "ghost", "service": None, "status": "not_found", "status_code": None,
                             "response_time_ms": None, "error": "no instance named 'ghost' is configured"}]
    assert r["ok"] is False


def test_jobs_filter_paginate_stats_record_log_retry_purge(client):
    ids = [run(client, overrides={"items": 1}) for _ in range(1)]
    for i in ids:
        wait(client, i)
    failing = run(client, overrides={"items": 2, "fail_at": 0})
    wait(client, failing)
    page = client.get("/api/jobs", params={"limit": 1, "offset": 0}).json()
    assert page["total"] == 2 and len(page["jobs"]) == 1 and page["jobs"][0]["id"] == failing
    assert client.get("/api/jobs", params={"status": "error"}).json()["total"] == 1
    assert client.get("/api/jobs", params={"status": "failed,success"}).json()["total"] == 2
    assert client.get("/api/jobs", params={"module": "renameinatorr"}).json()["total"] == 0
    assert client.get("/api/jobs", params={"status": "bogus"}).status_code == 400
    stats = client.get("/api/jobs/stats").json()
    assert stats["status_counts"] == {"success": 1, "error": 1} and stats["recent_errors"][0]["id"] == failing
    assert stats["module_counts"]["stepper"] == {"success": 1, "error": 1}
    record = client.get(f"/api/jobs/{failing}").json()
    assert record["job"]["error"].startswith("RuntimeError") and record["id"] == failing
    assert client.get("/api/jobs/424242").status_code == 404

    tail = client.get(f"/api/jobs/{failing}/log-tail", params={"bytes": 100000}).json()
    assert any("boom at 0" in line for line in tail["lines"]) and tail["status"] == "error"
    part = client.get(f"/api/jobs/{failing}/log-tail", params={"offset": 0, "max_bytes": 64}).json()
    assert part["next_offset"] <= 64
    rest = client.get(f"/api/jobs/{failing}/log-tail", params={"offset": part["next_offset"]}).json()
    assert rest["next_offset"] == rest["size"]

    r = client.post(f"/api/jobs/{failing}/retry")
    assert r.status_code == 200 and r.json()["retry_of"] == failing
    retried = wait(client, r.json()["job_id"])
    assert retried["source"] == "retry" and retried["retry_of"] == failing and retried["status"] == "error"
    purge = client.delete("/api/jobs/old", params={"days": 1}).json()
    assert purge == {"deleted": 0, "days": 1, "success": True, "message": "OK", "data": {"deleted": 0, "days": 1}}
    assert client.delete("/api/jobs/old", params={"days": 0}).status_code == 422


def test_purge_removes_old_finished_jobs_and_logs(client):
    from datetime import timedelta

    from sqlalchemy import update

    from curatarr.db.base import utcnow
    from curatarr.db.models.jobs import Job

    rt = client.app.state.runtime
    old = run(client, overrides={"items": 1})
    wait(client, old)
    log_path = rt.jobs.store.get_row(old).log_path
    with rt.db.session() as s:
        s.execute(update(Job).where(Job.id == old).values(finished_at=utcnow() - timedelta(days=40)))
    fresh = run(client, overrides={"items": 1})
    wait(client, fresh)
    assert client.delete("/api/jobs/old", params={"days": 30}).json()["deleted"] == 1
    assert client.get(f"/api/jobs/{old}").status_code == 404
    assert client.get(f"/api/jobs/{fresh}").status_code == 200
    import os

    assert not os.path.exists(log_path)


@pytest.mark.parametrize("path", ["/api/modules", "/api/modules/run-states", "/api/jobs", "/api/jobs/stats",
                                  "/api/schedule", "/api/status", "/api/runtime-history", "/api/notifications"])
def test_protected(anon_client, path):
    assert anon_client.get(path).status_code == 401


def test_posterizarr_run_endpoints_shapes(client):
    status = client.get("/api/status").json()
    for key in ("running", "manual_running", "scheduler_running", "scheduler_is_executing", "last_logs", "script_exists",
                "config_exists", "pid", "current_mode", "active_log", "already_running_detected",
                "running_file_exists", "start_time"):
        assert key in status
    assert status["running"] is False and status["already_running_detected"] is False
    client.post("/api/schedule", json={"module": "stepper", "schedule": "daily(01:30|04:30)"})
    sched = client.get("/api/scheduler/status").json()
    assert sched["success"] is True and {"enabled", "running", "is_executing", "schedules", "timezone", "last_run",
                                         "next_run", "active_jobs"} <= set(sched)
    hist = client.get("/api/runtime-history", params={"limit": 10}).json()
    assert hist["success"] is True and hist["limit"] == 10 and {"history", "count", "total"} <= set(hist)
    dash = client.get("/api/dashboard/all").json()
    assert dash["success"] is True and {"status", "version", "scheduler_status", "system_info"} <= set(dash)
    assert dash["upcoming"][0]["module"] == "stepper"
    assert {"local", "remote", "is_update_available"} <= set(dash["version"])
