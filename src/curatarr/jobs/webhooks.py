"""Inbound webhook helpers shared by every webhook route (CHUB's /api/webhooks/*, and the
/api/webhook/arr and /api/webhook/tautulli routes of the poster maker).

Authentication is the route's ``@webhook_auth`` marker: an API key (``X-API-Key`` /
``?api_key=``) works on every route, and webhook routes also take the shared secret
(``X-Webhook-Secret`` / ``?secret=``, compared in constant time) — no user session (JWT) is ever
needed, so Sonarr/Radarr keep working once a UI login exists. These helpers add what happens
next:

- :func:`origin_from_request` — who sent it (client host, endpoint, event type, user agent,
  instance name) without storing headers, query strings or any secret;
- :func:`is_test_event` — Sonarr/Radarr "Test" events are answered 200 without queuing work;
- :class:`Deduper` / :func:`is_duplicate` — the same delivery arriving again within a short
  window (``jobs.webhook_dedupe_seconds``, default 5) is collapsed;
- :func:`submit_webhook_job` — queue the job with its origin;
- :func:`webhook_rate_limit` — 10 requests/s per client and route, burst 20 (429 beyond).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Iterable

from curatarr.auth.ratelimit import TokenBucketLimiter
from curatarr.db.base import iso, utcnow
from curatarr.errors import TooManyRequests, Unavailable
from curatarr.modules import registry

if TYPE_CHECKING:
    from starlette.requests import Request

    from curatarr.runtime import Runtime

DEFAULT_DEDUPE_SECONDS = 5.0
MAX_USER_AGENT = 200


def origin_from_request(request: Request, *, endpoint: str, event_type: str | None = None,
                        instance: str | None = None, extra: dict | None = None) -> dict:
    """What a webhook job records about its trigger. Never headers, never the query string."""
    ua = request.headers.get("user-agent") or ""
    origin = {"source": "webhook", "endpoint": endpoint,
              "client_host": request.client.host if request.client else None,
              "event_type": event_type, "user_agent": ua[:MAX_USER_AGENT] or None,
              "instance": instance, "received_at": iso(utcnow())}
    if extra:
        origin.update({k: v for k, v in extra.items() if k not in ("headers", "secret", "api_key", "token")})
    return origin


def event_type_of(payload: Any) -> str | None:
    if isinstance(payload, dict):
        for key in ("eventType", "event_type", "event", "EventType"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def is_test_event(payload: Any) -> bool:
    """Sonarr/Radarr/Lidarr send ``eventType: "Test"`` when the user presses Test."""
    event = event_type_of(payload)
    return bool(event) and "test" in event.lower()


def payload_key(*parts: Any) -> str:
    """A stable hash of the parts that make two deliveries "the same"."""
    raw = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Deduper:
    """Remembers keys for ``window`` seconds; :meth:`check` says whether a key was seen recently
    (and returns the job it produced)."""

    def __init__(self, window: float = DEFAULT_DEDUPE_SECONDS, max_keys: int = 10_000):
        self.window = window
        self.max_keys = max_keys
        self._seen: dict[str, tuple[float, int | None]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, now: float | None = None) -> tuple[bool, int | None]:
        """(duplicate, job id of the first delivery). A non-duplicate is remembered from now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hit = self._seen.get(key)
            if hit is not None and now - hit[0] < self.window:
                return True, hit[1]
            self._seen[key] = (now, None)
            if len(self._seen) > self.max_keys:
                cutoff = now - self.window
                self._seen = {k: v for k, v in self._seen.items() if v[0] >= cutoff}
            return False, None

    def remember_job(self, key: str, job_id: int | None) -> None:
        with self._lock:
            if key in self._seen:
                self._seen[key] = (self._seen[key][0], job_id)

    def forget(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


def deduper(rt: "Runtime") -> Deduper:
    section = rt.config.get_section("jobs") or {}
    window = float(section.get("webhook_dedupe_seconds", DEFAULT_DEDUPE_SECONDS)) if isinstance(section, dict) \
        else DEFAULT_DEDUPE_SECONDS
    with rt.attach_lock:
        if rt.webhook_dedupe is None:
            rt.webhook_dedupe = Deduper(window)
        d = rt.webhook_dedupe
    d.window = window
    return d


def is_duplicate(rt: "Runtime", key: str) -> tuple[bool, int | None]:
    return deduper(rt).check(key)


def webhook_rate_limit(rt: "Runtime", request: Request, endpoint: str) -> None:
    with rt.attach_lock:
        if rt.webhook_limiter is None:
            rt.webhook_limiter = TokenBucketLimiter(10.0, 20)
        limiter = rt.webhook_limiter
    client = request.client.host if request.client else "?"
    wait = limiter.acquire(f"{endpoint}|{client}")
    if wait > 0:
        raise TooManyRequests("Too many webhook requests", headers={"Retry-After": str(max(1, int(wait + 0.999)))})


def first_installed(candidates: Iterable[str]) -> str | None:
    for name in candidates:
        if registry.exists(name) and registry.try_get(name) is not None:
            return name
    return None


def submit_webhook_job(rt: "Runtime", module: str, *, origin: dict, overrides: dict | None = None,
                       dedupe: str | None = None, priority: int = 3) -> int:
    """Queue ``module`` for a webhook; with ``dedupe`` the job is remembered for the dedupe window."""
    queue = rt.jobs
    if queue is None:
        raise Unavailable("the job service is not running")
    job_id = queue.submit(module, overrides=overrides or None, origin=origin, priority=priority, source="webhook")
    if dedupe:
        deduper(rt).remember_job(dedupe, job_id)
    return job_id


def arr_media(payload: dict) -> dict | None:
    """The media a Sonarr/Radarr/Lidarr webhook is about: {kind, arr_id, title, year, ids}."""
    for kind in ("movie", "series", "artist"):
        block = payload.get(kind)
        if isinstance(block, dict) and block.get("id") is not None:
            ids = {k: block.get(k) for k in ("tmdbId", "tvdbId", "imdbId", "foreignArtistId") if block.get(k)}
            return {"kind": kind, "arr_id": block.get("id"), "title": block.get("title"),
                    "year": block.get("year"), "ids": ids, "path": block.get("folderPath") or block.get("path")}
    return None
