"""The tiny framework every simulator is built on.

A simulator is a FastAPI (or plain Starlette) app plus a :class:`Simulator` object holding what
the tests look at. ``install(app, sim)`` wires the two together:

* every request is recorded (bounded deque of :class:`RecordedRequest`: method, path, query,
  headers, body, status) — ``sim.requests`` / ``sim.find_requests(...)``;
* the :class:`~curatarr.sims.faults.FaultInjector` (``sim.faults``) gets to misbehave first;
* control routes, never behind the simulated service's auth:
  ``GET/POST/DELETE /__sim__/faults`` (``DELETE /__sim__/faults/{id}`` for one rule),
  ``GET /__sim__/state`` (what was recorded: commands, deletes, tag changes, uploads …),
  ``GET /__sim__/requests?limit=N``, ``POST /__sim__/reset``.

Services record domain events with ``sim.record("commands", name="RefreshMovie", ...)`` and put
extra live state into ``/__sim__/state`` with ``sim.state_hooks``; ``sim.reset_hooks`` rebuild
their in-memory state on reset. The app's ``state.sim`` holds the simulator (``get_sim(app)``).

Example::

    sim = Simulator("radarr", instance="radarr", library=lib, api_key="abc")
    app = FastAPI()
    ...routes...
    install(app, sim)
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from curatarr.sims.faults import FaultInjector, FaultRule

MAX_RECORDED_REQUESTS = 2000
MAX_RECORDED_BODY = 256 * 1024

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""
    status: int = 0
    fault: str | None = None
    at: float = field(default_factory=time.time)

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def to_dict(self) -> dict[str, Any]:
        body = self.body.decode("utf-8", "replace") if len(self.body) <= 4096 else f"<{len(self.body)} bytes>"
        return {"method": self.method, "path": self.path, "query": self.query, "headers": self.headers,
                "body": body, "status": self.status, "fault": self.fault, "at": self.at}


def default_unauthorized() -> tuple[int, dict[str, str], bytes]:
    return 401, {}, b""


class Simulator:
    """State shared by one simulator app and the tests driving it."""

    def __init__(self, service: str, *, instance: str | None = None, library: Any = None,
                 api_key: str | None = None,
                 unauthorized: Callable[[], tuple[int, dict[str, str], bytes]] = default_unauthorized):
        self.service = service
        self.instance = instance or service
        self.library = library
        self.api_key = api_key
        self.unauthorized = unauthorized
        self.faults = FaultInjector()
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED_REQUESTS)
        self.recorded: dict[str, list[dict[str, Any]]] = {}
        self.state_hooks: list[Callable[[], dict[str, Any]]] = []
        self.reset_hooks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    # ---- domain recording --------------------------------------------------------------------
    def record(self, kind: str, /, **data: Any) -> dict[str, Any]:
        """Remember a domain event (``commands``, ``deletes``, ``tag_changes``, ``uploads`` …)."""
        entry = {"at": time.time(), **data}
        with self._lock:
            self.recorded.setdefault(kind, []).append(entry)
        return entry

    def events(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.recorded.get(kind, []))

    def find_requests(self, path: str | None = None, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path contains ``path`` (substring) and method matches."""
        return [r for r in list(self.requests)
                if (path is None or path in r.path) and (method is None or r.method == method.upper())]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            recorded = {k: list(v) for k, v in self.recorded.items()}
        state: dict[str, Any] = {"service": self.service, "instance": self.instance,
                                 "requests": len(self.requests), "faults": [r.to_dict() for r in self.faults.rules()],
                                 "recorded": recorded}
        for hook in self.state_hooks:
            state.update(hook())
        return state

    def reset(self) -> None:
        """Forget faults, requests and recordings; let the service rebuild its state."""
        self.faults.clear()
        self.requests.clear()
        with self._lock:
            self.recorded.clear()
        for hook in self.reset_hooks:
            hook()


# ---- control routes ----------------------------------------------------------------------------
def _control_app(sim: Simulator) -> Starlette:
    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"rules": [r.to_dict() for r in sim.faults.rules()]})
        if request.method == "DELETE":
            sim.faults.clear()
            return JSONResponse({"ok": True})
        try:
            data = await request.json()
        except ValueError:
            return JSONResponse({"detail": "body must be JSON"}, status_code=400)
        items = data if isinstance(data, list) else [data]
        try:
            rules = [sim.faults.add_from_dict(dict(item)) for item in items]
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        body = [r.to_dict() for r in rules]
        return JSONResponse(body if isinstance(data, list) else body[0], status_code=201)

    async def fault_one(request: Request) -> Response:
        try:
            rule_id = int(request.path_params["rule_id"])
        except ValueError:
            return JSONResponse({"detail": "rule id must be an integer"}, status_code=400)
        if not sim.faults.remove(rule_id):
            return JSONResponse({"detail": "no such rule"}, status_code=404)
        return JSONResponse({"ok": True})

    async def state(request: Request) -> Response:
        return JSONResponse(sim.snapshot())

    async def requests_(request: Request) -> Response:
        try:
            limit = int(request.query_params.get("limit", "100"))
        except ValueError:
            return JSONResponse({"detail": "limit must be an integer"}, status_code=400)
        items = list(sim.requests)[-max(0, limit):] if limit else []
        return JSONResponse({"total": len(sim.requests), "requests": [r.to_dict() for r in items]})

    async def reset(request: Request) -> Response:
        sim.reset()
        return JSONResponse({"ok": True})

    return Starlette(routes=[
        Route("/__sim__/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/__sim__/faults/{rule_id}", fault_one, methods=["DELETE"]),
        Route("/__sim__/state", state, methods=["GET"]),
        Route("/__sim__/requests", requests_, methods=["GET"]),
        Route("/__sim__/reset", reset, methods=["POST"]),
    ])


