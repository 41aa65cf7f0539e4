"""Schedules fire nohl, jduparr and nestarr; each scheduled run does its configured work on the real files."""

from __future__ import annotations

import os
from datetime import datetime, timezone

UTC = timezone.utc


class Clock:
    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now


def test_schedules_fire_the_three_modules(api, arr, media):
    rt = api.app.state.runtime
    dirs = [str(media / "movies"), str(media / "downloads")]
    rt.config.update({"general": {"timezone": "UTC"}, "jduparr": {"source_dirs": dirs},
                      "nohl": {"dry_run": True, "source_dirs": [str(media / "movies")]}})
    clock = Clock(datetime(2026, 1, 10, 2, 59, 30, tzinfo=UTC))
    rt.scheduler.clock = clock
    for module in ("nohl", "jduparr", "nestarr"):
        r = api.post("/api/schedule", json={"module": module, "schedule": "daily(03:00)"})
        assert r.status_code == 200, r.text
    clock.now = datetime(2026, 1, 10, 3, 0, 0, tzinfo=UTC)
    fired = rt.scheduler.tick()
    jobs = {m: rt.jobs.wait(j, 60) for m, _, j in fired}
    assert set(jobs) == {"nohl", "jduparr", "nestarr"}
    for module, job in jobs.items():
        assert job["status"] == "success" and job["source"] == "schedule", (module, job)
    assert jobs["nohl"]["dry_run"] is True and jobs["nohl"]["result"]["counts"]["not_hardlinked"] > 0
    linked = jobs["jduparr"]["result"]["data"]["groups"]
    assert jobs["jduparr"]["result"]["counts"]["groups_linked"] == len(linked) == 2
    assert all(os.path.samefile(g["files"][0], g["files"][1]) for g in linked)
    assert jobs["nestarr"]["result"]["counts"]["movie_in_movie"] == 1
    assert api.get("/api/nestarr/results").json()["job_id"] == fired[[m for m, _, _ in fired].index("nestarr")][2]
