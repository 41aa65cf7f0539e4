"""/api/posters/unmatched/* and /api/webhooks/unmatched/* on a runtime with the simulators."""

from __future__ import annotations

import pytest

from tests.unmatched.conftest import WAIT, instances_config, run

SECRET = "whSECRETunmatched42"


@pytest.fixture
def configured(runtime, sims, assets):
    runtime.config.update({"instances": instances_config(sims), "general": {"allowed_roots": [str(assets)]},
                           "poster_maker": {"asset_path": str(assets), "library_folders": False}})
    return runtime


def test_no_report_yet_is_said_with_nulls(client, configured):
    for url in ("/api/posters/unmatched/stats", "/api/posters/unmatched/details"):
        r = client.get(url)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["generated_at"] is None and body["success"] is True
        assert body["summary"]["movies"] == {"total": None, "with_assets": None, "unmatched": None,
                                             "percent_complete": None}
        assert body["summary"]["overall"]["total"] is None
    assert client.get("/api/posters/unmatched/details").json()["totals"] == {"movies": None, "series": None,
                                                                           "collections": None}


def test_stats_and_details_after_a_run(client, configured, assets):
    (assets / "The Matrix (1999) {tmdb-603}").mkdir()
    (assets / "The Matrix (1999) {tmdb-603}" / "poster.jpg").write_bytes(b"x")
    job = run(configured)
    assert job["status"] == "success"
    stats = client.get("/api/posters/unmatched/stats").json()
    assert stats["generated_at"] and stats["job_id"] == job["id"]
    assert stats["summary"]["movies"]["with_assets"] == 2
    assert stats["data"]["summary"] == stats["summary"]  # CHUB envelope
    assert stats["unmatched_counts"]["movies"] == stats["summary"]["movies"]["unmatched"]

    details = client.get("/api/posters/unmatched/details").json()
    assert details["totals"]["movies"] == stats["summary"]["movies"]["unmatched"]
    assert all(m["title"] != "The Matrix" for m in details["unmatched"]["movies"])

    only_4k = client.get("/api/posters/unmatched/details", params={"kind": "movies", "instance": "radarr_4k"}).json()
    assert set(only_4k["unmatched"]) == {"movies"}
    assert only_4k["unmatched"]["movies"] and {m["instance"] for m in only_4k["unmatched"]["movies"]} == {"radarr_4k"}

    found = client.get("/api/posters/unmatched/details", params={"query": "godzil"}).json()
    assert found["totals"]["movies"] >= 2 and all("Godzilla" in m["title"] for m in found["unmatched"]["movies"])
    assert found["totals"]["series"] == 0

    page = client.get("/api/posters/unmatched/details", params={"kind": "movies", "limit": 3, "offset": 2}).json()
    assert len(page["unmatched"]["movies"]) == 3
    assert page["unmatched"]["movies"] == details["unmatched"]["movies"][2:5]


@pytest.mark.parametrize("params", [{"kind": "albums"}, {"limit": 0}, {"limit": 5000}, {"offset": -1},
                                    {"offset": 2**63}])
def test_bad_query_is_422(client, params):
    assert client.get("/api/posters/unmatched/details", params=params).status_code == 422


def test_webhook_process_runs_the_module_and_status_reports_it(client, anon_client, configured):
    configured.config.update({"general": {"webhook_secret": SECRET}})
    before = client.get("/api/webhooks/unmatched/status").json()
    assert before["status"] == "active" and before["generated_at"] is None and before["overall"]["total"] is None
    assert anon_client.post("/api/webhooks/unmatched/process", headers={"X-Webhook-Secret": "nope"}).status_code == 401
    r = anon_client.post("/api/webhooks/unmatched/process", headers={"X-Webhook-Secret": SECRET})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "enqueued" and r.json()["module"] == "unmatched_assets"
    job = configured.jobs.wait(r.json()["job_id"], WAIT)
    assert job["status"] == "success" and job["source"] == "webhook"
    status = client.get("/api/webhooks/unmatched/status").json()
    assert status["status"] == "active" and status["summary"]["job_id"] == job["id"]
    assert status["summary"]["counts"]["movies_total"] > 0
    assert status["generated_at"] and status["report_job_id"] == job["id"]
    assert status["overall"]["total"] == status["summary"]["counts"]["overall_total"]
    stats = client.get("/api/posters/unmatched/stats").json()
    assert stats["job_id"] == job["id"]


def test_settings_form_defaults_save_and_a_bad_value_is_refused(client):
    schema = client.get("/api/modules/unmatched_assets/schema").json()["schema"]
    # What the generic form sends back untouched: each default, lists without one as [] (an empty text box).
    defaults = {name: prop.get("default", [] if prop.get("type") == "array" else None)
                for name, prop in schema["properties"].items()}
    assert schema["properties"]["layout"]["enum"] == ["poster_maker", "folders", "flat"]  # a select in the form
    r = client.put("/api/modules/unmatched_assets/config", json={"config": defaults})
    assert r.status_code == 200, r.text
    assert r.json()["config"]["by_library"] == "poster_maker"
    assert client.put("/api/modules/unmatched_assets/config", json={"layout": "sideways"}).status_code == 422
