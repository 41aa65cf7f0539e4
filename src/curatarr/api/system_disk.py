"""/api/system/disk: free space of the data directory and the configured roots (CHUB)."""

from __future__ import annotations

from fastapi import APIRouter

from curatarr.api.deps import RuntimeDep
from curatarr.system.disk import disk_report

router = APIRouter(tags=["system"])


@router.get("/api/system/disk")
def system_disk(rt: RuntimeDep):
    return disk_report(rt)
