"""The request guard: credentials and scope before any body byte is read, and bounded bodies.

FastAPI reads (and spools, for multipart) the whole body before a dependency such as
``require_auth`` runs, so an anonymous caller could make the server hold hundreds of MB. This pure
ASGI middleware runs first, for every request to an API route that needs credentials:

1. it finds the route the app will pick (the routers' own routes, in the app's order);
2. a public route passes through (it keeps its own rules: setup, login …); any other route gets the
   same check as ``require_auth`` (credentials by header or query, ``?token=`` and the webhook
   secret only where the route allows them, then the scope): 401/403 are answered without reading
   the body, and the principal is handed to ``require_auth`` so nothing is checked twice;
3. the body is counted while it streams (chunked included): past the limit the request ends with
   413. The limit is ``general.max_request_mb``; upload and restore routes get
   ``backup.max_upload_mb`` (at least 64 MB).

It also puts a :class:`curatarr.auth.policy.Caller` in a context variable for checks below the
router (a config write that changes folder settings needs the admin scope).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from anyio import to_thread
from fastapi import HTTPException, Request
from starlette.responses import JSONResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from curatarr.auth import policy

# Routes that take files: their body limit is the upload limit, not the JSON one.
UPLOAD_ROUTES = ("/api/restore", "/api/*/upload", "/api/assets/upload-replacement")
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MB = 1024 * 1024
# Answers given before the body was read close the connection: otherwise the server would go on
# receiving (and discarding) the rest of the body just to keep the connection alive.
CLOSE = {"Connection": "close"}


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body is larger than {limit // MB} MB", headers=CLOSE)


def upload_limit(rt: Any) -> int:
    """The largest body any route takes: an upload or a restore (+ room for the multipart framing)."""
    return max(rt.settings.backup.max_upload_mb, 64) * MB + MB


def body_limit(rt: Any, route_path: str) -> int:
    if any(fnmatchcase(route_path, pattern) for pattern in UPLOAD_ROUTES):
        return upload_limit(rt)
    return rt.settings.general.max_request_mb * MB


def _api_routes(app: Any) -> list:
    """The APIRoutes of every router, in the order the app tries them (cached on the app)."""
    routes = getattr(app.state, "guarded_routes", None)
    if routes is None:
        from curatarr.api import iter_router_modules

        routes = [route for _name, router in iter_router_modules() for route in router.routes
                  if hasattr(route, "endpoint") and hasattr(route, "matches")]
        app.state.guarded_routes = routes
    return routes


def match_route(app: Any, scope: Scope) -> tuple[Any, dict] | None:
    """The API route (and its child scope) that will answer ``scope``, or None."""
    for route in _api_routes(app):
        match, child = route.matches(scope)
        if match == Match.FULL:
            return route, child
    return None


class RequestGuard:
    def __init__(self, app: ASGIApp, fastapi_app: Any):
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = policy.CALLER.set(policy.Caller())
        try:
            await self._guarded(scope, receive, send)
        finally:
            policy.CALLER.reset(token)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in METHODS_WITH_BODY or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        found = match_route(self.fastapi_app, scope)
        if found is None:  # not an API route: the app answers (404/405) without reading a body
            await self.app(scope, receive, send)
            return
        route, child = found
        rt = self.fastapi_app.state.runtime
        from curatarr.auth.deps import EARLY_PRINCIPAL, authenticate_route, route_flags

        request = Request({**scope, **child, "route": route, "app": self.fastapi_app})
        flags = route_flags(request)
        if "public" not in flags:
            try:
                principal = await to_thread.run_sync(authenticate_route, request, flags)
            except HTTPException as exc:
                headers = {**(getattr(exc, "headers", None) or {}), **CLOSE}
                await JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)(
                    scope, receive, send)
                return
            scope.setdefault("state", {})[EARLY_PRINCIPAL] = principal
        limit = body_limit(rt, route.path)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": f"request body is larger than {limit // MB} MB"}, status_code=413, headers=CLOSE)


def _counting(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops the request (413) once more than ``limit`` body bytes arrived."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped


def install(app: Any) -> None:
    """Add the request guard to ``app`` and the folder-setting guard to its runtime's config."""
    from curatarr.jobs.service import module_sections_guard
    from curatarr.security.roots import config_write_guard

    rt = app.state.runtime
    rt.config.add_guard(config_write_guard(rt.data_dir))
    rt.config.add_guard(module_sections_guard)
    app.add_middleware(RequestGuard, fastapi_app=app)
