"""Health probes: one cheap authenticated request per instance, run concurrently with a bound.

The request is the connector's own ``ping()`` (each connector knows how its system authenticates
and which request proves the credential); this module builds the connector with
``from_instance`` and turns the answer, or the connector's error, into a status. A probe is a
single attempt with a short timeout (no retries: a health check should report what it sees,
quickly). Its answer is one of ``healthy``, ``unhealthy`` (answered, but not 2xx),
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

import httpx

from curatarr.connectors.errors import AuthFailed, ConnectorError, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.db.base import iso, utcnow
from curatarr.instances.types import InstanceRef, get_type
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


def probe_config(type_name: str, config: dict, *, timeout: float = DEFAULT_TIMEOUT, name: str = "",
                 client: httpx.Client | None = None) -> HealthResult:
    """Probe an instance described by ``config`` ({url, api, ...}) without it being saved: build its
    connector (one attempt, short timeout) and call ``ping()``; the connector's errors become the
    statuses of this module's doc."""
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
    ref = InstanceRef(type=spec.name, name=name, url=url, enabled=True, config=config)
    started = time.perf_counter()
    connector = None
    try:
        connector = spec.connector_class.from_instance(
            ref, timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), retry=RetryPolicy(attempts=1),
            client=client)
        with connector:
            result.status_code = connector.ping().status_code
        result.status = "healthy"
    except ConnectorError as exc:
        _describe_failure(result, exc, timeout)
    except (httpx.InvalidURL, ValueError) as exc:
        # Before the connector exists: settings it refuses (e.g. no API key); after: a URL httpx cannot use.
        result.status = "error"
        result.error = str(exc) if connector is None else f"invalid URL ({exc.__class__.__name__})"
    finally:
        result.response_time_ms = round((time.perf_counter() - started) * 1000, 1)
    return result


def _describe_failure(result: HealthResult, exc: ConnectorError, timeout: float) -> None:
    """A probe's status and message from the connector's error."""
    code = exc.status
    result.status_code = code
    if isinstance(exc, Unreachable) and exc.timed_out:
        result.status, result.error = "timeout", f"no answer within {timeout:g} s"
    elif isinstance(exc, Unreachable):
        result.status, result.error = "unreachable", exc.args[0] if exc.args else "cannot connect"
    elif isinstance(exc, AuthFailed):
        result.status, result.error = "auth_failed", f"authentication failed (HTTP {code})"
    elif code is not None and 300 <= code < 400:
        result.status, result.error = "unhealthy", f"redirected (HTTP {code}); check the URL"
    elif code is not None:
        result.status, result.error = "unhealthy", f"HTTP {code}"
    else:
        result.status, result.error = "error", exc.args[0] if exc.args else exc.__class__.__name__


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
