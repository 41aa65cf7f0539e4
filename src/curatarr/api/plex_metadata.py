"""CHUB's Plex metadata browser: /api/posters/plex-metadata/* (per-item variants in Plex's
``Metadata/`` bundles, the bloat list, one-variant delete and "make active", thumbnails, and a
cleanup run). Cleanup never runs inside the request: it queues a ``poster_cleanarr`` job.

This file's name sorts before ``posters.py``: routers are included in name order, so these fixed
paths are routed before ``/api/posters/{poster_id}`` would take ``plex-metadata`` for a poster id."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.plex_metadata import (BloatList, ByMedia, CleanupBody, CleanupQueued, SetActiveBody,
                                               VariantActivated, VariantBody, VariantDeleted)
from curatarr.auth.deps import allow_query_token
from curatarr.jobs import module_runs
from curatarr.plex_cleanup import browse

router = APIRouter(tags=["Posters"])
log = logging.getLogger("curatarr.plex_cleanup")

VARIANT_KINDS = "^(poster|art|banner|thumb|chapter|theme|other)$"


@router.get("/api/posters/plex-metadata/by-media", response_model=ByMedia, response_model_exclude_unset=True,
            summary="Plex metadata variants grouped per item")
def plex_metadata_by_media(rt: RuntimeDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10**9),
                           only_bloat: bool = False, media_type: str | None = Query(None, max_length=32),
                           library_id: str | None = Query(None, max_length=32),
                           variant_kind: str | None = Query(None, pattern=VARIANT_KINDS), force: bool = False):
    return browse.by_media(rt, limit=limit, offset=offset, only_bloat=only_bloat, media_type=media_type,
                           library_id=library_id, variant_kind=variant_kind, force=force)


@router.get("/api/posters/plex-metadata/bloat", response_model=BloatList, response_model_exclude_unset=True,
            summary="Every inactive Plex metadata variant")
def plex_metadata_bloat(rt: RuntimeDep, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
                        force: bool = False):
    return browse.bloat_list(rt, limit=limit, offset=offset, force=force)


@router.post("/api/posters/plex-metadata/cleanup", response_model=CleanupQueued, response_model_exclude_unset=True,
             summary="Queue a poster_cleanarr run (report, move, remove, restore or clear)")
def plex_metadata_cleanup(rt: RuntimeDep, body: CleanupBody, request: Request):
    overrides = {"mode": body.mode, "targets": body.target_paths}
    started = module_runs.start_run(rt, browse.SECTION, {"overrides": overrides, "dry_run": body.dry_run},
                                    source="manual", client=request.client.host if request.client else None)
    return {**started, "mode": body.mode}


@router.delete("/api/posters/plex-metadata/variant", response_model=VariantDeleted, response_model_exclude_unset=True,
               summary="Delete one inactive variant inside Metadata/ (never Contents/)")
def plex_metadata_delete_variant(rt: RuntimeDep, body: VariantBody):
    return browse.delete_variant(rt, body.path, log=log)


@router.post("/api/posters/plex-metadata/set-active", response_model=VariantActivated,
             response_model_exclude_unset=True, summary="Make one variant the item's image on Plex")
def plex_metadata_set_active(rt: RuntimeDep, body: SetActiveBody):
    return browse.set_active(rt, body.rating_key, body.path)


@router.get("/api/posters/plex-metadata/variant-thumbnail", summary="A variant as a JPEG thumbnail",
            response_class=Response, responses={200: {"content": {"image/jpeg": {}}}})
@allow_query_token
def plex_metadata_variant_thumbnail(rt: RuntimeDep, path: str = Query(..., min_length=1, max_length=4096),
                                    width: int = Query(300, ge=16, le=600)):
    return Response(browse.variant_thumbnail(rt, path, width), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=300"})
