"""CHUB's success envelope, added to every CHUB route's answer in one place.

CHUB's documented answers are bare objects (``{"configured": true}``); CHUB's real backend, and so its
own web frontend, wraps them: ``{"success": true, "message": …, "data": …}``. Curatarr answers the
superset — the bare fields AND the envelope in the same object — on every route of CHUB's API
(:data:`CHUB_ROUTES`). Posterizarr's routes keep their own shapes; errors get theirs in
:mod:`curatarr.api.errors`.

Rules (docs/api.md, "Conventions"):

- only 2xx ``application/json`` answers that are a JSON object are touched; files, images, event
  streams, zips, plain text, JSON lists, streamed JSON and attachments (a JSON export) pass through
  unchanged;
- ``data`` is a copy of the bare fields, unless :data:`DATA_SHAPES` declares what CHUB's backend puts
  there for that route;
- a bare field named ``success``, ``message`` or ``data`` wins over the envelope's (the handler said
  it explicitly).

Cost: the common case is a byte splice — the encoded bare object is reused as ``data`` without being
decoded or encoded again — so a 500-item search is serialised once (its bytes are sent twice; the
compression middleware, when on, sees the doubled body). Only routes with a declared shape, or whose
body already names an envelope key, are decoded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from curatarr.api.errors import auth_failure_code, error_body, http_error_code, unprocessable_detail

_PARAM = re.compile(r"\{[^}]+\}")

# "METHOD /path" of CHUB's API: every route of the CHUB seed (../shared/seeds/chub-developer-api.md),
# plus the routes CHUB's own frontend calls that the seed does not list (../shared/reference/chub.md §1).
CHUB_ROUTES: tuple[str, ...] = (
    "DELETE /api/instances/{instance_id}",
    "DELETE /api/jobs/old",
    "DELETE /api/media/collections/{collection_id}",
    "DELETE /api/media/{media_id}",
    "DELETE /api/modules/{name}/execution/{job_id}",
    "DELETE /api/notifications/{module_id}/{service_type}",
    "DELETE /api/posters/plex-metadata/variant",
    "DELETE /api/posters/{poster_id}",
    "DELETE /api/schedule/{module_id}",
    "GET /api/auth/status",
    "GET /api/backups",
    "GET /api/border-replacerr/preview/file/{token}.jpg",
    "GET /api/border-replacerr/preview/options",
    "GET /api/config",
    "GET /api/directory",
    "GET /api/health",
    "GET /api/instances",
    "GET /api/instances/health",
    "GET /api/instances/types",
    "GET /api/instances/types/{instance_type}/schema",
    "GET /api/instances/{instance_id}",
    "GET /api/instances/{instance_id}/health",
    "GET /api/instances/{instance_id}/logs",
    "GET /api/instances/{instance_id}/stats",
    "GET /api/jobs",
    "GET /api/jobs/stats",
    "GET /api/jobs/webhook-origins",
    "GET /api/jobs/{job_id}",
    "GET /api/jobs/{job_id}/log-tail",
    "GET /api/logs",
    "GET /api/logs/{module_name}",
    "GET /api/logs/{module}/{filename}",
    "GET /api/media/collections",
    "GET /api/media/duplicates",
    "GET /api/media/genres",
    "GET /api/media/incomplete-metadata",
    "GET /api/media/low-rated",
    "GET /api/media/orphaned",
    "GET /api/media/search",
    "GET /api/media/stats",
    "GET /api/media/stats/detailed",
    "GET /api/media/{media_id}",
    "GET /api/media/{media_id}/history",
    "GET /api/media/{media_id}/import-exclusion",
    "GET /api/media/{media_id}/poster",
    "GET /api/modules",
    "GET /api/modules/events",
    "GET /api/modules/history",
    "GET /api/modules/run-states",
    "GET /api/modules/stats",
    "GET /api/modules/status",
    "GET /api/modules/{name}",
    "GET /api/modules/{name}/history",
    "GET /api/modules/{name}/schema",
    "GET /api/modules/{name}/stats",
    "GET /api/modules/{name}/status/{job_id}",
    "GET /api/nestarr/results",
    "GET /api/nestarr/scan",
    "GET /api/notifications",
    "GET /api/notifications/{module_id}",
    "GET /api/plex/{instance}/libraries",
    "GET /api/posters/added-since",
    "GET /api/posters/browse",
    "GET /api/posters/collections",
    "GET /api/posters/duplicates",
    "GET /api/posters/gdrive/stats",
    "GET /api/posters/list",
    "GET /api/posters/low-resolution",
    "GET /api/posters/matched/stats",
    "GET /api/posters/plex-metadata/bloat",
    "GET /api/posters/plex-metadata/by-media",
    "GET /api/posters/plex-metadata/variant-thumbnail",
    "GET /api/posters/search",
    "GET /api/posters/sources/assets/search",
    "GET /api/posters/sources/gdrive/search",
    "GET /api/posters/stats",
    "GET /api/posters/unmatched/details",
    "GET /api/posters/unmatched/stats",
    "GET /api/posters/{poster_id}",
    "GET /api/posters/{poster_id}/thumbnail",
    "GET /api/schedule",
    "GET /api/schedule/{module_id}",
    "GET /api/system/cleanup-candidates",
    "GET /api/system/digest",
    "GET /api/system/disk",
    "GET /api/system/health/snapshots",
    "GET /api/version",
    "GET /api/webhooks/cleanarr/status",
    "GET /api/webhooks/unmatched/status",
    "PATCH /api/instances/{instance_id}",
    "PATCH /api/modules/{name}",
    "POST /api/auth/login",
    "POST /api/auth/setup",
    "POST /api/backup",
    "POST /api/border-replacerr/preview",
    "POST /api/config",
    "POST /api/folder",
    "POST /api/instances",
    "POST /api/instances/test",
    "POST /api/instances/{instance_id}/refresh",
    "POST /api/instances/{instance_id}/sync",
    "POST /api/instances/{instance_id}/test",
    "POST /api/jobs/{job_id}/retry",
    "POST /api/labelarr/bulk-sync",
    "POST /api/labelarr/sync",
    "POST /api/media/collections",
    "POST /api/media/collections/from-tag",
    "POST /api/media/duplicates/members",
    "POST /api/media/duplicates/{group_id}/resolve",
    "POST /api/media/export",
    "POST /api/media/fix-metadata",
    "POST /api/media/orphaned/purge",
    "POST /api/media/refresh",
    "POST /api/media/scan",
    "POST /api/media/{media_id}/fix-metadata",
    "POST /api/modules/run",
    "POST /api/modules/{name}/execute",
    "POST /api/modules/{name}/test",
    "POST /api/nestarr/fix",
    "POST /api/nestarr/preview",
    "POST /api/notifications",
    "POST /api/notifications/test",
    "POST /api/posters/auto-match",
    "POST /api/posters/backfill-dimensions",
    "POST /api/posters/duplicates/{group_id}/resolve",
    "POST /api/posters/gdrive/sync",
    "POST /api/posters/optimize",
    "POST /api/posters/plex-metadata/cleanup",
    "POST /api/posters/plex-metadata/set-active",
    "POST /api/posters/upload",
    "POST /api/posters/{poster_id}/download",
    "POST /api/posters/{poster_id}/sync-metadata",
    "POST /api/restore",
    "POST /api/schedule",
    "POST /api/test",
    "POST /api/webhooks/cleanarr/process",
    "POST /api/webhooks/poster/add",
    "POST /api/webhooks/unmatched/process",
    "PUT /api/instances/{instance_id}",
    "PUT /api/media/collections/{collection_id}",
    "PUT /api/media/{media_id}/metadata",
    "PUT /api/modules/{name}/config",
)

DEFAULT_MESSAGE = "OK"


def _logs_data(body: dict[str, Any]) -> dict[str, Any]:
    # CHUB's GET /api/logs data: {"modules": [module names]} (the bare "modules" is a dict of files).
    modules = body.get("modules")
    return {"modules": sorted(modules) if isinstance(modules, dict) else modules}


def _modules_data(body: dict[str, Any]) -> dict[str, Any]:
    # CHUB's modules page reads data.modules, data.status_counts and data.schedule.
    modules = body.get("modules") or []
    return {
        "modules": modules,
        "status_counts": dict(Counter(m.get("status") or "idle" for m in modules if isinstance(m, dict))),
        "schedule": {m["name"]: m.get("schedule") for m in modules if isinstance(m, dict) and "name" in m},
    }


def _config_data(body: dict[str, Any]) -> Any:
    # CHUB's data is the config document itself (data.general, data.instances, …; ?section narrows it).
    return body.get("config", body)


# What CHUB's backend puts in ``data`` where it is not a copy of the bare fields, by "METHOD /path".
DATA_SHAPES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "GET /api/config": _config_data,
    "POST /api/config": _config_data,
    "GET /api/logs": _logs_data,
    "GET /api/modules": _modules_data,
}


def _key(method: str, path: str) -> str:
    return f"{method} {_PARAM.sub('{}', path)}"


_ENVELOPED = frozenset(_key(*route.split(" ", 1)) for route in CHUB_ROUTES)
_SHAPES = {_key(*route.split(" ", 1)): shape for route, shape in DATA_SHAPES.items()}
_OWN_KEYS = ("success", "message")  # the envelope's own fields, never copied into data
_ENVELOPE_KEYS = (b'"success"', b'"message"', b'"data"')


@lru_cache(maxsize=512)
def route_key(method: str, path_template: str) -> str | None:
    """The CHUB route key of a matched route (its path template), or None for a non-CHUB route."""
    key = _key(method, path_template)
    return key if key in _ENVELOPED else None


def is_chub_route(method: str, path_template: str) -> bool:
    return route_key(method, path_template) is not None


def _encode(obj: Any) -> bytes:
    # The same encoding as starlette's JSONResponse, so a spliced and a re-encoded body look alike.
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def envelope(body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    """``body`` plus CHUB's success envelope (bare fields win); the decoded form of :func:`envelope_bytes`."""
    shape = _SHAPES.get(key) if key else None
    out = dict(body)
    out.setdefault("success", True)
    out.setdefault("message", DEFAULT_MESSAGE)
    out.setdefault("data", shape(body) if shape else {k: v for k, v in body.items() if k not in _OWN_KEYS})
    return out


