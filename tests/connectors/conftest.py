"""Fixtures for connector tests: *arr simulators on real HTTP (state reset per test)."""

from __future__ import annotations

import pytest

from curatarr.sims.library import SampleLibrary
from curatarr.sims.server import SimCluster


@pytest.fixture(scope="session")
def _arr_connector_cluster():
    with SimCluster(SampleLibrary.demo(), services=("radarr", "sonarr", "lidarr")) as cluster:
        yield cluster


@pytest.fixture
def arr_sims(_arr_connector_cluster) -> SimCluster:
    """Radarr, Sonarr and Lidarr simulators with fresh state and no fault rules."""
    _arr_connector_cluster.reset()
    for app in _arr_connector_cluster.apps.values():
        app.state.arr.polls_to_complete = 1
        app.state.arr.fail_commands.clear()
    return _arr_connector_cluster
