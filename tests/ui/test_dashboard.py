"""Dashboard in a real browser: running job with live progress, failures, next runs, instances."""

from __future__ import annotations

from tests.ui.conftest import goto_page
from tests.jobs.ui_fixtures import app_runtime, controls, test_modules  # noqa: F401  (fixtures)


def test_dashboard_shows_running_failures_schedule_and_health(ui_page, live_server, test_modules, controls):  # noqa: F811
    rt = app_runtime(live_server)
    failed = rt.jobs.submit("parallel", overrides={"items": 2, "fail_at": 0})
    rt.jobs.wait(failed, 30)
    rt.config.update({"schedule": {"stepper": "daily(03:00)"},
                      "instances": {"radarr": {"radarr_main": {"url": "http://127.0.0.1:9", "api": "x"}}}})
    controls.hold(1)
    job_id = rt.jobs.submit("stepper", overrides={"items": 4, "token": controls.token})
    assert controls.reached[1].wait(30)
    page = ui_page
    root = goto_page(page, live_server, "dashboard")
    root.locator(f"#dash-running li[data-job='{job_id}'] .job-progress").wait_for()
    assert "boom at 0" in root.locator("#dash-failures").inner_text()
    assert "stepper" in root.locator("#dash-upcoming").inner_text()
    assert "radarr_main" in root.locator("#dash-instances").inner_text()
    controls.release[1].set()
    rt.jobs.wait(job_id, 30)
    root.locator("#dash-running", has_text="Nothing is running").wait_for()
    assert page.console_errors == []
