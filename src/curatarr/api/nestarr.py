"""/api/nestarr: nested and misplaced *arr items — scan (a job, started or joined), cached results,
preview and fix of one move."""

from __future__ import annotations

from fastapi import APIRouter, Request

from curatarr.api.deps import PrincipalDep, RuntimeDep
from curatarr.api.schemas.nestarr import MoveDone, MovePreview, MoveRequest, NestarrResults, NestarrScan
from curatarr.nestarr import fixes, views

router = APIRouter(tags=["Nestarr"])


@router.get("/api/nestarr/scan", response_model=NestarrScan, response_model_exclude_unset=True,
            summary="Start a nestarr scan (or join the running one); answers at once with the cached results")
def nestarr_scan(rt: RuntimeDep, request: Request):
    return views.scan(rt, client=request.client.host if request.client else None)


@router.get("/api/nestarr/results", response_model=NestarrResults, response_model_exclude_unset=True,
            summary="The latest nestarr scan's findings")
def nestarr_results(rt: RuntimeDep):
    return views.cached(rt)


@router.post("/api/nestarr/preview", response_model=MovePreview, response_model_exclude_unset=True,
             summary="Check a move of one item and show the renames it would bring")
def nestarr_preview(rt: RuntimeDep, body: MoveRequest):
    return fixes.preview(rt, body.model_dump())


@router.post("/api/nestarr/fix", response_model=MoveDone, response_model_exclude_unset=True,
             summary="Move one item through its *arr, verified on disk, then rename its files")
def nestarr_fix(rt: RuntimeDep, principal: PrincipalDep, body: MoveRequest):
    return fixes.fix(rt, body.model_dump(), actor=f"{principal.username} ({principal.method})")
