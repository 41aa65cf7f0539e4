"""Issue #20, item 12: data consistency. ``POST /api/config`` refuses module sections exactly like
``PUT /api/modules/{name}/config``; ``curatarr backup`` never creates and backs up an empty data dir."""

from __future__ import annotations

from typer.testing import CliRunner

from curatarr.cli import app as cli_app


def test_post_config_validates_module_sections_like_the_module_route(client, runtime):
    before = runtime.config.get_section("renameinatorr")
    put = client.put("/api/modules/renameinatorr/config", json={"count": "abc"})
    post = client.post("/api/config", json={"renameinatorr": {"count": "abc"}})
    assert put.status_code == post.status_code == 422, (put.text, post.text)
    assert post.json()["detail"] == put.json()["detail"]
    assert post.json()["detail"][0]["loc"] == ["count"]
    assert runtime.config.get_section("renameinatorr") == before
    assert "abc" not in runtime.config.path.read_text()
    # A valid section still saves, and untouched (even hand-edited) sections do not block a write.
    assert client.post("/api/config", json={"renameinatorr": {"count": 5}}).status_code == 200
    assert runtime.config.get_section("renameinatorr")["count"] == 5


def test_backup_without_a_data_dir_refuses_instead_of_creating_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CURATARR_DATA_DIR", raising=False)
    r = CliRunner().invoke(cli_app, ["backup"])
    assert r.exit_code == 2, r.output
    assert "No Curatarr data directory" in r.output and "--data-dir" in r.output
    assert not (tmp_path / "data").exists()
    r = CliRunner().invoke(cli_app, ["backup", "--data-dir", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and not (tmp_path / "nowhere").exists()
    r = CliRunner().invoke(cli_app, ["reset-auth", "--yes"])
    assert r.exit_code == 2 and not (tmp_path / "data").exists()
