"""config.yml: defaults on first start, validation, unknown keys, comments, atomic save, secret masking."""

from __future__ import annotations

import stat

import pytest
from ruamel.yaml import YAML

from curatarr.config import MASK, ConfigError, ConfigStore, Settings
from curatarr.config.defaults import DEFAULT_CONFIG_YAML

RADARR_KEY = "radarr-secret-key-0123456789"


def load_yaml(path):
    return YAML(typ="safe").load(path.read_text())


# ---- first start / store --------------------------------------------------------------------------

def test_first_start_writes_documented_defaults(data_dir):
    from curatarr.runtime import Runtime

    runtime = Runtime(data_dir, console_logs=False)  # a real first start (the runtime fixture copies a template)
    try:
        path = runtime.data_dir / "config.yml"
        assert path.read_text() == DEFAULT_CONFIG_YAML
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        on_disk = Settings.model_validate(load_yaml(path))
        assert on_disk.model_dump() == Settings().model_dump()  # the file and the model agree on every default
        for sub in ("logs", "backups", "cache"):
            assert (runtime.data_dir / sub).is_dir()
    finally:
        runtime.close()


def test_every_default_is_documented_in_configuration_md():
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()
    defaults = YAML(typ="safe").load(DEFAULT_CONFIG_YAML)
    missing = [f"{section}.{key}" for section, body in defaults.items() if isinstance(body, dict)
               for key in body if f"`{key}`" not in doc]
    missing += [section for section in defaults if f"`{section}`" not in doc]
    assert not missing, f"undocumented config keys: {missing}"


