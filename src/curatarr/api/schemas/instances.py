"""Answers and documented bodies of /api/instances and /api/plex (CHUB's Instances section)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import Field

from curatarr.api.schemas.bodies import RequestModel, documented_body
from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class InstanceTypeRow(ApiModel):
    name: str
    label: str | None = None
    category: str | None = None
    description: str | None = None
    default_url: str | None = None
    fields: list[str] | None = None


class InstanceTypes(ChubEnvelope):
    types: list[InstanceTypeRow]


class InstanceTypeSchema(ChubEnvelope):
    type: str
    label: str | None = None
    schema_: list[dict[str, Any]] | None = Field(
        None, alias="schema", description="CHUB's field list: {name, type, required, label, placeholder, …}")
    json_schema: dict[str, Any] | None = None


class HealthRow(ApiModel):
    """One probe: ``status`` is healthy, unhealthy, timeout, unreachable, blocked, error, auth_failed or disabled."""

    status: str
    status_code: int | None = None
    response_time_ms: float | int | None = None
    error: str | None = None
    service: str | None = None
    checked_at: str | None = None
    ok: bool | None = None
    name: str | None = None


class HealthEntry(HealthRow, ChubEnvelope):
    """One instance's probe (``name`` is the instance)."""


class InstancesHealth(ChubEnvelope):
    health: dict[str, HealthRow] = Field(description="instance name → its latest probe")


class InstancesByType(ChubEnvelope):
    """CHUB's shape: ``{type: {name: {url, api: "********", enabled, …}}}`` for every instance type."""

    radarr: dict[str, dict[str, Any]] | None = None
    sonarr: dict[str, dict[str, Any]] | None = None
    lidarr: dict[str, dict[str, Any]] | None = None
    plex: dict[str, dict[str, Any]] | None = None
    jellyfin: dict[str, dict[str, Any]] | None = None
    emby: dict[str, dict[str, Any]] | None = None
    tmdb: dict[str, dict[str, Any]] | None = None
    fanart: dict[str, dict[str, Any]] | None = None
    tvdb: dict[str, dict[str, Any]] | None = None


class InstanceView(ChubEnvelope):
    """One instance's settings (secrets ``********``) with its name and type."""

    name: str
    service: str | None = None
    type: str | None = None
    url: str | None = None
    api: str | None = None
    enabled: bool | None = None


class InstanceChange(ChubEnvelope):
    """The instance after a create, update, rename or delete."""

    service: str | None = None
    type: str | None = None
    name: str
    renamed_from: str | None = None
    enabled: bool | None = None
    deleted: bool | None = None
    instance: dict[str, Any] | None = None


class InstanceStats(ChubEnvelope):
    instance: str
    service: str | None = None
    enabled: bool | None = None
    total_media: int | None = None
    matched: int | None = None
    unmatched: int | None = None
    source: str | None = Field(None, description="cache or live")
    error: str | None = None
    libraries: dict[str, Any] | None = None
    health: dict[str, Any] | None = None
    log_events: dict[str, int] | None = None


class InstanceLogRow(ApiModel):
    id: int | None = None
    timestamp: str | None = None
    level: str | None = None
    logger: str | None = None
    source: str | None = None
    job_id: int | None = None
    message: str | None = None
    instance: str | None = None


class InstanceLogs(ChubEnvelope):
    logs: list[InstanceLogRow]
    instance: str
    total: int
    limit: int
    offset: int


class RefreshQueued(ChubEnvelope):
    job_id: int
    instance: str
    full: bool


class PlexLibrary(ApiModel):
    title: str
    type: str = Field(description="Plex's own section type: movie, show, artist, photo")
    key: str | int | None = None


class PlexLibraries(ChubEnvelope):
    libraries: list[PlexLibrary]
    instance: str | None = None


class InstanceSettings(RequestModel):
    """An instance's settings; the type's own fields (``GET /api/instances/types/{type}/schema``) are allowed too."""

    name: str | None = Field(None, description="unique across types")
    service: str | None = Field(None, description="the instance type: radarr, sonarr, lidarr, plex, jellyfin, …")
    type: str | None = Field(None, description="same as service")
    url: str | None = None
    api: str | None = Field(None, description="API key; ******** keeps the stored one")
    apiKey: str | None = Field(None, description="same as api")
    enabled: bool | None = None


# Any JSON value: the handlers answer 400 for a body that is not an object.
InstanceSettingsBody = Annotated[Any, Body(), documented_body(InstanceSettings)]
