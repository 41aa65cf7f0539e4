"""curatarr run MODULE: foreground runs with the same job record as queued runs."""

from __future__ import annotations

import threading

import pytest
from typer.testing import CliRunner

from curatarr.cli import app
from curatarr.cli.run import parse_sets
from curatarr.jobs.foreground import AlreadyRunning, run_in_foreground
from curatarr.jobs.store import JobStore

runner = CliRunner()


def cli(data_dir, *args):
    return runner.invoke(app, ["run", *args, "--data-dir", str(data_dir), "--quiet"])


def jobs(data_dir):
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, console_logs=False)
    try:
        rows, _ = JobStore(rt.db).list(limit=50, full=True)
        return rows
    finally:
        rt.close()


def test_run_success_records_a_cli_job(data_dir):
    result = cli(data_dir, "stepper", "--set", "items=3", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "success" in result.output and "item 2" in result.output
    (job,) = jobs(data_dir)
    assert job["source"] == "cli" and job["status"] == "success" and job["dry_run"] is True
    assert job["overrides"] == {"items": 3} and job["result"]["counts"] == {"processed": 3}
    assert (data_dir / "job_logs" / f"stepper-{job['id']}.log").read_text().count("processed item") == 3


def test_run_error_and_unknown_module_exit_codes(data_dir):
    result = cli(data_dir, "stepper", "--set", "items=3", "--set", "fail_at=1")
    assert result.exit_code == 1 and "boom at 1" in result.output
    assert [j["status"] for j in jobs(data_dir)] == ["error"]
    assert cli(data_dir, "no_such_module").exit_code == 2
    assert runner.invoke(app, ["run", "stepper", "--set", "novalue", "--data-dir", str(data_dir)]).exit_code == 2


def test_cancel_from_the_terminal_and_from_the_server(runtime, controls):
    controls.hold(1)
    cancel = threading.Event()
    out: dict = {}
    t = threading.Thread(target=lambda: out.update(run_in_foreground(
        runtime, "stepper", overrides={"items": 5, "token": controls.token}, cancel_event=cancel, notify=False)))
    t.start()
    assert controls.reached[1].wait(30)
    with pytest.raises(AlreadyRunning):  # the module is busy while the CLI run goes on
        run_in_foreground(runtime, "stepper", overrides={"items": 1})
    cancel.set()
    controls.release[1].set()
    t.join(30)
    assert out["status"] == "cancelled" and controls.processed == [0, 1]

    # A cancel requested through the server's API (the database flag) reaches the CLI process too.
    controls.processed.clear()
    controls.hold(2)
    out.clear()
    seen = threading.Event()
    t = threading.Thread(target=lambda: out.update(run_in_foreground(
        runtime, "stepper", overrides={"items": 5, "token": controls.token}, cancel_event=seen, notify=False)))
    t.start()
    assert controls.reached[2].wait(30)
    store = JobStore(runtime.db)
    running = [r for r in store.running_rows() if r[1] == "stepper"]
    assert store.request_cancel(running[0][0]) == "running"
    assert seen.wait(30)  # the heartbeat (every 2 s) noticed the flag and set the run's cancel event
    controls.release[2].set()
    t.join(60)
    assert out["status"] == "cancelled"


def test_parse_sets():
    assert parse_sets(["count=5", "dry_run=true", "instances=[\"a\",\"b\"]", "name=hello world", "a.b=1"]) == {
        "count": 5, "dry_run": True, "instances": ["a", "b"], "name": "hello world", "a": {"b": 1}}
