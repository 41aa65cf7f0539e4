"""A scaled-down run of benchmarks/api_load.py: pollers + SSE subscribers while 3 modules run —
no errors, no lost events (full figures: docs/performance.md, "Jobs and events")."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "api_load.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("api_load_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_pollers_and_sse_while_three_modules_run():
    bench = load_bench()
    result = bench.run(pollers=30, sse=10, items=40, delay=0.01, baseline_seconds=1.0)
    load = result["load"]
    assert result["baseline"]["errors"] == [] and load["errors"] == []
    assert len(load["lat"]) > 0
    assert [j["status"] for j in load["jobs"]] == ["success"] * 3
    assert result["checks"]["problems"] == []
    # every subscriber saw the same, gap-free sequence, including 3 full progress runs
    received, _ = load["streams"][0]
    for job_id in load["job_ids"]:
        done = [m["done"] for _, m in received if m.get("event") == "progress" and m.get("job_id") == job_id]
        assert done[-1] == 40
