"""Notifications settings in a real browser, sending to the Discord simulator."""

from __future__ import annotations

import pytest

from playwright.sync_api import expect

from tests.ui.conftest import goto_page
from tests.jobs.ui_fixtures import app_runtime

HOOK_ID, HOOK_TOKEN = "123456789012345678", "uiHookTokenSECRET42"


@pytest.fixture
def discord():
    from curatarr.sims import discord as discord_sim
    from curatarr.sims.server import SimServer

    server = SimServer(discord_sim.create_app(api_key=HOOK_TOKEN, webhook_id=HOOK_ID), name="discord").start()
    yield server
    server.stop()


def test_add_test_and_remove_a_target(ui_page, live_server, discord):
    rt = app_runtime(live_server)
    page = ui_page
    root = goto_page(page, live_server, "notifications")
    assert "No notification targets yet" in root.inner_text()
    form = root.locator("#notify-form")
    form.locator("select[name=type]").select_option("discord")
    form.locator("input[name=name]").fill("alerts")
    form.locator("select[name=policy]").select_option("error")
    form.locator("input[name=webhook]").fill(f"{discord.url}/api/webhooks/{HOOK_ID}/{HOOK_TOKEN}")
    form.locator("button[data-action=try]").click()
    page.locator(".toast", has_text="Test sent").wait_for()
    form.locator("button[data-action=save]").click()
    row = root.locator("#notify-table tr[data-target='main.alerts']")
    row.wait_for()
    assert HOOK_TOKEN not in root.inner_text()
    assert rt.config.get_section("notifications")["main"]["alerts"]["policy"] == "error"
    row.locator("button[data-action=test]").click()
    page.locator(".toast", has_text="main.alerts: sent").wait_for()
    assert len(discord.sim.events("messages")) == 2
    row.locator("button[data-action=delete]").click()
    page.locator("dialog.modal").get_by_role("button", name="Remove").click()
    expect(root.locator("#notify-table tr[data-target='main.alerts']")).to_have_count(0)
    assert "alerts" not in (rt.config.get_section("notifications") or {}).get("main", {})
    assert page.console_errors == []