def envelope_bytes(raw: bytes, key: str) -> bytes:
    """The enveloped form of an encoded JSON answer; ``raw`` unchanged when it is not an object."""
    text = raw.strip()
    if not (text.startswith(b"{") and text.endswith(b"}")):
        return raw
    if key in _SHAPES or any(token in text for token in _ENVELOPE_KEYS):
        try:
            body = json.loads(text)
        except ValueError:
            return raw
        return _encode(envelope(body, key)) if isinstance(body, dict) else raw
    if text == b"{}":
        return b'{"success":true,"message":"%s","data":{}}' % DEFAULT_MESSAGE.encode()
    # Splice: {bare…,"success":true,"message":"OK","data":{bare…}} — no decoding, no re-encoding.
    return b'%s,"success":true,"message":"%s","data":%s}' % (text[:-1], DEFAULT_MESSAGE.encode(), text)


_ERROR = "error"  # the key of an error answer (any route)


def complete_error_bytes(raw: bytes, status: int, scope: Scope | None = None) -> bytes:
    """An error answer built outside :mod:`curatarr.api.errors` (a handler's or the request guard's
    own JSONResponse) gets the same error envelope; one that has ``error_code`` is left as it is."""
    if b'"error_code"' in raw:
        return raw
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(body, dict) or "detail" not in body:
        return raw
    if status == 401 and scope is not None:
        code = auth_failure_code(Request(scope))
    else:
        code = "VALIDATION_ERROR" if status == 422 else http_error_code(status)
    detail = body["detail"]
    message = detail if status == 422 and isinstance(detail, str) else None  # the text, not a summary
    filled = error_body(unprocessable_detail(status, detail, code), code, message=message)
    rest = {k: v for k, v in body.items() if k not in ("success", "detail")}
    return _encode({**filled, **rest, "success": False})


