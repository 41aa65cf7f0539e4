"""Shared by the jobs-area browser tests: the test modules from tests/jobs registered for one test."""

from __future__ import annotations

import pytest

from tests.jobs.conftest import held_controls, registered_test_modules


@pytest.fixture
def test_modules():
    yield from registered_test_modules()


@pytest.fixture
def controls():
    yield from held_controls()


def app_runtime(live_server):
    return live_server.server.config.app.state.runtime
