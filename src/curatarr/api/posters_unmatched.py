"""CHUB's ``/api/posters/unmatched/*``: the stored unmatched-assets report (the ``unmatched_assets``
module makes it; these routes never re-run it). The other ``/api/posters/*`` routes live in
``posters.py``."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from curatarr.api.deps import DB_INT_MAX, RuntimeDep
from curatarr.api.schemas.posters_unmatched import UnmatchedDetails, UnmatchedStats
from curatarr.unmatched.store import details_view, stats_view

router = APIRouter(tags=["Posters"])


@router.get("/api/posters/unmatched/stats", response_model=UnmatchedStats, response_model_exclude_unset=True,
            summary="Totals and percentages of the last unmatched-assets report")
def unmatched_stats(rt: RuntimeDep):
    return stats_view(rt)


@router.get("/api/posters/unmatched/details", response_model=UnmatchedDetails, response_model_exclude_unset=True,
            summary="Movies, series and collections without assets (filtered, paged)")
def unmatched_details(rt: RuntimeDep, kind: Literal["movies", "series", "collections"] | None = None,
                      instance: str | None = Query(None, max_length=150),
                      query: str | None = Query(None, max_length=200),
                      limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=DB_INT_MAX)):
    return details_view(rt, kind=kind, instance=instance, query=query, limit=limit, offset=offset)
