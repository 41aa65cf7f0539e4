"""The Template editor page in a real browser: list, live preview refreshed on edits, validation
errors shown on the field, save as copy, test sheet."""

from __future__ import annotations

import pytest

from tests.ui.conftest import goto_page

pytestmark = pytest.mark.browser


def _preview_src(page) -> str:
    return page.locator(".tpl-preview-img").get_attribute("src") or ""


def test_template_editor_live_preview_and_save(ui_page, live_server):
    page = ui_page
    root = goto_page(page, live_server, "templates")
    root.locator(".tpl-item.active").wait_for()
    assert "Classic poster" in root.locator(".tpl-item.active").inner_text()
    page.wait_for_function("() => (document.querySelector('.tpl-preview-img')||{}).naturalWidth === 2000")
    first = _preview_src(page)
    assert "ms" in root.locator(".tpl-preview-info").inner_text()

    # editing a value re-renders the preview (debounced)
    max_size = root.locator("[data-path='layers.3.max_size'] input")
    max_size.fill("120")
    page.wait_for_function("(old) => { const i = document.querySelector('.tpl-preview-img'); return i.src !== old && i.naturalWidth === 2000; }",
                           arg=first)

    # an invalid value is reported on the field itself
    width = root.locator("[data-path='layers.3.box.width'] input")
    width.fill("-5")
    root.locator("[data-path='layers.3.box.width'].invalid").wait_for()
    assert "greater than 0" in root.locator(".form-error").first.inner_text()
    width.fill("1800")
    page.wait_for_function("() => !document.querySelector('[data-path].invalid')")

    # built-ins are saved as a copy
    root.get_by_role("button", name="Save as copy").click()
    page.locator(".toast-success").wait_for()
    root.locator(".tpl-item.active", has_text="poster").wait_for()
    r = live_server_get(live_server, "/api/artwork/templates/classic-poster-copy")
    assert r["layers"][3]["max_size"] == 120 and r["family"] == "custom"
    # issue 17: the copy kept the built-in's name, so two templates had one name; a second copy gets "copy 2"
    assert r["name"] == "Classic poster (copy)", r["name"]
    root.locator(".tpl-item", has_text="Classic poster").first.click()
    root.get_by_role("button", name="Save as copy").click()
    root.locator(".tpl-item.active", has_text="(copy 2)").wait_for()
    second = live_server_get(live_server, "/api/artwork/templates/classic-poster-copy-2")
    assert second["name"] == "Classic poster (copy 2)"
    names = [t["name"] for t in live_server_get(live_server, "/api/artwork/templates")["templates"]]
    assert len(names) == len(set(names)), names
    assert page.console_errors == []


def test_test_sheet_dialog(ui_page, live_server):
    import httpx

    page = ui_page
    draft = live_server_get(live_server, "/api/artwork/templates/classic-titlecard")
    draft.update({"id": "solo-card", "family": "solo", "builtin": False})
    r = httpx.post(live_server.url + "/api/artwork/templates", json=draft,
                   headers={"Authorization": f"Bearer {live_server.token}"}, timeout=30)
    assert r.status_code == 201, r.text
    page.goto(f"{live_server.url}/#/templates?id=solo-card")
    page.wait_for_selector("#content > .page.page-templates")
    root = page.locator("#content > .page.page-templates")
    root.locator(".tpl-item.active", has_text="title card").wait_for()
    root.get_by_role("button", name="Test sheet").click()
    page.wait_for_function("() => { const i = document.querySelector('dialog.tpl-sheet img'); return i && i.naturalWidth > 1000; }",
                           timeout=60_000)
    assert "truncated" in page.locator("dialog.tpl-sheet").inner_text()
    assert page.console_errors == []


def live_server_get(live_server, path: str) -> dict:
    import httpx

    r = httpx.get(live_server.url + path, headers={"Authorization": f"Bearer {live_server.token}"}, timeout=30)
    r.raise_for_status()
    return r.json()
