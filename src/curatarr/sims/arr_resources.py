"""The *arr wire vocabulary shared by the Radarr, Sonarr and Lidarr simulators (contracts.md §1):
error bodies (:class:`ArrError`, 404 ``{message, description}``, 400 validation arrays), .NET-style
JSON (nulls omitted, non-ASCII escaped), case-insensitive request bodies and query parameters,
quality models and the paging envelope. The simulator itself is :mod:`curatarr.sims.arr_common`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from fastapi import Request
from starlette.responses import Response

from curatarr.sims.base import json_response

TAG_LABEL_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
START_TIME = "2025-06-02T08:00:00Z"
LAST_WRITE = "638700000000000000"  # the ?lastWrite= stamp of MediaCover URLs

# Quality name -> (id, source, resolution, modifier) in Radarr's vocabulary; Sonarr maps sources.
QUALITIES: dict[str, tuple[int, str, int, str]] = {
    "Unknown": (0, "unknown", 0, "none"), "SDTV": (1, "tv", 480, "none"), "DVD": (2, "dvd", 480, "none"),
    "WEBDL-1080p": (3, "webdl", 1080, "none"), "HDTV-720p": (4, "tv", 720, "none"),
    "WEBDL-720p": (5, "webdl", 720, "none"), "Bluray-720p": (6, "bluray", 720, "none"),
    "Bluray-1080p": (7, "bluray", 1080, "none"), "HDTV-1080p": (9, "tv", 1080, "none"),
    "WEBRip-1080p": (15, "webrip", 1080, "none"), "HDTV-2160p": (16, "tv", 2160, "none"),
    "WEBDL-2160p": (18, "webdl", 2160, "none"), "Bluray-2160p": (19, "bluray", 2160, "none"),
    "Remux-1080p": (30, "bluray", 1080, "remux"), "Remux-2160p": (31, "bluray", 2160, "remux"),
}
SONARR_SOURCES = {"tv": "television", "webdl": "web", "webrip": "webRip", "dvd": "dvd", "bluray": "bluray",
                  "unknown": "unknown"}


class ArrError(Exception):
    """Raised by handlers; turned into the *arr-shaped error response."""

    def __init__(self, status: int, body: Any = None):
        super().__init__(status)
        self.status = status
        self.body = body


def not_found(what: str = "NotFound") -> ArrError:
    return ArrError(404, {"message": what, "description": None})


def validation_error(prop: str, message: str, attempted: Any = None) -> ArrError:
    return ArrError(400, [{"propertyName": prop, "errorMessage": message, "attemptedValue": attempted,
                           "severity": "error", "errorCode": "PredicateValidator"}])


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def arr_json(value: Any, status: int = 200, *, clean: bool = False) -> Response:
    """*arr JSON: nulls omitted, non-ASCII escaped. ``clean=True``: resources were built with
    :func:`compact` already, so the (costly, for 100k movies) recursive null strip is skipped."""
    return json_response(value, status, drop_nulls=not clean, ascii=True)


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop null-valued keys of one resource (its nested dicts must be built null-free)."""
    return {k: v for k, v in data.items() if v is not None}


class CIDict:
    """Request body with case-insensitive keys (*arr parses JSON bodies case-insensitively)."""

    def __init__(self, data: Any):
        self.raw = data if isinstance(data, dict) else {}
        self._lower = {str(k).lower(): v for k, v in self.raw.items()}

    def get(self, key: str, default: Any = None) -> Any:
        return self._lower.get(key.lower(), default)

    def __contains__(self, key: str) -> bool:
        return key.lower() in self._lower


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise validation_error("body", "Request body is not valid JSON") from None


def query_values(request: Request, name: str) -> list[str]:
    """All values of a query parameter, name matched case-insensitively, comma lists split."""
    lname = name.lower()
    out: list[str] = []
    for key, value in request.query_params.multi_items():
        if key.lower() == lname:
            out.extend(v for v in value.split(",") if v != "")
    return out


def q_int(request: Request, name: str, default: int | None = None) -> int | None:
    values = query_values(request, name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        raise validation_error(name, f"The value '{values[0]}' is not valid.", values[0]) from None


def q_ints(request: Request, name: str) -> list[int]:
    try:
        return [int(v) for v in query_values(request, name)]
    except ValueError:
        raise validation_error(name, "The value is not valid.", query_values(request, name)) from None


def q_bool(request: Request, name: str, default: bool = False) -> bool:
    values = query_values(request, name)
    if not values:
        return default
    value = values[0].lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise validation_error(name, f"The value '{values[0]}' is not valid.", values[0])


def int_list(value: Any, prop: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise validation_error(prop, f"'{prop}' must be a list of integers", value)
    return list(value)


def quality_model(name: str | None, service: str) -> dict[str, Any]:
    qid, source, resolution, modifier = QUALITIES.get(name or "Unknown", QUALITIES["Unknown"])
    quality: dict[str, Any] = {"id": qid, "name": name or "Unknown"}
    if service == "radarr":
        quality.update(source=source, resolution=resolution, modifier=modifier)
    elif service == "sonarr":
        quality.update(source=SONARR_SOURCES.get(source, "unknown"), resolution=resolution)
    return {"quality": quality, "revision": {"version": 1, "real": 0, "isRepack": False}}


def paged(request: Request, records: list[Any], *, sort_key: str, key_funcs: dict[str, Callable[[Any], Any]]
          | None = None) -> dict[str, Any]:
    """The shared paging envelope; sorts by ``sortKey`` when a key function is known."""
    page = max(1, q_int(request, "page", 1) or 1)
    size = max(1, q_int(request, "pageSize", 10) or 10)
    key = (query_values(request, "sortKey") or [sort_key])[0]
    direction_raw = ((query_values(request, "sortDirection") or ["default"])[0]).lower()
    direction = {"asc": "ascending", "ascending": "ascending", "desc": "descending",
                 "descending": "descending"}.get(direction_raw, "default")
    func = (key_funcs or {}).get(key)
    if func is not None:
        records = sorted(records, key=func, reverse=direction == "descending")
    start = (page - 1) * size
    return {"page": page, "pageSize": size, "sortKey": key, "sortDirection": direction,
            "totalRecords": len(records), "records": records[start:start + size]}
