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

__all__ = ["DomainError", "NotFound", "Conflict", "Invalid", "Unavailable", "Forbidden", "ModuleError"]


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


class Forbidden(DomainError):
    """The caller may not do this (403)."""

    status = 403
    default_code = "FORBIDDEN"


class Unavailable(DomainError):
    """A needed part is not running or not configured (503)."""

    status = 503
    default_code = "UNAVAILABLE"


class ModuleError(Exception):
    """A module run's own, expected failure (bad configuration, nothing to work on…): the job ends
    ``error`` with this message and no traceback noise. Not a DomainError: it ends a job, it is not
    an HTTP answer. Lives here (not in ``curatarr.modules``) so that the services a module drives
    (``curatarr.posters`` …) can raise it without importing the module framework."""
