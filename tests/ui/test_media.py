"""Browser tests of the media pages (Library, Upkeep, Statistics) on a library synced from the simulators."""

from __future__ import annotations

import re

import pytest

from tests._fixtures import sim_cluster
from tests.ui.conftest import goto_page


@pytest.fixture(scope="module")
def media_sims():
    with sim_cluster(services=("radarr", "radarr_4k", "sonarr", "plex")) as cluster:
        yield cluster


@pytest.fixture
def media_server(live_server, runtime, media_sims):
    from curatarr.library.sync import sync_instances
    from tests.library.conftest import configure

    media_sims.reset()
    configure(runtime, media_sims)
    assert sync_instances(runtime).ok
    return live_server


def test_library_search_grid_table_and_drawer(ui_page, media_server):
    page = ui_page
    root = goto_page(page, media_server, "media")
    page.wait_for_selector(".media-card")
    assert page.locator(".media-card").count() > 10
    # lazy thumbnails come from the poster proxy and actually load
    page.wait_for_function("() => { const i = document.querySelector('.media-card img'); return i && i.complete && i.naturalWidth > 0; }")
    src = page.locator(".media-card img").first.get_attribute("src")
    assert "/poster?width=" in src and page.locator(".media-card img").first.get_attribute("loading") == "lazy"

    page.fill("input[name=query]", "matrix")
    page.wait_for_function("() => [...document.querySelectorAll('.media-card-title')].every(e => e.textContent.includes('Matrix'))")
    assert "The Matrix" in root.inner_text()
    page.locator(".media-chip", has_text="radarr_4k").first.click()
    page.wait_for_function("() => [...document.querySelectorAll('.media-card-sub')].every(e => e.textContent.includes('radarr_4k'))")

    page.click("button[aria-label='Toggle view']")
    page.wait_for_selector("table.media-table tr.media-row")
    page.locator("tr.media-row").first.click()
    drawer = page.wait_for_selector(".media-drawer")
    page.wait_for_selector(".media-facts")
    assert "Matrix" in drawer.inner_text() and "radarr_4k" in drawer.inner_text()
    # issue 17: a link without a title or method printed a literal "null" under Media servers
    page.wait_for_selector(".media-links li, .media-drawer p.muted")
    assert "null" not in drawer.inner_text() and "undefined" not in drawer.inner_text()

    page.click(".media-edit-box summary")
    page.fill(".media-edit input[name=edition]", "Extended")
    page.click(".media-edit button[type=submit]")
    page.wait_for_selector(".toast-success")
    page.wait_for_selector(".media-history")
    page.click(".media-history summary")
    page.wait_for_selector(".media-history td:has-text('edition')")
    page.keyboard.press("Escape")
    assert page.locator(".media-drawer").count() == 0
    assert page.console_errors == []


def test_upkeep_duplicates_resolve_and_reports(ui_page, media_server, media_sims):
    page = ui_page
    goto_page(page, media_server, "media_upkeep")
    page.wait_for_selector(".media-dup-member")
    before = page.locator(".media-dups > .card").count()
    first = page.locator(".media-dups > .card").first
    assert first.locator(".media-dup-member").count() == 2
    first.locator("button", has_text="Resolve").click()
    page.click("dialog.modal .btn-danger")
    page.wait_for_selector(".toast-success")
    page.wait_for_function(f"() => document.querySelectorAll('.media-dups > .card').length < {before}")
    deletes = media_sims.sims["radarr"].events("deletes") + media_sims.sims["radarr_4k"].events("deletes")
    assert len(deletes) == 1

    page.click("button[data-tab=incomplete]")
    page.wait_for_selector(".media-fields")
    page.click("button[data-tab=lowrated]")
    page.wait_for_selector("input[name=max_rating]")
    page.wait_for_selector("tr.media-row, .empty")
    assert page.console_errors == []


def test_statistics_draws_svg_charts(ui_page, media_server):
    page = ui_page
    goto_page(page, media_server, "media_stats")
    page.wait_for_selector("svg.media-chart rect")
    assert page.locator("svg.media-chart").count() >= 8
    assert page.locator(".media-stat-grid .stat").count() >= 4
    # issue 17: "By decade" listed single years ("1954s")
    decades = page.locator(".card", has_text="By decade").locator(".media-chart-label").all_text_contents()
    assert decades and all(re.fullmatch(r"\d{3}0s", d) for d in decades), decades
    page.select_option("select[name=period]", "7d")
    page.wait_for_selector("svg.media-chart, .muted")
    assert page.console_errors == []
