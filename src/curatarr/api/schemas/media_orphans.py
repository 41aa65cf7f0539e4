"""Answers of GET /api/media/orphaned and POST /api/media/orphaned/purge."""

from __future__ import annotations

from typing import Any

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class UnreachableInstance(ApiModel):
    instance: str
    error: str


class OrphanedMedia(ChubEnvelope):
    items: list[dict[str, Any]]
    total: int
    instances_checked: list[str]
    unreachable: list[UnreachableInstance]


class OrphanPurge(ChubEnvelope):
    purged: list[str]
    skipped: list[str]
    count: int
