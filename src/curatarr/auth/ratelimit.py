"""Per-client token buckets for login attempts (about one per 5 s with a burst of 5).

The same buckets guard password checks of HTTP Basic credentials (see ``auth.deps``), so Basic on
an ordinary route is no way around the login limit.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time


class TokenBucketLimiter:
    def __init__(self, rate_per_second: float, burst: int, idle_ttl: float = 600.0):
        self.rate = rate_per_second
        self.burst = burst
        self.idle_ttl = idle_ttl
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take a token for ``key``. Returns 0 if allowed, else seconds until the next token."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > 10_000:
                self._prune(now)
        return wait

    def peek(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 if a token is available), without taking one."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after_header(wait: float) -> str:
        return str(max(1, math.ceil(wait)))

    def _prune(self, now: float) -> None:
        for key, (_, last) in list(self._buckets.items()):
            if now - last > self.idle_ttl:
                del self._buckets[key]

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def login_limiter(rt) -> TokenBucketLimiter:
    """The runtime's login limiter, rebuilt when ``auth.login_rate_per_second``/``login_burst`` change."""
    limiter = rt.login_limiter
    a = rt.settings.auth
    if limiter is None or (limiter.rate, limiter.burst) != (a.login_rate_per_second, a.login_burst):
        limiter = rt.login_limiter = TokenBucketLimiter(a.login_rate_per_second, a.login_burst)
    return limiter


# How the server is run (``curatarr serve``, ``curatarr demo``): uvicorn's own proxy-header handling
# is off, because it trusts X-Forwarded-For from 127.0.0.1 by default and rewrites the peer address
# before the app sees it. ``general.trusted_proxies`` (read by :func:`client_address`) decides instead.
UVICORN_OPTIONS: dict = {"proxy_headers": False}


def _in_networks(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _networks(trusted: list[str]) -> list:
    out = []
    for item in trusted:
        try:
            out.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            continue  # refused on save; a hand-edited bad entry trusts nothing
    return out


def client_address(request, trusted_proxies: list[str]) -> str:
    """The address the login limit counts against.

    ``X-Forwarded-For`` is believed only when the connection comes from a configured trusted proxy
    (``general.trusted_proxies``; default none): then the right-most address in the header that is
    not itself a trusted proxy is the client. Anyone else sending the header is ignored, so rotating
    it cannot reset the limit.
    """
    peer = request.client.host if request.client else "unknown"
    networks = _networks(trusted_proxies or [])
    if not networks or not _in_networks(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, networks):
            return hop
    return hops[0] if hops else peer
