"""Answers of /api/logs (shared by CHUB and Posterizarr: the superset of both)."""

from __future__ import annotations

from pydantic import Field

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class LogFileEntry(ApiModel):
    name: str
    size: int | None = None
    modified: str | None = None


class LogFileRow(LogFileEntry):
    directory: str | None = None
    module: str | None = None


class LogList(ChubEnvelope):
    logs: list[LogFileRow]
    modules: dict[str, list[LogFileEntry]] = Field(description="module → its log files")


class LogTailText(ChubEnvelope):
    name: str
    module: str | None = None
    content: list[str] = Field(description="the last lines (by ?bytes=, default 50 000, or ?tail= lines)")
    truncated: bool | None = None
    size: int | None = None
    modified: str | None = None