class ChubEnvelopeMiddleware:
    """ASGI middleware: adds the envelope to the 2xx JSON answers of CHUB routes (see module doc),
    and completes the error envelope of JSON error answers that a handler built itself.

    It decides on the route the router matched (``scope["route"]``, a path template), not on the URL,
    so route order and parameter names never make it envelope a Posterizarr route by accident."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/api"):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []
        key: str | None = None

        async def send_enveloped(message: Message) -> None:
            nonlocal held, key
            if message["type"] == "http.response.start":
                key = self._key_for(scope, message)
                if key is None:
                    await send(message)
                else:
                    held = message
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            raw = b"".join(chunks)
            body = complete_error_bytes(raw, held["status"], scope) if key == _ERROR else envelope_bytes(raw, key or "")
            headers = [(k, v) for k, v in held.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode("latin-1")))
            await send({**held, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_enveloped)

    @staticmethod
    def _key_for(scope: Scope, start: Message) -> str | None:
        if not _is_json(start):
            return None
        if start.get("status", 500) >= 400:
            return _ERROR
        if not 200 <= start.get("status", 500) < 300:
            return None
        path = getattr(scope.get("route"), "path", None)
        return route_key(scope.get("method", "GET"), path) if path else None


def _is_json(start: Message) -> bool:
    """A whole JSON document: JSON content type and a declared length (streamed answers such as a
    JSON export have none) and not an attachment (a download is a file, whatever its type)."""
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return (content_type == b"application/json" and b"content-length" in headers
            and b"content-disposition" not in headers)
