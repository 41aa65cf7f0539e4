"""Posterizarr's library export endpoints, backed by the poster maker's per-run library snapshots
(``poster_export_runs``): Plex runs under /api/plex-export, Jellyfin/Emby under /api/other-media-export."""

from __future__ import annotations

from fastapi import APIRouter

from curatarr.api.deps import RuntimeDep
from curatarr.posters.choices import export_runs, export_stats

router = APIRouter()


@router.get("/api/plex-export/statistics")
def plex_statistics(rt: RuntimeDep):
    return {"success": True, "statistics": export_stats(rt.db, "plex")}


@router.get("/api/plex-export/runs")
def plex_runs(rt: RuntimeDep):
    runs = export_runs(rt.db, "plex")
    return {"success": True, "runs": runs, "count": len(runs)}


@router.get("/api/other-media-export/statistics")
def other_statistics(rt: RuntimeDep):
    return {"success": True, "statistics": export_stats(rt.db, "other")}


@router.get("/api/other-media-export/runs")
def other_runs(rt: RuntimeDep):
    runs = export_runs(rt.db, "other")
    return {"success": True, "runs": runs, "count": len(runs)}
