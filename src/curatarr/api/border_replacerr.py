"""/api/border-replacerr/*: CHUB's live preview of the border replacer (options, render, file by
token) and the holiday calendar the Borders page shows. Nothing here writes a user file."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Body, Query, Response
from starlette.concurrency import run_in_threadpool

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.border_replacerr import HolidayCalendar, HolidayOption, PreviewBody, Previews
from curatarr.api.schemas.files import file_answer
from curatarr.auth.deps import allow_query_token
from curatarr.borders import preview

router = APIRouter(tags=["Border Replacerr"])


@router.get("/api/border-replacerr/preview/options", response_model=list[HolidayOption],
            response_model_exclude_unset=True, summary="Colour choices for the preview: default, current, each holiday")
def preview_options(rt: RuntimeDep):
    return preview.options(rt)


@router.post("/api/border-replacerr/preview", response_model=Previews, response_model_exclude_unset=True,
             summary="Render before/after previews and return their tokens")
async def render_preview(rt: RuntimeDep, count: int = Query(6, description="Clamped to 1–24"),
                         holiday: str = Query("current", min_length=1, max_length=80),
                         body: PreviewBody | None = Body(None)):
    body = body or PreviewBody()
    return await run_in_threadpool(preview.render_previews, rt, count=max(1, min(24, count)), holiday=holiday,
                                   path=body.path, colors=body.colors, width=body.width)


@router.get("/api/border-replacerr/preview/file/{filename}", response_class=Response,
            responses=file_answer("image/jpeg", "the before | after composite"),
            summary="A rendered preview by token (<token>.jpg); expired or unknown → 404")
@allow_query_token
def preview_file(rt: RuntimeDep, filename: str):
    return Response(preview.preview_file(rt, filename), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=600"})


@router.get("/api/border-replacerr/holidays", response_model=HolidayCalendar, response_model_exclude_unset=True,
            summary="Holiday calendar: each range's next dates, which one is active today, CHUB's presets")
def holiday_calendar(rt: RuntimeDep, as_of: date | None = Query(None, description="Pretend today is this date")):
    return preview.calendar(rt, as_of)
