"""Generic receivers for the Apprise URL schemes that can point at a local host.

One app records every notification that arrives (``sim.events("received")`` and
``/__sim__/state``: ``{scheme, path, title, message, type, body, headers}``):

* ``json://HOST:PORT/json/<anything>`` — Apprise POSTs ``{version, title, message, type, ...}``
* ``form://HOST:PORT/form/<anything>`` — the same fields form-encoded
* ``ntfy://HOST:PORT/<topic>`` — Apprise POSTs JSON ``{topic, title, message, ...}`` to ``/``;
  a plain publish ``POST /<topic>`` (body = message, ``X-Title`` header) works too
* ``gotify://HOST:PORT/<token>`` — ``POST /message`` with ``X-Gotify-Key`` (or ``?token=``);
  the token must be the simulator's ``api_key`` (401 otherwise, Gotify's error body).
* ``/redirect/<path>`` — answers ``307`` to ``/<path>`` on this server (a target that redirects;
  the sender must not follow it).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request

from curatarr.sims.base import Simulator, install, json_response

GOTIFY_UNAUTHORIZED = {"error": "Unauthorized", "errorCode": 401,
                       "errorDescription": "you need to provide a valid access token or user credentials to access this api"}
_KEPT_HEADERS = ("content-type", "user-agent", "x-title", "x-priority", "x-tags", "x-markdown", "x-gotify-key")


def create_app(library: Any = None, *, api_key: str = "gotify-app-token", instance: str = "push_targets") -> FastAPI:
    sim = Simulator("push_targets", instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (401, {}, json.dumps(GOTIFY_UNAUTHORIZED).encode()))
    app = FastAPI(title="Push target simulator", docs_url=None, redoc_url=None, openapi_url=None)
    ids = itertools.count(1)

    async def parse(request: Request) -> tuple[Any, str]:
        raw = await request.body()
        text = raw.decode("utf-8", "replace")
        ctype = request.headers.get("content-type", "")
        if "json" in ctype:
            try:
                return json.loads(text or "null"), text
            except ValueError:
                return None, text
        if "x-www-form-urlencoded" in ctype:
            return dict(parse_qsl(text, keep_blank_values=True)), text
        return None, text

    def record(kind: str, request: Request, body: Any, text: str, **fields: Any) -> dict[str, Any]:
        headers = {k: v for k, v in request.headers.items() if k.lower() in _KEPT_HEADERS or k.lower().startswith("x-")}
        headers.pop("x-gotify-key", None)  # a token; tests check it through the auth result
        source = body if isinstance(body, dict) else {}
        entry = {"scheme": kind, "path": request.url.path, "title": source.get("title", ""),
                 "message": source.get("message", text if not isinstance(body, dict) else ""),
                 "type": source.get("type"), "body": body if body is not None else text, "headers": headers}
        entry.update(fields)
        return sim.record("received", **entry)

    @app.api_route("/redirect/{path:path}", methods=["POST", "PUT", "GET"])
    async def redirect(path: str, request: Request):
        sim.record("redirected", path=request.url.path)
        return json_response({}, 307, headers={"Location": f"/{path}"})

    @app.api_route("/json/{path:path}", methods=["POST", "PUT", "GET", "PATCH", "DELETE"])
    async def json_target(path: str, request: Request):
        body, text = await parse(request)
        if request.method in ("POST", "PUT", "PATCH") and not isinstance(body, dict):
            return json_response({"detail": "expected a JSON object"}, 400)
        record("json", request, body, text)
        return json_response({"ok": True})

    @app.api_route("/form/{path:path}", methods=["POST", "PUT", "GET"])
    async def form_target(path: str, request: Request):
        body, text = await parse(request)
        if request.method != "GET" and not isinstance(body, dict):
            return json_response({"detail": "expected a form body"}, 400)
        record("form", request, body, text)
        return json_response({"ok": True})

    async def gotify(request: Request):
        token = request.headers.get("x-gotify-key") or request.query_params.get("token")
        if token != api_key:
            return json_response(GOTIFY_UNAUTHORIZED, 401)
        body, text = await parse(request)
        if not isinstance(body, dict) or not body.get("message"):
            return json_response({"error": "Bad Request", "errorCode": 400,
                                  "errorDescription": "Field 'message' is required"}, 400)
        entry = record("gotify", request, body, text, priority=body.get("priority"))
        return json_response({"id": next(ids), "appid": 1, "message": entry["message"], "title": entry["title"],
                              "priority": body.get("priority", 0),
                              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    @app.post("/message")
    async def gotify_root(request: Request):
        return await gotify(request)

    @app.post("/gotify/message")
    async def gotify_prefixed(request: Request):
        return await gotify(request)

    def ntfy_answer(entry: dict[str, Any], topic: str) -> dict[str, Any]:
        return {"id": f"sim{next(ids)}", "time": int(time.time()), "event": "message", "topic": topic,
                "title": entry["title"], "message": entry["message"]}

    @app.post("/")
    async def ntfy_json(request: Request):
        body, text = await parse(request)
        if body is None:
            try:
                body = json.loads(text)
            except ValueError:
                body = None
        if not isinstance(body, dict) or not body.get("topic"):
            return json_response({"code": 40001, "http": 400, "error": "invalid request: topic invalid"}, 400)
        entry = record("ntfy", request, body, text, topic=body["topic"])
        return json_response(ntfy_answer(entry, body["topic"]))

    @app.api_route("/{topic}", methods=["POST", "PUT"])
    async def ntfy_plain(topic: str, request: Request):
        body, text = await parse(request)
        entry = record("ntfy", request, None, text, topic=topic, title=request.headers.get("x-title", ""))
        return json_response(ntfy_answer(entry, topic))

    sim.state_hooks.append(lambda: {"received": sim.events("received")})
    return install(app, sim)
