"""Failure injection for simulators: rules that make matching requests misbehave.

A :class:`FaultRule` matches on a path regex (``re.search`` against the URL path) and an optional
method, and applies one ``kind``:

* ``latency``    — sleep ``ms`` milliseconds, then answer normally
* ``status``     — answer ``status`` (e.g. 500, 503) with a small JSON body
* ``rate_limit`` — answer 429 with ``Retry-After: <retry_after>``
* ``timeout``    — hang until the client gives up (disconnects), at most ``hang_s`` seconds
* ``malformed``  — answer normally but truncate the body (``body="garbage"`` replaces it instead)
* ``bad_auth``   — answer the service's "unauthorized" response, whatever credentials were sent

``times`` is how many requests the rule applies to (``None`` = forever). Rules are tried in the
order they were added; the first one that matches and still has uses left wins.

Set rules from Python (``sim.faults.add(path="/api/v3/movie", kind="status", status=503, times=2)``)
or over HTTP (``POST /__sim__/faults`` with the same fields as JSON; ``GET`` lists, ``DELETE``
clears).
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_KINDS = ("latency", "status", "rate_limit", "timeout", "malformed", "bad_auth")


@dataclass
class FaultRule:
    kind: str
    path: str = ".*"
    method: str | None = None
    times: int | None = None        # None = forever
    ms: int = 0                     # latency
    status: int = 500               # status
    retry_after: float = 1          # rate_limit
    hang_s: float = 30.0            # timeout: upper bound on the hang
    body: str = "truncate"          # malformed: "truncate" | "garbage" | "empty" | "html"
    id: int = 0
    hits: int = 0
    _regex: re.Pattern[str] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0 or null (forever)")
        self.method = self.method.upper() if self.method else None
        self._regex = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method and self.method != method.upper():
            return False
        return self._regex.search(path) is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_regex", None)
        data["remaining"] = None if self.times is None else max(0, self.times - self.hits)
        return data


class FaultInjector:
    """The rule set of one simulator. Thread-safe: tests add rules while the server runs."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, kind: str | None = None, *, path: str = ".*", method: str | None = None,
            times: int | None = None, **options: Any) -> FaultRule:
        """Add a rule (see module docstring for kinds and options); returns it."""
        if kind is None:
            kind = options.pop("kind")
        rule = FaultRule(kind=kind, path=path, method=method, times=times, **options)
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule

    def add_from_dict(self, data: dict[str, Any]) -> FaultRule:
        allowed = {"kind", "path", "method", "times", "ms", "status", "retry_after", "hang_s", "body"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        if "kind" not in data:
            raise ValueError("field 'kind' is required")
        return self.add(**data)

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first matching rule with uses left; counts the use."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.hits += 1
                    return rule
        return None

    def __len__(self) -> int:
        return len(self._rules)
