"""Shared by the jobs-area browser tests: the test modules from tests/jobs registered for one test."""

from __future__ import annotations

import pytest

from curatarr.modules import registry
from tests.jobs.conftest import CONTROLS, TEST_MODULES, Controls


@pytest.fixture
def test_modules():
    for name, cls in TEST_MODULES.items():
        registry.register(name, cls)
    yield
    for name in TEST_MODULES:
        registry.unregister(name)


@pytest.fixture
def controls():
    c = Controls()
    CONTROLS[c.token] = c
    yield c
    for ev in c.release.values():
        ev.set()
    CONTROLS.pop(c.token, None)


def app_runtime(live_server):
    return live_server.server.config.app.state.runtime
