"""The event bus: order, replay for Last-Event-ID, bounded subscribers, async delivery."""

from __future__ import annotations

import asyncio
import threading

import pytest

from curatarr.jobs.events import EventBus


def test_thread_subscriber_gets_matching_events_in_order():
    bus = EventBus()
    with bus.subscribe(["module.*"]) as sub:
        for i in range(5):
            bus.publish("module.progress", {"i": i})
            bus.publish("job.state", {"i": i})
        got = sub.drain()
    assert [e.data["i"] for e in got] == [0, 1, 2, 3, 4]
    assert all(e.topic == "module.progress" for e in got)
    assert [e.id for e in got] == sorted(e.id for e in got)
    assert bus.subscriber_count() == 0


def test_replay_after_id_and_resync_when_history_is_gone():
    bus = EventBus(history_size=10)
    events = [bus.publish("module.state", {"i": i}) for i in range(25)]
    assert [e.data["i"] for e in bus.replay(events[20].id)] == [21, 22, 23, 24]
    assert bus.replay(events[2].id) is None  # fell out of history
    assert bus.replay(events[-1].id + 1000) is None  # an id from another server life
    with pytest.raises(LookupError):
        bus.subscribe(after_id=events[2].id)
    with bus.subscribe(after_id=events[22].id) as sub:
        bus.publish("module.state", {"i": 25})
        assert [e.data["i"] for e in sub.drain()] == [23, 24, 25]


def test_slow_subscriber_is_dropped_not_blocking():
    bus = EventBus(max_pending=3)
    sub = bus.subscribe()
    for i in range(10):
        bus.publish("x", {"i": i})
    assert sub.overflowed and sub.closed
    assert bus.dropped_subscribers == 1
    assert bus.subscriber_count() == 0


def test_async_subscriber_receives_events_from_threads():
    bus = EventBus()

    async def main():
        sub = bus.subscribe(["job.*"])
        threads = [threading.Thread(target=lambda n=n: [bus.publish("job.progress", {"t": n, "i": i})
                                                        for i in range(50)]) for n in range(4)]
        for t in threads:
            t.start()
        got = []
        while len(got) < 200:
            e = await sub.aget(timeout=5)
            assert e is not None
            got.append(e)
        for t in threads:
            t.join()
        sub.close()
        return got

    got = asyncio.run(main())
    assert [e.id for e in got] == sorted(e.id for e in got)
    for n in range(4):
        assert [e.data["i"] for e in got if e.data["t"] == n] == list(range(50))
