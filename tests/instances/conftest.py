"""Fixtures of the instances tests: one running simulator cluster for the session, helpers to add
instances pointing at it through the API."""

from __future__ import annotations

import pytest

from curatarr.demo import available_services, demo_instances
from tests._fixtures import clear_faults
from tests._fixtures import sim_cluster as serving_sims

SERVICES = ("radarr", "radarr_4k", "sonarr", "lidarr", "plex", "jellyfin", "emby", "tmdb", "fanart", "tvdb")


@pytest.fixture(scope="session")
def sims():
    """Simulators for every available service (the same ones ``curatarr demo`` starts)."""
    with serving_sims(services=available_services(SERVICES)) as cluster:
        yield cluster


@pytest.fixture
def sim_cluster(sims):
    """The session cluster with faults cleared before and after the test."""
    clear_faults(sims)
    yield sims
    clear_faults(sims)


@pytest.fixture
def sim_instances(sim_cluster) -> dict:
    """``{type: {name: {url, api, enabled, …}}}`` for every running simulator."""
    return demo_instances(sim_cluster)


def add_instance(client, service: str, name: str, cfg: dict):
    r = client.post("/api/instances", json={"service": service, "name": name, **cfg})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def configured(client, sim_instances):
    """Every simulator added as an instance through the API; returns ``{name: (type, cfg)}``."""
    out = {}
    for service, named in sim_instances.items():
        for name, cfg in named.items():
            add_instance(client, service, name, cfg)
            out[name] = (service, cfg)
    return out