def test_unknown_keys_and_comments_survive_a_save(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text(
        "# my own header comment\n"
        "general:\n"
        "  log_level: info   # keep me\n"
        "  my_custom_flag: true\n"
        "my_plugin:\n"
        "  anything: [1, 2, 3]\n"
        "  nested: {deep: value}\n"
    )
    store = ConfigStore(path)
    assert store.settings.general.model_extra == {"my_custom_flag": True}
    store.update({"general": {"log_level": "debug"}})

    text = path.read_text()
    assert "# my own header comment" in text and "# keep me" in text
    data = load_yaml(path)
    assert data["general"] == {"log_level": "debug", "my_custom_flag": True}
    assert data["my_plugin"] == {"anything": [1, 2, 3], "nested": {"deep": "value"}}
    assert ConfigStore(path).settings.general.log_level == "debug"


def test_save_is_atomic_with_bak_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "config.yml"
    store = ConfigStore(path)
    before = path.read_text()
    store.update({"backup": {"keep": 3}})
    assert (tmp_path / "config.yml.bak").read_text() == before
    assert load_yaml(path)["backup"]["keep"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "config.yml.bak"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_invalid_update_changes_nothing(tmp_path):
    path = tmp_path / "config.yml"
    store = ConfigStore(path)
    before = path.read_text()
    with pytest.raises(ConfigError) as err:
        store.update({"general": {"log_level": "loud"}})
    assert "general.log_level" in str(err.value)
    assert path.read_text() == before and not (tmp_path / "config.yml.bak").exists()
    assert store.settings.general.log_level == "info"


@pytest.mark.parametrize("text, message", [
    ("general: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "mapping"),
    ("general:\n  max_logs: 0\n", "general.max_logs"),
    ("general:\n  timezone: Mars/Olympus\n", "time zone"),
])
def test_broken_config_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "config.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        ConfigStore(path)
    assert message in str(err.value)


def test_empty_config_file_means_defaults(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text("")
    assert ConfigStore(path).settings == Settings()


# ---- API ------------------------------------------------------------------------------------------

def test_get_config_shape_and_section_filter(client):
    r = client.get("/api/config")
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True and body["using_flat_structure"] is False
    assert set(body["config"]) >= {"general", "auth", "database", "backup", "user_interface", "instances"}
    assert body["display_names"]["general"] == "General"
    assert "general.allowed_roots" in body["tooltips"]

    r = client.get("/api/config", params={"section": "backup"})
    assert r.status_code == 200 and r.json()["config"] == {"backup": {"keep": 10, "max_upload_mb": 512}}
    assert client.get("/api/config", params={"section": "nope"}).status_code == 404


def test_post_config_accepts_wrapped_and_bare_documents(client, runtime):
    r = client.post("/api/config", json={"config": {"backup": {"keep": 4}}})
    assert r.status_code == 200 and r.json()["message"] == "Configuration saved"
    assert r.json()["config"]["backup"]["keep"] == 4
    r = client.post("/api/config", json={"general": {"max_logs": 7}})
    assert r.status_code == 200
    assert runtime.settings.general.max_logs == 7 and runtime.settings.backup.keep == 4
    assert load_yaml(runtime.config.path)["general"]["max_logs"] == 7


@pytest.mark.parametrize("body", [
    {"general": {"log_level": "loud"}},
    {"auth": {"token_expiry_hours": 0}},
    {"backup": {"keep": "many"}},
    {"instances": {"radarr": {"main": {"enabled": "perhaps"}}}},
])
def test_post_invalid_config_is_422_and_changes_nothing(shared_client, body):
    runtime = shared_client.runtime
    before = runtime.config.path.read_text()
    r = shared_client.post("/api/config", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail[0]["loc"]
    assert runtime.config.path.read_text() == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2", b"\xff\xfe", b'{"general": }'])
def test_malformed_json_is_422(shared_client, raw):
    r = shared_client.post("/api/config", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "detail" in r.json()


def test_non_object_config_body_is_422(client):
    assert client.post("/api/config", json=[1, 2, 3]).status_code == 422
    assert client.post("/api/config", json="text").status_code == 422


# ---- masking round-trips --------------------------------------------------------------------------

SECRET_DOC = {
    "general": {"webhook_secret": "hook-secret-value-1"},
    "instances": {"radarr": {"main": {"url": "http://radarr:7878", "api": RADARR_KEY, "enabled": True}}},
    "notifications": {
        "poster_maker": [
            {"name": "discord", "webhook": "https://discord.com/api/webhooks/123/very-secret-token-abc"},
            {"name": "kuma", "url": "https://kuma.lan/api/push/pushsecret99"},
        ],
        "main": {"apprise_urls": ["tgram://bot-token-1/chat", "pover://user@token-2"]},
    },
}
SECRET_VALUES = ["hook-secret-value-1", RADARR_KEY, "very-secret-token-abc", "pushsecret99", "bot-token-1", "token-2"]


def test_secrets_are_masked_in_get_config(client, runtime):
    assert client.post("/api/config", json=SECRET_DOC).status_code == 200
    r = client.get("/api/config")
    for value in SECRET_VALUES:
        assert value not in r.text
    cfg = r.json()["config"]
    assert cfg["general"]["webhook_secret"] == MASK
    assert cfg["instances"]["radarr"]["main"] == {"url": "http://radarr:7878", "api": MASK, "enabled": True}
    assert cfg["notifications"]["poster_maker"][0] == {"name": "discord", "webhook": MASK}
    assert cfg["notifications"]["poster_maker"][1]["url"] == MASK
    assert cfg["notifications"]["main"]["apprise_urls"] == [MASK, MASK]
    # The POST answer is masked the same way.
    r = client.post("/api/config", json={"backup": {"keep": 5}})
    assert all(value not in r.text for value in SECRET_VALUES)


def test_posting_the_mask_back_keeps_stored_secrets(client, runtime):
    client.post("/api/config", json=SECRET_DOC)
    shown = client.get("/api/config").json()["config"]
    shown["backup"]["keep"] = 6
    # Reorder the list: items are matched by name, not position.
    shown["notifications"]["poster_maker"].reverse()
    r = client.post("/api/config", json={"config": shown})
    assert r.status_code == 200, r.text

    stored = runtime.config.as_dict()
    assert stored["backup"]["keep"] == 6
    assert stored["general"]["webhook_secret"] == "hook-secret-value-1"
    assert stored["instances"]["radarr"]["main"]["api"] == RADARR_KEY
    by_name = {n["name"]: n for n in stored["notifications"]["poster_maker"]}
    assert by_name["discord"]["webhook"].endswith("very-secret-token-abc")
    assert by_name["kuma"]["url"] == "https://kuma.lan/api/push/pushsecret99"
    assert stored["notifications"]["main"]["apprise_urls"] == ["tgram://bot-token-1/chat", "pover://user@token-2"]
    assert MASK not in str(load_yaml(runtime.config.path))  # (the header comment mentions the mask)


def test_a_new_secret_replaces_the_old_one(client, runtime):
    client.post("/api/config", json=SECRET_DOC)
    client.post("/api/config", json={"instances": {"radarr": {"main": {"api": "a-brand-new-key-42"}}}})
    assert runtime.config.as_dict()["instances"]["radarr"]["main"]["api"] == "a-brand-new-key-42"


def test_mask_without_a_stored_value_is_not_saved_literally(client, runtime):
    r = client.post("/api/config", json={"instances": {"sonarr": {"tv": {"url": "http://sonarr:8989", "api": MASK}}}})
    assert r.status_code == 200
    assert runtime.config.as_dict()["instances"]["sonarr"]["tv"]["api"] == ""


def test_secrets_never_reach_the_log_files(client, runtime):
    import logging

    client.post("/api/config", json=SECRET_DOC)
    log = logging.getLogger("curatarr.test_masking")
    log.warning("calling radarr with key %s", RADARR_KEY)
    log.warning("GET http://radarr:7878/api/v3/movie?apikey=%s", "another-query-key-77")
    log.warning("webhook %s", "https://discord.com/api/webhooks/123/very-secret-token-abc")
    key = client.post("/api/auth/keys", json={"name": "logged"}).json()["key"]
    log.warning("created key %s with header Authorization: Bearer %s", key, client.token)

    text = (runtime.logs_dir / "general" / "general.log").read_text()
    assert "calling radarr with key ********" in text
    for secret in [RADARR_KEY, "another-query-key-77", "very-secret-token-abc", key, client.token]:
        assert secret not in text
    # And the API serving the log shows the redacted text too.
    r = client.get("/api/logs/general", params={"bytes": 100_000})
    assert r.status_code == 200 and RADARR_KEY not in r.text and MASK in r.text
