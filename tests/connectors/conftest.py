"""Fixtures for connector tests: *arr simulators on real HTTP (state reset per test)."""

from __future__ import annotations

import pytest

from curatarr.sims.server import SimCluster
from tests._fixtures import fresh, sim_cluster


@pytest.fixture(scope="session")
def _arr_connector_cluster():
    with sim_cluster(services=("radarr", "sonarr", "lidarr")) as cluster:
        yield cluster


@pytest.fixture
def arr_sims(_arr_connector_cluster) -> SimCluster:
    """Radarr, Sonarr and Lidarr simulators with fresh state and no fault rules."""
    return fresh(_arr_connector_cluster)
