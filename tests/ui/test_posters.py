"""Posters page in a real browser (desktop and a 390 px phone): stats, filters, search, thumbnails,
match reasons, and no accessibility violations (axe)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from curatarr.poster_library import index, sources
from tests.poster_library.poster_files import configure, image_bytes, write
from tests.ui.conftest import goto_page


@pytest.fixture
def poster_tree(live_server, runtime, tmp_path):
    rt = runtime
    folders = {name: tmp_path / name for name in ("sets_a", "sets_b", "uploads", "assets")}
    for p in folders.values():
        p.mkdir()
    for i in range(70):  # more than one page of 60
        write(folders["sets_a"] / "Big Set" / f"Movie Number {i:02d} ({1950 + i}).jpg", image_bytes(i))
    write(folders["sets_b"] / "Other Set" / "Breaking Bad (2008) - Season 1.jpg", image_bytes(200))
    write(folders["sets_b"] / "Other Set" / "Tiny (2001).jpg", image_bytes(201, 100, 150))
    write(folders["sets_b"] / "Other Set" / "Broken (2000).jpg", b"")
    configure(rt, folders)
    index.scan(rt.db, sources.configured(rt).folders, rt.roots())
    return folders


def check_axe(page) -> None:
    results = Axe().run(page, options={"resultTypes": ["violations"], "runOnly": ["wcag2a", "wcag2aa"]})
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in serious]


def test_browse_filter_and_search_on_desktop(ui_page, live_server, poster_tree):
    page = ui_page
    root = goto_page(page, live_server, "posters")
    expect(page.locator("#poster-grid figure")).to_have_count(60)
    expect(page.locator("#poster-info")).to_contain_text("73 poster(s)")
    expect(page.locator("#poster-stats")).to_contain_text("Posters")
    first = page.locator("#poster-grid img").first
    expect(first).to_have_js_property("complete", True)
    assert first.evaluate("img => img.naturalWidth") == 200
    page.get_by_role("button", name="next page").click()
    expect(page.locator("#poster-grid figure")).to_have_count(13)
    root.locator("select[name=filter]").select_option("errors")
    expect(page.locator("#poster-grid figure")).to_have_count(1)
    expect(page.locator("#poster-grid")).to_contain_text("empty file")
    root.locator("select[name=filter]").select_option("low_res")
    expect(page.locator("#poster-grid figure")).to_have_count(1)
    root.locator("select[name=filter]").select_option("all")
    root.locator("select[name=owner]").select_option("Other Set")
    expect(page.locator("#poster-grid figure")).to_have_count(3)
    root.locator("select[name=owner]").select_option("")
    search = root.locator("input[name=query]")
    search.fill("breaking bad")
    search.press("Enter")
    expect(page.locator("#poster-grid figure")).to_have_count(1)
    expect(page.locator("#poster-grid")).to_contain_text("Season 1")
    expect(page.locator("#poster-grid")).to_contain_text("not matched yet")
    check_axe(page)
    assert page.console_errors == []


def test_phone_layout_has_two_columns_and_no_violations(browser, live_server, poster_tree):
    from tests.ui.conftest import new_page

    context, page = new_page(browser, live_server, token=live_server.token)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(live_server.url + "/#/posters")
        page.locator("#poster-grid figure").first.wait_for()
        boxes = [page.locator("#poster-grid figure").nth(i).bounding_box() for i in range(3)]
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] > boxes[0]["y"]  # two per row
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        check_axe(page)
        assert page.console_errors == []
    finally:
        context.close()