# ---- middleware --------------------------------------------------------------------------------
async def _send_simple(send, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                       content_type: str | None = "application/json") -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if content_type and body:
        raw.append((b"content-type", content_type.encode()))
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _mangle(body: bytes, how: str) -> bytes:
    if how == "garbage":
        return b"\x00\xff<<not json>>\x89PNG{{{"
    if how == "empty":
        return b""
    if how == "html":
        return b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    return body[: max(1, len(body) // 2)] if body else b"{"


class SimMiddleware:
    """Records requests, applies fault rules, and serves ``/__sim__/*``."""

    def __init__(self, app: ASGIApp, sim: Simulator):
        self.app = app
        self.sim = sim
        self.control = _control_app(sim)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith("/__sim__"):
            await self.control(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        entry = RecordedRequest(method=scope["method"], path=path,
                                query=scope.get("query_string", b"").decode("latin-1"), headers=headers)
        self.sim.requests.append(entry)
        # Read the whole body first so it is recorded even when the handler never reads it,
        # then replay it to the app in one message.
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        entry.body = body[:MAX_RECORDED_BODY]
        replayed = False

        async def recording_receive():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def recording_send(message):
            if message["type"] == "http.response.start":
                entry.status = message["status"]
            await send(message)

        rule = self.sim.faults.take(entry.method, path)
        if rule is not None:
            entry.fault = rule.kind
            handled = await self._apply(rule, scope, recording_receive, recording_send)
            if handled:
                return
        await self.app(scope, recording_receive, recording_send)

    async def _apply(self, rule: FaultRule, scope, receive, send) -> bool:
        """Apply ``rule``; True if the response was fully produced here."""
        if rule.kind == "latency":
            await asyncio.sleep(rule.ms / 1000)
            return False
        if rule.kind == "status":
            body = json.dumps({"message": f"Injected fault: HTTP {rule.status}"}).encode()
            await _send_simple(send, rule.status, body)
            return True
        if rule.kind == "rate_limit":
            body = json.dumps({"message": "Too Many Requests", "retry_after": rule.retry_after}).encode()
            await _send_simple(send, 429, body, {"Retry-After": f"{rule.retry_after:g}"})
            return True
        if rule.kind == "bad_auth":
            status, headers, body = self.sim.unauthorized()
            await _send_simple(send, status, body, headers)
            return True
        if rule.kind == "timeout":
            await self._hang(receive, rule.hang_s)
            try:
                await _send_simple(send, 504, b"")
            except Exception:  # client already gone: nothing to answer
                pass
            return True
        if rule.kind == "malformed":
            await self._malformed(rule, scope, receive, send)
            return True
        return False

    @staticmethod
    async def _hang(receive, limit: float) -> None:
        async def until_disconnect():
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
        try:
            await asyncio.wait_for(until_disconnect(), timeout=limit)
        except asyncio.TimeoutError:
            pass

    async def _malformed(self, rule: FaultRule, scope, receive, send) -> None:
        start: dict[str, Any] = {}
        body = bytearray()

        async def buffer(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, buffer)
        mangled = _mangle(bytes(body), rule.body)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(mangled)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": mangled})


def install(app: Any, sim: Simulator) -> Any:
    """Attach ``sim`` to a FastAPI/Starlette ``app`` (middleware + ``/__sim__``); returns ``app``."""
    app.add_middleware(SimMiddleware, sim=sim)
    app.state.sim = sim
    return app


def get_sim(app: Any) -> Simulator:
    """The :class:`Simulator` of an app built with :func:`install`."""
    return app.state.sim


# ---- small shared helpers -----------------------------------------------------------------------
def strip_nulls(value: Any) -> Any:
    """Drop ``None`` values from dicts, recursively (the *arr / .NET ``WhenWritingNull`` style)."""
    kind = type(value)
    if kind is dict:
        return {k: strip_nulls(v) if type(v) in _CONTAINERS else v for k, v in value.items() if v is not None}
    if kind is list:
        return [strip_nulls(v) if type(v) in _CONTAINERS else v for v in value]
    return value


_CONTAINERS = (dict, list)


def json_bytes(value: Any, *, ascii: bool = False) -> bytes:
    return json.dumps(value, ensure_ascii=ascii, separators=(",", ":")).encode("utf-8")


def json_response(value: Any, status: int = 200, *, drop_nulls: bool = False,
                  headers: dict[str, str] | None = None, ascii: bool = False) -> Response:
    """A JSON response; ``drop_nulls=True`` omits null-valued properties everywhere;
    ``ascii=True`` escapes non-ASCII as ``\\uXXXX`` (what .NET's System.Text.Json does)."""
    body = json_bytes(strip_nulls(value) if drop_nulls else value, ascii=ascii)
    return Response(body, status_code=status, media_type="application/json; charset=utf-8", headers=headers)


def credential(request: Request, *, headers: tuple[str, ...] = (), query: tuple[str, ...] = (),
               bearer: bool = False) -> str | None:
    """The first credential found in the given headers / query parameters / Bearer token."""
    for name in headers:
        value = request.headers.get(name)
        if value:
            return value
    lowered = {k.lower(): v for k, v in request.query_params.items()}
    for name in query:
        value = lowered.get(name.lower())
        if value:
            return value
    if bearer:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
    return None
