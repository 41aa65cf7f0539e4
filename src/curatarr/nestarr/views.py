"""What ``GET /api/nestarr/scan`` and ``/results`` answer: the latest successful scan's findings, and
a scan job started (or the running one joined). The runtime's job queue is used through ``rt.jobs``
(no import of ``curatarr.jobs``: it imports the modules, which import this package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curatarr.errors import Unavailable

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

MODULE = "nestarr"
SCAN_KEY = "nestarr-scan"   # the queue's dedupe key: a second request joins the active scan


def _queue(rt: "Runtime") -> Any:
    queue = getattr(rt, "jobs", None)
    if queue is None:
        raise Unavailable("the job queue is not running", code="JOBS_NOT_RUNNING")
    return queue


def cached(rt: "Runtime") -> dict[str, Any]:
    """CHUB's ``{issues, total, instances_checked, scanned_at}`` from the latest successful scan
    (empty with ``scanned_at: null`` before the first one), plus its ``job_id``."""
    rows, _total = _queue(rt).store.list(module=MODULE, status=["success"], limit=1, full=True)
    if not rows:
        return {"issues": [], "total": 0, "instances_checked": [], "scanned_at": None, "job_id": None}
    data = (rows[0].get("result") or {}).get("data") or {}
    issues = list(data.get("issues") or [])
    return {"issues": issues, "total": len(issues), "instances_checked": list(data.get("instances_checked") or []),
            "scanned_at": data.get("scanned_at") or rows[0].get("finished_at"), "job_id": rows[0]["id"]}


def scan(rt: "Runtime", *, client: str | None) -> dict[str, Any]:
    """Start a scan job, or join the one already queued/running; answers at once with the cached
    findings, the scan's ``scan_job_id`` and its status (poll ``/api/jobs/{id}`` or the events)."""
    queue = _queue(rt)
    state = queue.states.state(MODULE)
    if state.get("status") in ("running", "queued") and state.get("job_id"):
        job_id = int(state["job_id"])   # a scan from the schedule or the modules page: join it
    else:
        job_id = queue.submit(MODULE, dedupe_key=SCAN_KEY, source="api",
                              origin={"source": "api", "client_host": client, "endpoint": "/api/nestarr/scan"})
    job = queue.get(job_id) or {}
    out = cached(rt)
    out.update(scan_job_id=job_id, scan_status=job.get("status"))
    return out
