"""Schedule overview in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.conftest import goto_page
from tests.jobs.ui_fixtures import app_runtime, test_modules  # noqa: F401  (fixtures)


def test_schedule_overview_add_edit_remove(ui_page, live_server, test_modules):  # noqa: F811
    rt = app_runtime(live_server)
    rt.config.update({"general": {"timezone": "Europe/Berlin"}, "schedule": {"stepper": "daily(03:00|15:30)"}})
    page = ui_page
    root = goto_page(page, live_server, "schedule")
    row = root.locator("#schedule-table tr[data-module='stepper']")
    row.wait_for()
    assert "every day at 03:00 and 15:30" in row.inner_text()
    assert "Europe/Berlin" in root.inner_text()
    assert "health_snapshot" in root.inner_text()  # the system rule is shown, not editable
    # Add a schedule for another module with the preview.
    root.locator("#schedule-add select[name=module]").select_option("parallel")
    root.locator("#schedule-add .schedule-input").fill("interval(90)")
    root.locator("#schedule-add .schedule-preview", has_text="every 90 minutes").wait_for()
    # issue 17: the preview printed "next: ,12/7/2026, …" unlabelled, in the browser's zone
    root.locator("#schedule-add .schedule-input").fill("daily(03:00)")
    root.locator("#schedule-add .schedule-preview", has_text="every day at 03:00").wait_for()
    preview = root.locator("#schedule-add .schedule-preview", has_text="next runs (Europe/Berlin)")
    times = preview.locator("ol.schedule-next li").all_inner_texts()
    assert len(times) == 3 and all("3:00" in t or "03:00" in t for t in times), times
    assert ",," not in preview.inner_text() and "next: ," not in preview.inner_text()
    root.locator("#schedule-add .schedule-input").fill("interval(90)")
    root.locator("#schedule-add .schedule-preview", has_text="every 90 minutes").wait_for()
    root.locator("#schedule-add").get_by_role("button", name="Save schedule").click()
    root.locator("#schedule-table tr[data-module='parallel']").wait_for()
    assert rt.config.settings.schedule["parallel"] == "interval(90)"
    # Remove one.
    row.locator("button[data-action=clear]").click()
    expect(root.locator("#schedule-table tr[data-module='stepper']")).to_have_count(0)
    assert "stepper" not in rt.config.settings.schedule
    assert page.console_errors == []
