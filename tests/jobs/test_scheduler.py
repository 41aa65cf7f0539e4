"""The scheduler with a controllable clock: fires once per due time, hot reload, catch-up, time zone."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from curatarr.db.models.jobs import ScheduleState
from curatarr.jobs.scheduler import Scheduler

UTC = timezone.utc
WAIT = 30


class Clock:
    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> datetime:
        self.now = datetime.fromisoformat(text).replace(tzinfo=UTC)
        return self.now


def stepper_jobs(rt):
    rows, total = rt.jobs.store.list(module="stepper", limit=100)
    return rows


def own_scheduler(rt, clock, **kw) -> Scheduler:
    """A scheduler on this runtime's queue driven only by explicit ticks (the runtime's own one is stopped)."""
    if rt.scheduler is not None:
        rt.scheduler.stop()
    sch = Scheduler(rt, rt.jobs, clock=clock, system_rules={}, **kw)
    rt.scheduler = sch
    sch.reload(initial=True)
    return sch


def test_schedule_edit_applies_without_restart_and_fires_once(client):
    rt = client.app.state.runtime
    clock = Clock(datetime(2026, 1, 10, 2, 59, 30, tzinfo=UTC))
    rt.scheduler.clock = clock  # the live scheduler thread keeps running on this clock
    rt.config.update({"general": {"timezone": "UTC"}})
    r = client.post("/api/schedule", json={"module": "stepper", "schedule": "daily(03:00)"})
    assert r.status_code == 200, r.text
    assert r.json()["next_run"] == "2026-01-10T03:00:00Z"
    assert client.get("/api/schedule").json()["schedule"] == {"stepper": "daily(03:00)"}

    assert rt.scheduler.tick(clock.set("2026-01-10T02:59:59")) == []
    clock.set("2026-01-10T03:00:00")
    fired = rt.scheduler.tick()
    assert [(m, j is not None) for m, _, j in fired] == [("stepper", True)]
    for second in (1, 20, 59):  # the rest of the minute: nothing more
        assert rt.scheduler.tick(clock.set(f"2026-01-10T03:00:{second:02d}")) == []
    job_id = fired[0][2]
    assert rt.jobs.wait(job_id, WAIT)["status"] == "success"
    assert rt.scheduler.tick() == []
    jobs = stepper_jobs(rt)
    assert len(jobs) == 1 and jobs[0]["source"] == "schedule"
    assert jobs[0]["origin"]["due"] == "2026-01-10T03:00:00Z"

    # Edit the rule: the new one applies at once (no restart) and fires once at its time.
    r = client.post("/api/schedule", json={"module": "stepper", "schedule": "hourly(30)"})
    assert r.json()["next_run"] == "2026-01-10T03:30:00Z"
    assert rt.scheduler.tick(clock.set("2026-01-10T03:29:00")) == []
    assert len(rt.scheduler.tick(clock.set("2026-01-10T03:30:05"))) == 1
    assert rt.scheduler.tick(clock.set("2026-01-10T03:30:40")) == []
    assert len(stepper_jobs(rt)) == 2

    # Removing the rule: manual only, nothing fires any more.
    assert client.delete("/api/schedule/stepper").status_code == 200
    assert rt.scheduler.tick(clock.set("2026-01-10T04:30:00")) == []
    assert len(stepper_jobs(rt)) == 2
    assert client.delete("/api/schedule/stepper").status_code == 404


@pytest.mark.parametrize("catch_up,expected_jobs", [(True, 1), (False, 0)])
def test_missed_runs_are_not_stacked(started, catch_up, expected_jobs):
    rt = started
    rt.config.update({"general": {"timezone": "UTC"}, "schedule": {"stepper": "daily(03:00)"},
                      "jobs": {"schedule_catch_up": catch_up}})
    with rt.db.session() as s:  # the server last fired five days ago, then was down
        s.merge(ScheduleState(module="stepper", rule="daily(03:00)",
                              last_due_at=datetime(2026, 1, 5, 3, 0, tzinfo=UTC)))
    clock = Clock(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    sch = own_scheduler(rt, clock)
    fired = sch.tick()
    assert len([f for f in fired if f[2] is not None]) == expected_jobs
    if fired:
        assert fired[0][1] == datetime(2026, 1, 6, 3, 0, tzinfo=UTC)  # the first missed one, once
    assert sch.next_run("stepper") == datetime(2026, 1, 11, 3, 0, tzinfo=UTC)
    assert sch.tick(clock.set("2026-01-10T12:00:30")) == []
    assert len(stepper_jobs(rt)) == expected_jobs


def test_restart_does_not_refire_a_consumed_due_time(started):
    rt = started
    rt.config.update({"general": {"timezone": "UTC"}, "schedule": {"stepper": "interval(60)"}})
    clock = Clock(datetime(2026, 1, 10, 9, 59, tzinfo=UTC))
    sch = own_scheduler(rt, clock)
    assert len(sch.tick(clock.set("2026-01-10T10:00:00"))) == 1
    # "restart": a fresh scheduler in the same minute reads the consumed due time from the database
    sch2 = own_scheduler(rt, Clock(datetime(2026, 1, 10, 10, 0, 30, tzinfo=UTC)))
    assert sch2.tick() == []
    assert sch2.next_run("stepper") == datetime(2026, 1, 10, 11, 0, tzinfo=UTC)
    assert len(stepper_jobs(rt)) == 1


def test_due_time_while_module_is_busy_is_skipped(started, controls):
    rt = started
    rt.config.update({"general": {"timezone": "UTC"}, "schedule": {"stepper": "hourly(00)"}})
    controls.hold(0)
    busy = rt.jobs.submit("stepper", overrides={"items": 1, "token": controls.token})
    assert controls.reached[0].wait(WAIT)
    clock = Clock(datetime(2026, 1, 10, 9, 59, tzinfo=UTC))
    sch = own_scheduler(rt, clock)
    fired = sch.tick(clock.set("2026-01-10T10:00:00"))
    assert fired and fired[0][2] is None
    controls.release[0].set()
    rt.jobs.wait(busy, WAIT)
    assert [j["id"] for j in stepper_jobs(rt)] == [busy]
    assert sch.next_run("stepper") == datetime(2026, 1, 10, 11, 0, tzinfo=UTC)


def test_time_zone_from_config_and_change_replans(client):
    rt = client.app.state.runtime
    rt.scheduler.clock = Clock(datetime(2026, 1, 10, 0, 0, tzinfo=UTC))
    rt.config.update({"general": {"timezone": "Europe/Berlin"}})
    client.post("/api/schedule", json={"module": "stepper", "schedule": "daily(03:00)"})
    body = client.get("/api/schedule").json()
    assert body["timezone"] == "Europe/Berlin"
    assert body["rules"][0]["next_run"] == "2026-01-10T02:00:00Z"
    assert body["rules"][0]["next_runs_local"][0].startswith("2026-01-10T03:00:00+01:00")
    rt.config.update({"general": {"timezone": "America/New_York"}})
    body = client.get("/api/schedule").json()
    assert body["rules"][0]["next_run"] == "2026-01-10T08:00:00Z"


def test_invalid_rules_are_refused_by_the_api_and_reported_from_config(client):
    rt = client.app.state.runtime
    r = client.post("/api/schedule", json={"module": "stepper", "schedule": "weekly(funday@09:00)"})
    assert r.status_code == 400 and "day of the week" in r.json()["detail"]
    r = client.post("/api/schedule", json={"module": "nope", "schedule": "daily(03:00)"})
    assert r.status_code == 400
    r = client.post("/api/schedule", json={"module": "health_snapshot", "schedule": "daily(03:00)"})
    assert r.status_code == 400 and "system module" in r.json()["detail"]
    # A hand-edited config with a bad rule: reported, the other rules still run.
    rt.config.update({"schedule": {"stepper": "daily(99:00)", "parallel": "daily(04:00)"}})
    body = client.get("/api/schedule").json()
    by_module = {r["module"]: r for r in body["rules"]}
    assert "time of day" in by_module["stepper"]["error"]
    assert by_module["parallel"]["next_run"] is not None


def test_replace_whole_schedule_and_preview(client):
    r = client.post("/api/schedule", json={"schedule": {"stepper": "DAILY(3:00)", "parallel": None}})
    assert r.status_code == 200, r.text
    assert r.json()["schedule"] == {"stepper": "daily(03:00)"}
    assert client.get("/api/schedule/stepper").json()["schedule"] == "daily(03:00)"
    p = client.get("/api/schedule/preview", params={"rule": "weekly(mon,fri@09:00)", "count": 3}).json()
    assert p["valid"] and p["description"] == "every Mon, Fri at 09:00" and len(p["next_runs"]) == 3
    bad = client.get("/api/schedule/preview", params={"rule": "daily(7)"}).json()
    assert bad["valid"] is False and "HH:MM" in bad["error"]
    assert client.get("/api/schedule/nope").status_code == 404


def test_system_health_snapshot_rule_is_listed(client):
    body = client.get("/api/schedule").json()
    system = {r["module"]: r for r in body["system"]}
    assert system["health_snapshot"]["rule"] == "interval(360)"
    assert system["health_snapshot"]["next_run"] is not None


