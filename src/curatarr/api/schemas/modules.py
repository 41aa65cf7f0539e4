"""Answers and documented bodies of /api/modules (CHUB's Modules section)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import Field

from curatarr.api.schemas.bodies import RequestModel, documented_body
from curatarr.api.schemas.common import ApiModel, ChubEnvelope
from curatarr.api.schemas.jobs import JobRow


class LastRunFields(ApiModel):
    """What a module is doing now and how its last run ended (shared by run states and module cards)."""

    job_id: int | None = None
    running: bool | None = None
    queued: int | None = None
    progress: Any = None
    last_run: Any = None
    last_run_status: str | None = None
    last_run_successful: bool | None = None
    last_duration: Any = None
    last_run_by: str | None = None
    last_job_id: int | None = None
    last_error: Any = None


class RunState(LastRunFields):
    """A module's run state: ``status`` is idle, queued, running, cancelling or error."""

    module: str
    status: str
    running_jobs: int | None = None
    last_run_message: str | None = None


class RunStates(ChubEnvelope):
    """Module name → its run state."""

    __pydantic_extra__: dict[str, RunState]  # every key besides the envelope's is a module


class ModuleCard(LastRunFields):
    """One module: identity, schedule, current status and last run."""

    name: str
    title: str | None = None
    description: str | None = None
    category: str | None = None
    hidden: bool | None = None
    allow_concurrent: bool | None = None
    retries: int | None = None
    default_dry_run: bool | None = None
    enabled: bool | None = Field(None, description="true while the module has a schedule")
    schedule: str | None = None
    schedule_description: str | None = None
    next_run: str | None = None
    configured: bool | None = None
    status: str | None = None


class ModuleList(ChubEnvelope):
    modules: list[ModuleCard]


class ModuleDetail(ModuleCard, ChubEnvelope):
    """The module card plus its run state, masked config and current run."""

    run_state: RunState | None = None
    config: dict[str, Any] | None = None
    current_run: JobRow | None = None


class ModuleStatus(ChubEnvelope):
    module: str
    running: bool
    status: str | None = None
    job_id: int | None = None
    origin: dict[str, Any] | None = None
    progress: Any = None


class JobHistory(ChubEnvelope):
    history: list[JobRow]
    total: int
    limit: int
    offset: int


class JobStatusCounts(ApiModel):
    status_counts: dict[str, int]
    total: int


class ModulesStats(ChubEnvelope):
    job_stats: JobStatusCounts
    run_states: list[RunState]


class ModuleStats(ChubEnvelope):
    module: str
    run_state: RunState | None = None
    job_stats: JobStatusCounts


class RunStarted(ChubEnvelope):
    module: str
    status: str = Field(description="started")
    job_id: int


class ModuleSchema(ChubEnvelope):
    module: str
    title: str | None = None
    schema_: dict[str, Any] = Field(alias="schema", description="JSON schema of the module's config section")


class ModuleConfigSaved(ChubEnvelope):
    module: str
    config: dict[str, Any]


class ModuleEnabled(ChubEnvelope):
    module: str
    enabled: bool
    schedule: str | None = None


class ModuleJobCancel(ChubEnvelope):
    module: str
    job_id: int
    status: str = Field(description="cancelling, or cancelled when it already stopped")


class ModuleTest(ChubEnvelope):
    module: str
    results: list[dict[str, Any]] = Field(description="one probe per instance the config names")
    ok: bool


class RunRequest(RequestModel):
    """A manual run; any other key is taken as a one-shot config override."""

    module: str | None = Field(None, description="POST /api/modules/run only: the module to run")
    overrides: dict[str, Any] | None = Field(None, description="one-shot config overrides")
    dry_run: bool | None = None
    priority: int | None = Field(None, ge=-100, le=100)


class ModuleConfigWrite(RequestModel):
    """The module's whole config section, bare or as ``{"config": {…}}``; ``********`` keeps stored secrets."""

    config: dict[str, Any] | None = None


class ModuleToggle(RequestModel):
    enabled: bool = Field(description="false removes the schedule (remembered); true restores it")
    schedule: str | None = Field(None, description="the rule to set when enabling")


RunRequestBody = Annotated[dict[str, Any], Body(), documented_body(RunRequest)]
OptionalRunRequestBody = Annotated[dict[str, Any] | None, Body(), documented_body(RunRequest)]
ModuleConfigWriteBody = Annotated[dict[str, Any], Body(), documented_body(ModuleConfigWrite)]
ModuleToggleBody = Annotated[dict[str, Any], Body(), documented_body(ModuleToggle)]
