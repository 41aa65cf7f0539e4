"""In-process event bus: workers publish job/module state changes, SSE streams subscribe.

Every event gets a process-wide increasing ``id`` (the SSE ``id:`` field). The last
``history_size`` events are kept so a client that reconnects with ``Last-Event-ID`` receives
exactly what it missed; if it missed more than that it is told to resync (``replay`` returns
None) and gets a fresh snapshot instead.

Publishing never blocks on a slow subscriber: each subscriber has a bounded buffer; one that
falls further behind than ``max_pending`` events is dropped (marked ``overflowed``) and its
client reconnects with Last-Event-ID, which replays from history. So no event is lost silently.

Subscriptions work from threads (``get(timeout)``) and from asyncio (``await aget()``): the bus
hands events to an async subscriber through ``loop.call_soon_threadsafe``, never by polling.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Event:
    id: int
    topic: str
    data: dict
    at: float = field(default_factory=time.time)

    def as_dict(self) -> dict:
        return {"id": self.id, "topic": self.topic, "data": self.data, "at": self.at}


def _matches(topic: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return True
    for p in patterns:
        if p.endswith("*"):
            if topic.startswith(p[:-1]):
                return True
        elif topic == p:
            return True
    return False


class Subscription:
    """One subscriber's view of the bus. Use as a context manager or call ``close()``."""

    def __init__(self, bus: "EventBus", topics: tuple[str, ...], max_pending: int,
                 loop: asyncio.AbstractEventLoop | None):
        self._bus = bus
        self.topics = topics
        self.max_pending = max_pending
        self._loop = loop
        self._aqueue: asyncio.Queue | None = asyncio.Queue() if loop else None
        self._tqueue: queue.SimpleQueue | None = None if loop else queue.SimpleQueue()
        self._pending = 0
        self._lock = threading.Lock()
        self.overflowed = False
        self.closed = False

    # called by the bus (any thread) ---------------------------------------------------------------
    def _offer(self, event: Event) -> None:
        if self.closed or not _matches(event.topic, self.topics):
            return
        with self._lock:
            if self._pending >= self.max_pending:
                self.overflowed = True
                self.closed = True
            else:
                self._pending += 1
        if self.overflowed:
            self._bus._remove(self)
            self._wake(None)  # wake the reader so it sees the overflow
            return
        self._wake(event)

    def _wake(self, item: Event | None) -> None:
        if self._aqueue is not None and self._loop is not None:
            try:
                self._loop.call_soon_threadsafe(self._aqueue.put_nowait, item)
            except RuntimeError:  # loop already closed: the client is gone
                self.closed = True
                self._bus._remove(self)
        elif self._tqueue is not None:
            self._tqueue.put(item)

    def _took(self, item: Event | None) -> Event | None:
        if item is not None:
            with self._lock:
                self._pending -= 1
        return item

    # called by the reader -------------------------------------------------------------------------
    def get(self, timeout: float | None = None) -> Event | None:
        """Next event (thread subscribers); None on timeout, overflow or close."""
        assert self._tqueue is not None, "async subscription: use aget()"
        try:
            return self._took(self._tqueue.get(timeout=timeout))
        except queue.Empty:
            return None

    async def aget(self, timeout: float | None = None) -> Event | None:
        """Next event (async subscribers); None on timeout, overflow or close."""
        assert self._aqueue is not None, "thread subscription: use get()"
        try:
            item = await asyncio.wait_for(self._aqueue.get(), timeout)
        except (asyncio.TimeoutError, TimeoutError):
            return None
        return self._took(item)

    def drain(self) -> list[Event]:
        """Everything already delivered and not yet read (thread subscribers)."""
        out = []
        while True:
            e = self.get(timeout=0)
            if e is None:
                return out
            out.append(e)

    def close(self) -> None:
        self.closed = True
        self._bus._remove(self)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class EventBus:
    def __init__(self, *, history_size: int = 5000, max_pending: int = 10_000):
        self._subs: list[Subscription] = []
        self._lock = threading.RLock()  # re-entered when an overflowing subscriber removes itself
        # Ids start at the current time in ms so ids from a previous server life are always older
        # than this life's history (a reconnecting client then resyncs instead of missing events).
        self._ids = itertools.count(int(time.time() * 1000))
        self._history: collections.deque[Event] = collections.deque(maxlen=history_size)
        self.max_pending = max_pending
        self._hooks: list[Callable[[Event], None]] = []
        self.published = 0
        self.dropped_subscribers = 0

    @property
    def last_id(self) -> int:
        with self._lock:
            return self._history[-1].id if self._history else 0

    def publish(self, topic: str, data: dict) -> Event:
        """Publish ``data`` under ``topic`` (e.g. ``"module.state"``, ``"job.progress"``)."""
        with self._lock:
            # id assignment, history append and fan-out happen under one lock, so every
            # subscriber sees events in id order.
            event = Event(next(self._ids), topic, dict(data))
            self._history.append(event)
            self.published += 1
            subs = list(self._subs)
            for sub in subs:
                sub._offer(event)
        for hook in list(self._hooks):
            try:
                hook(event)
            except Exception:  # a broken hook never breaks publishing
                pass
        return event

    def subscribe(self, topics: Iterable[str] = (), *, loop: asyncio.AbstractEventLoop | None = None,
                  max_pending: int | None = None, after_id: int | None = None) -> Subscription:
        """Subscribe to ``topics`` (exact names or ``"prefix*"``; empty = everything).

        With ``loop`` (or when called inside a running event loop and ``loop`` is omitted) the
        subscription is async. ``after_id`` atomically replays history newer than that id first
        (raises LookupError when that part of history is gone).
        """
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        sub = Subscription(self, tuple(topics), max_pending or self.max_pending, loop)
        with self._lock:
            if after_id is not None:
                missed = self._replay_locked(after_id)
                if missed is None:
                    raise LookupError("history no longer holds the events after that id")
                for e in missed:
                    sub._offer(e)
            self._subs.append(sub)
        return sub

    def replay(self, after_id: int, topics: Iterable[str] = ()) -> list[Event] | None:
        """Events after ``after_id`` still in history (None if some are already gone)."""
        with self._lock:
            missed = self._replay_locked(after_id)
        if missed is None:
            return None
        pats = tuple(topics)
        return [e for e in missed if _matches(e.topic, pats)]

    def _replay_locked(self, after_id: int) -> list[Event] | None:
        if not self._history:
            return [] if after_id <= 0 else None
        if after_id > self._history[-1].id:
            return None  # an id this bus never issued
        oldest = self._history[0].id
        if after_id < oldest - 1:
            return None
        return [e for e in self._history if e.id > after_id]

    def add_hook(self, hook: Callable[[Event], None]) -> None:
        """Call ``hook(event)`` synchronously after every publish (cheap work only)."""
        self._hooks.append(hook)

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subs)

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)
                if sub.overflowed:
                    self.dropped_subscribers += 1
