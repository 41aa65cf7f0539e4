"""Uptime Kuma push-monitor receiver (see reference/contracts.md §12.4).

``/api/push/{pushToken}?status=up|down&msg=&ping=`` with any method. Known tokens are the
simulator's ``api_key`` plus ``extra_tokens``; ``pause(token)`` makes a monitor inactive. Unknown
or paused -> 404 ``{"ok": false, "msg": "Monitor not found or not active."}``. ``status`` other
than ``up`` counts as down; ``msg`` defaults to ``OK``; ``ping`` is a float in 0..1e11 or null.
Every heartbeat is recorded as ``heartbeats`` ``{token, status, msg, ping}``.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from fastapi import FastAPI, Request

from curatarr.sims.base import Simulator, install, json_response

NOT_FOUND = {"ok": False, "msg": "Monitor not found or not active."}


def _ping(value: str | None) -> float | None:
    try:
        ping = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    if ping is None or math.isnan(ping) or not 0 <= ping <= 1e11:
        return None
    return ping


def create_app(library: Any = None, *, api_key: str = "kuma-push-token", instance: str = "uptime_kuma",
               extra_tokens: Iterable[str] = ()) -> FastAPI:
    sim = Simulator("uptime_kuma", instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (404, {}, b'{"ok": false, "msg": "Monitor not found or not active."}'))
    app = FastAPI(title="Uptime Kuma simulator", docs_url=None, redoc_url=None, openapi_url=None)
    tokens = {api_key, *extra_tokens}
    paused: set[str] = set()
    app.state.pause = paused.add
    app.state.resume = paused.discard

    @app.api_route("/api/push/{token}", methods=["GET", "POST", "PUT", "HEAD"])
    async def push(token: str, request: Request):
        if token not in tokens or token in paused:
            return json_response(NOT_FOUND, 404)
        q = request.query_params
        status = "up" if q.get("status", "up") == "up" else "down"
        sim.record("heartbeats", token=token, status=status, msg=q.get("msg") or "OK", ping=_ping(q.get("ping")))
        return json_response({"ok": True})

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def unknown(path: str):
        return json_response({"ok": False, "msg": "Not Found"}, 404)

    sim.state_hooks.append(lambda: {"heartbeats": sim.events("heartbeats"), "paused": sorted(paused)})
    sim.reset_hooks.append(paused.clear)
    return install(app, sim)
