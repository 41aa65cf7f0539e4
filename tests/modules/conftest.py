"""Radarr + Sonarr simulators over real HTTP, and a started runtime configured to use them."""

from __future__ import annotations

import pytest

from tests._fixtures import sim_cluster

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
    job_id = rt.jobs.submit(module, overrides=overrides or None)
    job = rt.jobs.wait(job_id, WAIT)
    assert job["status"] in ("success", "error", "cancelled"), job
    return job
