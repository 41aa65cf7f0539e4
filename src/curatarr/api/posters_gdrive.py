"""/api/posters/gdrive/* and /api/posters/sources/gdrive/search: Google Drive poster sources — stored
stats, one sync job per folder, search among the configured folders."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.posters_gdrive import GdriveSources, GdriveStats, GdriveSyncStarted
from curatarr.jobs.gdrive_syncs import start_syncs
from curatarr.poster_library import gdrive

router = APIRouter(tags=["Posters"])


@router.get("/api/posters/gdrive/stats", response_model=GdriveStats, response_model_exclude_unset=True,
            summary="Configured Drive folders with the stats of their last sync")
def gdrive_stats(rt: RuntimeDep):
    """Stored stats only (computed by each sync); reading never walks the folders."""
    return gdrive.stats(rt)


@router.post("/api/posters/gdrive/sync", response_model=GdriveSyncStarted, response_model_exclude_unset=True,
             summary="Start one sync_gdrive job per named Drive folder")
def gdrive_sync(rt: RuntimeDep, request: Request,
                gdrive_names: list[str] = Query(..., min_length=1, max_length=100,
                                                description="gdrive_list entry names (repeatable)")):
    return start_syncs(rt, gdrive_names, source="manual", client=request.client.host if request.client else None)


@router.get("/api/posters/sources/gdrive/search", response_model=GdriveSources, response_model_exclude_unset=True,
            summary="Search the configured Drive poster sources")
def gdrive_sources(rt: RuntimeDep, query: str | None = Query(None, max_length=200),
                   folder: str | None = Query(None, max_length=4096)):
    return gdrive.search_sources(rt, query, folder)
