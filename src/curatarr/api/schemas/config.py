"""Answers of /api/config (the superset of CHUB's and Posterizarr's config document)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import Field

from curatarr.api.schemas.bodies import RequestModel, documented_body
from curatarr.api.schemas.common import ChubEnvelope


class ConfigAnswer(ChubEnvelope):
    config: dict[str, Any] = Field(description="every section (or the one asked for), secrets as ********")
    ui_groups: dict[str, Any] | None = None
    display_names: dict[str, Any] | None = None
    tooltips: dict[str, Any] | None = None
    using_flat_structure: bool | None = None


class ConfigWrite(RequestModel):
    """``{"config": {section: {…}}}`` or the bare ``{section: {…}}`` document; deep-merged,
    ``********`` keeps the stored secret."""

    config: dict[str, Any] | None = Field(None, description="the sections to merge (or send them bare)")


ConfigWriteBody = Annotated[dict[str, Any], Body(), documented_body(ConfigWrite)]
