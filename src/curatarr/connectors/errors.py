"""The one error vocabulary every connector speaks.

They are domain errors: the API answers ``http_status`` with ``{"detail": str(exc), "error": ClassName}``
(see ``curatarr.api.errors``); modules catch them per item.
"""

from __future__ import annotations

from typing import Any

from curatarr.errors import DomainError


class ConnectorError(DomainError):
    """Base class. ``service`` names the external system, ``status`` the remote HTTP status if any
    (so the status Curatarr answers with is ``http_status``, not ``status``)."""

    http_status = 502  # type: ignore[assignment]  # a plain per-class value overrides DomainError's property
    default_code = "CONNECTOR_ERROR"

    def __init__(self, message: str, *, service: str = "", status: int | None = None):
        super().__init__(message)
        self.service = service
        self.status = status  # type: ignore[misc]  # the remote service's status, not ours

    def body(self) -> dict[str, Any]:
        return {"detail": str(self), "error": self.__class__.__name__}

    def __str__(self) -> str:  # short and safe for API answers: never a URL with a token
        prefix = f"{self.service}: " if self.service else ""
        return prefix + (self.args[0] if self.args else self.__class__.__name__)


class Unreachable(ConnectorError):
    """Connection refused, DNS failure, timeout, or an URL the SSRF guard refused."""

    http_status = 502
    timed_out = False  # True on a timeout: a health probe reports "timeout", not "unreachable"


class AuthFailed(ConnectorError):
    """401/403 from the service: wrong API key or token."""

    http_status = 502


class NotFound(ConnectorError):
    """404 for a specific resource."""

    http_status = 404


class RateLimited(ConnectorError):
    """429 that persisted through all retries. ``retry_after`` in seconds if the service said."""

    http_status = 503

    def __init__(self, message: str, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class BadResponse(ConnectorError):
    """5xx after retries, or a body that is not what the API promises (malformed JSON/XML)."""

    http_status = 502
