"""The *arr files page in a real browser, desktop and 390 px phone, with axe: nestarr scan, preview and
fix on the simulators' real files; nohl's files and jduparr's groups from dry runs started on the page."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.arr_files.conftest import arr, cluster, files_root, media  # noqa: F401  (fixtures)
from tests.jobs.ui_fixtures import app_runtime
from tests.ui.conftest import goto_page

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def configured(live_server, arr, media):  # noqa: F811
    rt = app_runtime(live_server)
    rt.config.update({
        "general": {"allowed_roots": [str(media)]},
        "instances": {
            "radarr": {"radarr": {"url": arr.urls["radarr"], "api": arr.api_keys["radarr"]}},
            "sonarr": {"sonarr": {"url": arr.urls["sonarr"], "api": arr.api_keys["sonarr"]}},
        },
        "jduparr": {"source_dirs": [str(media / "movies"), str(media / "downloads")]},
    })
    return rt


def axe_clean(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def confirm(page) -> None:
    page.locator("dialog.modal .btn-danger").click()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_nestarr_scan_preview_and_fix(ui_page, live_server, configured, arr, media, viewport):  # noqa: F811
    page = ui_page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    root = goto_page(page, live_server, "arr_files")
    root.get_by_text("Run a scan to look for misplaced items.").wait_for()
    root.locator("button[data-action=scan]").click()
    nested = root.locator(".card[data-type=movie_in_movie]")
    nested.wait_for(timeout=60_000)
    assert root.locator(".card[data-type=stray_folder]").count() == 4
    axe_clean(page)
    target = nested.locator("input[name=target_path]").input_value()
    assert target.startswith(str(media / "movies") + "/")
    nested.locator("button[data-action=preview]").click()
    nested.get_by_text("Moves ").wait_for()
    assert not os.path.exists(target)
    nested.locator("button[data-action=fix]").click()
    confirm(page)
    nested.get_by_text("Moved ").wait_for()
    assert os.path.isdir(target)
    moves = arr.sims["radarr"].events("moves")
    assert [m["destination"] for m in moves] == [target]
    if viewport == "phone":   # nothing wider than the phone's screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_nohl_files_and_jduparr_groups(ui_page, live_server, configured, media, viewport):
    page = ui_page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    root = goto_page(page, live_server, "arr_files")
    root.locator("button[data-tab=nohl]").click()
    root.get_by_text("Run nohl to list").wait_for()
    root.locator("button[data-action=dry-run]").click()
    rows = root.locator("#nohl-files tbody tr")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() > 10 and root.locator("#nohl-files tr[data-state=tracked]").count() > 0
    axe_clean(page)
    root.locator("button[data-tab=jduparr]").click()
    root.get_by_text("Run jduparr to list").wait_for()
    root.locator("button[data-action=dry-run]").click()
    groups = root.locator("#jduparr-groups > .card")
    groups.first.wait_for(timeout=60_000)
    assert groups.count() == 2
    files = [li.inner_text() for li in groups.locator("li").all()]
    assert all(os.path.isfile(f) for f in files) and len({os.stat(f).st_ino for f in files}) == 4   # dry: not linked
    axe_clean(page)
    if viewport == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []
