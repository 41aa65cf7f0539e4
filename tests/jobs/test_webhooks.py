"""Inbound webhooks: API key / shared secret auth while a UI login exists, test events, dedupe,
origins without secrets, and the helpers' pure parts."""

from __future__ import annotations

import pytest

from curatarr.jobs.webhooks import Deduper, arr_media, is_test_event, payload_key
from curatarr.modules import registry
from tests.jobs.conftest import Stepper

SECRET = "whSECRETvalue123"
WAIT = 30


class PosterRenamerr(Stepper):
    name = "poster_renamerr"


class UnmatchedAssets(Stepper):
    name = "unmatched_assets"


class PosterCleanarr(Stepper):
    name = "poster_cleanarr"


@pytest.fixture
def poster_modules():
    registry.register("poster_renamerr", PosterRenamerr)
    registry.register("unmatched_assets", UnmatchedAssets)
    registry.register("poster_cleanarr", PosterCleanarr)
    yield
    registry.unregister("poster_renamerr")
    registry.unregister("unmatched_assets")
    registry.unregister("poster_cleanarr")


def radarr_payload(movie_id=1, event="Download", title="The Matrix"):
    return {"eventType": event, "instanceName": "Radarr 4K",
            "movie": {"id": movie_id, "title": title, "year": 1999, "tmdbId": 603, "imdbId": "tt0133093",
                      "folderPath": "/movies/The Matrix (1999)"}}


@pytest.fixture
def api_key(client):
    r = client.post("/api/auth/keys", json={"name": "radarr", "scope": "operator"})  # webhooks run modules
    assert r.status_code == 201, r.text
    return r.json()["key"]


def test_webhooks_need_key_or_secret_while_login_exists(client, anon_client, api_key, poster_modules):
    rt = client.app.state.runtime
    rt.config.update({"general": {"webhook_secret": SECRET}})
    url = "/api/webhooks/poster/add"
    assert anon_client.post(url, json=radarr_payload(1)).status_code == 401
    assert anon_client.post(url, json=radarr_payload(1), headers={"X-Webhook-Secret": "wrong"}).status_code == 401
    assert anon_client.post(url + "?secret=wrong", json=radarr_payload(1)).status_code == 401
    assert anon_client.post(url + "?api_key=cur_notavalidkey0000000000", json=radarr_payload(1)).status_code == 401

    accepted = [
        anon_client.post(url, json=radarr_payload(2), headers={"X-API-Key": api_key}),
        anon_client.post(f"{url}?api_key={api_key}", json=radarr_payload(3)),
        anon_client.post(url, json=radarr_payload(4), headers={"X-Webhook-Secret": SECRET}),
        anon_client.post(f"{url}?secret={SECRET}", json=radarr_payload(5)),
    ]
    for r in accepted:
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "enqueued"
    jobs = [rt.jobs.wait(r.json()["job_id"], WAIT) for r in accepted]
    assert all(j["status"] == "success" and j["source"] == "webhook" and j["module"] == "poster_renamerr" for j in jobs)
    # The secret is not a credential anywhere else.
    assert anon_client.get("/api/jobs", headers={"X-Webhook-Secret": SECRET}).status_code == 401
    # No secret configured → secrets are not accepted at all.
    rt.config.update({"general": {"webhook_secret": ""}})
    assert anon_client.post(url, json=radarr_payload(6), headers={"X-Webhook-Secret": ""}).status_code == 401


def test_origin_is_recorded_without_secrets(client, anon_client, api_key, poster_modules):
    rt = client.app.state.runtime
    rt.config.update({"general": {"webhook_secret": SECRET}})
    r = anon_client.post(f"/api/webhooks/poster/add?secret={SECRET}", json=radarr_payload(7),
                         headers={"User-Agent": "Radarr/5.2", "X-API-Key": api_key})
    job = rt.jobs.wait(r.json()["job_id"], WAIT)
    origin = job["origin"]
    assert origin["endpoint"] == "/api/webhooks/poster/add" and origin["event_type"] == "Download"
    assert origin["user_agent"] == "Radarr/5.2" and origin["client_host"] and origin["instance"] == "Radarr 4K"
    assert origin["item"]["arr_id"] == 7 and origin["item"]["ids"]["tmdbId"] == 603
    stored = str(rt.jobs.store.get_row(job["id"]).origin) + str(rt.jobs.store.get_row(job["id"]).overrides)
    assert SECRET not in stored and api_key not in stored
    agg = client.get("/api/jobs/webhook-origins", params={"days": 7}).json()
    assert agg["total"] == 1 and agg["by_origin"][0]["endpoint"] == "/api/webhooks/poster/add"
    assert agg["by_event_type"] == {"Download": 1}
    listed = client.get("/api/jobs", params={"job_type": "webhook"}).json()
    assert [j["id"] for j in listed["jobs"]] == [job["id"]] and listed["jobs"][0]["type"] == "webhook"


