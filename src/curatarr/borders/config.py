"""The border replacer's settings (the ``border_replacerr`` section of config.yml), CHUB's keys kept.

``border_colors`` empty means *remove* the border (CHUB's meaning); one colour paints every poster in
it; several are handed out round-robin over the posters of a run (in path order, so a re-run gives
every poster the same colour). A holiday active today replaces ``border_colors`` with its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from curatarr.borders.colours import normalise_colours
from curatarr.borders.holidays import DayRange, check_order, parse_schedule

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


class Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80, description="Shown in the UI and the run's result")
    schedule: str = Field(description="range(MM/DD-MM/DD), both days included; may cross the new year")
    colors: list[str] = Field(min_length=1, max_length=32, description="Hex colours, round-robin over the posters")

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return parse_schedule(value).text()

    @field_validator("colors", mode="before")
    @classmethod
    def _colours(cls, value: Any) -> list[str]:
        return normalise_colours(value)

    @property
    def range(self) -> DayRange:
        return parse_schedule(self.schedule)


def _absolute(value: str, what: str) -> str:
    if "\x00" in value or not PurePath(value).is_absolute():
        raise ValueError(f"{what} must be an absolute path, got {value!r}")
    return value


class BorderReplacerrConfig(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    dry_run: bool = Field(False, description="Report what would be written; write nothing")
    source_dirs: list[str] = Field(default_factory=list,
                                   description="Kometa asset folders to read posters from (absolute paths); "
                                               "empty = the poster renamer's destination_dir")
    destination_dir: str = Field("", description="Folder to write the results to (same relative paths); "
                                                 "empty = replace the posters in place")
    border_width: int = Field(26, ge=1, le=400, description="Width in pixels of the border the posters already "
                                                            "have (cropped off) and of the one painted")
    border_colors: list[str] = Field(default_factory=list, max_length=32,
                                     description="Hex colours, round-robin over the posters; empty = remove the border")
    skip: bool = Field(False, description="Do nothing unless a holiday is active (posters keep their border)")
    holidays: list[Holiday] = Field(default_factory=list, description="Holiday colours by date range; "
                                                                      "the first active one in list order wins")
    exclusion_list: list[str] = Field(default_factory=list,
                                      description="Titles left alone, e.g. 'Alien (1979)' (asset name without id tags)")
    ignore_folders: list[str] = Field(default_factory=list, description="Folder names whose posters are left alone")
    input_files: list[str] = Field(default_factory=list,
                                   description="Only these posters (absolute paths inside source_dirs); the "
                                               "renamer's hand-off. Empty = every poster")
    as_of: date | None = Field(None, description="Pick the holiday as if today were this date (try a schedule)")
    jpeg_quality: int = Field(92, ge=50, le=100, description="Quality of JPEG/WebP outputs")
    workers: int = Field(0, ge=0, le=32, description="Posters processed at once (0 = one per CPU)")

    @field_validator("border_colors", mode="before")
    @classmethod
    def _colours(cls, value: Any) -> list[str]:
        return normalise_colours(value)

    @field_validator("exclusion_list", "ignore_folders", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if value is None:  # CHUB wrote null for an empty list
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("source_dirs")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        return [_absolute(v, "source_dirs") for v in value]

    @field_validator("destination_dir")
    @classmethod
    def _destination(cls, value: str) -> str:
        return _absolute(value, "destination_dir") if value else value

    @field_validator("input_files")
    @classmethod
    def _inputs(cls, value: list[str]) -> list[str]:
        return [_absolute(v, "input_files") for v in value]

    @model_validator(mode="after")
    def _holiday_order(self) -> "BorderReplacerrConfig":
        check_order([(h.name, h.range) for h in self.holidays])
        return self
