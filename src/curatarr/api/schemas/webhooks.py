"""Answers of CHUB's /api/webhooks/* routes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from curatarr.api.schemas.common import ChubEnvelope


class WebhookQueued(ChubEnvelope):
    """``status``: enqueued (``job_id`` of the new job), duplicate (``job_id`` of the first one) or
    ok for a test event (nothing queued)."""

    status: str
    job_id: int | None = None
    module: str | None = None
    duplicate: bool | None = None
    event_type: str | None = None


class WebhookStatus(ChubEnvelope):
    status: str = Field(description="active, or unavailable when no module handles it")
    module: str | None = None
    summary: dict[str, Any] = Field(description="the last successful run: counts, job_id, finished_at")
    orphaned_count: int | None = None