def test_test_events_answer_without_queuing(client, api_key, poster_modules):
    r = client.post(f"/api/webhooks/poster/add?api_key={api_key}", json={"eventType": "Test", "movie": {"id": 1}})
    assert r.status_code == 200 and r.json()["event_type"] == "test"
    assert client.get("/api/jobs").json()["total"] == 0


def test_duplicate_deliveries_are_collapsed(client, api_key, poster_modules):
    url = f"/api/webhooks/poster/add?api_key={api_key}"
    first = client.post(url, json=radarr_payload(9)).json()
    again = client.post(url, json=radarr_payload(9)).json()
    assert again["duplicate"] is True and again["job_id"] == first["job_id"]
    other = client.post(url, json=radarr_payload(9, event="Rename")).json()
    assert other["status"] == "enqueued" and other["job_id"] != first["job_id"]
    assert client.get("/api/jobs").json()["total"] == 2


def test_bad_payloads_and_missing_modules(client, api_key, monkeypatch):
    from curatarr.api import webhooks as routes

    monkeypatch.setitem(routes.TARGETS, "poster_add", ("not_installed_module",))
    monkeypatch.setitem(routes.TARGETS, "unmatched", ("not_installed_module",))
    url = f"/api/webhooks/poster/add?api_key={api_key}"
    r = client.post(url, content=b"not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert client.post(url, json=[1, 2]).status_code == 400
    r = client.post(url, json=radarr_payload(1))
    assert r.status_code == 503 and "not_installed_module" in r.json()["detail"]
    assert client.post(url, json={"eventType": "Download"}).status_code == 400
    assert client.get("/api/webhooks/unmatched/status").json()["status"] == "unavailable"
    assert client.get("/api/jobs").json()["total"] == 0


def test_unmatched_and_cleanarr_routes(client, api_key, poster_modules):
    r = client.post(f"/api/webhooks/unmatched/process?api_key={api_key}")
    assert r.status_code == 200 and r.json()["module"] == "unmatched_assets"
    rt = client.app.state.runtime
    rt.jobs.wait(r.json()["job_id"], WAIT)
    status = client.get("/api/webhooks/unmatched/status").json()
    assert status["status"] == "active" and status["summary"]["counts"] == {"processed": 5}
    r = client.post(f"/api/webhooks/cleanarr/process?api_key={api_key}")
    # poster_cleanarr (Plex bloat + our orphaned outputs) takes cleanup; the renamer's cleanup_orphans
    # mode is only the fallback when it is not installed
    assert r.status_code == 200 and r.json()["module"] == "poster_cleanarr"
    job = rt.jobs.wait(r.json()["job_id"], WAIT)
    assert job["status"] == "success" and not job["overrides"]
    c = client.get("/api/webhooks/cleanarr/status").json()
    assert c["orphaned_count"] == 0 and c["status"] == "active"


# ---- pure helpers ----------------------------------------------------------------------------------

def test_helpers():
    assert is_test_event({"eventType": "Test"}) and not is_test_event({"eventType": "Download"})
    assert not is_test_event({}) and not is_test_event(None)
    assert arr_media({"series": {"id": 3, "title": "X", "tvdbId": 9}})["ids"] == {"tvdbId": 9}
    assert arr_media({"eventType": "Grab"}) is None
    d = Deduper(window=5)
    key = payload_key("a", 1)
    assert d.check(key, now=100.0) == (False, None)
    d.remember_job(key, 42)
    assert d.check(key, now=104.0) == (True, 42)
    assert d.check(key, now=105.5) == (False, None)
    assert payload_key("a", 1) != payload_key("a", 2)
