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
