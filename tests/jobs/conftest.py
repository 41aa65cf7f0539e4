"""Test-only modules for the queue/scheduler/SSE tests, registered only while a test runs.

``stepper`` walks ``items`` items; each item can be held at a gate (a threading.Event the test
controls) so a test decides exactly when the module moves on — no sleeps, no timing asserts.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from pydantic import Field

from curatarr.modules import registry
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext


class Controls:
    """Per-test knobs shared with the module through ``overrides["token"]``."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.processed: list[int] = []
        self.reached: dict[int, threading.Event] = {}
        self.release: dict[int, threading.Event] = {}
        self.runs = 0
        self.lock = threading.Lock()

    def hold(self, *indexes: int) -> None:
        for i in indexes:
            self.reached[i] = threading.Event()
            self.release[i] = threading.Event()


CONTROLS: dict[str, Controls] = {}


class StepperConfig(ModuleConfig):
    items: int = Field(5, ge=0)
    token: str = ""
    fail_at: int | None = None
    ignore_cancel: bool = False
    instances: list[str] = []
    dry_run: bool = False


class Stepper(Module):
    name = "stepper"
    title = "Stepper"
    description = "test module"
    category = "maintenance"
    Config = StepperConfig

    def run(self, ctx: RunContext, config: StepperConfig):
        c = CONTROLS.get(config.token)
        if c:
            with c.lock:
                c.runs += 1
        for i in range(config.items):
            if not config.ignore_cancel:
                ctx.check_cancelled()
            ctx.progress(i, config.items, item=f"item {i}", phase="stepping")
            if c and i in c.reached:
                c.reached[i].set()
                c.release[i].wait(30)
            if config.fail_at == i:
                raise RuntimeError(f"boom at {i}")
            if c:
                c.processed.append(i)
            ctx.result.count("processed")
            ctx.result.changed(f"item {i}", index=i)
            ctx.log.info("processed item %d", i)
        ctx.progress(config.items, config.items, phase="done")
        return ctx.result.build()


class Flaky(Module):
    """Fails on its first attempt, succeeds on the second (opted in to one retry)."""

    name = "flaky"
    retries = 1
    retry_delay = 0.0
    Config = StepperConfig

    def run(self, ctx: RunContext, config: StepperConfig):
        c = CONTROLS[config.token]
        with c.lock:
            c.runs += 1
            attempt = c.runs
        if attempt == 1:
            raise ModuleError("first attempt fails")
        ctx.result.count("ok")
        return ctx.result.build()


class Parallel(Stepper):
    name = "parallel"
    allow_concurrent = True


TEST_MODULES = {"stepper": Stepper, "flaky": Flaky, "parallel": Parallel}


def registered_test_modules():
    """The test modules registered while the fixture using this generator lasts."""
    for name, cls in TEST_MODULES.items():
        registry.register(name, cls)
    yield
    for name in TEST_MODULES:
        registry.unregister(name)


def held_controls():
    """A fresh :class:`Controls`, every gate released at the end (a held module never hangs)."""
    c = Controls()
    CONTROLS[c.token] = c
    yield c
    for ev in c.release.values():
        ev.set()
    CONTROLS.pop(c.token, None)


@pytest.fixture(autouse=True)
def test_modules():
    yield from registered_test_modules()


@pytest.fixture
def controls():
    yield from held_controls()


@pytest.fixture
def started(runtime):
    """The runtime with its services started (queue, scheduler, event bus)."""
    runtime.start()
    yield runtime
    for c in list(CONTROLS.values()):
        for ev in c.release.values():
            ev.set()
    runtime.stop()
