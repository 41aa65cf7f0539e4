"""A small SSE reader over httpx for tests (real HTTP to the live server)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import httpx


@dataclass
class SSEMessage:
    id: str | None
    data: dict
    comment: bool = False


@dataclass
class SSEReader:
    url: str
    params: dict
    headers: dict = field(default_factory=dict)
    messages: list[SSEMessage] = field(default_factory=list)
    comments: int = 0
    status: int | None = None

    def __post_init__(self):
        # A 1 s heartbeat lets the reader thread notice close() promptly.
        self.params = {"heartbeat": 1, **self.params}
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.connected = threading.Event()
        self._resp = None

    def start(self) -> "SSEReader":
        self._thread.start()
        assert self.connected.wait(20), "SSE stream did not connect"
        return self

    def _run(self) -> None:
        try:
            with httpx.Client(timeout=httpx.Timeout(30.0, read=60.0)) as client:
                with client.stream("GET", self.url, params=self.params, headers=self.headers) as resp:
                    self._resp = resp
                    self.status = resp.status_code
                    self.connected.set()
                    if resp.status_code != 200:
                        return
                    current_id, data = None, []
                    for line in resp.iter_lines():
                        if self._stop.is_set():
                            return
                        if line.startswith(":"):
                            with self._cond:
                                self.comments += 1
                                self._cond.notify_all()
                            continue
                        if line.startswith("id:"):
                            current_id = line[3:].strip()
                        elif line.startswith("data:"):
                            data.append(line[5:].strip())
                        elif line == "" and data:
                            msg = SSEMessage(current_id, json.loads("\n".join(data)))
                            with self._cond:
                                self.messages.append(msg)
                                self._cond.notify_all()
                            current_id, data = None, []
        except (httpx.HTTPError, OSError, RuntimeError, AttributeError):
            pass  # closed by close() from another thread
        finally:
            self.connected.set()

    def wait_for(self, predicate, timeout: float = 30.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout=timeout)

    def events(self, kind: str | None = None) -> list[dict]:
        with self._cond:
            return [m.data for m in self.messages if kind is None or m.data.get("event") == kind]

    def last_id(self) -> str | None:
        with self._cond:
            ids = [m.id for m in self.messages if m.id]
            return ids[-1] if ids else None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
