"""Request and answer models of /api/border-replacerr/* (CHUB's preview page, plus the holiday calendar)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from curatarr.api.schemas.common import ApiModel, ChubEnvelope
from curatarr.borders.colours import normalise_colours


class PreviewBody(BaseModel):
    """Optional body of ``POST /api/border-replacerr/preview``: what to render instead of the saved settings."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(None, max_length=4096, description="One poster file inside the allowed folders")
    colors: list[str] | None = Field(None, max_length=32, description="Colours to try (replace the holiday's); "
                                                                      "[] = preview a removal")
    width: int | None = Field(None, ge=1, le=400, description="Border width in pixels of the full-size poster")

    @field_validator("colors", mode="before")
    @classmethod
    def _colours(cls, value):
        return None if value is None else normalise_colours(value)


class HolidayOption(ApiModel):
    value: str
    label: str
    colors: list[str] | None = None
    schedule: str | None = None
    active: bool | None = None
    holiday: str | None = None


class Preview(ApiModel):
    token: str
    title: str
    kind: str
    season_number: int | None = None
    color: str | None = None
    url: str | None = None
    source: str | None = None
    width: int | None = None
    height: int | None = None


class Previews(ChubEnvelope):
    previews: list[Preview] = []
    holiday: str | None = None
    colors: list[str] = []
    border_width: int | None = None
    today: date | None = None


class CalendarHoliday(ApiModel):
    name: str
    schedule: str
    colors: list[str]
    start: date
    end: date
    active: bool
    in_range: bool
    days_until: int


class HolidayCalendar(ApiModel):
    today: date
    active: str | None = None
    colors: list[str] = []
    border_colors: list[str] = []
    border_width: int
    holidays: list[CalendarHoliday] = []
    presets: list[dict] = []
