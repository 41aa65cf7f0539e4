"""The Borders page in a real browser, desktop and 390 px phone: today's holiday and the calendar, a live
preview (asset folder, then own colours), saving settings, "Run now" with its counts, and axe."""

from __future__ import annotations

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.borders.conftest import pixel, write_poster
from tests.jobs.ui_fixtures import app_runtime
from tests.ui.conftest import goto_page

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_borders_page_preview_calendar_settings_and_run(ui_page, live_server, tmp_path, viewport):
    page = ui_page
    if viewport:
        page.set_viewport_size(viewport)
    rt = app_runtime(live_server)
    assets = tmp_path / "assets"
    write_poster(assets / "Alien (1979) {tmdb-348}" / "poster.png")
    write_poster(assets / "Dexter (2006)" / "Season01.png")
    today = date.today()
    day = f"{today.month:02d}/{today.day:02d}"
    rt.config.update({"border_replacerr": {
        "source_dirs": [str(assets)], "border_width": 12, "border_colors": ["#ff0000"],
        "holidays": [{"name": "Today Fest", "schedule": f"range({day}-{day})", "colors": ["#00ff00"]},
                     {"name": "Halloween", "schedule": "range(10/01-10/31)", "colors": ["#ff7518"]}]}})
    root = goto_page(page, live_server, "borders")
    assert "Today Fest" in root.locator("#borders-today").inner_text()
    assert "active today" in root.locator("#holiday-calendar tr[data-holiday='Today Fest']").inner_text()
    # Live preview from the asset folder in today's colours, then with an own colour.
    root.locator("[data-action=preview]").click()
    figures = root.locator("#border-previews figure")
    figures.first.wait_for()
    assert figures.count() == 2
    page.wait_for_function("() => [...document.querySelectorAll('#border-previews img')].every(i => i.complete && i.naturalWidth > 0)")
    assert figures.first.locator("[aria-label='#00ff00']").count() == 1
    root.locator("#preview-own").check()
    root.locator("input[aria-label='preview colour as hex']").fill("#0000ff")
    root.locator(".swatch-editor button", has_text="Add colour").first.click()
    root.locator("[data-action=preview]").click()
    root.locator("#border-previews figure [aria-label='#0000ff']").first.wait_for()
    # Settings: a preset is added and saved; Run now paints today's colour and shows the counts.
    root.locator("#preset-select").select_option("Christmas")
    root.get_by_role("button", name="Add preset").click()
    root.locator("[data-action=save]").click()
    page.wait_for_function("() => document.querySelector('#toasts').innerText.includes('Border settings saved')")
    saved = rt.config.get_section("border_replacerr")
    assert [h["name"] for h in saved["holidays"]] == ["Today Fest", "Halloween", "Christmas"]
    root.locator("[data-action=run]").click()
    root.locator("#border-run", has_text="written 2").wait_for()
    assert pixel(assets / "Alien (1979) {tmdb-348}" / "poster.png", 0, 0) == [0, 255, 0]
    results = Axe().run(page, context="#content")
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
    assert page.console_errors == []
