"""Run notifications per policy, and /api/notifications*, against the notification simulators."""

from __future__ import annotations

import time

import pytest

from curatarr.jobs.notifications import configured_targets, format_job, parse_target, wants, TargetError
from tests._fixtures import sim_cluster

HOOK_ID, HOOK_TOKEN = "123456789012345678", "hookTokenSECRETabc123"
NOTIFIARR_KEY, KUMA_TOKEN = "notifiarrSECRETkey1", "kumaPushSECRET1"
WAIT = 30
MASK = "********"


@pytest.fixture(scope="module")
def sims():
    """The notification-target simulators' servers by name (``.url``, ``.sim``)."""
    services = [("discord", "discord"), ("notifiarr", "notifiarr"), ("uptime_kuma", "kuma"), ("push_targets", "push")]
    keys = {"discord": HOOK_TOKEN, "notifiarr": NOTIFIARR_KEY, "kuma": KUMA_TOKEN}
    with sim_cluster(services=services, api_keys=keys, webhook_id=HOOK_ID) as cluster:
        yield cluster.servers


@pytest.fixture
def fresh_sims(sims):
    for s in sims.values():
        s.sim.reset()
    return sims


def urls(sims) -> dict:
    host = sims["push"].url.split("://", 1)[1]
    return {"discord": f"{sims['discord'].url}/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}",
            "notifiarr": f"{sims['notifiarr'].url}/api/v1/notification/passthrough/{NOTIFIARR_KEY}",
            "kuma": f"{sims['kuma'].url}/api/push/{KUMA_TOKEN}?status=up&msg=OK&ping=",
            "json": f"json://{host}/json/curatarr"}


def wait_notified(rt, job_id) -> list:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job = rt.jobs.get(job_id)
        sent = ((job.get("result") or {}).get("data") or {}).get("notifications")
        if sent is not None:
            return sent
        time.sleep(0.05)
    raise AssertionError("no notification result recorded")


def test_run_end_notifications_reach_every_simulator(started, fresh_sims, controls):
    rt = started
    u = urls(fresh_sims)
    rt.config.update({"notifications": {
        "main": {"kuma": {"type": "uptime_kuma", "url": u["kuma"]}},
        "stepper": {"discord": {"webhook": u["discord"], "bot_name": "Curatarr"},
                    "notifiarr": {"webhook": u["notifiarr"], "channel_id": 123456789012345678},
                    "apprise": {"url": u["json"], "policy": "changes"}},
    }})
    job_id = rt.jobs.submit("stepper", overrides={"items": 3, "token": controls.token})
    assert rt.jobs.wait(job_id, WAIT)["status"] == "success"
    sent = wait_notified(rt, job_id)
    assert sorted((r["scope"], r["name"], r["ok"]) for r in sent) == [
        ("main", "kuma", True), ("stepper", "apprise", True), ("stepper", "discord", True), ("stepper", "notifiarr", True)]

    (msg,) = fresh_sims["discord"].sim.events("messages")
    embed = msg["payload"]["embeds"][0]
    assert msg["payload"]["username"] == "Curatarr"
    assert embed["title"] == "Stepper: 3 changed"
    assert "processed 3" in embed["description"]
    items = [f for f in embed["fields"] if f["name"].startswith("Changed")]
    assert items and items[0]["value"].split("\n") == ["item 0", "item 1", "item 2"]

    (note,) = fresh_sims["notifiarr"].sim.events("notifications")
    assert note["payload"]["notification"]["name"] == "Stepper"
    assert note["payload"]["discord"]["ids"] == {"channel": 123456789012345678}

    (beat,) = fresh_sims["kuma"].sim.events("heartbeats")
    assert beat["status"] == "up" and beat["msg"].startswith("Stepper: 3 changed")

    (got,) = fresh_sims["push"].sim.events("received")
    assert got["title"] == "Stepper: 3 changed"
    assert "- item 2" in got["message"]


