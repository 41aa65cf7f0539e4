"""A Plex simulator with a real data folder (Metadata bundles, PhotoTranscoder cache, library
database) over real HTTP, and a started runtime configured to use it. The folder is rebuilt for
every test (``cluster.reset()``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests._fixtures import run_module, sim_cluster

WAIT = 60


@pytest.fixture(scope="module")
def plex_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plexhome") / "Library" / "Application Support" / "Plex Media Server"


@pytest.fixture(scope="module")
def cluster(plex_home):
    with sim_cluster(services=["plex"], plex_data_dir=plex_home) as c:
        yield c


@pytest.fixture
def plex(cluster):
    cluster.reset()  # the data folder is rebuilt, recorded events dropped
    return cluster


def configure(runtime, plex, plex_home) -> None:
    runtime.config.update({
        "instances": {"plex": {"plex": {"url": plex.urls["plex"], "api": plex.api_keys["plex"]}}},
        "poster_cleanarr": {"plex_path": str(plex_home), "instances": ["plex"]},
        "plex_maintenance": {"plex_path": str(plex_home), "instances": ["plex"], "sleep": 0},
    })


@pytest.fixture
def configured(runtime, plex, plex_home):
    """The runtime configured for the simulator (not started: the app's lifespan starts it)."""
    configure(runtime, plex, plex_home)
    return runtime


@pytest.fixture
def rt(runtime, plex, plex_home):
    configure(runtime, plex, plex_home)
    runtime.start()
    yield runtime
    runtime.stop()


def run(rt, module: str, **overrides) -> dict:
    return run_module(rt, module, overrides, wait=WAIT)


def tree(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``root`` (symlinks not followed)."""
    out = {}
    if root.exists():
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.is_symlink():
                out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
