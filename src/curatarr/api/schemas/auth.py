"""Answers of /api/auth (CHUB's Auth section plus session and API-key management)."""

from __future__ import annotations

from curatarr.api.schemas.common import ApiModel, ChubEnvelope


class AuthStatus(ChubEnvelope):
    configured: bool
    required: bool | None = None
    setup_required: bool | None = None


class TokenAnswer(ChubEnvelope):
    """A fresh JWT (setup, login, password change)."""

    token: str
    expires_at: str | None = None
    username: str | None = None
    token_type: str | None = None


class Me(ChubEnvelope):
    username: str
    method: str
    expires_at: str | None = None


class Done(ChubEnvelope):
    """``{"success": true, "message": …}`` for actions with nothing else to tell."""


class ApiKeyRow(ApiModel):
    id: int
    name: str
    prefix: str | None = None
    created_at: str | None = None
    last_used_at: str | None = None


class ApiKeyList(ChubEnvelope):
    keys: list[ApiKeyRow]
    total: int


class NewApiKey(ApiKeyRow, ChubEnvelope):
    """The created key; ``key`` is shown this once, only its SHA-256 is stored."""

    key: str


class DeletedKey(ChubEnvelope):
    id: int
