"""The *arr simulators plus a Plex and a Jellyfin simulator over real HTTP, and a started runtime
configured to use them (upgradinatorr and labelarr tests)."""

from __future__ import annotations

import httpx
import pytest

from tests._fixtures import fresh, run_module, sim_cluster

WAIT = 60
ARRS = ("radarr", "sonarr", "lidarr")
SERVERS = ("plex", "jellyfin")


@pytest.fixture(scope="module")
def cluster():
    with sim_cluster(services=[*ARRS, *SERVERS]) as c:
        yield c


@pytest.fixture
def sims(cluster):
    return fresh(cluster)  # fresh library state, no recorded requests/events


@pytest.fixture
def configured(runtime, sims):
    """The runtime with one instance per simulator (not started: for tests that start it through the app)."""
    runtime.config.update({"instances": {
        t: {t: {"url": sims.urls[t], "api": sims.api_keys[t]}} for t in (*ARRS, *SERVERS)}})
    return runtime


@pytest.fixture
def rt(configured):
    runtime = configured
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, module: str, **overrides) -> dict:
    return run_module(rt, module, overrides, wait=WAIT)


def arr_get(sims, kind: str, path: str, **params):
    base = "/api/v1" if kind == "lidarr" else "/api/v3"
    r = httpx.get(sims.urls[kind] + base + path, params=params, headers={"X-Api-Key": sims.api_keys[kind]},
                  timeout=10)
    r.raise_for_status()
    return r.json()


def tag_id(sims, kind: str, label: str) -> int | None:
    return next((t["id"] for t in arr_get(sims, kind, "/tag") if t["label"] == label), None)
