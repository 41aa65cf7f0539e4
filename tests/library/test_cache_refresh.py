"""The cache_refresh module (hidden system module) run outside the queue, and through it."""

from __future__ import annotations

import pytest

from curatarr.modules import registry
from curatarr.modules.base import ModuleError, RunContext


def run(rt, **overrides):
    module = registry.get("cache_refresh")
    ctx = RunContext.standalone(rt, "cache_refresh", overrides=overrides)
    return module, ctx, module.run(ctx, module.parse_config(overrides))


def test_is_a_hidden_system_module():
    module = registry.get("cache_refresh")
    assert module.hidden and module.category == "system"
    assert "cache_refresh" not in registry.names(include_hidden=False)
    assert set(module.Config.model_json_schema()["properties"]) >= {"instances", "full"}


def test_run_syncs_and_reports_counts(lib_rt):
    _, ctx, result = run(lib_rt, instances=["radarr", "plex"])
    assert result.counts["added"] > 0 and result.counts["failed_instances"] == 0
    assert {c["instance"] for c in result.changed} == {"radarr", "plex"}
    assert result.data["sync"]["links"]["links"] > 0
    assert ctx.state["phase"] == "link"
    _, _, again = run(lib_rt, instances=["radarr"])
    assert again.counts["added"] == 0 and again.counts["unchanged"] > 0


def test_run_fails_when_no_instance_can_be_read(lib_rt, sims):
    sims.sims["lidarr"].faults.add(kind="bad_auth")
    with pytest.raises(ModuleError):
        run(lib_rt, instances=["lidarr"])
    with pytest.raises(ModuleError):
        run(lib_rt, instances=["no_such_instance"])


def test_items_mode_rereads_selected_items(synced, sims):
    movie = sims.sims["radarr"].library.movies[2]
    movie.runtime = 321
    _, _, result = run(synced, items=[f"radarr:{movie.id}"])
    assert result.counts["updated"] == 1
    from curatarr.library.service import library_for

    assert library_for(synced).get(f"radarr:{movie.id}")["runtime"] == 321
