"""The Plex cleanup page in a real browser (desktop and a 390 px phone), against the Plex simulator's
data folder: bloat per item with thumbnails and the active image marked, report → move → restore,
one-variant delete, a maintenance run, and no axe violations."""

from __future__ import annotations

import hashlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests._fixtures import sim_cluster
from tests.ui.conftest import goto_page

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def plex_home(tmp_path_factory):
    return tmp_path_factory.mktemp("plexui") / "Plex Media Server"


@pytest.fixture(scope="module")
def plex(plex_home):
    from curatarr.sims.library import SampleLibrary

    with sim_cluster(SampleLibrary.generate(movies=8, shows=2, artists=1), ["plex"], plex_data_dir=plex_home) as c:
        yield c


@pytest.fixture
def configured(runtime, plex, plex_home):
    plex.reset()
    runtime.config.update({
        "instances": {"plex": {"plex": {"url": plex.urls["plex"], "api": plex.api_keys["plex"]}}},
        "poster_cleanarr": {"plex_path": str(plex_home), "instances": ["plex"]},
        "plex_maintenance": {"plex_path": str(plex_home), "instances": ["plex"], "sleep": 0, "empty_trash": True,
                             "photo_transcoder": True},
    })
    return runtime


def files(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


def confirm(page):
    page.locator("dialog.modal").get_by_role("button", name="Start").click()


def test_browse_report_move_restore(configured, ui_page, live_server, plex, plex_home):
    page = ui_page
    root = goto_page(page, live_server, "plex_cleanup")
    items = root.locator(".pc-item")
    items.first.wait_for()
    first = items.first
    expect(first.locator(".pc-variant img").first).to_be_visible()
    assert root.locator(".pc-variant.active").count() >= 1
    assert root.locator(".pc-variant:not(.active)").count() >= 1
    unused = int(root.locator("#pc-stats .pc-stat").nth(2).locator(".stat").inner_text())
    assert unused > 0
    # The thumbnails really load (the image route answers with the token in the URL).
    page.wait_for_function("() => { const i = document.querySelector('.pc-variant img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    assert axe_violations(page) == []

    before = files(plex_home)
    root.locator("button[data-mode=report]").click()
    expect(root.locator("#pc-job")).to_contain_text("success", timeout=30_000)
    expect(root.locator("#pc-job")).to_contain_text(f"bloat files: {unused}")
    root.locator("button[data-mode=move]").click()
    confirm(page)
    expect(root.locator("#pc-job")).to_contain_text("moved", timeout=30_000)
    expect(root.locator(".empty")).to_contain_text("No unused images")
    assert len(files(plex_home)) == len(before) - unused
    root.locator("button[data-mode=restore]").click()
    confirm(page)
    expect(root.locator("#pc-job")).to_contain_text("restored", timeout=30_000)
    assert files(plex_home) == before
    items.first.wait_for()
    assert page.console_errors == []


def test_delete_one_variant_and_run_maintenance(configured, ui_page, live_server, plex, plex_home):
    page = ui_page
    root = goto_page(page, live_server, "plex_cleanup")
    tile = root.locator(".pc-variant:not(.active)").first
    tile.wait_for()
    rel = tile.get_attribute("data-path")
    assert (plex_home / rel).is_file()
    tile.locator("button[data-action=delete]").click()
    page.locator("dialog.modal").get_by_role("button", name="Delete").click()
    page.locator(".toast", has_text="Variant deleted").wait_for()
    assert not (plex_home / rel).exists()
    root.locator("button[data-action=maintenance]").click()
    page.locator("dialog.modal").get_by_role("button", name="Run").click()
    expect(root.locator("#pc-job")).to_contain_text("success", timeout=30_000)
    assert [e["action"] for e in plex.sims["plex"].events("maintenance")] == ["emptyTrash"] * 3
    assert not list((plex_home / "Cache" / "PhotoTranscoder").rglob("*.jpg"))
    assert page.console_errors == []


def test_phone_layout_and_unset_path(configured, browser, live_server):
    from tests.ui.conftest import TOKEN_KEY, attach_console_collector

    context = browser.new_context(viewport=PHONE, storage_state={"cookies": [], "origins": [{
        "origin": live_server.url, "localStorage": [{"name": TOKEN_KEY, "value": live_server.token}]}]})
    page = context.new_page()
    attach_console_collector(page)
    try:
        page.goto(live_server.url + "/")
        root = goto_page(page, live_server, "plex_cleanup")
        root.locator(".pc-item").first.wait_for()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        assert axe_violations(page) == []
        configured.config.update({"poster_cleanarr": {"plex_path": ""}})
        page.reload()
        root = goto_page(page, live_server, "plex_cleanup")
        expect(root.locator(".empty")).to_contain_text("plex_path is not set")
        assert [e for e in page.console_errors if "400" not in e] == []
    finally:
        context.close()
