"""The job queue end to end on a real runtime (database, worker threads, event bus)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from curatarr.db.base import utcnow
from curatarr.db.models.jobs import Job
from curatarr.jobs.queue import HOST
from tests.jobs.conftest import CONTROLS, Controls

WAIT = 30  # upper bound for a job to finish; never asserted on


def submit(rt, module="stepper", **overrides):
    return rt.jobs.submit(module, overrides=overrides)


def test_success_records_result_progress_and_log(started, controls):
    rt = started
    job_id = submit(rt, items=3, token=controls.token)
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] == "success"
    assert job["error"] is None
    assert job["result"]["counts"] == {"processed": 3}
    assert [c["index"] for c in job["result"]["changed"]] == [0, 1, 2]
    assert job["progress"] == 100 and job["progress_detail"]["done"] == 3
    assert job["attempts"] == 1
    tail = (rt.data_dir / "job_logs" / f"stepper-{job_id}.log").read_text()
    assert "processed item 2" in tail
    state = rt.jobs.module_states(["stepper"])["stepper"]
    assert state["status"] == "idle" and state["last_run_status"] == "success" and state["last_job_id"] == job_id


def test_cancel_mid_run_ends_cancelled_within_one_item(started, controls):
    rt = started
    controls.hold(2)
    job_id = submit(rt, items=10, token=controls.token)
    assert controls.reached[2].wait(WAIT)
    assert rt.jobs.get(job_id)["status"] == "running"
    assert rt.jobs.cancel(job_id) is True
    assert rt.jobs.module_states(["stepper"])["stepper"]["status"] == "cancelling"
    controls.release[2].set()
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] == "cancelled"
    # The item in hand (2) completes; no further item starts.
    assert controls.processed == [0, 1, 2]
    assert job["progress_detail"]["done"] == 2
    assert job["result"]["counts"] == {"processed": 3}
    assert rt.jobs.cancel(job_id) is False  # already final


def test_crashing_module_ends_error_once(started, controls):
    rt = started
    job_id = submit(rt, items=5, fail_at=1, token=controls.token)
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] == "error"
    assert "RuntimeError: boom at 1" in job["error"]
    assert job["attempts"] == 1 and job["max_attempts"] == 1
    # Let the dispatcher go round again: a later job runs to completion, the crashed one is not re-run.
    other = submit(rt, items=1)
    assert rt.jobs.wait(other, WAIT)["status"] == "success"
    assert controls.runs == 1
    assert rt.jobs.get(job_id)["status"] == "error"
    rows, total = rt.jobs.store.list(module="stepper")
    assert total == 2
    log_text = (rt.data_dir / "job_logs" / f"stepper-{job_id}.log").read_text()
    assert "Traceback" in log_text


def test_opt_in_retry_runs_again_with_backoff_record(started, controls):
    rt = started
    job_id = rt.jobs.submit("flaky", overrides={"token": controls.token})
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] == "success"
    assert job["attempts"] == 2 and job["max_attempts"] == 2
    assert controls.runs == 2


def test_cancel_queued_job_never_starts(started, controls):
    rt = started
    controls.hold(0)
    first = submit(rt, items=1, token=controls.token)
    assert controls.reached[0].wait(WAIT)
    second = submit(rt, items=1, token=controls.token)
    assert rt.jobs.get(second)["status"] == "queued"
    assert rt.jobs.cancel(second) is True
    assert rt.jobs.get(second)["status"] == "cancelled"
    controls.release[0].set()
    assert rt.jobs.wait(first, WAIT)["status"] == "success"
    assert rt.jobs.get(second)["started_at"] is None
    assert controls.runs == 1


def test_one_running_job_per_module_unless_allowed(started, controls):
    rt = started
    controls.hold(0)
    first = submit(rt, items=1, token=controls.token)
    assert controls.reached[0].wait(WAIT)
    second = submit(rt, items=1)
    # Two concurrent-capable jobs run side by side meanwhile (proves the dispatcher went round).
    par = Controls()
    CONTROLS[par.token] = par
    par.hold(0)
    a = rt.jobs.submit("parallel", overrides={"items": 1, "token": par.token})
    assert par.reached[0].wait(WAIT)
    par.reached[0].clear()
    b = rt.jobs.submit("parallel", overrides={"items": 1, "token": par.token})
    assert par.reached[0].wait(WAIT)  # the second parallel job reached the gate while the first waits
    assert rt.jobs.get(a)["status"] == rt.jobs.get(b)["status"] == "running"
    assert rt.jobs.get(second)["status"] == "queued"
    par.release[0].set()
    controls.release[0].set()
    for j in (first, second, a, b):
        assert rt.jobs.wait(j, WAIT)["status"] == "success"
    first_row, second_row = rt.jobs.get(first), rt.jobs.get(second)
    assert second_row["started_at"] >= first_row["finished_at"]
    CONTROLS.pop(par.token, None)


def test_priority_orders_the_queue(runtime, controls):
    runtime.config.update({"jobs": {"workers": 1}})
    runtime.start()
    try:
        rt = runtime
        controls.hold(0)
        blocker = rt.jobs.submit("parallel", overrides={"items": 1, "token": controls.token})
        assert controls.reached[0].wait(WAIT)
        low = rt.jobs.submit("stepper", overrides={"items": 1}, priority=0)
        high = rt.jobs.submit("flaky", overrides={"token": "unused"}, priority=10)
        controls.release[0].set()
        for j in (blocker, low, high):
            rt.jobs.wait(j, WAIT)
        assert rt.jobs.get(high)["started_at"] < rt.jobs.get(low)["started_at"]
    finally:
        runtime.stop()


def test_dedupe_key_returns_the_active_job(started, controls):
    rt = started
    controls.hold(0)
    a = rt.jobs.submit("stepper", overrides={"items": 1, "token": controls.token}, dedupe_key="k1")
    assert controls.reached[0].wait(WAIT)
    b = rt.jobs.submit("stepper", overrides={"items": 1, "token": controls.token}, dedupe_key="k1")
    assert a == b
    controls.release[0].set()
    rt.jobs.wait(a, WAIT)
    c = rt.jobs.submit("stepper", overrides={"items": 1}, dedupe_key="k1")
    assert c != a


def test_stop_during_run_records_interrupted_and_does_not_rerun(runtime, data_dir, controls):
    from curatarr.runtime import Runtime

    runtime.config.update({"jobs": {"shutdown_grace_seconds": 0.3}})
    runtime.start()
    controls.hold(1)
    job_id = runtime.jobs.submit("stepper", overrides={"items": 3, "token": controls.token})
    assert controls.reached[1].wait(WAIT)
    runtime.stop()  # the module is stuck in its item: after the grace period it is recorded interrupted
    controls.release[1].set()
    rt2 = Runtime(data_dir, console_logs=False)
    try:
        rt2.start()
        job = rt2.jobs.get(job_id)
        assert job["status"] == "interrupted"
        assert "stopped" in job["error"]
        other = rt2.jobs.submit("stepper", overrides={"items": 1})
        assert rt2.jobs.wait(other, WAIT)["status"] == "success"
        assert controls.runs == 1
        assert rt2.jobs.get(job_id)["status"] == "interrupted"
    finally:
        rt2.close()


def test_cooperative_stop_records_interrupted_not_cancelled(runtime, controls):
    runtime.start()
    controls.hold(1)
    job_id = runtime.jobs.submit("stepper", overrides={"items": 5, "token": controls.token})
    assert controls.reached[1].wait(WAIT)
    import threading

    threading.Timer(0.2, controls.release[1].set).start()
    runtime.stop()
    runtime.start()
    try:
        job = runtime.jobs.get(job_id)
        assert job["status"] == "interrupted"
        assert controls.processed == [0, 1]
    finally:
        runtime.stop()


def test_crashed_process_job_is_interrupted_on_start(runtime):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    with runtime.db.session() as s:
        s.add(Job(module="stepper", source="manual", status="running", priority=0, dry_run=False,
                  created_at=utcnow(), started_at=utcnow(), updated_at=utcnow(), attempts=1, max_attempts=1,
                  percent=40.0, cancel_requested=False, worker=f"{HOST}:{proc.pid}:gone"))
    runtime.start()
    try:
        rows, _ = runtime.jobs.store.list(module="stepper")
        assert rows[0]["status"] == "interrupted"
        assert runtime.jobs.module_states(["stepper"])["stepper"]["status"] == "error"
    finally:
        runtime.stop()


def test_unknown_module_and_job(started):
    with pytest.raises(KeyError):
        started.jobs.submit("no_such_module")
    with pytest.raises(KeyError):
        started.jobs.wait(987654, 1)
    assert started.jobs.cancel(987654) is False


def test_events_published_in_order(started, controls):
    rt = started
    with rt.events.subscribe(["job.*", "module.*"]) as sub:
        job_id = submit(rt, items=4, token=controls.token)
        rt.jobs.wait(job_id, WAIT)
        events = sub.drain()
    ids = [e.id for e in events]
    assert ids == sorted(ids)
    statuses = [e.data.get("status") for e in events if e.topic == "job.state"]
    assert statuses == ["running", "success"]
    created = [e for e in events if e.topic == "job.created"]
    assert created and created[0].data["job"]["id"] == job_id
    done = [e.data["done"] for e in events if e.topic == "module.progress"]
    assert done == sorted(done) and done[-1] == 4


def test_queue_on_both_databases(db_runtime, controls):
    """Submit, run, cancel and list on SQLite and PostgreSQL."""
    rt = db_runtime
    rt.start()
    try:
        ok = rt.jobs.submit("stepper", overrides={"items": 2})
        assert rt.jobs.wait(ok, WAIT)["status"] == "success"
        controls.hold(0)
        held = rt.jobs.submit("stepper", overrides={"items": 3, "token": controls.token})
        assert controls.reached[0].wait(WAIT)
        queued = rt.jobs.submit("stepper", overrides={"items": 1})
        assert rt.jobs.cancel(queued)
        assert rt.jobs.cancel(held)
        controls.release[0].set()
        assert rt.jobs.wait(held, WAIT)["status"] == "cancelled"
        assert rt.jobs.get(queued)["status"] == "cancelled"
        rows, total = rt.jobs.store.list(status=["cancelled"])
        assert total == 2
        assert rt.jobs.stats()["status_counts"] == {"success": 1, "cancelled": 2}
    finally:
        rt.stop()


def test_retention_purges_old_finished_jobs_and_health_reports_workers(runtime):
    import time
    from datetime import timedelta

    from fastapi.testclient import TestClient

    from curatarr.app import create_app

    with runtime.db.session() as s:
        for days, status in ((120, "success"), (120, "running"), (10, "error")):
            s.add(Job(module="stepper", source="manual", status=status, priority=0, dry_run=False,
                      created_at=utcnow() - timedelta(days=days), finished_at=utcnow() - timedelta(days=days)
                      if status != "running" else None, updated_at=utcnow() - timedelta(days=days), attempts=1, max_attempts=1,
                      percent=0.0, cancel_requested=False, worker=f"{HOST}:1:x" if status == "running" else None))
    with TestClient(create_app(runtime)) as client:
        health = client.get("/api/health").json()
        assert health["checks"]["jobs"] == "ok" and health["checks"]["scheduler"] == "ok"
        deadline = time.monotonic() + 30  # the dispatcher's first housekeeping round
        while time.monotonic() < deadline and runtime.jobs.store.list()[1] == 3:
            time.sleep(0.05)
        rows, total = runtime.jobs.store.list()
        # the old success is gone; the old "running" row became interrupted (dead worker) and is kept
        # until it is old as a finished job; the recent error stays
        assert total == 2
        assert sorted(r["status"] for r in rows) == ["error", "interrupted"]
