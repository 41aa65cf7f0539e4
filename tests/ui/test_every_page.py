"""Every UI page at phone width (390×844) and desktop (1440×900), in dark and light theme, on a
populated demo data dir: no page scrolls sideways and axe-core reports no critical or serious
violation (issue 17, items 3 and 4).

The page list comes from ``/ui/pages.json`` (each file's ``meta.id`` read in the browser), so a page
added later is checked without touching this file. Problems are collected over all pages and asserted
once, so one run shows every page that fails, not only the first.
"""

from __future__ import annotations

import httpx
import pytest

from tests.ui.conftest import DEFAULT_TIMEOUT_MS, TOKEN_KEY, attach_console_collector, goto_page

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
THEMES = ("dark", "light")
THEME_KEY = "curatarr-theme"
# Jobs the demo data dir runs before the pages are visited, so lists, tables and charts have rows.
WARM_UP = ("cache_refresh", "poster_maker", "health_checkarr", "unmatched_assets")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """``curatarr demo``'s data dir and simulators (a smaller library), served, with a few runs done."""
    from curatarr import demo
    from curatarr.app import create_app
    from curatarr.sims.library import SampleLibrary
    from tests._fixtures import LiveServer

    prepared = demo.prepare(tmp_path_factory.mktemp("every-page") / "demo-data", library=SampleLibrary.generate(movies=8, shows=2, artists=1, seasons=(1, 2), episodes=(2, 3)))
    server = LiveServer(create_app(prepared.runtime)).start()
    try:
        rt = prepared.runtime
        server.token, _ = rt.auth.issue(demo.DEMO_USER)
        for module in WARM_UP:
            done = rt.jobs.wait(rt.jobs.submit(module), 300)
            assert done["status"] == "success", (module, done)
        yield server
    finally:
        server.stop()
        prepared.close()


def page_files(server) -> list[str]:
    return httpx.get(f"{server.url}/ui/pages.json", timeout=10).json()["pages"]


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"axe {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:4]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def overflow(page) -> str | None:
    """None when the document fits the viewport's width; else its width and the widest elements."""
    return page.evaluate("""() => {
      const w = innerWidth, sw = document.documentElement.scrollWidth;
      if (sw <= w) return null;
      const wide = [...document.querySelectorAll('#app *')]
        .filter((el) => el.getBoundingClientRect().right > w + 1 && el.offsetParent !== null)
        .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > w + 1))
        .slice(0, 5)
        .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
             (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
             ' right=' + Math.round(el.getBoundingClientRect().right));
      return `scrollWidth ${sw} > ${w}: ${wide.join(', ')}`;
    }""")


def settle(page) -> None:
    """Wait until the page's own "Loading…" placeholders are gone (its first fetches answered)."""
    page.wait_for_function("() => !document.querySelector('#content .loading')")
    page.wait_for_load_state("load")


@pytest.mark.timeout(900)  # the first case also builds the demo data dir and runs WARM_UP
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_page_fits_and_is_accessible(browser, demo_server, viewport, theme):
    storage = {"cookies": [], "origins": [{"origin": demo_server.url, "localStorage": [
        {"name": TOKEN_KEY, "value": demo_server.token}, {"name": THEME_KEY, "value": theme}]}]}
    context = browser.new_context(viewport=VIEWPORTS[viewport], storage_state=storage)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    attach_console_collector(page)
    problems: list[str] = []
    try:
        page.goto(demo_server.url + "/")
        page.wait_for_selector(".layout #content > .page")
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        ids = page.evaluate("""async (files) => {
          const out = [];
          for (const f of files) {
            const mod = await import(`/static/js/pages/${f}`);
            if (mod.meta && mod.render) out.push(mod.meta.id);
          }
          return out;
        }""", page_files(demo_server))
        assert len(ids) >= 15, ids  # every page module, not a partial list
        for page_id in ids:
            goto_page(page, demo_server, page_id)
            settle(page)
            wide = overflow(page)
            if wide:
                problems.append(f"{page_id}: {wide}")
            problems.extend(f"{page_id}: {p}" for p in axe_problems(page))
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
