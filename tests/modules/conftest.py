"""Radarr + Sonarr simulators over real HTTP, and a started runtime configured to use them."""

from __future__ import annotations

import pytest

from tests._fixtures import run_module, sim_cluster

WAIT = 60


@pytest.fixture(scope="module")
def cluster():
    with sim_cluster(services=["radarr", "sonarr"]) as c:
        yield c


@pytest.fixture
def arr(cluster):
    cluster.reset()  # fresh library state, no recorded requests/events
    return cluster


@pytest.fixture
def rt(runtime, arr):
    runtime.config.update({"instances": {
        "radarr": {"radarr": {"url": arr.urls["radarr"], "api": arr.api_keys["radarr"]}},
        "sonarr": {"sonarr": {"url": arr.urls["sonarr"], "api": arr.api_keys["sonarr"]}},
    }})
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, module: str, **overrides) -> dict:
    return run_module(rt, module, overrides, wait=WAIT)
