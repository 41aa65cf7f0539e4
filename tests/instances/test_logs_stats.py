"""Per-instance logs (indexed store), stats and Plex libraries, against the simulators."""

from __future__ import annotations

import logging

from curatarr.config.secrets import MASK
from tests.instances.conftest import add_instance


def test_instance_logs_come_from_the_store_by_exact_name(client, sim_instances, runtime):
    from curatarr.instances.logstore import instance_logger

    add_instance(client, "radarr", "radarr", sim_instances["radarr"]["radarr"])
    add_instance(client, "radarr", "radarr_4k", sim_instances["radarr"]["radarr_4k"])
    log = instance_logger("radarr", "curatarr.modules.test")
    log.info("synced 50 movies")
    log.warning("3 movies without a poster", extra={"job_id": 7})
    log.error("upload failed")
    # CHUB grepped log lines for the name: "radarr" matched every radarr_4k line too.
    instance_logger("radarr_4k").warning("radarr_4k only: radarr is mentioned in this line")
    # A plain log line that merely mentions the name is not an event of that instance.
    logging.getLogger("curatarr.modules.test").warning("radarr mentioned without a tag")

    body = client.get("/api/instances/radarr/logs").json()
    messages = [e["message"] for e in body["logs"]]
    assert body["instance"] == "radarr" and body["total"] == 3
    assert messages == ["upload failed", "3 movies without a poster", "synced 50 movies"]  # newest first
    assert body["logs"][1]["job_id"] == 7 and body["logs"][1]["level"] == "warning"
    assert body["logs"][0]["logger"] == "curatarr.modules.test"

    warn = client.get("/api/instances/radarr/logs", params={"level": "warning"}).json()
    assert [e["message"] for e in warn["logs"]] == ["upload failed", "3 movies without a poster"]
    assert warn["total"] == 2
    limited = client.get("/api/instances/radarr/logs", params={"limit": 1, "offset": 1}).json()
    assert [e["message"] for e in limited["logs"]] == ["3 movies without a poster"] and limited["total"] == 3
    assert client.get("/api/instances/radarr/logs", params={"level": "loud"}).status_code == 400
    assert client.get("/api/instances/radarr/logs", params={"limit": 0}).status_code == 422
    assert client.get("/api/instances/nope/logs").status_code == 404


def test_instance_log_events_are_redacted(client, sim_instances, runtime):
    from curatarr.instances.logstore import get_store, instance_logger

    cfg = sim_instances["radarr"]["radarr"]
    add_instance(client, "radarr", "r1", cfg)
    instance_logger("r1").warning("calling %s/api/v3/movie?apikey=%s", cfg["url"], cfg["api"])
    get_store(runtime).write("r1", "error", f"explicit write with key {cfg['api']}")
    text = client.get("/api/instances/r1/logs").text
    assert cfg["api"] not in text
    assert text.count(MASK) >= 2


def test_failed_probe_lands_in_instance_log(client, sim_instances, sim_cluster):
    add_instance(client, "sonarr", "s1", sim_instances["sonarr"]["sonarr"])
    sim_cluster.sims["sonarr"].faults.add("bad_auth")
    assert client.post("/api/instances/s1/test").json()["status"] == "auth_failed"
    logs = client.get("/api/instances/s1/logs", params={"level": "warning"}).json()["logs"]
    assert logs and "auth_failed" in logs[0]["message"]


def test_logstore_prune_and_counts(runtime):
    from curatarr.instances.logstore import InstanceLogStore

    store = InstanceLogStore(runtime.db)
    for i in range(30):
        store.write("a", "info" if i % 2 else "error", f"event {i}")
    store.write("b", "info", "other")
    assert store.counts("a") == {"info": 15, "error": 15}
    assert store.prune(max_per_instance=10) == 20
    rows, total = store.query("a", limit=100)
    assert total == 10 and rows[0]["message"] == "event 29" and rows[-1]["message"] == "event 20"
    assert store.query("b")[1] == 1


def test_plex_libraries(client, sim_instances, sim_cluster):
    add_instance(client, "plex", "plex_main", sim_instances["plex"]["plex"])
    add_instance(client, "radarr", "r1", sim_instances["radarr"]["radarr"])
    r = client.get("/api/plex/plex_main/libraries")
    assert r.status_code == 200, r.text
    libraries = r.json()["libraries"]
    assert {lib["type"] for lib in libraries} >= {"movie", "show"}
    assert all(set(lib) == {"title", "type", "key"} and lib["key"] for lib in libraries)
    assert client.get("/api/plex/r1/libraries").status_code == 400
    assert client.get("/api/plex/nope/libraries").status_code == 404
    sim_cluster.sims["plex"].faults.add("bad_auth")
    bad = client.get("/api/plex/plex_main/libraries")
    assert bad.status_code == 502 and "authentication failed" in bad.json()["detail"]


def test_stats_for_media_servers_count_live_items(client, sim_instances, sim_cluster):
    from curatarr.sims.library import SampleLibrary

    movies_with_files = sum(1 for m in SampleLibrary.demo().movies if m.has_file)  # what a server lists
    add_instance(client, "plex", "plex_main", sim_instances["plex"]["plex"])
    stats = client.get("/api/instances/plex_main/stats").json()
    assert stats["instance"] == "plex_main" and stats["source"] == "live", stats
    libraries = client.get("/api/plex/plex_main/libraries").json()["libraries"]
    movie_section = next(x["title"] for x in libraries if x["type"] == "movie")
    assert stats["libraries"][movie_section] == movies_with_files
    assert stats["total_media"] == sum(stats["libraries"].values()) > movies_with_files
    assert "health" in stats and "log_events" in stats
    if "jellyfin" in sim_instances:
        add_instance(client, "jellyfin", "jf", sim_instances["jellyfin"]["jellyfin"])
        jf = client.get("/api/instances/jf/stats").json()
        assert jf["libraries"][movie_section] == movies_with_files, jf
        assert jf["total_media"] == stats["total_media"]


def test_stats_report_connector_errors_without_failing(client, sim_instances, sim_cluster):
    add_instance(client, "plex", "p", sim_instances["plex"]["plex"])
    sim_cluster.sims["plex"].faults.add("bad_auth")
    stats = client.get("/api/instances/p/stats")
    assert stats.status_code == 200
    assert stats.json()["total_media"] is None and "authentication failed" in stats.json()["error"]
