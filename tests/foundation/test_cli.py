"""The ``curatarr`` command: version, backup, restore, reset-auth (CliRunner) and serve (a real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from curatarr import __version__
from curatarr.cli import app as cli_app
from tests.conftest import free_port

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(cli_app, list(args), catch_exceptions=False)


def _runtime(data_dir: Path):
    from curatarr.runtime import Runtime

    return Runtime(data_dir, console_logs=False)


def test_version():
    r = cli("version")
    assert r.exit_code == 0 and r.output.strip() == __version__


def test_backup_then_restore_round_trip(tmp_path):
    data = tmp_path / "data"
    rt = _runtime(data)
    rt.auth.setup("admin", "admin-pass-123")
    rt.close()

    r = cli("backup", "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    backup = Path(r.output.strip().splitlines()[-1])
    assert backup.parent == (data / "backups").resolve() and zipfile.is_zipfile(backup)

    rt = _runtime(data)
    rt.auth.create_api_key("admin", "after the backup")
    rt.config.update({"backup": {"keep": 4}})
    rt.close()

    r = cli("restore", str(backup), "--yes", "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    assert "Restored config.yml, database" in r.output and "pre-restore-" in r.output

    rt = _runtime(data)
    try:
        assert rt.auth.list_api_keys() == [] and rt.auth.is_configured()
        assert rt.settings.backup.keep == 10
    finally:
        rt.close()


def test_restore_refuses_a_bad_file_with_exit_code_2(tmp_path):
    data = tmp_path / "data"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    _runtime(data).close()
    config_before = (data / "config.yml").read_text()
    r = runner.invoke(cli_app, ["restore", str(bad), "--yes", "--data-dir", str(data)])
    assert r.exit_code == 2
    assert "Restore refused" in r.output
    assert (data / "config.yml").read_text() == config_before


def test_restore_asks_before_replacing(tmp_path):
    data = tmp_path / "data"
    _runtime(data).close()
    r = cli("backup", "--data-dir", str(data))
    backup = r.output.strip().splitlines()[-1]
    r = runner.invoke(cli_app, ["restore", backup, "--data-dir", str(data)], input="n\n")
    assert r.exit_code == 1 and "Aborted" in r.output
    assert not list((data / "backups").glob("pre-restore-*"))


def test_reset_auth(tmp_path):
    data = tmp_path / "data"
    rt = _runtime(data)
    token, _ = rt.auth.setup("admin", "admin-pass-123")
    rt.auth.create_api_key("admin", "k")
    rt.close()

    r = runner.invoke(cli_app, ["reset-auth", "--data-dir", str(data)], input="n\n")
    assert r.exit_code == 1
    r = cli("reset-auth", "--yes", "--data-dir", str(data))
    assert r.exit_code == 0 and "Removed 1 user(s)" in r.output

    rt = _runtime(data)
    try:
        assert not rt.auth.is_configured() and rt.auth.list_api_keys() == []
        assert rt.auth.verify_token(token) is None
    finally:
        rt.close()


def test_data_dir_from_environment(tmp_path, monkeypatch):
    data = tmp_path / "from-env"
    monkeypatch.setenv("CURATARR_DATA_DIR", str(data))
    r = cli("backup")  # a data dir that does not exist is refused, never created empty (issue #20)
    assert r.exit_code == 2 and not data.exists()
    _runtime(data).close()
    r = cli("backup")
    assert r.exit_code == 0, r.output
    assert (data / "config.yml").exists() and list((data / "backups").glob("*.zip"))


def _curatarr_executable() -> list[str]:
    script = Path(sys.executable).parent / "curatarr"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from curatarr.cli import main; main()"]


def test_serve_starts_and_prints_where_things_live(tmp_path):
    data = tmp_path / "served"
    port = free_port()
    proc = subprocess.Popen(
        _curatarr_executable() + ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        lines: list[str] = []
        while not any("web UI" in line for line in lines):
            line = proc.stdout.readline()
            if not line:
                pytest.fail("curatarr serve exited early:\n" + "".join(lines))
            lines.append(line)
        out = "".join(lines)
        assert f"Curatarr {__version__}" in out
        assert f"config:   {data.resolve() / 'config.yml'}" in out
        assert f"database: sqlite:///{data.resolve() / 'curatarr.db'}" in out
        assert f"logs:     {data.resolve() / 'logs'}" in out
        assert f"web UI:   http://127.0.0.1:{port}/" in out

        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("server never answered")
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/api/auth/status").json()["configured"] is False
        assert (data / "config.yml").exists() and (data / "curatarr.db").exists() and (data / "jwt.secret").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail("curatarr serve did not stop on SIGINT")
    assert code == 0


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["backup"], ["reset-auth", "--yes"]])
def test_a_broken_config_is_a_message_not_a_traceback(tmp_path, command):
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.yml").write_text("general:\n  max_logs: 0\n")
    r = runner.invoke(cli_app, command + ["--data-dir", str(data)])
    assert r.exit_code == 2
    assert "Curatarr cannot start" in r.output and "general.max_logs" in r.output
    assert "Traceback" not in r.output
