"""Notifiarr passthrough receiver (see reference/contracts.md §12.2).

``POST /api/v1/notification/passthrough/{apikey}`` or ``POST /api/v1/notification/passthrough``
with ``X-API-Key``. A wrong key is 401 ``{"result": "error", ...}``; a body that is not JSON is
400. Like the real service, a well-formed request with a bad payload still answers HTTP 200 but
with ``"result": "error"`` — checked: ``notification.name`` present, ``discord.text`` an object,
``discord.color`` a 6-digit hex STRING without ``#``, fields ``{title, text}`` strings,
``discord.ids.channel`` an integer. Accepted payloads are recorded as ``notifications``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request

from curatarr.sims.base import Simulator, credential, install, json_response

HEX_COLOR = re.compile(r"^[0-9A-Fa-f]{6}$")


def _result(ok: bool, response: str, status: int = 200):
    return json_response({"result": "success" if ok else "error", "details": {"response": response}}, status)


def validate_passthrough(body: Any) -> str | None:
    """The first problem with a passthrough body, or None."""
    if not isinstance(body, dict):
        return "payload must be a JSON object"
    notification = body.get("notification")
    if not isinstance(notification, dict) or not isinstance(notification.get("name"), str) or not notification["name"]:
        return "notification.name is required"
    discord = body.get("discord")
    if not isinstance(discord, dict):
        return "discord section is required"
    color = discord.get("color")
    if color is not None and (not isinstance(color, str) or not HEX_COLOR.match(color)):
        return "discord.color must be a hex string like 00FF00"
    text = discord.get("text")
    if not isinstance(text, dict):
        return "discord.text must be an object"
    fields = text.get("fields") or []
    if not isinstance(fields, list) or len(fields) > 25:
        return "discord.text.fields must be a list of at most 25"
    for fld in fields:
        if not isinstance(fld, dict) or not isinstance(fld.get("title"), str) or not isinstance(fld.get("text"), str):
            return "every field needs string title and text"
    ids = discord.get("ids")
    if ids is not None:
        channel = ids.get("channel") if isinstance(ids, dict) else None
        if not isinstance(channel, int) or isinstance(channel, bool):
            return "discord.ids.channel must be an integer"
    return None


def create_app(library: Any = None, *, api_key: str = "notifiarr-key", instance: str = "notifiarr") -> FastAPI:
    sim = Simulator("notifiarr", instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (401, {}, b'{"result": "error", "details": {"response": "Invalid API Key"}}'))
    app = FastAPI(title="Notifiarr simulator", docs_url=None, redoc_url=None, openapi_url=None)

    async def receive(request: Request, key: str | None):
        if (key or credential(request, headers=("x-api-key",))) != api_key:
            return _result(False, "Invalid API Key", 401)
        try:
            body = await request.json()
        except ValueError:
            return _result(False, "request body is not JSON", 400)
        problem = validate_passthrough(body)
        if problem:
            sim.record("rejected", problem=problem, payload=body)
            return _result(False, problem)
        sim.record("notifications", payload=body)
        return _result(True, "Notification queued")

    @app.post("/api/v1/notification/passthrough/{key}")
    async def with_key(key: str, request: Request):
        return await receive(request, key)

    @app.post("/api/v1/notification/passthrough")
    async def with_header(request: Request):
        return await receive(request, None)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def unknown(path: str):
        return _result(False, "Not Found", 404)

    sim.state_hooks.append(lambda: {"notifications": sim.events("notifications")})
    return install(app, sim)
