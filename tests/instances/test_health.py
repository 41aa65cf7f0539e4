"""Health probes, candidate tests and snapshots — over real HTTP against the simulators."""

from __future__ import annotations

import asyncio
import threading

import pytest

from curatarr.config.secrets import MASK
from curatarr.sims.server import SimServer
from tests.conftest import free_port
from tests.instances.conftest import add_instance


def test_candidate_good_key_is_healthy_for_every_type(client, sim_instances):
    for service, named in sim_instances.items():
        for name, cfg in named.items():
            r = client.post("/api/instances/test", json={"service": service, **cfg})
            assert r.status_code == 200, (name, r.text)
            body = r.json()
            assert body["status"] == "healthy" and body["ok"] is True, (name, body)
            assert body["service"] == service


def test_candidate_bad_key_is_auth_failed(client, sim_instances):
    for service, named in sim_instances.items():
        for name, cfg in named.items():
            body = client.post("/api/instances/test", json={"type": service, **cfg, "api": "wrong-key"}).json()
            assert body["status"] == "auth_failed", (name, body)
            assert body["status_code"] in (401, 403)


def test_candidate_refused_port_is_unreachable(client):
    body = client.post("/api/instances/test", json={"service": "sonarr", "url": f"http://127.0.0.1:{free_port()}",
                                                    "api": "k" * 32}).json()
    assert body["status"] == "unreachable" and body["status_code"] is None and body["error"]


def test_candidate_metadata_ip_is_blocked_with_400(client):
    r = client.post("/api/instances/test", json={"service": "radarr", "url": "http://169.254.169.254/latest/meta-data",
                                                 "api": "k"})
    assert r.status_code == 400
    assert "metadata" in r.json()["detail"]


def test_candidate_masked_key_uses_stored_key_only_for_the_stored_url(client, sim_instances):
    cfg = sim_instances["radarr"]["radarr"]
    add_instance(client, "radarr", "r1", cfg)
    ok = client.post("/api/instances/test", json={"service": "radarr", "name": "r1", "url": cfg["url"], "api": MASK})
    assert ok.json()["status"] == "healthy"
    # The stored key must never be sent to another host: a masked key with a new URL is refused.
    other = client.post("/api/instances/test", json={"service": "radarr", "name": "r1",
                                                     "url": sim_instances["sonarr"]["sonarr"]["url"], "api": MASK})
    assert other.status_code == 400 and "enter it again" in other.json()["detail"]
    unknown = client.post("/api/instances/test", json={"service": "radarr", "name": "zz", "url": cfg["url"], "api": MASK})
    assert unknown.status_code == 400


def test_probe_timeout_and_server_error(client, sim_cluster, sim_instances):
    from curatarr.instances.health import probe_config

    cfg = sim_instances["radarr"]["radarr"]
    sim = sim_cluster.sims["radarr"]
    sim.faults.add("timeout", path="/system/status", hang_s=5)
    result = probe_config("radarr", cfg, timeout=0.3)
    assert result.status == "timeout"
    sim.faults.clear()
    sim.faults.add("status", path="/system/status", status=500)
    result = probe_config("radarr", cfg)
    assert (result.status, result.status_code) == ("unhealthy", 500)


def test_health_of_all_instances_and_single(client, configured, sim_cluster):
    health = client.get("/api/instances/health").json()["health"]
    assert set(health) == set(configured)
    assert all(h["status"] == "healthy" for h in health.values()), health
    assert {h["service"] for h in health.values()} >= {"radarr", "sonarr", "plex", "jellyfin", "tmdb"}
    sim_cluster.sims["sonarr"].faults.add("bad_auth")
    # cached results are reused within 15 s; fresh=true probes again
    assert client.get("/api/instances/sonarr/health").json()["status"] == "healthy"
    assert client.get("/api/instances/sonarr/health", params={"fresh": True}).json()["status"] == "auth_failed"
    now = client.post("/api/instances/sonarr/test").json()
    assert now["status"] == "auth_failed" and now["name"] == "sonarr"
    assert client.get("/api/instances/health").json()["health"]["sonarr"]["status"] == "auth_failed"


