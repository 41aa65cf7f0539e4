"""Start/stop work of the instances area: the log store's writer and the periodic health probe.

The periodic probe fills ``system_health_snapshots`` (read by ``/api/system/health/snapshots`` and
the digest). Every ``general.health_probe_minutes`` minutes (default 15; 0 turns it off) it probes
every enabled instance concurrently and records one row per instance; rows older than 30 days are
dropped. The job scheduler took this over (system module ``health_snapshot``, every 6 hours): while a
scheduler with that system rule runs on the runtime (or ``rt.health_probe_scheduled`` is set) this loop
stays idle, so it only matters for a runtime started without the jobs area.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete

from curatarr.db.base import utcnow
from curatarr.db.models.system import HealthSnapshot
from curatarr.instances.factory import list_instances
from curatarr.instances.health import HealthResult, probe_many
from curatarr.instances.logstore import InstanceLogHandler, get_store

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.instances")

DEFAULT_PROBE_MINUTES = 15.0
SNAPSHOT_RETENTION_DAYS = 30


def probe_all(rt: "Runtime") -> list[HealthResult]:
    """Probe every enabled instance concurrently (bounded, with timeouts)."""
    return probe_many(rt, list_instances(rt, enabled_only=True))


def record_snapshots(rt: "Runtime", results: list[HealthResult]) -> int:
    """Store one health snapshot per result and drop snapshots past retention; returns rows added."""
    now = utcnow()
    with rt.db.session() as s:
        s.add_all([HealthSnapshot(snapshot_at=now, service=r.service, instance_name=r.instance, status=r.status,
                                  status_code=r.status_code, response_time_ms=r.response_time_ms,
                                  error=(r.error or None) and r.error[:2000]) for r in results])
        s.execute(delete(HealthSnapshot).where(HealthSnapshot.snapshot_at < now - timedelta(days=SNAPSHOT_RETENTION_DAYS)))
    return len(results)


def probe_interval_minutes(rt: "Runtime") -> float:
    general = rt.config.get_section("general") or {}
    try:
        return max(0.0, float(general.get("health_probe_minutes", DEFAULT_PROBE_MINUTES)))
    except (TypeError, ValueError):
        return DEFAULT_PROBE_MINUTES


SNAPSHOT_TASK = "health_snapshot"  # the scheduler's system rule that records the snapshots


def _scheduled_elsewhere(rt: "Runtime") -> bool:
    """True when the job scheduler runs the snapshots (its system rule ``health_snapshot``): then
    this loop stays idle so snapshots are not recorded twice. Asking the scheduler, not the module
    registry, keeps this area free of imports from ``curatarr.modules`` (modules sit above it)."""
    if rt.health_probe_scheduled:
        return True
    scheduler = getattr(rt, "scheduler", None)
    return scheduler is not None and SNAPSHOT_TASK in getattr(scheduler, "system_rules", {})


class _InstancesHooks:
    def __init__(self) -> None:
        self._states: dict[int, tuple[threading.Event, threading.Thread, logging.Handler]] = {}

    def start(self, rt: "Runtime") -> None:
        store = get_store(rt)
        store.start()
        handler = InstanceLogHandler(store)
        handler.addFilter(rt.logs.redactor)
        logging.getLogger("curatarr").addHandler(handler)
        stop = threading.Event()
        thread = threading.Thread(target=self._loop, args=(rt, stop), name="health-probe", daemon=True)
        self._states[id(rt)] = (stop, thread, handler)
        thread.start()

    def stop(self, rt: "Runtime") -> None:
        state = self._states.pop(id(rt), None)
        if state is not None:
            stop, thread, handler = state
            stop.set()
            thread.join(timeout=15)
            logging.getLogger("curatarr").removeHandler(handler)
        store = rt.instance_logs
        if store is not None:
            store.stop()

    @staticmethod
    def _loop(rt: "Runtime", stop: threading.Event) -> None:
        # A short pause first so server start-up is not slowed by probes.
        wait = 2.0
        while not stop.wait(wait):
            minutes = probe_interval_minutes(rt)
            wait = minutes * 60 if minutes > 0 else 60.0
            if minutes <= 0 or _scheduled_elsewhere(rt):
                continue
            try:
                results = probe_all(rt)
                if stop.is_set():
                    return
                record_snapshots(rt, results)
                get_store(rt).prune()
            except Exception:  # keep probing on the next round
                log.exception("periodic health probe failed")


hooks = _InstancesHooks()
