"""The UI shell in a real browser: first-run setup, login, settings (API keys, backups), logs, theme, sign out.

Screenshots land in the test's tmp dir (``shots/``) for a human look at the result.
"""

from __future__ import annotations

import io
import re
import zipfile

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD, ADMIN_USER, LiveServer
from tests.ui.conftest import goto_page, new_page, wait_for_shell

# Chromium reports every non-2xx fetch as a console error; a refused login is expected to show one.
EXPECTED_401 = re.compile(r"Failed to load resource: the server responded with a status of 401")


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    return folder


@pytest.fixture
def empty_server(app):
    """The real app on a free port with no user yet (first-run setup pending)."""
    server = LiveServer(app).start()
    yield server
    server.stop()


def _unexpected(errors: list[str]) -> list[str]:
    return [e for e in errors if not EXPECTED_401.search(e)]


def test_first_run_setup_creates_the_admin(browser, empty_server, shots):
    context, page = new_page(browser, empty_server)
    try:
        page.goto(empty_server.url + "/")
        page.wait_for_selector("form.auth-form")
        assert page.locator("h1").inner_text() == "Welcome to Curatarr"
        page.screenshot(path=str(shots / "setup.png"))

        page.fill("input[name=username]", ADMIN_USER)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.fill("input[name=password2]", "something-else")
        page.click("button[type=submit]")
        assert page.locator(".form-error").inner_text() == "Passwords do not match"

        page.fill("input[name=password2]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        wait_for_shell(page)
        assert page.locator(".topbar .user").inner_text() == ADMIN_USER
        token = page.evaluate("localStorage.getItem('curatarr-token')")
        me = httpx.get(f"{empty_server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == ADMIN_USER
        assert page.console_errors == []
    finally:
        context.close()


def test_login_with_wrong_then_right_password(browser, live_server, shots):
    context, page = new_page(browser, live_server)
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector("form.auth-form")
        assert page.locator("h1").inner_text() == "Sign in"
        page.fill("input[name=username]", ADMIN_USER)
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
        page.wait_for_selector(".form-error:has-text('invalid')")
        assert page.locator(".form-error").inner_text() == "invalid username or password"
        page.screenshot(path=str(shots / "login-error.png"))

        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        wait_for_shell(page)
        nav = page.locator(".sidebar .nav-link").all_inner_texts()
        assert any("Settings" in t for t in nav) and any("Logs" in t for t in nav)
        page.screenshot(path=str(shots / "dashboard.png"))
        assert _unexpected(page.console_errors) == []
    finally:
        context.close()


def test_settings_general_save(ui_page, live_server, app, shots):
    page = ui_page
    goto_page(page, live_server, "settings")
    page.fill("input[name='backup.keep']", "5")
    page.select_option("select[name='general.log_level']", "debug")
    page.click("text=Save settings")
    page.wait_for_selector(".toast-success")
    assert "Settings saved" in page.locator(".toast-success").first.inner_text()
    settings = app.state.runtime.settings
    assert settings.backup.keep == 5 and settings.general.log_level == "debug"
    page.screenshot(path=str(shots / "settings-general.png"), full_page=True)
    assert page.console_errors == []


def test_settings_api_key_create_use_delete(ui_page, live_server, shots):
    page = ui_page
    goto_page(page, live_server, "settings")
    page.click(".tabs .tab:has-text('API keys')")
    page.wait_for_selector("input[name=key-name]")
    page.fill("input[name=key-name]", "UI key")
    assert page.locator("select[name=key-scope]").input_value() == "read"  # least privilege by default
    page.select_option("select[name=key-scope]", "operator")
    page.click("text=Create key")
    key = page.locator("code.new-key").inner_text()
    assert key.startswith("cur_")
    page.wait_for_selector("td:has-text('UI key')")
    assert page.locator("tr:has-text('UI key') td.key-scope").inner_text() == "operator"
    page.screenshot(path=str(shots / "settings-keys.png"), full_page=True)
    me = httpx.get(f"{live_server.url}/api/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["method"] == "api_key" and me.json()["scope"] == "operator"

    page.click("tr:has-text('UI key') button:has-text('Delete')")
    page.click("dialog.modal button:has-text('Delete')")
    page.wait_for_selector("text=No API keys yet.")
    assert httpx.get(f"{live_server.url}/api/auth/me", headers={"X-API-Key": key}).status_code == 401
    assert page.console_errors == []


def test_settings_backup_download(ui_page, live_server, tmp_path, shots):
    page = ui_page
    goto_page(page, live_server, "settings")
    page.click(".tabs .tab:has-text('Backups')")
    page.wait_for_selector("text=Create & download backup")
    with page.expect_download() as info:
        page.click("text=Create & download backup")
    target = tmp_path / "downloaded.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as zf:
        assert {"config.yml", "manifest.json"} <= set(zf.namelist())
    page.wait_for_selector("td.mono:has-text('curatarr-backup-')")
    page.screenshot(path=str(shots / "settings-backups.png"), full_page=True)
    assert page.console_errors == []


def test_logs_page_shows_and_filters_lines(ui_page, live_server, app, shots):
    log = app.state.runtime.logs.module_logger("poster_maker")
    log.warning("rendered poster for Alpha Movie")
    log.warning("rendered poster for Beta Movie")
    page = ui_page
    goto_page(page, live_server, "logs")
    page.select_option("select[name=module]", "poster_maker")
    page.wait_for_selector("#logview:has-text('Beta Movie')")
    page.fill("input[name=filter]", "alpha")
    text = page.locator("#logview").inner_text()
    assert "Alpha Movie" in text and "Beta Movie" not in text
    page.screenshot(path=str(shots / "logs.png"), full_page=True)
    assert page.console_errors == []


def test_theme_toggle_persists(ui_page, live_server, shots):
    page = ui_page
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.click("button[aria-label='Toggle theme']")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.screenshot(path=str(shots / "light.png"))
    page.reload()
    wait_for_shell(page)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert page.console_errors == []


def test_sign_out_revokes_the_session(ui_page, live_server):
    page = ui_page
    token = page.evaluate("localStorage.getItem('curatarr-token')")
    page.click("text=Sign out")
    page.wait_for_selector("form.auth-form")
    assert page.evaluate("localStorage.getItem('curatarr-token')") is None
    r = httpx.get(f"{live_server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert page.console_errors == []


def test_unknown_hash_shows_a_not_found_page(ui_page, live_server):
    """Issue 17: an unknown route showed the Dashboard as if it existed; it says 404 and links home."""
    from playwright.sync_api import expect

    page = ui_page
    first = page.locator(".sidebar .nav-link").first.get_attribute("data-page")
    goto_page(page, live_server, "settings")
    page.evaluate("location.hash = '#/no-such-page'")
    missing = page.locator("#content > .page.page-not-found")
    expect(missing).to_contain_text("404")
    expect(missing.locator("code")).to_have_text("no-such-page")
    expect(page.locator("#page-title")).to_have_text("Page not found")
    assert page.locator(".nav-link.active").count() == 0
    missing.locator("a").click()
    expect(page.locator(f"#content > .page.page-{first}")).to_be_visible()
    expect(page.locator(".nav-link.active")).to_have_attribute("data-page", first)
    assert page.console_errors == []
