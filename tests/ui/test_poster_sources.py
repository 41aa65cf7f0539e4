"""Poster sources page in a real browser: Drive folders listed, Sync starts a real rclone job (alias
remote onto a local folder), the row shows it running and then the stats the sync computed; no axe
violations on desktop and on a 390 px phone."""

from __future__ import annotations

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.jobs.ui_fixtures import app_runtime
from tests.ui.conftest import goto_page

pytestmark = pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone is not installed")


def configure(rt, tmp_path) -> None:
    drive = tmp_path / "drive"
    for name in ("creatorA/The Matrix (1999).jpg", "creatorA/Set/Alien (1979).jpg", "creatorB/Dune (2021).jpg"):
        (drive / name).parent.mkdir(parents=True, exist_ok=True)
        (drive / name).write_bytes(b"\xff\xd8\xff" * 100)
    conf = tmp_path / "rclone.conf"
    conf.write_text(f"[fakedrive]\ntype = alias\nremote = {drive}\n")
    rt.config.update({"sync_gdrive": {
        "rclone_remote": "fakedrive", "rclone_config": str(conf),
        "gdrive_list": [{"id": "creatorA", "location": str(tmp_path / "mirror" / "A"), "name": "Creator A"},
                        {"id": "creatorB", "location": str(tmp_path / "mirror" / "B"), "name": "Creator B"}]}})


def violations(page) -> list[str]:
    result = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in result.response["violations"]]


def test_sources_sync_and_show_stats(ui_page, live_server, tmp_path):
    rt = app_runtime(live_server)
    configure(rt, tmp_path)
    page = ui_page
    root = goto_page(page, live_server, "poster_sources")
    row = root.locator("li.gdrive-source[data-name='Creator A']")
    row.wait_for()
    assert "never" in row.inner_text() and root.locator("li.gdrive-source").count() == 2
    assert violations(page) == []

    row.get_by_role("button", name="Sync Creator A").click()
    row.locator(".gdrive-facts dd", has_text="2").first.wait_for()  # two files mirrored, counted after the sync
    row.get_by_role("button", name="Sync Creator A").wait_for()
    assert row.get_by_role("button", name="Sync Creator A").is_enabled()
    assert (tmp_path / "mirror" / "A" / "Set" / "Alien (1979).jpg").exists()
    assert not (tmp_path / "mirror" / "B").exists()
    other = root.locator("li.gdrive-source[data-name='Creator B']")
    assert "never" in other.inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    root.locator("#gdrive-sync-all").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    assert violations(page) == []
    assert page.console_errors == []


def test_empty_state_points_to_the_module(ui_page, live_server):
    root = goto_page(ui_page, live_server, "poster_sources")
    root.locator("#gdrive-sources .empty").wait_for()
    assert "gdrive_list" in root.inner_text()
    assert root.locator("#gdrive-sync-all").is_disabled()
    assert ui_page.console_errors == []
