"""Every error leaves as JSON with the right status; never a stack trace. Built here, once.

Each error answer is the seed's ``{"detail": …}`` (unchanged) plus CHUB's error envelope in the same
object: ``"success": false``, ``"message"`` (the detail text, or a summary for a validation error) and
``"error_code"`` (CHUB's codes: ``AUTH_REQUIRED``, ``VALIDATION_ERROR``, ``JOB_NOT_FOUND``, …), and
``"data"`` where there is more to say (pydantic's error list for a 422). See docs/api.md, "Conventions".

Domain errors (:mod:`curatarr.errors`, which connector errors are too) carry their own ``code``;
the other exception classes get theirs from the table below."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from curatarr.auth.service import AuthError
from curatarr.config.store import ConfigError
from curatarr.errors import DomainError
from curatarr.security.archives import ArchiveRejected
from curatarr.security.paths import PathRejected
from curatarr.security.urls import UnsafeURL

log = logging.getLogger("curatarr.api")

# Error codes of plain HTTP errors by status (anything else: HTTP_ERROR, CHUB's generic code).
HTTP_STATUS_CODES = {413: "TOO_LARGE", 429: "RATE_LIMITED"}
# Query parameters and headers that carry credentials: a 401 with one of them means "they were wrong".
_CREDENTIAL_HEADERS = ("authorization", "x-api-key")
_CREDENTIAL_PARAMS = ("api_key", "token")


def error_body(detail: Any, code: str, *, message: str | None = None, data: Any = None) -> dict[str, Any]:
    """The JSON body of an error answer: the seed's ``detail`` plus CHUB's error envelope."""
    body: dict[str, Any] = {"detail": detail, "success": False,
                            "message": message if message is not None else _message_of(detail),
                            "error_code": code}
    if data is not None:
        body["data"] = data
    return body


def error_response(status: int, detail: Any, code: str, *, message: str | None = None, data: Any = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    if status == 422 and message is None and isinstance(detail, str):
        message = detail
    return JSONResponse(error_body(unprocessable_detail(status, detail, code, data), code, message=message, data=data),
                        status_code=status, headers=dict(headers) if headers else None)


def unprocessable_detail(status: int, detail: Any, code: str, data: Any = None) -> Any:
    """A 422's ``detail`` is always the list FastAPI's validation errors use (the OpenAPI schema of
    every route says so): a string from a domain error becomes one ``{type, loc, msg}`` entry, or the
    field errors it carries in ``data``. Other statuses keep their detail as is."""
    if status != 422 or not isinstance(detail, str):
        return detail
    if isinstance(data, list) and data and all(isinstance(e, dict) and "msg" in e for e in data):
        return data
    return [{"type": code.lower(), "loc": ["body"], "msg": detail}]


def http_error_code(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "HTTP_ERROR")


def _message_of(detail: Any) -> str:
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        return validation_summary(detail)
    return "Request failed"


def validation_summary(errors: list) -> str:
    """One line for a list of field errors: ``Validation failed: body.password: Field required``."""
    parts = []
    for err in errors[:3]:
        if isinstance(err, dict):
            loc = ".".join(str(p) for p in err.get("loc", []))
            parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg", "invalid")))
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "Validation failed" + (": " + "; ".join(parts) if parts else "") + more


# Database errors that mean "gone or busy for now", not "this statement is wrong".
_OUTAGE_TEXTS = ("database is locked", "server closed the connection", "terminating connection",
                 "connection refused", "could not connect", "connection is closed", "connection was closed",
                 "the connection is lost", "ssl connection has been closed", "connection has been closed")


def outage_message(exc: BaseException) -> str | None:
    """A clean 503 sentence when ``exc`` comes from the ground the server stands on — a full data
    disk, a database that went away — else None (a real bug: 500). Decided on the exception's
    type names and errno, so this module stays free of database imports."""
    from curatarr.fsutil import is_disk_full

    if is_disk_full(exc):
        return "the data disk is full; free some space and try again"
    if not type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
        return None
    names = {cls.__name__ for cls in type(exc).__mro__}
    text = str(exc).lower()
    if names & {"InterfaceError", "DisconnectionError"} or getattr(exc, "connection_invalidated", False) or (
            "OperationalError" in names and any(t in text for t in _OUTAGE_TEXTS)):
        return "the database is unavailable right now; try again shortly"
    return None


def auth_failure_code(request: Request) -> str:
    """401 code: AUTH_TOKEN_INVALID when the request carried credentials, AUTH_REQUIRED when none."""
    if any(request.headers.get(h) for h in _CREDENTIAL_HEADERS):
        return "AUTH_TOKEN_INVALID"
    if any(request.query_params.get(p) for p in _CREDENTIAL_PARAMS):
        return "AUTH_TOKEN_INVALID"
    return "AUTH_REQUIRED"


def _clean_validation_errors(errors: list) -> list:
    out = []
    for err in errors:
        item = {k: v for k, v in err.items() if k in ("type", "loc", "msg")}
        item["loc"] = [str(p) if not isinstance(p, int) else p for p in item.get("loc", [])]
        out.append(item)
    return out


def install_error_handlers(app: FastAPI, *, error_headers: Mapping[str, str] | None = None) -> None:
    """Map every exception class to its answer. ``error_headers`` go on 500 answers, which are sent
    by the outermost middleware and so skip the other middlewares (security headers)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = getattr(exc, "error_code", None) or (
            auth_failure_code(request) if exc.status_code == 401 else http_error_code(exc.status_code))
        return error_response(exc.status_code, exc.detail, code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        errors = _clean_validation_errors(exc.errors())
        return error_response(422, errors, "VALIDATION_ERROR", data=errors)

    @app.exception_handler(ConfigError)
    async def config_error(_request: Request, exc: ConfigError):
        errors = _clean_validation_errors(exc.errors) if exc.errors else None
        return error_response(422, errors if errors else str(exc), "CONFIG_VALIDATION_ERROR", message=str(exc),
                              data=errors)

    @app.exception_handler(AuthError)
    async def auth_error(_request: Request, exc: AuthError):
        return error_response(exc.status, str(exc), exc.code)

    @app.exception_handler(PathRejected)
    async def path_error(_request: Request, exc: PathRejected):
        return error_response(exc.status, str(exc), "PATH_NOT_ALLOWED" if exc.status == 403 else "INVALID_PATH")

    @app.exception_handler(UnsafeURL)
    async def url_error(_request: Request, exc: UnsafeURL):
        return error_response(400, f"URL refused: {exc}", "URL_BLOCKED")

    @app.exception_handler(ArchiveRejected)
    async def archive_error(_request: Request, exc: ArchiveRejected):
        return error_response(400, str(exc), "INVALID_BACKUP")

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError):
        body = exc.body()
        detail = unprocessable_detail(exc.http_status, body.pop("detail", exc.message), exc.code, exc.data)
        answer = {**body, **error_body(detail, exc.code, message=exc.message, data=exc.data)}
        return JSONResponse(answer, status_code=exc.http_status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        headers = dict(error_headers or {})
        if request.url.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        unavailable = outage_message(exc)
        if unavailable is not None:  # the server is fine, what it stands on is not: say so, retryable
            log.error("%s %s: %s (%s)", request.method, request.url.path, unavailable, type(exc).__name__)
            return error_response(503, unavailable, "SERVICE_UNAVAILABLE", headers={**headers, "Retry-After": "30"})
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "Internal server error", "INTERNAL_ERROR", headers=headers)
