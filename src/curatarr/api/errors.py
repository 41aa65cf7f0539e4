"""Every error leaves as JSON ``{"detail": …}`` with the right status; never a stack trace.

Domain errors (:mod:`curatarr.errors`, which connector errors are too) are mapped here, once: their
``http_status``, their ``body()`` and their ``headers``."""

from __future__ import annotations

import logging

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


def _clean_validation_errors(errors: list) -> list:
    out = []
    for err in errors:
        item = {k: v for k, v in err.items() if k in ("type", "loc", "msg")}
        item["loc"] = [str(p) if not isinstance(p, int) else p for p in item.get("loc", [])]
        out.append(item)
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": _clean_validation_errors(exc.errors())}, status_code=422)

    @app.exception_handler(ConfigError)
    async def config_error(_request: Request, exc: ConfigError):
        detail = _clean_validation_errors(exc.errors) if exc.errors else str(exc)
        return JSONResponse({"detail": detail, "message": str(exc)}, status_code=422)

    @app.exception_handler(AuthError)
    async def auth_error(_request: Request, exc: AuthError):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(PathRejected)
    async def path_error(_request: Request, exc: PathRejected):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(UnsafeURL)
    async def url_error(_request: Request, exc: UnsafeURL):
        return JSONResponse({"detail": f"URL refused: {exc}"}, status_code=400)

    @app.exception_handler(ArchiveRejected)
    async def archive_error(_request: Request, exc: ArchiveRejected):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError):
        return JSONResponse(exc.body(), status_code=exc.http_status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal server error"}, status_code=500)
