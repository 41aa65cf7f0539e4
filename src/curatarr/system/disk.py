"""Disk usage of the folders Curatarr works in (CHUB's ``GET /api/system/disk``).

The folders are the data directory and every configured allowed root. Each gets its file system's
totals (``os.statvfs`` via :func:`shutil.disk_usage`) and its device id, so folders on the same
file system list each other in ``shared_with`` (their free space is one and the same)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def watched_paths(rt: "Runtime") -> list[str]:
    """The data directory, then the configured roots (each once, in configured order)."""
    paths = [str(rt.data_dir)] + [str(p) for p in (rt.settings.general.allowed_roots or [])]
    return list(dict.fromkeys(paths))


def mount_usage(path: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": path, "exists": False, "device_id": None, "total_bytes": None,
                             "used_bytes": None, "free_bytes": None, "percent_used": None, "shared_with": []}
    target = Path(path)
    if not target.exists():
        return entry
    try:
        usage = shutil.disk_usage(target)
        device = os.stat(target).st_dev
    except OSError:
        return entry
    entry.update({"exists": True, "device_id": device, "total_bytes": usage.total, "used_bytes": usage.used,
                  "free_bytes": usage.free,
                  "percent_used": round(usage.used / usage.total * 100, 1) if usage.total else 0.0})
    return entry


def disk_report(rt: "Runtime") -> dict[str, Any]:
    mounts = [mount_usage(p) for p in watched_paths(rt)]
    for m in mounts:
        if m["exists"]:
            m["shared_with"] = [o["path"] for o in mounts
                                if o is not m and o["exists"] and o["device_id"] == m["device_id"]]
    return {"mounts": mounts}
