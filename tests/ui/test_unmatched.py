"""The unmatched-assets page in a real browser (desktop and a 390 px phone, axe-core checks), on a real
report made from the simulators and an asset folder on disk."""

from __future__ import annotations

import json

import pytest

from curatarr.unmatched.store import stats_view
from tests._fixtures import sim_cluster
from tests.ui.conftest import goto_page, new_page
from tests.unmatched.conftest import SERVICES, instances_config, small_library

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def sims():
    with sim_cluster(small_library(), SERVICES) as cluster:
        yield cluster


@pytest.fixture
def configured(runtime, sims, tmp_path, live_server):
    assets = tmp_path / "assets"
    (assets / "The Matrix (1999) {tmdb-603}").mkdir(parents=True)
    (assets / "The Matrix (1999) {tmdb-603}" / "poster.jpg").write_bytes(b"x")
    runtime.config.update({"instances": instances_config(sims), "general": {"allowed_roots": [str(assets)]},
                           "poster_maker": {"asset_path": str(assets), "library_folders": False}})
    return runtime


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=".page-unmatched")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in results.response["violations"]]


def _run_now_and_wait(page) -> None:
    page.click("#unmatched-run")
    page.locator("#unmatched-progress", has_text="success").wait_for(timeout=60_000)
    page.wait_for_selector(".unmatched-row")


def test_page_runs_the_report_filters_and_offers_fixes(ui_page, live_server, configured):
    page = ui_page
    root = goto_page(page, live_server, "unmatched")
    page.wait_for_selector(".empty")
    assert "No report yet" in root.inner_text()
    assert page.locator(".unmatched-tally[data-kind=movies] .stat").inner_text() == "–"  # null, not 0 %
    _run_now_and_wait(page)

    movies = page.locator(".unmatched-tally[data-kind=movies]").inner_text()
    summary = stats_view(configured)["summary"]["movies"]  # the stored report the page shows
    assert f"{summary['percent_complete']}%" in movies and f"{summary['with_assets']} of {summary['total']}" in movies
    groups = page.locator(".unmatched-group")
    assert {groups.nth(i).get_attribute("data-instance") for i in range(groups.count())} >= {"radarr", "sonarr", "plex"}
    assert "The Matrix (1999)" not in page.locator("[data-instance=radarr][data-kind=movies]").inner_text()

    page.select_option("select[name=instance]", "radarr_4k")
    page.wait_for_function("() => [...document.querySelectorAll('.unmatched-group')].every(g => g.dataset.instance === 'radarr_4k')")
    page.select_option("select[name=instance]", "")
    page.fill("input[name=query]", "breaking")
    page.wait_for_function("() => document.querySelectorAll('.unmatched-row').length === 1")
    row = page.locator(".unmatched-row").first
    assert "Breaking Bad" in row.inner_text() and "Season 1" in row.inner_text()
    assert row.locator("a", has_text="Poster library").get_attribute("href") == "#/posters?query=Breaking%20Bad"

    # "Make poster" queues a single-item poster maker run naming that series.
    with page.expect_response(lambda r: "/api/modules/poster_maker/execute" in r.url) as answer:
        row.locator("button", has_text="Make poster").click()
    body = json.loads(answer.value.request.post_data)
    assert body["overrides"]["mode"] == "single"
    assert body["overrides"]["item"]["title"] == "Breaking Bad" and body["overrides"]["item"]["media_type"] == "show"
    assert body["overrides"]["item"]["tvdb"] == "81189"

    page.fill("input[name=query]", "")
    page.select_option("select[name=kind]", "collections")
    page.wait_for_function("() => [...document.querySelectorAll('.unmatched-group')].every(g => g.dataset.kind === 'collections')")
    assert page.locator(".unmatched-group[data-kind=collections] button", has_text="Make poster").count() == 0
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_phone_layout_has_no_horizontal_scroll_and_passes_axe(browser, live_server, configured):
    context, page = new_page(browser, live_server, token=live_server.token)
    try:
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/")
        goto_page(page, live_server, "unmatched")
        _run_now_and_wait(page)
        # Every element of this page stays inside the phone's width (the shell's top bar is not this page's:
        # it overflows on a phone for any title longer than about nine letters, the dashboard's too).
        wide = page.evaluate("""() => [...document.querySelectorAll('.page-unmatched *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert wide == [], f"elements wider than a phone: {wide}"
        box = page.locator(".unmatched-row").first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert axe_violations(page) == []
        assert page.console_errors == []
    finally:
        context.close()
