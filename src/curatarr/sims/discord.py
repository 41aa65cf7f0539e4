"""Discord webhook receiver (see reference/contracts.md §12.1).

``POST /api/webhooks/{id}/{token}`` with a JSON message. A webhook is known when its token is the
simulator's ``api_key`` (any id); a known id with another token gets 401 ``Invalid Webhook Token``
and anything else 404 ``Unknown Webhook`` (code 10015). The message is validated against
Discord's limits — content ≤2000, ≤10 embeds, title ≤256, description ≤4096, ≤25 fields,
field name ≤256 and value ≤1024 (both required, non-blank), footer ≤2048, author name ≤256,
≤6000 characters of embed text per message, colour 0..0xFFFFFF, something to send — and a
violation answers 400 ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}`` in
Discord's nested error shape. Success is 204 (200 + the message object with ``?wait=true``).
429 (with ``retry_after`` JSON and ``Retry-After``) comes from fault injection (``rate_limit``).
Accepted messages are recorded as ``messages`` (``sim.events("messages")``, ``/__sim__/state``).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from curatarr.sims.base import Simulator, install, json_response

UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
INVALID_TOKEN = {"message": "Invalid Webhook Token", "code": 50027}
LIMITS = {"content": 2000, "embeds": 10, "title": 256, "description": 4096, "fields": 25,
          "field_name": 256, "field_value": 1024, "footer": 2048, "author": 256, "total": 6000, "username": 80}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _too_long(limit: int) -> dict[str, Any]:
    return _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _set(errors: dict[str, Any], path: list[str], value: dict[str, Any]) -> None:
    node = errors
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def validate_message(payload: Any) -> dict[str, Any]:
    """Discord-style nested errors for a webhook message; empty dict when it is valid."""
    errors: dict[str, Any] = {}
    if not isinstance(payload, dict):
        return {"_errors": [{"code": "DICT_TYPE_CONVERT", "message": "Only dictionaries may be used in a DictType"}]}
    content = payload.get("content")
    if content is not None and (not isinstance(content, str) or len(content) > LIMITS["content"]):
        _set(errors, ["content"], _too_long(LIMITS["content"]))
    username = payload.get("username")
    if username is not None:
        if not isinstance(username, str) or not 1 <= len(username) <= LIMITS["username"]:
            _set(errors, ["username"], _error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."))
        elif "discord" in username.lower() or "clyde" in username.lower():
            _set(errors, ["username"], _error("USERNAME_INVALID_CONTAINS", "Username cannot contain \"discord\""))
    embeds = payload.get("embeds") or []
    if not isinstance(embeds, list):
        _set(errors, ["embeds"], _error("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"))
        embeds = []
    if len(embeds) > LIMITS["embeds"]:
        _set(errors, ["embeds"], _too_long(LIMITS["embeds"]))
    total = 0
    for i, embed in enumerate(embeds):
        at = ["embeds", str(i)]
        if not isinstance(embed, dict):
            _set(errors, at, _error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
            continue
        for key, limit in (("title", LIMITS["title"]), ("description", LIMITS["description"])):
            value = embed.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                _set(errors, at + [key], _too_long(limit))
            total += len(_text(value))
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or isinstance(color, bool) or not 0 <= color <= 0xFFFFFF):
            _set(errors, at + ["color"], _error("NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."))
        footer = embed.get("footer") or {}
        if len(_text(footer.get("text") if isinstance(footer, dict) else "")) > LIMITS["footer"]:
            _set(errors, at + ["footer", "text"], _too_long(LIMITS["footer"]))
        total += len(_text(footer.get("text") if isinstance(footer, dict) else ""))
        author = embed.get("author") or {}
        if len(_text(author.get("name") if isinstance(author, dict) else "")) > LIMITS["author"]:
            _set(errors, at + ["author", "name"], _too_long(LIMITS["author"]))
        total += len(_text(author.get("name") if isinstance(author, dict) else ""))
        fields = embed.get("fields") or []
        if not isinstance(fields, list):
            fields = []
        if len(fields) > LIMITS["fields"]:
            _set(errors, at + ["fields"], _too_long(LIMITS["fields"]))
        for j, fld in enumerate(fields):
            fat = at + ["fields", str(j)]
            for key, limit in (("name", LIMITS["field_name"]), ("value", LIMITS["field_value"])):
                value = fld.get(key) if isinstance(fld, dict) else None
                if not isinstance(value, str) or not value.strip():
                    _set(errors, fat + [key], _error("BASE_TYPE_REQUIRED", "This field is required"))
                elif len(value) > limit:
                    _set(errors, fat + [key], _too_long(limit))
                total += len(_text(value))
    if total > LIMITS["total"]:
        _set(errors, ["embeds"], _error("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    if not errors and not _text(content).strip() and not embeds and not payload.get("attachments"):
        return {"_empty": True}
    return errors


def create_app(library: Any = None, *, api_key: str = "discord-webhook-token", instance: str = "discord",
               webhook_id: str = "123456789012345678") -> FastAPI:
    sim = Simulator("discord", instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (401, {}, b'{"message": "Invalid Webhook Token", "code": 50027}'))
    app = FastAPI(title="Discord webhook simulator", docs_url=None, redoc_url=None, openapi_url=None)
    ids = itertools.count(1_100_000_000_000_000_000)

    @app.post("/api/webhooks/{hook_id}/{token}")
    @app.post("/api/v10/webhooks/{hook_id}/{token}")
    async def execute(hook_id: str, token: str, request: Request):
        if token != api_key:
            return json_response(INVALID_TOKEN if hook_id == webhook_id else UNKNOWN_WEBHOOK,
                                 401 if hook_id == webhook_id else 404)
        try:
            payload = await request.json()
        except ValueError:
            return json_response({"message": "The request body contains invalid JSON.", "code": 50109}, 400)
        errors = validate_message(payload)
        if errors.get("_empty"):
            return json_response({"message": "Cannot send an empty message", "code": 50006}, 400)
        if errors:
            sim.record("rejected", webhook_id=hook_id, errors=errors)
            return json_response({"code": 50035, "errors": errors, "message": "Invalid Form Body"}, 400)
        message_id = str(next(ids))
        sim.record("messages", webhook_id=hook_id, message_id=message_id, payload=payload)
        headers = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset-After": "2"}
        if request.query_params.get("wait", "").lower() == "true":
            message = {"id": message_id, "type": 0, "channel_id": "987654321098765432", "webhook_id": hook_id,
                       "content": payload.get("content") or "", "embeds": payload.get("embeds") or [],
                       "author": {"id": hook_id, "username": payload.get("username") or "Captain Hook", "bot": True},
                       "timestamp": datetime.now(timezone.utc).isoformat()}
            return json_response(message, 200, headers=headers)
        return Response(status_code=204, headers=headers)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def unknown(path: str):
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    sim.state_hooks.append(lambda: {"messages": sim.events("messages")})
    return install(app, sim)
