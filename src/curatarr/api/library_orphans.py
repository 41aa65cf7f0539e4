"""/api/media/orphaned: library rows whose *arr no longer has the item, and their purge (CHUB).

This file's name sorts before ``media.py`` on purpose: routers are included in name order, so these
fixed paths are routed before ``/api/media/{media_id}`` would take ``orphaned`` for a media id."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from curatarr.api.deps import LibraryDep
from curatarr.library import orphans

router = APIRouter(tags=["media"])


class PurgeBody(BaseModel):
    ids: list[str] = Field(..., max_length=10_000)


@router.get("/api/media/orphaned")
def orphaned_media(service: LibraryDep):
    return orphans.find_orphans(service)


@router.post("/api/media/orphaned/purge")
def purge_orphaned_media(service: LibraryDep, body: PurgeBody):
    return orphans.purge_orphans(service, body.ids)
