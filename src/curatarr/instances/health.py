"""Health probes: one cheap authenticated request per instance, run concurrently with a bound.

A probe is a single attempt with a short timeout (no retries: a health check should report what
it sees, quickly). Its answer is one of ``healthy``, ``unhealthy`` (answered, but not 2xx),
``auth_failed`` (401/403), ``timeout``, ``unreachable`` (refused, DNS, TLS), ``blocked`` (the SSRF
guard refused the URL) or ``error`` (anything else). The last result per instance is kept in
memory so ``GET /api/instances/health`` can answer without probing again within a short window.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit

import httpx

from curatarr.db.base import iso, utcnow
from curatarr.instances.types import InstanceRef, InstanceType, get_type
from curatarr.security.urls import UnsafeURL, check_url

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.instances.health")

DEFAULT_TIMEOUT = 5.0
MAX_CONCURRENT_PROBES = 8
CACHE_SECONDS = 15.0  # GET /api/instances/health reuses results younger than this

STATUSES = ("healthy", "unhealthy", "timeout", "unreachable", "blocked", "error", "auth_failed")


@dataclass
class HealthResult:
    status: str
    status_code: int | None = None
    response_time_ms: float | None = None
    error: str | None = None
    instance: str = ""
    service: str = ""
    checked_at: str = field(default_factory=lambda: iso(utcnow()) or "")

    @property
    def ok(self) -> bool:
        return self.status == "healthy"

    def as_dict(self) -> dict:
        out = asdict(self)
        out["ok"] = self.ok
        return out


def _credential_request(spec: InstanceType, url: str, config: dict) -> dict:
    """Keyword arguments for httpx.request that carry the instance's credential the way its API wants."""
    key = str(config.get("api") or "")
    probe = spec.probe
    headers = {"Accept": "application/json"}
    params: dict[str, str] = {}
    kwargs: dict = {}
    if probe.auth == "header":
        headers[probe.auth_name] = key
    elif probe.auth == "query":
        params[probe.auth_name] = key
    elif probe.auth == "bearer_or_query":
        # TMDB: a v4 read access token is a JWT; a v3 API key is 32 hex characters.
        if key.startswith("eyJ"):
            headers["Authorization"] = f"Bearer {key}"
        else:
            params[probe.auth_name] = key
    elif probe.auth == "tvdb_login":
        body = {"apikey": key}
        if config.get("pin"):
            body["pin"] = str(config["pin"])
        kwargs["json"] = body
    kwargs.update(method=probe.method, url=url.rstrip("/") + probe.path, headers=headers, params=params)
    return kwargs


def probe_config(type_name: str, config: dict, *, timeout: float = DEFAULT_TIMEOUT, name: str = "",
                 client: httpx.Client | None = None) -> HealthResult:
    """Probe an instance described by ``config`` ({url, api, ...}) without it being saved."""
    spec = get_type(type_name)
    url = str(config.get("url") or spec.default_url or "").strip()
    result = HealthResult(status="error", instance=name, service=spec.name)
    if not url:
        result.error = "no URL configured"
        return result
    try:
        check_url(url)
    except UnsafeURL as exc:
        result.status, result.error = "blocked", f"URL refused: {exc}"
        return result
    prefix = spec.extra.get("path_prefix")
    if prefix and not urlsplit(url).path.rstrip("/").lower().endswith(prefix):
        url = url.rstrip("/") + prefix  # Emby's API lives under /emby; users often omit it
    kwargs = _credential_request(spec, url, config)
    own_client = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), follow_redirects=False)
    started = time.perf_counter()
    try:
        resp = http.request(**kwargs)
    except httpx.TimeoutException:
        result.status, result.error = "timeout", f"no answer within {timeout:g} s"
    except httpx.TransportError as exc:
        result.status, result.error = "unreachable", f"cannot connect ({exc.__class__.__name__})"
    except (httpx.InvalidURL, ValueError) as exc:
        result.status, result.error = "error", f"invalid URL ({exc.__class__.__name__})"
    else:
        code = resp.status_code
        result.status_code = code
        if 200 <= code < 300 or code in spec.probe.ok_statuses:
            result.status = "healthy"
        elif code in (401, 403):
            result.status, result.error = "auth_failed", f"authentication failed (HTTP {code})"
        elif 300 <= code < 400:
            result.status, result.error = "unhealthy", f"redirected (HTTP {code}); check the URL"
        else:
            result.status, result.error = "unhealthy", f"HTTP {code}"
    finally:
        result.response_time_ms = round((time.perf_counter() - started) * 1000, 1)
        if own_client:
            http.close()
    return result


def probe(rt: "Runtime | None", ref: InstanceRef, *, timeout: float = DEFAULT_TIMEOUT) -> HealthResult:
    """Probe one configured instance; the result is remembered and failures go to its log."""
    result = probe_config(ref.type, ref.config, timeout=timeout, name=ref.name)
    if rt is not None:
        cache = health_cache(rt)
        previous = cache.get(ref.name)
        cache.put(result)
        # Failures are warnings; a recovery is worth an info line; steady health only a debug one.
        if not result.ok:
            level = logging.WARNING
        elif previous is not None and not previous.ok:
            level = logging.INFO
        else:
            level = logging.DEBUG
        log.log(level, "health probe %s: %s%s (%s ms)", ref.name, result.status, f" - {result.error}" if result.error else "",
                result.response_time_ms, extra={"instance": ref.name})
    return result


def probe_many(rt: "Runtime | None", refs: Iterable[InstanceRef], *, timeout: float = DEFAULT_TIMEOUT,
               max_concurrent: int = MAX_CONCURRENT_PROBES) -> list[HealthResult]:
    """Probe ``refs`` concurrently (at most ``max_concurrent`` at once); results in input order."""
    refs = list(refs)
    if not refs:
        return []
    workers = max(1, min(max_concurrent, len(refs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as pool:
        return list(pool.map(lambda r: probe(rt, r, timeout=timeout), refs))


class HealthCache:
    """Last probe result per instance name, kept in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, tuple[float, HealthResult]] = {}

    def put(self, result: HealthResult) -> None:
        with self._lock:
            self._results[result.instance] = (time.monotonic(), result)

    def get(self, name: str, max_age: float | None = None) -> HealthResult | None:
        with self._lock:
            item = self._results.get(name)
        if item is None or (max_age is not None and time.monotonic() - item[0] > max_age):
            return None
        return item[1]

    def forget(self, name: str) -> None:
        with self._lock:
            self._results.pop(name, None)


def health_cache(rt: "Runtime") -> HealthCache:
    cache = rt.instance_health
    if cache is None:
        with rt.attach_lock:
            if rt.instance_health is None:
                rt.instance_health = HealthCache()
            cache = rt.instance_health
    return cache


def cached_or_probe(rt: "Runtime", refs: list[InstanceRef], *, max_age: float = CACHE_SECONDS,
                    timeout: float = DEFAULT_TIMEOUT) -> list[HealthResult]:
    """Recent results where there are any, fresh concurrent probes for the rest (input order)."""
    cache = health_cache(rt)
    found = {r.name: cache.get(r.name, max_age) for r in refs}
    stale = [r for r in refs if found[r.name] is None or found[r.name].service != r.type]
    for result in probe_many(rt, stale, timeout=timeout):
        found[result.instance] = result
    return [found[r.name] for r in refs]


def forget(rt: "Runtime", name: str) -> None:
    health_cache(rt).forget(name)
