"""Modules page in a real browser: live run, settings form from the schema, schedule preview."""

from __future__ import annotations

from tests.ui.conftest import goto_page
from tests.jobs.ui_fixtures import app_runtime, controls, test_modules  # noqa: F401  (fixtures)


def test_run_live_status_settings_and_schedule(ui_page, live_server, test_modules, controls):  # noqa: F811
    rt = app_runtime(live_server)
    page = ui_page
    root = goto_page(page, live_server, "modules")
    card = root.locator(".module-card[data-module='stepper']")
    card.wait_for()
    assert root.locator(".module-card[data-module='renameinatorr']").count() == 1
    assert root.locator(".module-card[data-module='health_snapshot']").count() == 0  # hidden system module
    assert "null" not in card.inner_text() and "undefined" not in card.inner_text()

    # Run: the card follows the job live (SSE) until it succeeds.
    rt.config.update({"stepper": {"items": 4, "token": controls.token}})
    controls.hold(2)
    card.locator("button[data-action=run]").click()
    assert controls.reached[2].wait(30)
    page.locator(".module-card[data-module='stepper'][data-status='running'] .job-progress").wait_for()
    controls.release[2].set()
    page.locator(".module-card[data-module='stepper'][data-status='idle']").wait_for()
    assert "success" in card.inner_text()

    # Settings generated from the schema; saving writes the section (secret kept as stored).
    card.locator("button[data-action=settings]").click()
    items = card.locator("input[name=items]")
    items.wait_for()
    assert card.locator("input[name=token]").get_attribute("type") == "password"
    items.fill("7")
    card.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="settings saved").wait_for()
    assert rt.config.get_section("stepper")["items"] == 7
    assert rt.config.get_section("stepper")["token"] == controls.token

    # Schedule editor with a human preview of the next runs.
    rule = card.locator(".schedule-input")
    rule.fill("weekly(mon,fri@09:00)")
    card.locator(".schedule-preview", has_text="every Mon, Fri at 09:00").wait_for()
    rule.fill("daily(99:00)")
    card.locator(".schedule-preview .text-error").wait_for()
    rule.fill("daily(03:00)")
    card.locator(".schedule-preview", has_text="every day at 03:00").wait_for()
    card.get_by_role("button", name="Save schedule").click()
    page.locator(".toast", has_text="Schedule saved").wait_for()
    assert rt.config.settings.schedule == {"stepper": "daily(03:00)"}
    assert page.console_errors == []


def test_cancel_from_the_card(ui_page, live_server, test_modules, controls):  # noqa: F811
    rt = app_runtime(live_server)
    page = ui_page
    root = goto_page(page, live_server, "modules")
    controls.hold(1)
    job_id = rt.jobs.submit("stepper", overrides={"items": 5, "token": controls.token})
    assert controls.reached[1].wait(30)
    card = root.locator(".module-card[data-module='stepper']")
    card.locator("button[data-action=cancel]").click()
    # issue 17: the two buttons say what they do; "Keep running" leaves the run alone
    dialog = page.locator("dialog.modal")
    assert dialog.locator("button").all_inner_texts() == ["Keep running", "Stop run"]
    dialog.get_by_role("button", name="Keep running").click()
    assert rt.jobs.get(job_id)["status"] == "running"
    card.locator("button[data-action=cancel]").click()
    page.locator("dialog.modal").get_by_role("button", name="Stop run").click()
    page.locator(".module-card[data-module='stepper'][data-status='cancelling']").wait_for()
    controls.release[1].set()
    assert rt.jobs.wait(job_id, 30)["status"] == "cancelled"
    page.locator(".module-card[data-module='stepper']", has_text="cancelled").wait_for()
    assert page.console_errors == []
