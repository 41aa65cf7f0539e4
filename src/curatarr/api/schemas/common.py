"""Pieces every response model shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """Base of every response model: documents the fields, never strips extra ones."""

    model_config = ConfigDict(extra="allow")


class ChubEnvelope(ApiModel):
    """CHUB's success envelope, added to every CHUB route's answer in one place (api/envelope.py)."""

    success: bool | None = None
    message: str | None = None
    data: Any = None
