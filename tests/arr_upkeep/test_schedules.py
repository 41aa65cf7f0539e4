"""Schedules fire upgradinatorr and labelarr, and the runs do real work on the simulators."""

from __future__ import annotations

from datetime import datetime, timezone

from curatarr.jobs.scheduler import Scheduler
from tests.arr_upkeep.conftest import WAIT

UTC = timezone.utc


class Clock:
    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now


def test_schedules_fire_both_modules(rt, sims):
    rt.config.update({
        "general": {"timezone": "UTC"},
        "schedule": {"upgradinatorr": "daily(03:00)", "labelarr": "daily(03:00)"},
        "upgradinatorr": {"poll_seconds": 0.05, "instances_list": [{"instance": "radarr", "count": 2}]},
        "labelarr": {"mappings": [{"app_instance": "radarr", "labels": ["keep"], "media_servers": ["plex"]}]},
    })
    clock = Clock(datetime(2026, 1, 10, 2, 59, 0, tzinfo=UTC))
    if rt.scheduler is not None:
        rt.scheduler.stop()
    rt.scheduler = Scheduler(rt, rt.jobs, clock=clock, system_rules={})
    rt.scheduler.reload(initial=True)
    assert rt.scheduler.tick() == []
    clock.now = datetime(2026, 1, 10, 3, 0, 1, tzinfo=UTC)
    fired = {module: job_id for module, _due, job_id in rt.scheduler.tick()}
    assert set(fired) == {"upgradinatorr", "labelarr"}
    jobs = {m: rt.jobs.wait(j, WAIT) for m, j in fired.items()}
    assert all(j["status"] == "success" and j["source"] == "schedule" for j in jobs.values()), jobs
    assert len([c for c in sims.sims["radarr"].events("commands") if c["name"] == "MoviesSearch"]) == 2
    assert jobs["labelarr"]["result"]["counts"]["labels_added"] > 0
    assert sims.sims["plex"].events("tag_changes")
