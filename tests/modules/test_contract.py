"""The module contract: a run's config is read once, validated once into a frozen model, dry-run is
decided by one rule, and job overrides (the poster maker's ``mode`` among them) merge into the config."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from curatarr.modules.base import Module, ModuleError, prepare_run, resolve_dry_run
from curatarr.modules.poster_maker import MODES, PosterMaker


class PlainConfig(BaseModel):  # a Config model that is not frozen itself
    size: int = 1


class Plain(Module):
    name = "plain_contract"
    Config = PlainConfig
    default_dry_run = True


def test_schema_shows_the_poster_maker_mode(client):
    schema = client.get("/api/modules/poster_maker/schema").json()["schema"]
    mode = schema["properties"]["mode"]
    assert mode["enum"] == list(MODES)
    assert mode["default"] == "normal"


def test_overrides_merge_into_one_frozen_config(runtime):
    runtime.config.update({"poster_maker": {"backgrounds": False, "mode": "cleanup"}})
    settings = prepare_run(runtime, PosterMaker(), {"mode": "single", "item": {"title": "Dexter"}}, None)
    config = settings.config
    assert config.mode == "single" and config.backgrounds is False
    with pytest.raises(ValidationError):
        config.mode = "normal"
    assert prepare_run(runtime, PosterMaker()).config.mode == "cleanup"  # config.yml may set it too
    assert prepare_run(runtime, PosterMaker(), {"mode": None}).config.mode == "normal"  # as before: empty = normal
    with pytest.raises(ModuleError, match="invalid configuration for poster_maker: mode"):
        prepare_run(runtime, PosterMaker(), {"mode": "bogus"})


def test_a_config_model_that_is_not_frozen_is_given_frozen(runtime):
    config = prepare_run(runtime, Plain(), {"size": 3}).config
    assert isinstance(config, PlainConfig) and config.size == 3
    with pytest.raises(ValidationError):
        config.size = 4


def test_one_dry_run_rule(runtime):
    module = Plain()
    assert resolve_dry_run(module, {}, None, None) is True  # the module's default
    assert resolve_dry_run(module, {"dry_run": False}, None, None) is False  # config section
    assert resolve_dry_run(module, {"dry_run": False}, {"dry_run": True}, None) is True  # override
    assert resolve_dry_run(module, {"dry_run": True}, {"dry_run": True}, False) is False  # explicit request
    runtime.config.update({"plain_contract": {"dry_run": False}})
    assert prepare_run(runtime, module).dry_run is False
    assert prepare_run(runtime, module, {"dry_run": True}).dry_run is True
    assert prepare_run(runtime, module, {"dry_run": True}, False).dry_run is False
