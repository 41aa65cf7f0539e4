"""/api/labelarr/*: sync *arr tags to media-server labels for some items (CHUB's Labelarr routes).
Both queue a labelarr job; its result tells each item's outcome."""

from __future__ import annotations

from fastapi import APIRouter, Request

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.labelarr import BulkQueued, BulkSyncBody, SyncBody, SyncQueued
from curatarr.jobs import labelarr_runs

router = APIRouter(tags=["Labelarr"])


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/api/labelarr/sync", response_model=SyncQueued, response_model_exclude_unset=True,
             summary="Edit one item's *arr tags and label its media-server twin (queues a job)")
def sync_item(rt: RuntimeDep, body: SyncBody, request: Request):
    return labelarr_runs.start_sync(rt, source_instance=body.source_instance, media_cache_id=str(body.media_cache_id),
                                    tag_actions=body.tag_actions.model_dump(), plex_instance=body.plex_instance,
                                    dry_run=body.dry_run, client=_client(request))


@router.post("/api/labelarr/bulk-sync", response_model=BulkQueued, response_model_exclude_unset=True,
             summary="The same for up to 1000 items (one job, per-item failures)")
def bulk_sync(rt: RuntimeDep, body: BulkSyncBody, request: Request):
    return labelarr_runs.start_bulk(rt, source_instance=body.source_instance,
                                    media_cache_ids=[str(i) for i in body.media_cache_ids],
                                    tag_actions=body.tag_actions.model_dump(), plex_instance=body.plex_instance,
                                    dry_run=body.dry_run, client=_client(request))
