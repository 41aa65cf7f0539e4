"""Wire behaviour of the notification receivers: Discord, Notifiarr, Uptime Kuma, push targets."""

from __future__ import annotations

import httpx
import pytest

from curatarr.sims import discord as discord_sim
from curatarr.sims import notifiarr as notifiarr_sim
from curatarr.sims import push_targets as push_sim
from curatarr.sims import uptime_kuma as kuma_sim
from curatarr.sims.server import SimServer

HOOK_ID, TOKEN = "123456789012345678", "discord-token-abc"


@pytest.fixture(scope="module")
def discord():
    with SimServer(discord_sim.create_app(api_key=TOKEN, webhook_id=HOOK_ID)) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _reset(discord):
    discord.sim.reset()


def post(discord, payload, *, token=TOKEN, hook=HOOK_ID, **params):
    return httpx.post(f"{discord.url}/api/webhooks/{hook}/{token}", json=payload, params=params)


def embed(**kw):
    return {"title": "t", "description": "d", "color": 0x57F287, **kw}


# ---- Discord --------------------------------------------------------------------------------------
def test_discord_accepts_valid_message_with_204_and_records_it(discord):
    resp = post(discord, {"username": "Curatarr", "embeds": [embed(fields=[{"name": "a", "value": "b"}])]})
    assert resp.status_code == 204 and resp.content == b""
    (msg,) = discord.sim.events("messages")
    assert msg["payload"]["embeds"][0]["fields"] == [{"name": "a", "value": "b"}]


def test_discord_wait_true_returns_message(discord):
    resp = post(discord, {"content": "hello"}, wait="true")
    assert resp.status_code == 200 and resp.json()["content"] == "hello" and resp.json()["webhook_id"] == HOOK_ID


