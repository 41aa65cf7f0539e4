"""Answer of GET /api/system/disk."""

from __future__ import annotations

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class Mount(ApiModel):
    path: str
    exists: bool
    device_id: int | None = None
    total_bytes: int | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    percent_used: float | None = None
    shared_with: list[str] = []


class DiskReport(ChubEnvelope):
    mounts: list[Mount]
