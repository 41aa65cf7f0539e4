"""Radarr + Sonarr simulators with real files on disk (``files_root``), and a started runtime that
uses them with the files' folder as an allowed root."""

from __future__ import annotations

import os

import httpx
import pytest

from tests._fixtures import run_module, sim_cluster

WAIT = 60


@pytest.fixture(scope="module")
def files_root(tmp_path_factory):
    return tmp_path_factory.mktemp("arrfiles")


@pytest.fixture(scope="module")
def cluster(files_root):
    with sim_cluster(services=["radarr", "sonarr"], files_root=str(files_root)) as c:
        yield c


@pytest.fixture
def arr(cluster):
    cluster.reset()  # fresh library state AND a freshly laid-out tree on disk
    return cluster


@pytest.fixture
def media(files_root):
    return files_root / "data"


@pytest.fixture
def rt(runtime, arr, media):
    runtime.config.update({
        "general": {"allowed_roots": [str(media)]},
        "instances": {
            "radarr": {"radarr": {"url": arr.urls["radarr"], "api": arr.api_keys["radarr"]}},
            "sonarr": {"sonarr": {"url": arr.urls["sonarr"], "api": arr.api_keys["sonarr"]}},
        }})
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.fixture
def api(runtime, arr, media, request):
    """An authenticated API client on a runtime configured like ``rt`` (started by the app's lifespan)."""
    runtime.config.update({
        "general": {"allowed_roots": [str(media)]},
        "instances": {
            "radarr": {"radarr": {"url": arr.urls["radarr"], "api": arr.api_keys["radarr"]}},
            "sonarr": {"sonarr": {"url": arr.urls["sonarr"], "api": arr.api_keys["sonarr"]}},
        }})
    return request.getfixturevalue("client")


def run(rt, module: str, **overrides) -> dict:
    return run_module(rt, module, overrides, wait=WAIT)


def arr_get(arr, kind: str, path: str):
    r = httpx.get(arr.urls[kind] + path, headers={"X-Api-Key": arr.api_keys[kind]}, timeout=10)
    r.raise_for_status()
    return r.json()


def unlinked(folder) -> set[str]:
    """Video files under ``folder`` with one link (what nohl must find), by walking the disk."""
    out = set()
    for base, _dirs, files in os.walk(folder):
        for name in files:
            p = os.path.join(base, name)
            if name.endswith(".mkv") and os.lstat(p).st_nlink == 1:
                out.add(p)
    return out
