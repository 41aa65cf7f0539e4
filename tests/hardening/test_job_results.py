"""Issue #20, item 8: honest job results. The rule (docs/jobs.md): a run that recorded errors and did
none of its work ends ``error``; one that did some of its work ends ``success`` with the errors
counted. Applied by the job runner to every module; the poster maker ends ``error`` when its media
server answers 503, when every provider look-up fails, and when the disk is full."""

from __future__ import annotations

import pytest
from pydantic import Field

from curatarr.modules import registry
from curatarr.modules.base import Module, ModuleConfig, RunContext, RunResult, unfinished_work
from tests.posters.conftest import configure, poster_sims, sims  # noqa: F401 (fixtures)

WAIT = 120


class PartialConfig(ModuleConfig):
    good: int = Field(0, ge=0)
    bad: int = Field(0, ge=0)


class Partial(Module):
    """``good`` items handled, ``bad`` items failing: the shape of any module's run."""

    name = "partial"
    Config = PartialConfig

    def run(self, ctx: RunContext, config: PartialConfig) -> RunResult:
        for i in range(config.good):
            ctx.result.changed(f"item {i}")
        for i in range(config.bad):
            ctx.result.count("errors")
            ctx.result.error_item(f"bad {i}", "the server said no")
        return ctx.result.build()


@pytest.fixture
def partial():
    registry.register("partial", Partial)
    yield
    registry.unregister("partial")


@pytest.mark.parametrize("good, bad, status", [(0, 3, "error"), (2, 3, "success"), (0, 0, "success"),
                                               (4, 0, "success")])
def test_the_rule_is_applied_to_every_module(runtime, partial, good, bad, status):
    runtime.start()
    try:
        job_id = runtime.jobs.submit("partial", overrides={"good": good, "bad": bad})
        job = runtime.jobs.wait(job_id, WAIT)
    finally:
        runtime.stop()
    assert job["status"] == status, job
    assert len(job["result"]["errors"]) == bad  # the item errors are kept either way
    if status == "error":
        assert "did none of its work" in job["error"] and "bad 0" in job["error"]


def test_work_counts_make_a_run_that_changed_nothing_still_count():
    result = RunResult(counts={"errors": 1, "unchanged": 40}, errors=[{"item": "x", "message": "m"}])
    assert unfinished_work(result) is not None
    assert unfinished_work(result, ("unchanged",)) is None


# ---- the poster maker ------------------------------------------------------------------------------

def run_job(rt) -> dict:
    rt.start()
    try:
        return rt.jobs.wait(rt.jobs.submit("poster_maker", overrides={"dry_run": False}), WAIT)
    finally:
        rt.stop()


def test_poster_maker_is_error_when_the_media_server_answers_503(runtime, sims):  # noqa: F811
    configure(runtime, sims)
    sims.sim("plex").faults.add(path=".*", kind="status", status=503)
    job = run_job(runtime)
    assert job["status"] == "error", job
    assert job["result"]["counts"]["writes"] == 0
    assert "did none of its work" in job["error"] and "503" in job["error"]


def test_poster_maker_is_error_when_every_provider_look_up_fails(runtime, sims):  # noqa: F811
    configure(runtime, sims)
    for provider in ("tmdb", "fanart", "tvdb"):
        sims.sim(provider).faults.add(path=".*", kind="status", status=503)
    job = run_job(runtime)
    assert job["status"] == "error", job
    assert job["result"]["counts"]["writes"] == 0
    assert any("provider look-up failed" in e["message"] for e in job["result"]["errors"])


def test_poster_maker_is_success_with_errors_when_some_items_fail(runtime, sims):  # noqa: F811
    configure(runtime, sims)
    sims.sim("tmdb").faults.add(path=".*", kind="status", status=503)
    job = run_job(runtime)
    assert job["status"] == "success", job
    assert job["result"]["counts"]["writes"] > 0 and job["result"]["counts"]["errors"] > 0


def test_poster_maker_is_error_when_the_disk_is_full(runtime, sims, full_disk):  # noqa: F811
    """The asset folder on a full file system (a tiny tmpfs, filled): the run stops and ends error."""
    configure(runtime, sims, asset_path=str(full_disk))
    job = run_job(runtime)
    assert job["status"] == "error", job
    assert "No space left on device" in job["error"]
    assert job["result"]["counts"]["writes"] == 0
    assert job["result"]["counts"]["errors"] >= 1
    leftovers = [p for p in full_disk.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []  # atomic writes removed their temp files
