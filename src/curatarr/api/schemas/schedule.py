"""Answers and documented bodies of /api/schedule (CHUB's Schedule section)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import Field

from curatarr.api.schemas.bodies import RequestModel, documented_body
from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class RuleTimes(ApiModel):
    """A rule's description, next run times and last firing (shared by the read and write answers)."""

    description: str | None = None
    next_run: str | None = None
    next_runs: list[str] | None = None
    next_runs_local: list[str] | None = None
    last_fired: str | None = None
    error: str | None = None


class ModuleRule(RuleTimes):
    module: str
    schedule: str | None = Field(None, description="the rule text (cron, daily HH:MM, interval …); null = manual only")


class ModuleSchedule(ModuleRule, ChubEnvelope):
    """One module's rule with its next run times."""


class ScheduleAnswer(ChubEnvelope):
    schedule: dict[str, str | None] = Field(description="module → rule (CHUB's schedule dict)")
    rules: list[ModuleRule] | None = None
    system: list[dict[str, Any]] | None = None
    timezone: str | None = None
    scheduler_running: bool | None = None


class ScheduleSaved(RuleTimes, ChubEnvelope):
    """After a write: one module's rule (as ``GET /api/schedule/{module_id}``) when one was set, else
    the whole schedule (as ``GET /api/schedule``); both with ``message``."""

    module: str | None = None
    schedule: str | dict[str, str | None] | None = None
    rules: list[ModuleRule] | None = None
    system: list[dict[str, Any]] | None = None
    timezone: str | None = None
    scheduler_running: bool | None = None


class RulePreview(ChubEnvelope):
    valid: bool
    rule: str | None = None
    description: str | None = None
    error: str | None = None
    timezone: str | None = None
    next_runs: list[str]
    next_runs_local: list[str] | None = None


class ScheduleCleared(ChubEnvelope):
    module: str
    schedule: None = None


class ScheduleWrite(RequestModel):
    """``{"module": m, "schedule": rule|null}`` sets one rule; ``{"schedule": {m: rule, …}}`` or a bare
    ``{m: rule}`` map replaces the whole schedule."""

    module: str | None = None
    schedule: str | dict[str, str | None] | None = None


class ModuleScheduleWrite(RequestModel):
    schedule: str | None = Field(None, description="the rule; null = manual only")


ScheduleWriteBody = Annotated[dict[str, Any], Body(), documented_body(ScheduleWrite)]
ModuleScheduleWriteBody = Annotated[dict[str, Any], Body(), documented_body(ModuleScheduleWrite)]
