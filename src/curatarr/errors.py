"""Domain errors: what services raise when a request cannot be done.

Services, modules and the job system raise these; they never raise HTTP exceptions. The API maps
each class to one HTTP status in one place (``curatarr.api.errors``), so a service can be called
from a router, the CLI or a job alike::

    raise NotFound(f"no job with id {job_id}")
    raise Conflict("module is already running", code="MODULE_RUNNING")

``code`` is an optional machine-readable error code for clients; ``data`` optional extra detail
(small, JSON-able).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["DomainError", "NotFound", "Conflict", "Invalid", "Unprocessable", "Unavailable", "Forbidden",
           "TooLarge", "TooManyRequests", "ModuleError"]


class DomainError(Exception):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "HTTP_ERROR"

    def __init__(self, message: str, *, code: str | None = None, data: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.data = data
        self.headers = headers

    @property
    def http_status(self) -> int:
        """The status the API answers with: ``status``, unless a subclass whose ``status`` means
        something else (a connector error's is the remote service's) overrides this."""
        return self.status

    def body(self) -> dict[str, Any]:
        """The JSON body the API answers with."""
        return {"detail": self.message}


class NotFound(DomainError):
    """The thing named does not exist (404)."""

    status = 404
    default_code = "NOT_FOUND"


class Conflict(DomainError):
    """The request clashes with the current state: already running, already exists (409)."""

    status = 409
    default_code = "CONFLICT"


class Invalid(DomainError):
    """The request is well-formed but its values cannot be used (400)."""

    status = 400
    default_code = "INVALID"


class Unprocessable(DomainError):
    """Values fail validation (422). ``data``, when given (a pydantic-style error list), is the
    answer's detail; otherwise the message is."""

    status = 422
    default_code = "VALIDATION_ERROR"

    def body(self) -> dict[str, Any]:
        return {"detail": self.data if self.data is not None else self.message}


class Forbidden(DomainError):
    """The caller may not do this (403)."""

    status = 403
    default_code = "FORBIDDEN"


class Unavailable(DomainError):
    """A needed part is not running or not configured (503)."""

    status = 503
    default_code = "UNAVAILABLE"


class TooManyRequests(DomainError):
    """The caller sends too fast (429); pass ``headers={"Retry-After": …}``."""

    status = 429
    default_code = "RATE_LIMITED"


class TooLarge(DomainError):
    """The request's payload is larger than allowed (413)."""

    status = 413
    default_code = "TOO_LARGE"


class ModuleError(Exception):
    """A module run's own, expected failure (bad configuration, nothing to work on…): the job ends
    ``error`` with this message and no traceback noise. Not a DomainError: it ends a job, it is not
    an HTTP answer. Lives here (not in ``curatarr.modules``) so that the services a module drives
    (``curatarr.posters`` …) can raise it without importing the module framework."""
