"""/api/media/orphaned: library rows whose *arr no longer has the item, and their purge (CHUB).

This file's name sorts before ``media.py`` on purpose: routers are included in name order, so these
fixed paths are routed before ``/api/media/{media_id}`` would take ``orphaned`` for a media id."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from curatarr.api.deps import LibraryDep
from curatarr.api.schemas.media_orphans import OrphanedMedia, OrphanPurge
from curatarr.library import orphans

router = APIRouter(tags=["Media"])


class PurgeBody(BaseModel):
    ids: list[str] = Field(..., max_length=10_000)


@router.get("/api/media/orphaned", response_model=OrphanedMedia, response_model_exclude_unset=True,
            summary="Library items their *arr no longer has")
def orphaned_media(service: LibraryDep):
    return orphans.find_orphans(service)


@router.post("/api/media/orphaned/purge", response_model=OrphanPurge, response_model_exclude_unset=True,
             summary="Drop the given orphaned items from the library")
def purge_orphaned_media(service: LibraryDep, body: PurgeBody):
    return orphans.purge_orphans(service, body.ids)
