"""Answers and documented bodies of /api/notifications (CHUB's Notifications section)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body
from pydantic import Field

from curatarr.api.schemas.bodies import RequestModel, documented_body
from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class NotificationTargets(ChubEnvelope):
    notifications: dict[str, Any] = Field(
        description="scope (module or main) → target name → settings, secrets ********")
    targets: list[dict[str, Any]] | None = None
    errors: list[str] | None = None
    types: list[str] | None = None
    policies: list[str] | None = None


class ScopeNotifications(ChubEnvelope):
    module: str
    notifications: dict[str, Any]


class SentResult(ApiModel):
    scope: str | None = None
    name: str
    type: str | None = None
    ok: bool
    messages: Any = None
    error: str | None = None
    target: Any = None
    message: str | None = Field(None, description="sent, or why not")


class TestSent(ChubEnvelope):
    """``success`` is true when every target took the message (else 400 with ``error``/``detail``)."""

    results: list[SentResult]
    error: str | None = None
    detail: str | None = None


class TargetSaved(ChubEnvelope):
    module: str | None = None
    service_type: str | None = None
    config: dict[str, Any] | None = None
    notifications: dict[str, Any] | None = None


class TargetRemoved(ChubEnvelope):
    module: str
    service_type: str


class NotificationWrite(RequestModel):
    """``{"module": m, "service_type": name, "config": {…}}`` adds or replaces one target;
    ``{"notifications": {…}}`` replaces the whole section."""

    module: str | None = Field(None, description="a module name, or main for every module")
    service_type: str | None = Field(None, description="the target's name (letters, digits, _ or -)")
    name: str | None = Field(None, description="same as service_type")
    config: dict[str, Any] | None = Field(None, description="the target's settings (type, url, …)")
    notifications: dict[str, Any] | None = None


class NotificationTestRequest(NotificationWrite):
    """``{"module": m}`` tests every stored target of the scope, ``service_type`` one of them, and
    ``notifications``/``config`` unsaved settings (``********`` uses the stored secret)."""


NotificationWriteBody = Annotated[dict[str, Any], Body(), documented_body(NotificationWrite)]
NotificationTestRequestBody = Annotated[dict[str, Any], Body(default_factory=dict),
                                       documented_body(NotificationTestRequest)]
