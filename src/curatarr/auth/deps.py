"""The auth gate for every /api route, and the markers that open or widen it per route.

Secure by default: ``require_auth`` is a dependency of the whole API, so a new route needs
credentials unless its endpoint is marked. Markers go *below* the router decorator::

    @router.get("/api/health")
    @public
    def health(): ...

Accepted credentials on every protected route: ``Authorization: Bearer <jwt>``, ``X-API-Key``,
``?api_key=``, HTTP Basic with a user's password. ``?token=<jwt>`` only where
``@allow_query_token`` (event streams, image URLs); the webhook secret only where ``@webhook_auth``.

Once the caller is known, the scope the route needs (:mod:`curatarr.auth.policy`) is checked:
403 when the credentials' scope is lower. For requests with a body the request guard
(:mod:`curatarr.api.request_guard`) has already done both before any byte was read; its
principal is reused here.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Callable, TypeVar

from fastapi import HTTPException, Request

from curatarr.auth import policy
from curatarr.auth.service import Principal, webhook_principal

F = TypeVar("F", bound=Callable)
_ATTR = "__curatarr_auth__"


def _mark(fn: F, flag: str) -> F:
    flags = set(getattr(fn, _ATTR, set()))
    flags.add(flag)
    setattr(fn, _ATTR, flags)
    return fn


def public(fn: F) -> F:
    """No credentials needed (health, auth status, login, setup)."""
    return _mark(fn, "public")


def allow_query_token(fn: F) -> F:
    """Also accept ``?token=<jwt>`` (EventSource and <img> cannot send headers)."""
    return _mark(fn, "query_token")


def webhook_auth(fn: F) -> F:
    """Also accept the configured webhook secret (``X-Webhook-Secret`` or ``?secret=``)."""
    return _mark(fn, "webhook")


def route_flags(request: Request) -> set[str]:
    route = request.scope.get("route")
    return set(getattr(getattr(route, "endpoint", None), _ATTR, set()))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


def identify(request: Request, *, query_token: bool = False, webhook_secret: bool = False) -> Principal | None:
    """The caller's principal from whatever credentials the request carries, or None."""
    rt = request.app.state.runtime
    auth = rt.auth
    token = _bearer(request)
    if token:
        return auth.verify_token(token)
    basic = _basic(request)
    if basic:
        return _verify_basic_limited(request, rt, *basic)
    key = request.headers.get("x-api-key") or request.query_params.get("api_key")
    if key:
        return auth.verify_api_key(key)
    if query_token and request.query_params.get("token"):
        return auth.verify_token(request.query_params["token"])
    if webhook_secret:
        expected = rt.config.settings.general.webhook_secret or ""
        given = request.headers.get("x-webhook-secret") or request.query_params.get("secret") or ""
        if expected and given and hmac.compare_digest(expected.encode(), given.encode()):
            return webhook_principal()
    return None


def _verify_basic_limited(request: Request, rt, username: str, password: str) -> Principal | None:
    """Check Basic credentials under the login rate limit: failed checks use up the client's
    login attempts, and once they are used up no password is checked until the bucket refills."""
    from curatarr.auth.ratelimit import client_address, login_limiter

    limiter = login_limiter(rt)
    client = client_address(request, rt.settings.general.trusted_proxies)
    wait = limiter.peek(client)
    if wait > 0:
        raise HTTPException(429, "Too many login attempts; try again later",
                            headers={"Retry-After": limiter.retry_after_header(wait)})
    principal = rt.auth.verify_basic(username, password)
    if principal is None:
        limiter.acquire(client)
    return principal


EARLY_PRINCIPAL = "curatarr_early_principal"  # key in the ASGI scope's state, set by the request guard


def authenticate_route(request: Request, flags: set[str]) -> Principal | None:
    """The caller of a protected route, with its scope checked against the policy.

    None for a public route; HTTPException 401 (no or bad credentials) or 403 (scope too low).
    """
    if "public" in flags:
        return None
    principal = identify(request, query_token="query_token" in flags, webhook_secret="webhook" in flags)
    return authorize(request, principal)


def authorize(request: Request, principal: Principal | None) -> Principal:
    """401 without a principal, 403 when its scope is below what the route needs; else the principal."""
    if principal is None:
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    route = request.scope.get("route")
    need = policy.required_scope(request.method, getattr(route, "path", request.url.path))
    if not policy.at_least(principal.scope, need):
        raise HTTPException(403, policy.denial(principal.scope, need))
    return principal


async def require_auth(request: Request) -> Principal | None:
    """Router-wide dependency: 401 unless the route is public or the caller is identified, 403
    unless the caller's scope is enough for the route (see :mod:`curatarr.auth.policy`).

    Async on purpose: a bearer token verified a moment ago (``AuthService.cached_token``) is checked
    on the event loop, with no hop to a worker thread; only a real check (database) goes to one."""
    from starlette.concurrency import run_in_threadpool

    state = request.scope.get("state") or {}
    if EARLY_PRINCIPAL in state:  # the request guard authenticated before reading the body
        principal = state[EARLY_PRINCIPAL]
    else:
        flags = route_flags(request)
        token = _bearer(request) if "public" not in flags else None
        cached = request.app.state.runtime.auth.cached_token(token) if token else None
        if cached is not None:
            principal = authorize(request, cached)
        else:
            principal = await run_in_threadpool(authenticate_route, request, flags)
    request.state.principal = principal
    caller = policy.CALLER.get()
    if caller is not None:
        caller.scope = principal.scope if principal is not None else None
    return principal


async def current_principal(request: Request) -> Principal:  # async: no thread hop for an attribute
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return principal
