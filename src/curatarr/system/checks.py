"""What ``/api/health`` checks: the database answers, and every running service that offers a
``health_check()`` (job queue, scheduler, media library once created) says it is well."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def service_checks(rt: "Runtime") -> dict[str, str]:
    """``{name: "ok" | "degraded" | "error"}`` — services not running are not listed."""
    checks: dict[str, str] = {}
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    probed = {"jobs": rt.jobs, "scheduler": rt.scheduler, "library": rt.library}
    for name, service in probed.items():
        probe = getattr(service, "health_check", None)
        if callable(probe):
            try:
                checks[name] = "ok" if probe() else "degraded"
            except Exception:
                checks[name] = "error"
    return checks
