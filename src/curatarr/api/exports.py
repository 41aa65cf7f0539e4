"""Posterizarr's library export endpoints, backed by the poster maker's per-run library snapshots
(``poster_export_runs``): Plex runs under /api/plex-export, Jellyfin/Emby under /api/other-media-export."""

from __future__ import annotations

from fastapi import APIRouter

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas import exports as schemas
from curatarr.posters.choices import OTHER_EXPORT, PLEX_EXPORT, export_runs, export_stats

router = APIRouter()
PLEX_TAGS, OTHER_TAGS = ["Posterizarr: Plex Export"], ["Posterizarr: Other Media Export"]


@router.get("/api/plex-export/statistics", summary="Plex export statistics",
            response_model=schemas.ExportStatisticsAnswer, response_model_exclude_unset=True, tags=PLEX_TAGS)
def plex_statistics(rt: RuntimeDep):
    return {"success": True, "statistics": export_stats(rt.db, PLEX_EXPORT)}


@router.get("/api/plex-export/runs", summary="Plex export runs", response_model=schemas.ExportRuns,
            response_model_exclude_unset=True, tags=PLEX_TAGS)
def plex_runs(rt: RuntimeDep):
    runs = export_runs(rt.db, PLEX_EXPORT)
    return {"success": True, "runs": runs, "count": len(runs)}


@router.get("/api/other-media-export/statistics", summary="Jellyfin/Emby export statistics",
            response_model=schemas.ExportStatisticsAnswer, response_model_exclude_unset=True, tags=OTHER_TAGS)
def other_statistics(rt: RuntimeDep):
    return {"success": True, "statistics": export_stats(rt.db, OTHER_EXPORT)}


@router.get("/api/other-media-export/runs", summary="Jellyfin/Emby export runs", response_model=schemas.ExportRuns,
            response_model_exclude_unset=True, tags=OTHER_TAGS)
def other_runs(rt: RuntimeDep):
    runs = export_runs(rt.db, OTHER_EXPORT)
    return {"success": True, "runs": runs, "count": len(runs)}
