"""The *arr upkeep page in a real browser (desktop and a 390 px phone, axe): upgradinatorr instance
rows saved and run against the simulators (searched items, queue with custom-format scores), and
the labelarr mapping editor (tag ↔ label rows, direction, servers) saved and run."""

from __future__ import annotations

import pytest

from tests._fixtures import fresh, sim_cluster
from tests.ui.conftest import goto_page

SERVICES = ("radarr", "sonarr", "lidarr", "plex", "jellyfin")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def upkeep_sims():
    with sim_cluster(services=SERVICES) as cluster:
        yield cluster


@pytest.fixture
def upkeep_server(live_server, upkeep_sims):
    sims = fresh(upkeep_sims)
    from tests.jobs.ui_fixtures import app_runtime

    rt = app_runtime(live_server)
    rt.config.update({"instances": {t: {t: {"url": sims.urls[t], "api": sims.api_keys[t]}} for t in SERVICES}})
    live_server.rt = rt
    live_server.sims = sims
    return live_server


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context="#content")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def wait_job(page, rt, module: str) -> dict:
    page.locator(".toast", has_text="started").wait_for()   # the click queued the job
    rows, _ = rt.jobs.store.list(module=module, limit=1)
    assert rows, f"no {module} job"
    return rt.jobs.wait(rows[0]["id"], 60)


def test_upgradinatorr_rows_saved_run_and_results(ui_page, upkeep_server):
    page, rt, sims = ui_page, upkeep_server.rt, upkeep_server.sims
    root = goto_page(page, upkeep_server, "arr_upkeep")
    root.locator("button[data-action=add-instance]").wait_for()
    root.locator("button[data-action=add-instance]").click()
    row = root.locator(".upgrade-row").first
    row.locator("select[name=instance]").select_option("radarr")
    row.locator("input[name=count]").fill("2")
    row.locator("select[name=search_mode]").select_option("upgrade")
    row.locator("input[name=tag_name]").fill("ui-checked")
    root.locator("input[name=poll_seconds]").fill("0.05")
    root.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="Settings saved").wait_for()
    section = rt.config.get_section("upgradinatorr")
    assert section["instances_list"][0] == {"instance": "radarr", "count": 2, "search_mode": "upgrade",
                                            "tag_name": "ui-checked", "ignore_tag": "ignore",
                                            "season_monitored_threshold": 0, "unattended": False}
    assert section["poll_seconds"] == 0.05

    root.locator("button[data-action=run]").click()
    job = wait_job(page, rt, "upgradinatorr")
    assert job["status"] == "success", job
    searched = [c for c in sims.sims["radarr"].events("commands") if c["name"] == "MoviesSearch"]
    assert len(searched) == 2
    goto_page(page, upkeep_server, "dashboard")
    root = goto_page(page, upkeep_server, "arr_upkeep")
    page.locator("table.searched-table tbody tr").nth(1).wait_for()
    assert page.locator("table.searched-table tbody tr").count() == 2
    scores = page.locator("table.queue-table td.cf-score").all_inner_texts()
    assert len(scores) == 2 and all(s.lstrip("-").isdigit() for s in scores)
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_labelarr_mapping_editor_saved_and_run(ui_page, upkeep_server):
    page, rt, sims = ui_page, upkeep_server.rt, upkeep_server.sims
    root = goto_page(page, upkeep_server, "arr_upkeep")
    root.locator("button[data-tab=labelarr]").click()
    root.locator("button[data-action=add-mapping]").wait_for()
    root.locator("button[data-action=add-mapping]").click()
    mapping = root.locator(".mapping").first
    mapping.locator("select[name=app_instance]").select_option("radarr")
    mapping.locator("select[name=direction]").select_option("arr_to_server")
    mapping.locator(".pair-row input[name=tag]").first.fill("keep")
    mapping.locator("button[data-action=add-pair]").click()
    mapping.locator(".pair-row input[name=tag]").nth(1).fill("hdr")
    mapping.locator(".pair-row input[name=label]").nth(1).fill("HDR")
    mapping.locator("input[name=server][value=plex]").check()
    root.locator("button[data-action=save]").click()
    page.locator(".toast", has_text="Settings saved").wait_for()
    saved = rt.config.get_section("labelarr")["mappings"]
    assert saved == [{"app_instance": "radarr", "direction": "arr_to_server",
                      "media_servers": [{"instance": "plex", "library_names": []}],
                      "labels": [{"tag": "keep", "label": ""}, {"tag": "hdr", "label": "HDR"}]}]

    root.locator("button[data-action=run]").click()
    job = wait_job(page, rt, "labelarr")
    assert job["status"] == "success", job
    assert sims.sims["plex"].events("tag_changes")
    goto_page(page, upkeep_server, "dashboard")
    root = goto_page(page, upkeep_server, "arr_upkeep")
    root.locator("button[data-tab=labelarr]").click()
    page.locator("table.mapping-table tbody tr").first.wait_for()
    assert page.locator(".change-list li").count() == job["result"]["counts"]["labels_added"] > 0
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_phone_layout_fits_and_is_accessible(ui_page, upkeep_server):
    page = ui_page
    page.set_viewport_size(PHONE)
    root = goto_page(page, upkeep_server, "arr_upkeep")
    root.locator("button[data-action=add-instance]").click()
    root.locator(".upgrade-row").first.wait_for()
    width = page.evaluate("() => document.querySelector('#content').scrollWidth")
    assert width <= PHONE["width"], width
    assert axe_violations(page) == []
    root.locator("button[data-tab=labelarr]").click()
    root.locator("button[data-action=add-mapping]").click()
    root.locator(".mapping").first.wait_for()
    assert page.evaluate("() => document.querySelector('#content').scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    assert page.console_errors == []
