"""Per-client token buckets for login attempts (about one per 5 s with a burst of 5)."""

from __future__ import annotations

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
