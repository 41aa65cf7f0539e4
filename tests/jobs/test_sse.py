"""GET /api/modules/events over real HTTP: auth, snapshot, ordered progress, resume, heartbeats."""

from __future__ import annotations

import httpx

from tests.jobs.sse_client import SSEReader

WAIT = 30


def reader(live_server, **params) -> SSEReader:
    return SSEReader(f"{live_server.url}/api/modules/events", {"token": live_server.token, **params})


def test_requires_a_token(live_server):
    r = httpx.get(f"{live_server.url}/api/modules/events", timeout=10)
    assert r.status_code == 401
    r = httpx.get(f"{live_server.url}/api/modules/events", params={"token": "not-a-jwt"}, timeout=10)
    assert r.status_code == 401


def test_progress_events_arrive_in_order(live_server, controls):
    rt = live_server.server.config.app.state.runtime
    sse = reader(live_server).start()
    try:
        assert sse.status == 200
        assert sse.wait_for(lambda s: any(e.get("module") == "stepper" for e in s.events("status_change")))
        job_id = rt.jobs.submit("stepper", overrides={"items": 6, "token": controls.token})
        assert rt.jobs.wait(job_id, WAIT)["status"] == "success"
        assert sse.wait_for(lambda s: any(e.get("job_id") is None and e.get("last_job_id") == job_id
                                          for e in s.events("status_change")))
        mine = [e for e in sse.events() if e.get("module") == "stepper" and e.get("event") in ("status_change", "progress")]
        progress = [e["done"] for e in mine if e["event"] == "progress" and e["job_id"] == job_id]
        assert progress == sorted(progress) and progress[-1] == 6
        statuses = [e["status"] for e in mine if e["event"] == "status_change"]
        assert "running" in statuses
        assert statuses.index("running") < len(statuses) - 1 and statuses[-1] == "idle"
        ids = [int(m.id) for m in sse.messages if m.id]
        assert ids == sorted(ids) and len(ids) == len(set(ids))
    finally:
        sse.close()


def test_resume_with_last_event_id_delivers_missed_events(live_server, controls):
    rt = live_server.server.config.app.state.runtime
    first = reader(live_server).start()
    assert first.wait_for(lambda s: s.last_id() is not None or len(s.messages) > 1)
    a = rt.jobs.submit("stepper", overrides={"items": 2})
    rt.jobs.wait(a, WAIT)
    assert first.wait_for(lambda s: any(e.get("last_job_id") == a for e in s.events("status_change")))
    resume_from = first.last_id()
    first.close()
    # While disconnected: another run.
    b = rt.jobs.submit("stepper", overrides={"items": 3})
    rt.jobs.wait(b, WAIT)
    second = SSEReader(f"{live_server.url}/api/modules/events", {"token": live_server.token},
                       headers={"Last-Event-ID": resume_from}).start()
    try:
        assert second.wait_for(lambda s: any(e.get("last_job_id") == b for e in s.events("status_change")))
        hello = second.events("connected")[0]
        assert hello["resumed"] is True
        missed = [e for e in second.events("progress") if e.get("job_id") == b]
        assert [e["done"] for e in missed][-1] == 3
        assert not [e for e in second.events("progress") if e.get("job_id") == a]  # nothing old replayed
    finally:
        second.close()


def test_stale_last_event_id_gets_a_fresh_snapshot(live_server):
    sse = SSEReader(f"{live_server.url}/api/modules/events", {"token": live_server.token},
                    headers={"Last-Event-ID": "5"}).start()
    try:
        assert sse.wait_for(lambda s: len(s.events("status_change")) >= 1)
        assert sse.events("connected")[0]["resumed"] is False
    finally:
        sse.close()


def test_heartbeat_comments(live_server):
    sse = reader(live_server, heartbeat=0.5).start()  # overrides the reader default
    try:
        assert sse.wait_for(lambda s: s.comments >= 2)
    finally:
        sse.close()
