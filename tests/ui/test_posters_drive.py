"""Posters page, Drive section, in a real browser: the shared Drive component (the one of the
Poster sources page) — Sync starts a real rclone job over an alias remote, the row follows the job
through the module events and ends with the stats the sync computed (no "see the Jobs page" toast
with a job id); the library stats show the orphaned count; no axe violations, desktop and phone."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.jobs.ui_fixtures import app_runtime
from tests.ui.conftest import goto_page
from tests.ui.test_poster_sources import configure, violations

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")


def test_drive_section_syncs_with_live_status_and_stats(ui_page, live_server, tmp_path):
    rt = app_runtime(live_server)
    configure(rt, tmp_path)
    page = ui_page
    root = goto_page(page, live_server, "posters")
    section = root.locator("#poster-drive")
    row = section.locator("li.gdrive-source[data-name='Creator A']")
    row.wait_for()
    assert "never" in row.inner_text() and section.locator("li.gdrive-source").count() == 2
    expect(root.locator("#poster-stats")).to_contain_text("Orphaned")
    assert violations(page) == []

    row.get_by_role("button", name="Sync Creator A").click()
    # the row itself reports the job: running (button disabled) and then the mirrored file count
    row.locator(".gdrive-facts dd", has_text="2").first.wait_for()
    expect(row.get_by_role("button", name="Sync Creator A")).to_be_enabled()
    assert (tmp_path / "mirror" / "A" / "Set" / "Alien (1979).jpg").exists()
    assert "never" in section.locator("li.gdrive-source[data-name='Creator B']").inner_text()
    assert "Jobs page" not in page.locator("body").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    section.locator("#gdrive-sync-all").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    assert violations(page) == []
    assert page.console_errors == []
