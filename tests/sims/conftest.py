"""Fixtures for simulator tests: the demo library and a running *arr cluster (reset per test)."""

from __future__ import annotations

import pytest

from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimCluster
from tests._fixtures import fresh, sim_cluster

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
    with sim_cluster(demo_library, ARR_SERVICES) as cluster:
        yield cluster


@pytest.fixture
def arr_cluster(_arr_cluster) -> SimCluster:
    """Running Radarr (+ a 4K Radarr), Sonarr and Lidarr simulators, state reset for each test."""
    return fresh(_arr_cluster)