class _GateApp:
    """A probe target that answers only once ``parties`` requests are in flight at the same time
    (so sequential probes can never all succeed) and records the most seen in flight."""

    def __init__(self, parties: int):
        self.parties = parties
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.arrived = 0
        self.released: asyncio.Event | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        if self.released is None:
            self.released = asyncio.Event()
        with self.lock:
            self.in_flight += 1
            self.arrived += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self.arrived >= self.parties:
                self.released.set()
        try:
            await asyncio.wait_for(self.released.wait(), timeout=3)
            status = 200
        except asyncio.TimeoutError:
            status = 503
        finally:
            with self.lock:
                self.in_flight -= 1
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})


def test_health_probes_run_concurrently_and_bounded(runtime):
    from curatarr.instances.factory import list_instances
    from curatarr.instances.health import MAX_CONCURRENT_PROBES, probe_many

    gate = _GateApp(parties=MAX_CONCURRENT_PROBES)
    with SimServer(gate, name="gate") as server:
        count = MAX_CONCURRENT_PROBES + 4
        runtime.config.update({"instances": {"radarr": {f"r{i}": {"url": server.url, "api": "k"} for i in range(count)}}})
        results = probe_many(runtime, list_instances(runtime))
    assert [r.instance for r in results] == [f"r{i}" for i in range(count)]
    assert all(r.status == "healthy" for r in results), [(r.instance, r.status) for r in results]
    assert gate.max_in_flight == MAX_CONCURRENT_PROBES  # concurrent, but never more than the bound


def test_periodic_probe_records_snapshots(client, configured, runtime, sim_cluster):
    from curatarr.instances.lifecycle import probe_all, record_snapshots

    sim_cluster.sims["radarr"].faults.add("status", path="/system/status", status=503)
    client.patch("/api/instances/sonarr", json={"enabled": False})
    results = probe_all(runtime)
    assert "sonarr" not in {r.instance for r in results}  # disabled instances are not probed
    assert record_snapshots(runtime, results) == len(results)
    snaps = client.get("/api/system/health/snapshots", params={"instance": "radarr"}).json()["snapshots"]
    assert snaps and snaps[0]["status"] == "unhealthy" and snaps[0]["status_code"] == 503
    assert snaps[0]["service"] == "radarr"
    digest = client.get("/api/system/digest").json()
    assert {h["instance_name"] for h in digest["latest_instance_health"]} == {r.instance for r in results}


def test_lifecycle_periodic_probe_runs_in_background(data_dir, sim_instances):
    """The lifecycle hook's loop probes on its own and writes snapshots (no request needed)."""
    import time

    from sqlalchemy import func, select

    from curatarr.db.models.system import HealthSnapshot
    from curatarr.instances.lifecycle import hooks
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, console_logs=False)
    try:
        rt.config.update({"instances": {"plex": sim_instances["plex"]}})
        hooks.start(rt)
        deadline = time.monotonic() + 20
        rows = 0
        while time.monotonic() < deadline and not rows:
            time.sleep(0.2)
            with rt.db.session() as s:
                rows = s.scalar(select(func.count()).select_from(HealthSnapshot))
        hooks.stop(rt)
        assert rows >= 1
    finally:
        rt.close()


@pytest.mark.parametrize("bad", ["http://127.0.0.1:1", ""])
def test_probe_config_errors_are_reported_not_raised(bad):
    from curatarr.instances.health import probe_config

    result = probe_config("radarr", {"url": bad, "api": "x"}, timeout=1)
    assert result.status in ("unreachable", "error") and result.error


async def _redirect_app(scope, receive, send):
    """Answers every request with a redirect (a probe URL that points at the wrong place)."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 302, "headers": [(b"location", b"http://example.invalid/")]})
    await send({"type": "http.response.body", "body": b""})


def test_probe_reports_a_redirect_without_following_it():
    from curatarr.instances.health import probe_config

    with SimServer(_redirect_app, name="redirect") as server:
        for service in ("radarr", "plex", "jellyfin", "tmdb", "fanart", "tvdb"):
            result = probe_config(service, {"url": server.url, "api": "k" * 32}, timeout=2)
            assert (result.status, result.status_code) == ("unhealthy", 302), (service, result)
            assert result.error == "redirected (HTTP 302); check the URL"