def test_policies_on_error_and_on_changes(started, fresh_sims, controls):
    rt = started
    u = urls(fresh_sims)
    rt.config.update({"notifications": {"stepper": {
        "discord": {"webhook": u["discord"], "policy": "error"},
        "apprise": {"url": u["json"], "policy": "changes"},
        "kuma": {"type": "uptime_kuma", "url": u["kuma"], "enabled": False}}}})
    quiet = rt.jobs.submit("stepper", overrides={"items": 0})
    assert rt.jobs.wait(quiet, WAIT)["status"] == "success"
    failing = rt.jobs.submit("stepper", overrides={"items": 3, "fail_at": 1, "token": controls.token})
    assert rt.jobs.wait(failing, WAIT)["status"] == "error"
    sent = wait_notified(rt, failing)
    assert sorted(r["name"] for r in sent) == ["apprise", "discord"]
    assert ((rt.jobs.get(quiet).get("result") or {}).get("data") or {}).get("notifications") is None
    (msg,) = fresh_sims["discord"].sim.events("messages")
    embed = msg["payload"]["embeds"][0]
    assert embed["title"] == "Stepper failed" and "boom at 1" in embed["description"]
    assert embed["color"] == 16711680
    assert len(fresh_sims["push"].sim.events("received")) == 1
    assert fresh_sims["kuma"].sim.events("heartbeats") == []


def test_notifications_api_save_mask_delete(client, fresh_sims):
    u = urls(fresh_sims)
    r = client.post("/api/notifications", json={"module": "stepper", "service_type": "discord",
                                                "config": {"webhook": u["discord"], "policy": "changes"}})
    assert r.status_code == 200, r.text
    assert r.json()["config"]["webhook"] == MASK
    body = client.get("/api/notifications").json()
    assert body["notifications"]["stepper"]["discord"]["webhook"] == MASK
    assert HOOK_TOKEN not in str(body)
    assert body["targets"][0]["policy"] == "changes"
    assert client.get("/api/notifications/stepper").json()["notifications"]["discord"]["policy"] == "changes"
    # Saving back the masked value keeps the stored secret.
    r = client.post("/api/notifications", json={"module": "stepper", "service_type": "discord",
                                                "config": {"webhook": MASK, "policy": "always"}})
    assert r.status_code == 200
    rt = client.app.state.runtime
    assert rt.config.get_section("notifications")["stepper"]["discord"] == {"webhook": u["discord"], "policy": "always"}
    # Invalid targets are refused with a reason.
    bad = client.post("/api/notifications", json={"module": "stepper", "service_type": "pager",
                                                  "config": {"url": "x"}})
    assert bad.status_code == 422 and "unknown type" in bad.json()["message"]
    bad = client.post("/api/notifications", json={"module": "stepper", "service_type": "discord",
                                                  "config": {"webhook": u["discord"], "policy": "sometimes"}})
    assert bad.status_code == 422 and "policy" in bad.json()["message"]
    assert client.post("/api/notifications", json={"module": "nope", "service_type": "discord",
                                                   "config": {"webhook": "x"}}).status_code == 400
    assert client.delete("/api/notifications/stepper/discord").status_code == 200
    assert client.delete("/api/notifications/stepper/discord").status_code == 404
    assert "stepper" not in client.get("/api/notifications").json()["notifications"]


