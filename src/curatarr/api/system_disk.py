"""/api/system/disk: free space of the data directory and the configured roots (CHUB)."""

from __future__ import annotations

from fastapi import APIRouter

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.system_disk import DiskReport
from curatarr.system.disk import disk_report

router = APIRouter(tags=["System"])


@router.get("/api/system/disk", response_model=DiskReport, response_model_exclude_unset=True,
            summary="Free space of the data directory and the configured roots")
def system_disk(rt: RuntimeDep):
    return disk_report(rt)
