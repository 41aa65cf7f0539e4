"""Browser fixtures shared by every UI test (owner: foundation QA).

- ``browser`` (session): headless Chromium from /usr/bin/chromium driven by Playwright.
- ``ui_page``: a fresh context + page on ``live_server``, already logged in, with
  ``page.console_errors`` collecting console errors and uncaught page errors (tests assert it is empty).
- ``goto_page(page, live_server, page_id)``: open ``#/<page_id>`` and wait until that page has rendered.

Playwright cannot download its own browsers here, so the system Chromium is used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Lets UI test modules write ``from tests.ui.conftest import goto_page`` under both ``pytest`` and
# ``python -m pytest`` (only the latter puts the repo root on sys.path by itself).
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN_KEY = "curatarr-token"
DEFAULT_TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (install the 'chromium' package to run browser tests)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def attach_console_collector(page) -> list[str]:
    """Record console errors and uncaught exceptions on ``page.console_errors``."""
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            errors.append(f"console.error: {msg.text}{where}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.console_errors = errors
    return errors


def new_page(browser, live_server, *, token: str | None = None):
    """A new context + page on ``live_server``; with ``token`` it starts logged in (localStorage)."""
    storage = None
    if token:
        storage = {"cookies": [], "origins": [{"origin": live_server.url,
                                                "localStorage": [{"name": TOKEN_KEY, "value": token}]}]}
    context = browser.new_context(viewport=VIEWPORT, storage_state=storage, accept_downloads=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    attach_console_collector(page)
    return context, page


def wait_for_shell(page) -> None:
    """Wait until the logged-in shell is up and its first page has rendered."""
    page.wait_for_selector(".layout #content > .page, .layout #content > .card.error")


@pytest.fixture
def ui_page(live_server, browser):
    """A logged-in page on the app's start page, with ``page.console_errors``."""
    context, page = new_page(browser, live_server, token=live_server.token)
    page.goto(live_server.url + "/")
    wait_for_shell(page)
    try:
        yield page
    finally:
        context.close()


def goto_page(page, live_server, page_id: str):
    """Navigate to ``#/<page_id>`` and wait for that page's rendered content; returns its root element."""
    target = f"{live_server.url}/#/{page_id}"
    if not page.url.startswith(live_server.url):
        page.goto(target)
    else:
        page.evaluate("(hash) => { location.hash = hash; }", f"#/{page_id}")
    # The page's root, or the shell's error card once this page is the active one (route() marks the
    # nav link before it swaps the content, so an older page's error card is never mistaken for it).
    failed = f'body:has(.nav-link.active[data-page="{page_id}"]) #content > .card.error'
    page.wait_for_selector(f"#content > .page.page-{page_id}, {failed}")
    error = page.query_selector(failed)
    if error:
        raise AssertionError(f"page {page_id!r} failed to render: {error.inner_text()}")
    return page.locator(f"#content > .page.page-{page_id}")


@pytest.fixture(name="goto_page")
def goto_page_fixture():
    """``goto_page`` as a fixture too, for tests that prefer not to import from conftest."""
    return goto_page