@pytest.mark.parametrize("payload,path", [
    ({"content": "x" * 2001}, ["content"]),
    ({"embeds": [embed() for _ in range(11)]}, ["embeds"]),
    ({"embeds": [embed(title="x" * 257)]}, ["embeds", "0", "title"]),
    ({"embeds": [embed(description="x" * 4097)]}, ["embeds", "0", "description"]),
    ({"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]}, ["embeds", "0", "fields"]),
    ({"embeds": [embed(fields=[{"name": "", "value": "v"}])]}, ["embeds", "0", "fields", "0", "name"]),
    ({"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]}, ["embeds", "0", "fields", "0", "value"]),
    ({"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]}, ["embeds", "0", "fields", "0", "name"]),
    ({"embeds": [embed(footer={"text": "f" * 2049})]}, ["embeds", "0", "footer", "text"]),
    ({"embeds": [embed(color=0x1000000)]}, ["embeds", "0", "color"]),
    ({"embeds": [embed(description="x" * 4000), embed(description="y" * 2100)]}, ["embeds"]),
    ({"username": "discord bot", "content": "x"}, ["username"]),
])
def test_discord_rejects_limit_violations_like_discord(discord, payload, path):
    resp = post(discord, payload)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
    node = body["errors"]
    for key in path:
        node = node[key]
    assert node["_errors"][0]["code"]
    assert discord.sim.events("messages") == []


def test_discord_empty_message_and_bad_json(discord):
    assert post(discord, {}).json()["code"] == 50006
    bad = httpx.post(f"{discord.url}/api/webhooks/{HOOK_ID}/{TOKEN}", content=b"{nope",
                     headers={"content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["code"] == 50109


def test_discord_unknown_webhook_and_wrong_token(discord):
    unknown = post(discord, {"content": "x"}, hook="1", token="nope")
    assert unknown.status_code == 404 and unknown.json() == discord_sim.UNKNOWN_WEBHOOK
    wrong = post(discord, {"content": "x"}, token="nope")
    assert wrong.status_code == 401 and wrong.json()["code"] == 50027


def test_discord_rate_limit_fault(discord):
    discord.sim.faults.add("rate_limit", path="/api/webhooks/", times=1, retry_after=1.5)
    limited = post(discord, {"content": "x"})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1.5"
    assert limited.json()["retry_after"] == 1.5
    assert post(discord, {"content": "x"}).status_code == 204


# ---- Notifiarr ------------------------------------------------------------------------------------
def valid_passthrough():
    return {"notification": {"update": False, "name": "Curatarr", "event": ""},
            "discord": {"color": "00FF00", "ping": {"pingUser": 0, "pingRole": 0},
                        "images": {"thumbnail": "", "image": ""},
                        "text": {"title": "t", "icon": "", "content": "", "description": " ",
                                 "fields": [{"title": "a", "text": "b", "inline": False}], "footer": "f"},
                        "ids": {"channel": 123}}}


def test_notifiarr_receiver():
    with SimServer(notifiarr_sim.create_app(api_key="nkey")) as srv:
        base = f"{srv.url}/api/v1/notification/passthrough"
        assert httpx.post(f"{base}/nkey", json=valid_passthrough()).json()["result"] == "success"
        assert httpx.post(base, json=valid_passthrough(), headers={"X-API-Key": "nkey"}).json()["result"] == "success"
        assert httpx.post(f"{base}/wrong", json=valid_passthrough()).status_code == 401
        bad = valid_passthrough()
        bad["discord"]["color"] = 65280  # an int: Notifiarr wants a hex string
        resp = httpx.post(f"{base}/nkey", json=bad)
        assert resp.status_code == 200 and resp.json()["result"] == "error"  # 200 can still carry an error
        bad = valid_passthrough()
        bad["discord"]["text"]["fields"] = [{"name": "a", "value": "b"}]  # Discord's names, not Notifiarr's
        assert httpx.post(f"{base}/nkey", json=bad).json()["result"] == "error"
        assert httpx.post(f"{base}/nkey", content=b"nope").status_code == 400
        assert len(srv.sim.events("notifications")) == 2 and len(srv.sim.events("rejected")) == 2


# ---- Uptime Kuma ----------------------------------------------------------------------------------
def test_uptime_kuma_push():
    app = kuma_sim.create_app(api_key="push1", extra_tokens=["push2"])
    with SimServer(app) as srv:
        assert httpx.get(f"{srv.url}/api/push/push1", params={"status": "up", "msg": "OK", "ping": "12.5"}
                         ).json() == {"ok": True}
        assert httpx.post(f"{srv.url}/api/push/push2", params={"status": "weird", "ping": "-4"}).json()["ok"]
        missing = httpx.get(f"{srv.url}/api/push/nope")
        assert missing.status_code == 404 and missing.json() == kuma_sim.NOT_FOUND
        app.state.pause("push1")
        assert httpx.get(f"{srv.url}/api/push/push1").status_code == 404
        first, second = srv.sim.events("heartbeats")
        assert (first["status"], first["msg"], first["ping"]) == ("up", "OK", 12.5)
        assert (second["status"], second["msg"], second["ping"]) == ("down", "OK", None)


# ---- push targets (Apprise json/form/ntfy/gotify) --------------------------------------------------
def test_push_targets_record_each_scheme():
    with SimServer(push_sim.create_app(api_key="gtok")) as srv:
        u = srv.url
        assert httpx.post(f"{u}/json/a/b", json={"version": "1.0", "title": "T", "message": "M", "type": "info"}
                          ).status_code == 200
        assert httpx.post(f"{u}/json/a", content=b"not json", headers={"content-type": "text/plain"}
                          ).status_code == 400
        assert httpx.post(f"{u}/form/x", data={"title": "T", "message": "M", "type": "success"}).status_code == 200
        assert httpx.post(f"{u}/", json={"topic": "tp", "title": "T", "message": "M"}).json()["topic"] == "tp"
        assert httpx.post(f"{u}/", json={"message": "no topic"}).status_code == 400
        assert httpx.post(f"{u}/plain-topic", content=b"body text", headers={"X-Title": "T"}).status_code == 200
        assert httpx.post(f"{u}/message", json={"title": "T", "message": "M", "priority": 5},
                          headers={"X-Gotify-Key": "gtok"}).json()["priority"] == 5
        assert httpx.post(f"{u}/message", params={"token": "gtok"}, json={"message": "M"}).status_code == 200
        assert httpx.post(f"{u}/message", json={"message": "M"}, headers={"X-Gotify-Key": "bad"}).status_code == 401
        got = [(e["scheme"], e["title"], e["message"]) for e in srv.sim.events("received")]
        assert got == [("json", "T", "M"), ("form", "T", "M"), ("ntfy", "T", "M"), ("ntfy", "T", "body text"),
                       ("gotify", "T", "M"), ("gotify", "", "M")]
        assert all("x-gotify-key" not in e["headers"] for e in srv.sim.events("received"))
