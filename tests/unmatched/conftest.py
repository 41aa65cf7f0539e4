"""Fixtures of the unmatched-assets tests: Radarr, a 4K Radarr, Sonarr and Plex simulators over a
small sample library (real HTTP), a runtime with them as instances and a real asset folder on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from curatarr.sims.library import SampleLibrary
from tests._fixtures import run_module, sim_cluster

SERVICES = ("radarr", "radarr_4k", "sonarr", "plex")
WAIT = 60


def small_library() -> SampleLibrary:
    return SampleLibrary.generate(seed=11, movies=24, shows=5, artists=0, seasons=(2, 3), episodes=(2, 3))


@pytest.fixture(scope="session")
def unmatched_sims():
    with sim_cluster(small_library(), SERVICES) as cluster:
        yield cluster


@pytest.fixture
def sims(unmatched_sims):
    unmatched_sims.reset()
    yield unmatched_sims
    unmatched_sims.reset()


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    folder.mkdir()
    return folder


def instances_config(cluster, names=None) -> dict:
    out: dict = {}
    for name in names or cluster.urls:
        out.setdefault(cluster.types[name], {})[name] = {"url": cluster.urls[name], "api": cluster.api_keys[name],
                                                         "enabled": True}
    return out


@pytest.fixture
def rt(runtime, sims, assets):
    runtime.config.update({"instances": instances_config(sims),
                           "general": {"allowed_roots": [str(assets)]},
                           "poster_maker": {"asset_path": str(assets), "library_folders": False},
                           "unmatched_assets": {}})
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, **overrides) -> dict:
    return run_module(rt, "unmatched_assets", overrides, wait=WAIT)
