"""The jobs area's part of the system reports: ``/api/system/digest`` (job counts by status and
recent failures) and ``/api/system/cleanup-candidates`` (errored jobs)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from curatarr.db.base import utcnow

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def jobs_report(rt: "Runtime", days: int) -> dict:
    """Digest: job counts by status and recent failures in the window; cleanup: errored jobs."""
    from curatarr.jobs.store import ERROR, INTERRUPTED, JobStore

    store = JobStore(rt.db)
    since = utcnow() - timedelta(days=max(1, days or 0))
    by_status, _ = store.counts(since)
    failures = store.recent(status=[ERROR, INTERRUPTED], since=since, limit=20)
    recent = [{"id": j["id"], "type": j["type"], "module_name": j["module"], "module": j["module"],
               "status": j["status"], "error": j["error"], "received_at": j["created_at"]} for j in failures]
    all_errors, _ = store.counts(None)
    return {"digest": {"job_counts": by_status, "recent_failures": recent},
            "cleanup": {"errored_jobs": int(all_errors.get(ERROR, 0))}}
