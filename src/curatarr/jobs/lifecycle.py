"""Start/stop of the jobs area, registered in ``curatarr.runtime.LIFECYCLE_HOOKS``.

start: event bus (``rt.events``), job queue + workers (``rt.jobs``), scheduler (``rt.scheduler``),
the jobs system report. stop: scheduler first (no new work), then the queue (running jobs are
asked to stop and recorded ``interrupted``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from curatarr.jobs.events import EventBus
from curatarr.jobs.queue import LocalJobQueue
from curatarr.jobs.scheduler import Scheduler
from curatarr.jobs.report import jobs_report

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.jobs")


def ensure_events(rt: "Runtime") -> EventBus:
    bus = getattr(rt, "events", None)
    if bus is None:
        bus = EventBus()
        rt.events = bus  # type: ignore[attr-defined]
    return bus


class JobsLifecycle:
    def start(self, rt: "Runtime") -> None:
        bus = ensure_events(rt)
        queue = LocalJobQueue(rt, events=bus)
        rt.jobs = queue  # type: ignore[attr-defined]
        queue.start()
        scheduler = Scheduler(rt, queue)
        rt.scheduler = scheduler  # type: ignore[attr-defined]
        if not getattr(rt, "_jobs_config_listener", False):
            # ConfigStore has no unsubscribe: one listener per runtime that follows rt.scheduler.
            def on_change(old, new, _rt=rt):
                sch = getattr(_rt, "scheduler", None)
                if sch is not None:
                    sch.on_config_change(old, new)

            rt.config.subscribe(on_change)
            rt._jobs_config_listener = True  # type: ignore[attr-defined]
        scheduler.start()
        rt.system_reports["jobs"] = jobs_report
        log.info("jobs: %d workers, scheduler in %s", queue.max_workers, scheduler.tz)

    def stop(self, rt: "Runtime") -> None:
        scheduler = getattr(rt, "scheduler", None)
        if scheduler is not None:
            scheduler.stop()
            rt.scheduler = None  # type: ignore[attr-defined]
        queue = getattr(rt, "jobs", None)
        if queue is not None:
            queue.stop()
            rt.jobs = None  # type: ignore[attr-defined]


hooks = JobsLifecycle()
