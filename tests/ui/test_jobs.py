"""Jobs page in a real browser: filters, pagination, live log tail, retry."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.conftest import goto_page
from tests.jobs.ui_fixtures import app_runtime, test_modules  # noqa: F401  (fixtures)


def test_filter_open_log_and_retry(ui_page, live_server, test_modules):  # noqa: F811
    rt = app_runtime(live_server)
    ok = rt.jobs.submit("stepper", overrides={"items": 2})
    bad = rt.jobs.submit("stepper", overrides={"items": 3, "fail_at": 1})
    rt.jobs.wait(ok, 30)
    rt.jobs.wait(bad, 30)
    page = ui_page
    root = goto_page(page, live_server, "jobs")
    page.locator("#jobs-table tr[data-job]").nth(1).wait_for()
    assert page.locator("#jobs-table tr[data-job]").count() == 2
    root.locator("select[name=status]").select_option("error")
    expect(page.locator("#jobs-table tr[data-job]")).to_have_count(1)
    page.locator(f"#jobs-table tr[data-job='{bad}']").click()
    page.locator("#job-log", has_text="boom at 1").wait_for()
    assert "RuntimeError: boom at 1" in page.inner_text("#job-detail")
    page.locator("#job-detail button[data-action=retry]").click()
    page.locator(".toast", has_text="Queued again as job").wait_for()
    rows, total = rt.jobs.store.list(source="retry")
    assert total == 1 and rows[0]["retry_of"] == bad
    rt.jobs.wait(rows[0]["id"], 30)
    assert page.console_errors == []


def test_opening_a_running_job_follows_its_log(ui_page, live_server, test_modules):  # noqa: F811
    from tests.jobs.conftest import CONTROLS, Controls

    c = Controls()
    CONTROLS[c.token] = c
    c.hold(1)
    rt = app_runtime(live_server)
    try:
        job_id = rt.jobs.submit("stepper", overrides={"items": 3, "token": c.token})
        assert c.reached[1].wait(30)
        page = ui_page
        page.goto(f"{live_server.url}/#/jobs?job={job_id}")
        page.locator("#job-log", has_text="processed item 0").wait_for()
        c.release[1].set()
        page.locator("#job-log", has_text="processed item 2").wait_for()
        assert rt.jobs.wait(job_id, 30)["status"] == "success"
        assert page.console_errors == []
    finally:
        for ev in c.release.values():
            ev.set()
        CONTROLS.pop(c.token, None)


def test_stopping_a_job_asks_first(ui_page, live_server, test_modules):  # noqa: F811
    """Issue 17: the Jobs page stopped a run on one click, without a confirm."""
    from tests.jobs.conftest import CONTROLS, Controls

    c = Controls()
    CONTROLS[c.token] = c
    c.hold(1)
    rt = app_runtime(live_server)
    try:
        job_id = rt.jobs.submit("stepper", overrides={"items": 3, "token": c.token})
        assert c.reached[1].wait(30)
        page = ui_page
        page.goto(f"{live_server.url}/#/jobs?job={job_id}")
        stop = page.locator("#job-detail button[data-action=stop]")
        stop.click()
        dialog = page.locator("dialog.modal")
        assert dialog.locator("button").all_inner_texts() == ["Keep running", "Stop run"]
        dialog.get_by_role("button", name="Keep running").click()
        assert rt.jobs.get(job_id)["status"] == "running"
        stop.click()
        page.locator("dialog.modal").get_by_role("button", name="Stop run").click()
        page.locator(".toast", has_text="Stopping").wait_for()
        c.release[1].set()
        assert rt.jobs.wait(job_id, 30)["status"] == "cancelled"
        assert page.console_errors == []
    finally:
        for ev in c.release.values():
            ev.set()
        CONTROLS.pop(c.token, None)