def test_notifications_test_endpoint_sends_for_real(client, fresh_sims):
    u = urls(fresh_sims)
    client.post("/api/notifications", json={"module": "main", "service_type": "discord", "config": {"webhook": u["discord"]}})
    r = client.post("/api/notifications/test", json={"module": "main",
                                                      "notifications": {"discord": {"webhook": MASK}}})
    assert r.status_code == 200, r.text
    assert r.json()["success"] is True and r.json()["results"][0]["ok"] is True
    (msg,) = fresh_sims["discord"].sim.events("messages")
    assert msg["payload"]["embeds"][0]["title"] == "Curatarr: test notification"
    r = client.post("/api/notifications/test", json={"module": "main", "service_type": "discord"})
    assert r.status_code == 200 and len(fresh_sims["discord"].sim.events("messages")) == 2
    wrong = u["discord"].replace(HOOK_TOKEN, "wrongTokenXYZ123")
    r = client.post("/api/notifications/test", json={"notifications": {"discord": {"webhook": wrong}}})
    assert r.status_code == 400
    assert r.json()["success"] is False and "wrongTokenXYZ123" not in r.text
    r = client.post("/api/notifications/test", json={"notifications": {"kuma": {"type": "uptime_kuma", "url": u["kuma"]}}})
    assert r.status_code == 200 and fresh_sims["kuma"].sim.events("heartbeats")[0]["msg"].startswith("Curatarr")


# ---- pure parts ------------------------------------------------------------------------------------

def test_policy_table():
    table = [("always", "success", 0, True), ("always", "cancelled", 0, True), ("changes", "success", 0, False),
             ("changes", "success", 2, True), ("changes", "error", 0, True), ("error", "success", 5, False),
             ("error", "error", 0, True), ("error", "interrupted", 0, True)]
    for policy, status, changed, expected in table:
        job = {"status": status, "result": {"changed": [{"description": "x"}] * changed}}
        assert wants(policy, job) is expected, (policy, status, changed)


def test_target_parsing():
    t = parse_target("main", "email", {"smtp_server": "smtp.lan", "username": "me", "password": "p@ss",
                                       "from": "me@lan", "to": ["you@lan"], "smtp_port": 587})
    assert t.kind == "email" and t.target.url.startswith("mailtos://me:p%40ss@smtp.lan:587?to=you@lan")
    assert parse_target("m", "discord", {"webhook": "https://x/api/webhooks/1/t", "policy": "on_error"}).policy == "error"
    with pytest.raises(TargetError):
        parse_target("m", "discord", {})
    targets, errors = configured_targets({"main": {"discord": {"webhook": "https://x/api/webhooks/1/t"},
                                                   "bad": {"type": "fax", "url": "x"}}})
    assert [t.name for t in targets] == ["discord"] and "fax" in errors[0]


def test_format_job_summary_is_readable():
    job = {"id": 7, "module": "stepper", "status": "success", "dry_run": True, "source": "schedule",
           "duration_seconds": 75.0, "result": {"counts": {"renamed": 2, "skipped": 1},
                                                "changed": [{"description": "A (2001)"}, {"description": "B (2002)"}],
                                                "truncated": 3, "warnings": ["slow"]}}
    n = format_job(job)
    assert n.title == "[Dry run] Stepper: 5 changed"
    assert n.body == "renamed 2 · skipped 1 · took 1m 15s"
    assert n.items == ["A (2001)", "B (2002)", "… and 3 more"]
    assert ("Job", "#7 (schedule)") in n.fields and n.level == "warning"
    assert n.ping_ms == 75000.0


def test_always_policy_also_reports_interrupted_jobs(started, fresh_sims, controls):
    """Issue #20, item 8: a job the stopping server records ``interrupted`` is notified once."""
    rt = started
    u = urls(fresh_sims)
    rt.config.update({"notifications": {"stepper": {"discord": {"webhook": u["discord"], "policy": "always"}}}})
    controls.hold(1)
    job_id = rt.jobs.submit("stepper", overrides={"items": 3, "token": controls.token, "ignore_cancel": True})
    assert controls.reached[1].wait(WAIT)
    rt.jobs.stop(grace=0)  # the job is held and ignores the cancel: it is recorded interrupted
    assert rt.jobs.store.get(job_id)["status"] == "interrupted"
    (msg,) = fresh_sims["discord"].sim.events("messages")
    assert "interrupted" in msg["payload"]["embeds"][0]["title"]
    controls.release[1].set()  # the worker finishes late: no second notification for the same end
    deadline = time.monotonic() + WAIT
    while controls.processed != [0, 1, 2] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fresh_sims["discord"].sim.events("messages")) == 1
