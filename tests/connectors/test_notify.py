"""Notifier: pure rendering (Discord limits, Notifiarr shape, masking) and delivery to the sims."""

from __future__ import annotations

import json
import logging

import pytest

from curatarr.connectors.errors import BadResponse, NotFound, RateLimited, Unreachable
from curatarr.connectors.http import RetryPolicy
from curatarr.connectors.notify import (
    DISCORD_EMBED_TOTAL,
    InvalidTarget,
    Notification,
    Notifier,
    NotifyTarget,
    discord_embeds,
    discord_payloads,
    discord_webhook_url,
    infer_kind,
    mask_url,
    notifiarr_payloads,
    plain_text,
)

MASK = "********"


# ---- pure rendering ---------------------------------------------------------------------------
def _embed_text(e: dict) -> int:
    return (len(e.get("title", "")) + len(e.get("description", "")) + len(e.get("footer", {}).get("text", ""))
            + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", [])))


def _check_discord_limits(messages: list[list[dict]]) -> None:
    for embeds in messages:
        assert 1 <= len(embeds) <= 10
        assert sum(_embed_text(e) for e in embeds) <= DISCORD_EMBED_TOTAL
        for e in embeds:
            assert len(e["title"]) <= 256 and len(e.get("description", "")) <= 4096
            assert len(e.get("fields", [])) <= 25
            for f in e.get("fields", []):
                assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024


def test_small_notification_is_one_embed_with_fields_and_level_colour():
    n = Notification(title="Poster Renamerr", body="Run finished", level="success",
                     fields=[("Renamed", "3"), ("Errors", "0")], items=["The Matrix (1999)"])
    (message,) = discord_embeds(n)
    (embed,) = message
    assert embed["title"] == "Poster Renamerr"
    assert embed["description"] == "Run finished"
    assert embed["color"] == 5763719
    assert [f["name"] for f in embed["fields"]] == ["Renamed", "Errors", "Items"]
    assert embed["fields"][2]["value"] == "The Matrix (1999)"
    assert embed["timestamp"].endswith("Z")


def test_long_item_list_is_chunked_within_discord_limits_and_keeps_every_item():
    items = [f"Movie number {i:04d}: A Rather Long Title For Testing (19{i % 100:02d})" for i in range(700)]
    n = Notification(title="Renamed", body="x" * 5000, items=items, fields=[("", "")])
    messages = discord_embeds(n)
    _check_discord_limits(messages)
    assert len(messages) > 1
    titles = [e["title"] for m in messages for e in m]
    assert titles[0] == f"Renamed (1/{len(titles)})" and titles[-1] == f"Renamed ({len(titles)}/{len(titles)})"
    assert messages[0][0]["description"].endswith("…") and len(messages[0][0]["description"]) == 4096
    listed = [line for m in messages for e in m for f in e.get("fields", []) if f["name"].startswith("Items")
              for line in f["value"].split("\n")]
    assert listed == items
    empty = messages[0][0]["fields"][0]
    assert empty["name"] == "\u200b" and empty["value"] == "\u200b"  # Discord rejects empty strings


def test_many_fields_split_at_25_per_embed():
    n = Notification(title="t", fields=[(f"f{i}", "v") for i in range(60)])
    messages = discord_embeds(n)
    _check_discord_limits(messages)
    assert [len(e["fields"]) for m in messages for e in m] == [25, 25, 10]
    assert len(messages) == 1  # small fields: all three embeds fit in one message


def test_huge_single_item_is_clipped():
    (message,) = discord_embeds(Notification(title="t", items=["y" * 5000]))
    assert len(message[0]["fields"][0]["value"]) == 1024


def test_discord_payload_has_username_and_avatar():
    (payload,) = discord_payloads(Notification(title="t"), username="Curatarr", avatar_url="https://x/y.png")
    assert payload["username"] == "Curatarr" and payload["avatar_url"] == "https://x/y.png"


def test_notifiarr_payload_shape():
    n = Notification(title="Labelarr", body="Synced", fields=[("Movies", "The Matrix (1999)")],
                     level="error", source="Labelarr")
    (payload,) = notifiarr_payloads(n, channel=123456789012345678)
    assert payload["notification"] == {"update": False, "name": "Labelarr", "event": ""}
    d = payload["discord"]
    assert d["color"] == "FF0000" and d["ids"] == {"channel": 123456789012345678}
    assert d["text"]["fields"] == [{"title": "Movies", "text": "The Matrix (1999)", "inline": True}]
    assert d["text"]["description"] == "Synced" and d["ping"] == {"pingUser": 0, "pingRole": 0}


def test_plain_text_caps_items():
    text = plain_text(Notification(title="t", body="b", fields=[("k", "v")], items=[str(i) for i in range(150)]))
    assert text.startswith("b\nk: v\nItems:\n- 0\n")
    assert text.endswith("… and 50 more")


def test_level_is_validated():
    with pytest.raises(ValueError):
        Notification(title="t", level="fatal")  # type: ignore[arg-type]


@pytest.mark.parametrize("url,kind,masked", [
    ("https://discord.com/api/webhooks/123456789012345678/AbCdEf-token_XYZ", "discord",
     f"https://discord.com/api/webhooks/123456789012345678/{MASK}"),
    ("discord://123456789012345678/AbCdEfToken", "discord", f"discord://{MASK}/{MASK}"),
    ("https://notifiarr.com/api/v1/notification/passthrough/abcd-1234", "notifiarr",
     f"https://notifiarr.com/api/v1/notification/passthrough/{MASK}"),
    ("http://kuma.lan:3001/api/push/Xy12AbCd", "uptime_kuma", f"http://kuma.lan:3001/api/push/{MASK}"),
    ("json://127.0.0.1:8080/hook?-X-Token=abc", "apprise", f"json://127.0.0.1:8080/{MASK}?-X-Token={MASK}"),
    ("gotify://gotify.lan/AbCdEfGh", "apprise", f"gotify://gotify.lan/{MASK}"),
    ("mailtos://me:pw@smtp.example.com:587?to=a@x.com", "apprise",
     f"mailtos://{MASK}@smtp.example.com:587?to={MASK}"),
    ("https://u:pw@host.lan/p?apikey=s3cret&x=1", "apprise", f"https://u:{MASK}@host.lan/p?apikey={MASK}&x=1"),
])
def test_infer_kind_and_mask_url(url, kind, masked):
    assert infer_kind(url) == kind
    assert mask_url(url) == masked


def test_mask_url_hides_unparseable_tokens():
    assert "AAHdq" not in mask_url("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/12315544/")


def test_discord_scheme_is_rewritten():
    assert discord_webhook_url("discord://123/abc") == "https://discord.com/api/webhooks/123/abc"
    with pytest.raises(InvalidTarget):
        discord_webhook_url("discord://only-one-part")


# ---- delivery to the simulators over real HTTP --------------------------------------------------
from curatarr.connectors.errors import AuthFailed  # noqa: E402
from curatarr.sims import discord as discord_sim  # noqa: E402
from curatarr.sims import notifiarr as notifiarr_sim  # noqa: E402
from curatarr.sims import push_targets as push_sim  # noqa: E402
from curatarr.sims import uptime_kuma as kuma_sim  # noqa: E402
from curatarr.sims.server import SimServer  # noqa: E402

HOOK_ID, HOOK_TOKEN = "123456789012345678", "hook-token-SECRET-abc123"
NOTIFIARR_KEY, KUMA_TOKEN, GOTIFY_TOKEN = "notifiarr-SECRET-key", "kumaPushSECRET1", "gotifySECRET123"
FAST_RETRY = RetryPolicy(attempts=3, backoff_initial=0.01, backoff_max=0.05, max_wait=1.0)


@pytest.fixture(scope="module")
def sims():
    servers = {
        "discord": SimServer(discord_sim.create_app(api_key=HOOK_TOKEN, webhook_id=HOOK_ID), name="discord"),
        "notifiarr": SimServer(notifiarr_sim.create_app(api_key=NOTIFIARR_KEY), name="notifiarr"),
        "kuma": SimServer(kuma_sim.create_app(api_key=KUMA_TOKEN), name="kuma"),
        "push": SimServer(push_sim.create_app(api_key=GOTIFY_TOKEN), name="push"),
    }
    for server in servers.values():
        server.start()
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(autouse=False)
def notifier(sims):
    for server in sims.values():
        server.sim.reset()
    with Notifier(timeout=5, retry=FAST_RETRY, discord_rate=None) as n:
        yield n


def ours(caplog) -> str:
    """Log text of Curatarr's and Apprise's loggers (the app keeps httpx at WARNING, see logs/setup.py)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("curatarr", "apprise")))


def hook_url(sims, token=HOOK_TOKEN, hook_id=HOOK_ID):
    return f"{sims['discord'].url}/api/webhooks/{hook_id}/{token}"


def test_discord_delivery(sims, notifier):
    n = Notification(title="Poster Renamerr", body="Done", fields=[("Renamed", "3")], items=["A (2001)"],
                     level="success")
    sent = notifier.send_to(NotifyTarget(url=hook_url(sims), username="Curatarr"), n)
    assert sent == 1
    (msg,) = sims["discord"].sim.events("messages")
    assert msg["webhook_id"] == HOOK_ID and msg["payload"]["username"] == "Curatarr"
    embed = msg["payload"]["embeds"][0]
    assert embed["title"] == "Poster Renamerr" and embed["color"] == 5763719
    assert embed["fields"][1] == {"name": "Items", "value": "A (2001)", "inline": False}


def test_discord_chunked_delivery_is_accepted_and_complete(sims, notifier):
    items = [f"Some Movie Title Number {i:04d} (20{i % 25:02d}) — poster.jpg" for i in range(800)]
    n = Notification(title="Renamed", body="b" * 5000, items=items, fields=[("Dry run", "no")])
    sent = notifier.send_to(NotifyTarget(url=hook_url(sims)), n)
    messages = sims["discord"].sim.events("messages")
    assert sent == len(messages) > 1
    assert sims["discord"].sim.events("rejected") == []
    received = [line for m in messages for e in m["payload"]["embeds"] for f in e.get("fields", [])
                if f["name"].startswith("Items") for line in f["value"].split("\n")]
    assert received == items


def test_discord_429_is_retried(sims, notifier):
    sims["discord"].sim.faults.add("rate_limit", path="/api/webhooks/", times=1, retry_after=0.05)
    assert notifier.send_to(NotifyTarget(url=hook_url(sims)), Notification(title="t")) == 1
    assert [r.status for r in sims["discord"].sim.find_requests("/api/webhooks/")] == [429, 204]


def test_discord_errors_are_mapped_and_never_leak_the_token(sims, notifier, caplog):
    with pytest.raises(NotFound):
        notifier.send_to(NotifyTarget(url=hook_url(sims, hook_id="42", token="nope-token-XYZ")), Notification(title="t"))
    with pytest.raises(AuthFailed):
        notifier.send_to(NotifyTarget(url=hook_url(sims, token="wrong-token-XYZ")), Notification(title="t"))
    with pytest.raises(BadResponse):  # Discord refuses user names containing "discord"
        notifier.send_to(NotifyTarget(url=hook_url(sims), username="My Discord Bot"), Notification(title="t"))
    caplog.set_level(logging.DEBUG)
    results = notifier.send(Notification(title="t"), [hook_url(sims, token="wrong-token-XYZ"), hook_url(sims)])
    assert [r.ok for r in results] == [False, True]
    assert "wrong-token-XYZ" not in results[0].target and "wrong-token-XYZ" not in (results[0].error or "")
    logged = ours(caplog)
    assert "failed" in logged and "wrong-token-XYZ" not in logged and HOOK_TOKEN not in logged


def test_notifiarr_delivery_path_key_and_header_key(sims, notifier):
    base = f"{sims['notifiarr'].url}/api/v1/notification/passthrough"
    n = Notification(title="Labelarr", body="Synced", fields=[("Movies", "The Matrix (1999)")], source="Labelarr")
    notifier.send_to(NotifyTarget(url=f"{base}/{NOTIFIARR_KEY}", channel=123456789012345678), n)
    notifier.send_to(NotifyTarget(url=base, kind="notifiarr", api_key=NOTIFIARR_KEY), n)
    first, second = sims["notifiarr"].sim.events("notifications")
    assert first["payload"]["discord"]["ids"] == {"channel": 123456789012345678}
    assert first["payload"]["discord"]["text"]["fields"] == [{"title": "Movies", "text": "The Matrix (1999)",
                                                              "inline": True}]
    assert second["payload"]["notification"]["name"] == "Labelarr"
    with pytest.raises(AuthFailed):
        notifier.send_to(NotifyTarget(url=f"{base}/wrong"), n)
    with pytest.raises(BadResponse, match="notification.name"):  # HTTP 200 with result=error
        notifier.send_to(NotifyTarget(url=f"{base}/{NOTIFIARR_KEY}"), Notification(title="t", source=""))


def test_uptime_kuma_push(sims, notifier):
    url = f"{sims['kuma'].url}/api/push/{KUMA_TOKEN}?status=up&msg=OK&ping="
    notifier.send_to(NotifyTarget(url=url), Notification(title="Run finished", level="success", ping_ms=1234.5))
    notifier.send_to(NotifyTarget(url=url), Notification(title="Run failed", body="Plex unreachable\nmore",
                                                          level="error"))
    up, down = sims["kuma"].sim.events("heartbeats")
    assert (up["status"], up["msg"], up["ping"]) == ("up", "Run finished", 1234.5)
    assert (down["status"], down["msg"], down["ping"]) == ("down", "Run failed: Plex unreachable", None)
    with pytest.raises(NotFound):
        notifier.send_to(NotifyTarget(url=f"{sims['kuma'].url}/api/push/unknownToken1"), Notification(title="t"))


@pytest.mark.parametrize("scheme,path,expected", [
    ("json", "/json/curatarr", "json"), ("form", "/form/curatarr", "form"),
    ("ntfy", "/curatarr-topic", "ntfy"), ("gotify", f"/{GOTIFY_TOKEN}", "gotify"),
])
def test_apprise_targets_reach_the_push_sim(sims, notifier, scheme, path, expected):
    host = sims["push"].url.split("://", 1)[1]
    n = Notification(title="Hello", body="World", fields=[("k", "v")], items=["one", "two"], level="warning")
    assert notifier.send_to(NotifyTarget(url=f"{scheme}://{host}{path}"), n) == 1
    (got,) = sims["push"].sim.events("received")
    assert got["scheme"] == expected and got["title"] == "Hello"
    assert got["message"] == "World\nk: v\nItems:\n- one\n- two"


def test_apprise_failures_are_clear_and_scrubbed(sims, notifier, caplog):
    host = sims["push"].url.split("://", 1)[1]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BadResponse, match="delivery failed"):
        notifier.send_to(NotifyTarget(url=f"gotify://{host}/wrongGotifySECRET9"), Notification(title="t"))
    notifier.send_to(NotifyTarget(url=f"json://{host}/json/pathSECRET77token"), Notification(title="t"))
    logged = ours(caplog)
    assert "Gotify" in logged  # apprise did log about the failure...
    assert "wrongGotifySECRET9" not in logged and "pathSECRET77token" not in logged  # ...scrubbed
    with pytest.raises(InvalidTarget):
        notifier.send_to(NotifyTarget(url="notascheme://whatever"), Notification(title="t"))
    with pytest.raises(Unreachable):  # SSRF guard: metadata endpoint
        notifier.send_to(NotifyTarget(url="json://169.254.169.254/latest"), Notification(title="t"))
    with pytest.raises(Unreachable):
        notifier.send_to(NotifyTarget(url="http://169.254.169.254/api/webhooks/1/x"), Notification(title="t"))


def test_test_message_and_async_send(sims, notifier):
    from tests.conftest import run_async

    result = notifier.test(hook_url(sims))
    assert result.ok and result.kind == "discord" and HOOK_TOKEN not in result.target
    results = run_async(notifier.asend(Notification(title="async"), [hook_url(sims)]))
    assert [r.ok for r in results] == [True]
    titles = [m["payload"]["embeds"][0]["title"] for m in sims["discord"].sim.events("messages")]
    assert titles == ["Curatarr test notification", "async"]
