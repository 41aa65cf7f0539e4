"""Fixtures of the media-library tests: one set of simulators per module (reset before each test),
instances configured on a runtime, and a synced library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._fixtures import clear_faults, copy_data_template, fresh
from tests._fixtures import sim_cluster as serving_sims

# radarr_4k holds a 4K copy of ~30% of the movies (exact duplicates across instances); lidarr2 and
# sonarr2 are full copies (duplicates for the Sonarr/Lidarr resolve paths).
SERVICES = ("radarr", "radarr_4k", "sonarr", "sonarr2", "lidarr", "lidarr2", "plex", "jellyfin")


@pytest.fixture(scope="session")
def sim_cluster():
    with serving_sims(services=SERVICES) as cluster:
        yield cluster


@pytest.fixture
def sims(sim_cluster):
    """The running simulators, reset to the sample library (no faults, no recorded state)."""
    yield fresh(sim_cluster)
    clear_faults(sim_cluster)


@pytest.fixture(scope="session")
def library_template(sim_cluster, tmp_path_factory, admin_data_template) -> Path:
    """The admin data-dir template plus the library synced from the freshly reset simulators, made
    once per session; tests that need a synced library start from a copy (a sync per test is slow)."""
    from curatarr.library.sync import sync_instances
    from curatarr.runtime import Runtime

    sim_cluster.reset()
    folder = copy_data_template(admin_data_template, tmp_path_factory.mktemp("library-template"))
    rt = Runtime(folder, console_logs=False)
    try:
        configure(rt, sim_cluster)
        report = sync_instances(rt)
        assert report.ok, report.as_dict()
    finally:
        rt.close()
    return folder


@pytest.fixture
def data_dir(tmp_path, request):
    """The shared data dir fixture, pre-filled from the synced template for tests that want it."""
    d = tmp_path / "data"
    if {"synced", "media_client"} & set(request.fixturenames):
        copy_data_template(request.getfixturevalue("library_template"), d)
    else:
        d.mkdir()
    return d


def instances_config(cluster, names=None) -> dict:
    out: dict = {}
    for name in names or cluster.urls:
        out.setdefault(cluster.types[name], {})[name] = {"url": cluster.urls[name], "api": cluster.api_keys[name],
                                                         "enabled": True}
    return out


def configure(rt, cluster, names=None) -> None:
    rt.config.update({"instances": instances_config(cluster, names)})


@pytest.fixture
def lib_rt(runtime, sims):
    """A runtime with every simulator configured as an instance (nothing synced yet)."""
    configure(runtime, sims)
    return runtime


@pytest.fixture
def synced(lib_rt):
    """A runtime whose library holds everything the (reset) simulators serve."""
    return lib_rt


@pytest.fixture
def media_client(client, runtime, sims):
    """The authenticated API client on a runtime whose library is synced from the simulators."""
    client.rt = runtime
    client.sims = sims
    return client
