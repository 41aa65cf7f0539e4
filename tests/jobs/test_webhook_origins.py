"""Posterizarr's webhook receivers (/api/webhook/arr, /api/webhook/tautulli) record the origin of the
jobs they queue like CHUB's webhooks do, so /api/jobs/webhook-origins counts them by sender."""

from __future__ import annotations

RADARR_IMPORT = {"movie": {"id": 3, "title": "The Matrix", "year": 1999, "tmdbId": 603, "imdbId": "tt0133093"},
                 "eventType": "Download", "isUpgrade": True, "instanceName": "Radarr"}
TAUTULLI_ADDED = {"media_type": "movie", "rating_key": "4242"}


def test_posterizarr_webhook_jobs_record_their_origin(client):
    rt = client.app.state.runtime
    r = client.post("/api/webhook/arr", json=RADARR_IMPORT, headers={"User-Agent": "Radarr/5.2"})
    assert r.status_code == 200, r.text
    origin = rt.jobs.get(r.json()["job_id"])["origin"]
    assert origin["source"] == "webhook" and origin["endpoint"] == "/api/webhook/arr"
    assert origin["event_type"] == "Download" and origin["user_agent"] == "Radarr/5.2" and origin["client_host"]
    assert origin["platform"] == "radarr" and origin["upgrade"] is True  # what these jobs recorded before

    r = client.post("/api/webhook/tautulli", json=TAUTULLI_ADDED, headers={"User-Agent": "Tautulli/2.14"})
    assert r.status_code == 200, r.text
    origin = rt.jobs.get(r.json()["job_id"])["origin"]
    assert origin["endpoint"] == "/api/webhook/tautulli" and origin["event_type"] == "recently_added"
    assert origin["user_agent"] == "Tautulli/2.14" and origin["platform"] == "tautulli"
    assert origin["media_type"] == "movie"

    agg = client.get("/api/jobs/webhook-origins", params={"days": 7}).json()
    assert agg["total"] == 2
    endpoints = {o["endpoint"]: o["count"] for o in agg["by_origin"]}
    assert endpoints == {"/api/webhook/arr": 1, "/api/webhook/tautulli": 1}
    assert all(o["client_host"] for o in agg["by_origin"])
    assert agg["by_event_type"] == {"Download": 1, "recently_added": 1}


def test_origin_never_stores_the_secret(client):
    rt = client.app.state.runtime
    rt.config.update({"general": {"webhook_secret": "s3cret-value-123"}})
    r = client.post("/api/webhook/arr?secret=s3cret-value-123", json=RADARR_IMPORT,
                    headers={"X-Webhook-Secret": "s3cret-value-123"})
    assert r.status_code == 200, r.text
    row = rt.jobs.store.get_row(r.json()["job_id"])
    assert "s3cret-value-123" not in str(row.origin) + str(row.overrides)
