"""Fixtures for simulator tests: the demo library and a running *arr cluster (reset per test)."""

from __future__ import annotations

import pytest

from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimCluster

ARR_SERVICES = ("radarr", "radarr_4k", "sonarr", "lidarr")
PLEXAPI_TOKEN = "plexapi-token"


def serve_plex(library: SampleLibrary, **options):
    """A running Plex simulator for python-plexapi tests (yield from it in a module fixture)."""
    from curatarr.sims.plex import create_app
    from curatarr.sims.server import SimServer

    with SimServer(create_app(library, token=PLEXAPI_TOKEN, small_images=True, **options), name="plex") as srv:
        yield srv


def plexapi_client(server):
    """A python-plexapi PlexServer on a freshly reset simulator."""
    from plexapi.server import PlexServer

    server.sim.reset()
    return PlexServer(server.url, PLEXAPI_TOKEN, timeout=10)


@pytest.fixture(scope="session")
def demo_library() -> SampleLibrary:
    return SampleLibrary.demo()


@pytest.fixture(scope="session")
def _arr_cluster(demo_library):
    with SimCluster(demo_library, services=ARR_SERVICES) as cluster:
        yield cluster


@pytest.fixture
def arr_cluster(_arr_cluster) -> SimCluster:
    """Running Radarr (+ a 4K Radarr), Sonarr and Lidarr simulators, state reset for each test."""
    _arr_cluster.reset()
    for app in _arr_cluster.apps.values():
        arr = app.state.arr
        arr.polls_to_complete = 1
        arr.fail_commands.clear()
        arr.extra_health.clear()
    return _arr_cluster
