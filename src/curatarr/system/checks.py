"""What ``/api/health`` checks: the database answers, the data disk has room, and every running
service that offers a ``health_check()`` (job queue, scheduler, media library once created) says it
is well."""

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
    checks["data_disk"] = data_disk_check(rt)
    probed = {"jobs": rt.jobs, "scheduler": rt.scheduler, "library": rt.library}
    for name, service in probed.items():
        probe = getattr(service, "health_check", None)
        if callable(probe):
            try:
                checks[name] = "ok" if probe() else "degraded"
            except Exception:
                checks[name] = "error"
    return checks


def data_disk_check(rt: "Runtime") -> str:
    """``degraded`` when the data dir's file system has less than ``general.min_free_disk_mb`` free
    (jobs can no longer record their results, logins and backups fail), ``error`` when it cannot be
    read. With room again, the reserve a full disk used up is put back."""
    import shutil

    from curatarr.fsutil import RESERVE_BYTES, ensure_reserve, reserve_path

    try:
        free = shutil.disk_usage(rt.data_dir).free
    except OSError:
        return "error"
    wanted = rt.settings.general.min_free_disk_mb * 1024 * 1024
    if free < max(wanted, 1):
        return "degraded"
    if not reserve_path(rt.data_dir).is_file() and free > wanted + RESERVE_BYTES and getattr(rt, "jobs", None):
        ensure_reserve(rt.data_dir)
    return "ok"
