"""Typed module settings forms in a real browser (desktop and 390 px phone, both themes, axe): every
module's form renders without a raw JSON area, array-of-object rows round-trip through the API,
rows reorder by keyboard, a 422 shows under its field, secrets stay masked."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.jobs.ui_fixtures import app_runtime
from tests.ui.conftest import goto_page

PHONE = {"width": 390, "height": 844}
SECRET = "gdrive-token-do-not-show-7731"


def axe_clean(page) -> None:
    """0 critical / serious violations (the bar of issue 17). Toasts are awaited away first: one caught
    mid-fade (opacity transition) is measured at any contrast, which says nothing about the form."""
    expect(page.locator(".toast")).to_have_count(0)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("critical", "serious")]
    assert not bad, results.generate_report()


def open_settings(root, module: str):
    card = root.locator(f".module-card[data-module='{module}']")
    card.locator("button[data-action=settings]").click()
    card.locator("form.schema-form").wait_for()
    return card


def drag_row(page, rows, source: int, target: int) -> None:
    data = page.evaluate_handle("new DataTransfer()")
    rows.nth(source).locator(".sf-grip").dispatch_event("dragstart", {"dataTransfer": data})
    rows.nth(target).dispatch_event("dragover", {"dataTransfer": data})
    rows.nth(target).dispatch_event("drop", {"dataTransfer": data})
    rows.nth(source).locator(".sf-grip").dispatch_event("dragend", {"dataTransfer": data})


def set_theme(page, theme: str) -> None:
    if page.evaluate("document.documentElement.dataset.theme") != theme:
        page.click("button[aria-label='Toggle theme']")
    assert page.evaluate("document.documentElement.dataset.theme") == theme


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_module_form_is_typed_and_accessible(ui_page, live_server, viewport):
    page = ui_page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    root = goto_page(page, live_server, "modules")
    root.locator(".module-card").first.wait_for()
    names = root.locator(".module-card").evaluate_all("els => els.map(e => e.dataset.module)")
    assert {"upgradinatorr", "labelarr", "nohl", "border_replacerr", "sync_gdrive", "poster_maker"} <= set(names)
    for name in names:
        card = open_settings(root, name)
        form = card.locator("form.schema-form")
        assert form.locator("textarea").count() == 0, f"{name}: raw JSON area left"
        assert form.locator("[data-type=json], input[placeholder='comma separated']").count() == 0, name
        assert "[object Object]" not in form.inner_text(), name
    # The arrays of objects the issue names are rows, not text.
    for name, field in [("upgradinatorr", "instances_list"), ("labelarr", "mappings"), ("nohl", "path_mappings"),
                        ("border_replacerr", "holidays"), ("sync_gdrive", "gdrive_list")]:
        arr = root.locator(f".module-card[data-module='{name}'] .sf-field[data-path='{field}'] fieldset.sf-array")
        assert arr.get_attribute("data-kind") == "objects", (name, field)
    overrides = root.locator(".module-card[data-module='poster_maker'] .sf-field[data-path='library_language_overrides']")
    assert overrides.locator("fieldset.sf-map-set").count() == 1
    # No sideways scrolling at phone width with every form open.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for theme in ("dark", "light"):
        set_theme(page, theme)
        axe_clean(page)
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_array_rows_round_trip_reorder_and_inline_422(ui_page, live_server, viewport):
    rt = app_runtime(live_server)
    rt.config.update({"upgradinatorr": {"instances_list": [{"instance": "radarr-a", "count": 3}]}})
    page = ui_page
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    root = goto_page(page, live_server, "modules")
    card = open_settings(root, "upgradinatorr")
    rows = card.locator(".sf-field[data-path='instances_list'] .sf-row")
    assert rows.count() == 1
    assert rows.nth(0).locator("input[name=instance]").input_value() == "radarr-a"
    assert rows.nth(0).locator("select[name=search_mode]").input_value() == "upgrade"

    # Add a second row, fill it, move it first with the keyboard, save: the API stores the new order.
    card.locator(".sf-field[data-path='instances_list'] button[data-action=add-row]").click()
    assert rows.count() == 2
    second = rows.nth(1)
    second.locator("input[name=instance]").fill("sonarr-b")
    second.locator("input[name=count]").fill("25")
    second.locator("select[name=search_mode]").select_option("missing")
    second.locator("input[name=unattended]").check()
    second.locator("input[name=instance]").press("Alt+ArrowUp")
    assert rows.nth(0).locator("input[name=instance]").input_value() == "sonarr-b"
    card.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="settings saved").wait_for()
    stored = rt.config.get_section("upgradinatorr")["instances_list"]
    assert [e["instance"] for e in stored] == ["sonarr-b", "radarr-a"]
    assert stored[0]["count"] == 25 and stored[0]["search_mode"] == "missing" and stored[0]["unattended"] is True
    assert stored[1]["count"] == 3

    # The arrow buttons reorder too; removing a row removes it from the saved list.
    rows.nth(1).locator("button[data-move='-1']").click()
    assert rows.nth(0).locator("input[name=instance]").input_value() == "radarr-a"
    # ... and so does dragging a row by its grip onto another (the HTML5 drag events, as a browser sends them).
    drag_row(page, rows, 1, 0)
    assert rows.nth(0).locator("input[name=instance]").input_value() == "sonarr-b"
    drag_row(page, rows, 1, 0)
    assert rows.nth(0).locator("input[name=instance]").input_value() == "radarr-a"
    rows.nth(1).locator("button[data-action=remove-row]").click()
    assert rows.count() == 1

    # An invalid value: the server's 422 lands under that very field; nothing is stored.
    rows.nth(0).locator("input[name=count]").fill("0")
    card.locator("button[data-action=save]").click()
    field = card.locator(".sf-field[data-path='instances_list.0.count']")
    field.locator(".sf-error", has_text="greater than or equal to 1").wait_for()
    assert field.locator("input").get_attribute("aria-invalid") == "true"
    assert [e["instance"] for e in rt.config.get_section("upgradinatorr")["instances_list"]] == ["sonarr-b", "radarr-a"]
    for theme in ("dark", "light"):
        set_theme(page, theme)
        axe_clean(page)

    # Fixed, saved: the message goes away and the single row is stored.
    rows.nth(0).locator("input[name=count]").fill("5")
    card.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="settings saved").wait_for()
    assert card.locator(".sf-error:not(:empty)").count() == 0
    assert rt.config.get_section("upgradinatorr")["instances_list"] == [
        {**stored[1], "count": 5}]
    # The browser itself logs the refused PUT; nothing else may fail.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_secrets_stay_masked_and_unchanged(ui_page, live_server):
    rt = app_runtime(live_server)
    rt.config.update({"sync_gdrive": {"token": SECRET, "client_secret": SECRET + "-x",
                                      "gdrive_list": [{"id": "abc", "location": "/tmp/x"}]}})
    page = ui_page
    root = goto_page(page, live_server, "modules")
    card = open_settings(root, "sync_gdrive")
    token = card.locator("input[name=token]")
    assert token.get_attribute("type") == "password"
    assert token.input_value() == ""
    assert "unchanged" in token.get_attribute("placeholder")
    assert SECRET not in page.content()

    # Edit another field (a row of the Drive list) and save: the secrets are kept as stored.
    row = card.locator(".sf-field[data-path='gdrive_list'] .sf-row").first
    row.locator("input[name=name]").fill("Creator")
    card.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="settings saved").wait_for()
    section = rt.config.get_section("sync_gdrive")
    assert section["token"] == SECRET and section["client_secret"] == SECRET + "-x"
    assert section["gdrive_list"] == [{"id": "abc", "location": "/tmp/x", "name": "Creator"}]

    # Typing a new secret replaces it.
    token.fill("new-token")
    card.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="settings saved").nth(1).wait_for()
    assert rt.config.get_section("sync_gdrive")["token"] == "new-token"
    assert page.console_errors == []
