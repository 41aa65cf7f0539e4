"""Instances page in a real browser: list with health badges, add/test/edit/enable/delete, Plex
libraries, details; and `curatarr demo` logged into through its login form."""

from __future__ import annotations

import re

import pytest

from tests._fixtures import sim_cluster
from tests.ui.conftest import goto_page, new_page, wait_for_shell


@pytest.fixture(scope="module")
def sims():
    from curatarr.sims.library import SampleLibrary

    with sim_cluster(SampleLibrary.generate(movies=6, shows=2, artists=1), ["radarr", "sonarr", "plex"]) as cluster:
        yield cluster


def _cfg(sims, name: str) -> dict:
    return {"url": sims.urls[name], "api": sims.api_keys[name], "enabled": True}


def test_instances_page_lists_health_and_plex_libraries(ui_page, live_server, runtime, sims):
    runtime.config.update({"instances": {"radarr": {"radarr_main": _cfg(sims, "radarr")},
                                         "plex": {"plex_main": _cfg(sims, "plex")}}})
    page = ui_page
    root = goto_page(page, live_server, "instances")
    radarr = root.locator(".inst-card[data-instance='radarr_main']")
    radarr.locator(".inst-health .badge-ok").wait_for()
    assert "healthy" in radarr.locator(".inst-health").inner_text()
    root.locator(".inst-card[data-instance='plex_main'] .inst-health .badge-ok").wait_for()
    # Plex library picker: libraries bucketed by their section type
    root.locator(".inst-card[data-instance='plex_main']").get_by_role("button", name="Libraries").click()
    dialog = page.locator("dialog.inst-modal")
    dialog.locator("fieldset.inst-libs").first.wait_for()
    legends = dialog.locator("legend").all_text_contents()
    assert "Movies" in legends and "TV Shows" in legends
    dialog.locator("input[type=checkbox]").first.check()
    dialog.get_by_role("button", name="Use selected").click()
    page.locator(".toast", has_text="Selected:").wait_for()
    # Details: stats and the instance's own log events
    radarr.get_by_role("button", name="Details").click()
    details = page.locator("dialog.inst-modal")
    details.locator(".inst-stats table").wait_for()
    items_row = details.locator(".inst-stats tr", has=page.locator("th", has_text="Items"))
    assert items_row.locator("td").text_content() == "6"  # live count from the Radarr simulator
    details.get_by_role("button", name="Close").click()
    assert page.console_errors == []


def test_add_test_edit_toggle_delete(ui_page, live_server, runtime, sims):
    page = ui_page
    root = goto_page(page, live_server, "instances")
    assert "No instances yet" in root.inner_text()
    root.get_by_role("button", name="Add instance").click()
    form = page.locator("dialog.inst-modal form")
    form.locator("select[name=service]").select_option("sonarr")
    form.locator("input[name=name]").fill("sonarr_main")
    form.locator("input[name=url]").fill(sims.urls["sonarr"])
    form.locator("input[name=api]").fill("wrong-key")
    form.get_by_role("button", name="Test").click()
    form.locator(".inst-test-result .badge-error", has_text="auth failed").wait_for()
    form.locator("input[name=api]").fill(sims.api_keys["sonarr"])
    form.get_by_role("button", name="Test").click()
    form.locator(".inst-test-result .badge-ok").wait_for()
    form.get_by_role("button", name="Add instance").click()
    card = root.locator(".inst-card[data-instance='sonarr_main']")
    card.locator(".inst-health .badge-ok").wait_for()
    assert runtime.config.get_section("instances")["sonarr"]["sonarr_main"]["api"] == sims.api_keys["sonarr"]

    # Edit: the key field shows the mask; saving without retyping keeps the real key.
    card.get_by_role("button", name="Edit").click()
    form = page.locator("dialog.inst-modal form")
    assert form.locator("input[name=api]").input_value() == "********"
    form.locator("input[name=url]").fill(sims.urls["sonarr"] + "/")
    form.get_by_role("button", name="Test").click()  # masked key + same URL → stored key is used
    form.locator(".inst-test-result .badge-ok").wait_for()
    form.get_by_role("button", name="Save").click()
    page.locator(".toast", has_text="Instance saved").wait_for()
    assert runtime.config.get_section("instances")["sonarr"]["sonarr_main"]["api"] == sims.api_keys["sonarr"]

    # Disable, then delete.
    root.locator(".inst-card[data-instance='sonarr_main'] input[type=checkbox]").uncheck()
    root.locator(".inst-card.inst-disabled[data-instance='sonarr_main']").wait_for()
    root.locator(".inst-card[data-instance='sonarr_main'] .inst-health .badge-info").wait_for()
    assert runtime.config.get_section("instances")["sonarr"]["sonarr_main"]["enabled"] is False
    root.locator(".inst-card[data-instance='sonarr_main']").get_by_role("button", name="Delete").click()
    page.locator("dialog.modal").get_by_role("button", name="Delete").click()
    root.get_by_text("No instances yet").wait_for()
    assert runtime.config.get_section("instances")["sonarr"] == {}
    assert page.console_errors == []


def test_demo_login_and_every_page_renders(browser, tmp_path):
    from tests.test_demo import run_demo

    with run_demo(tmp_path) as demo:
        context, page = new_page(browser, demo)
        try:
            page.goto(demo.url + "/")
            page.locator("input[name=username]").fill("demo")
            page.locator("input[name=password]").fill("demo")
            page.get_by_role("button", name="Sign in").click()
            wait_for_shell(page)
            page_ids = [re.sub(r"^#/?", "", a.get_attribute("href") or "")
                        for a in page.locator(".nav-link").all()]
            assert "instances" in page_ids
            for page_id in page_ids:
                goto_page(page, demo, page_id)
            root = goto_page(page, demo, "instances")
            root.locator(".inst-health .badge-ok").nth(2).wait_for()  # at least 3 healthy instances
            assert root.locator(".inst-card").count() >= 3
            assert page.console_errors == []
        finally:
            context.close()
