"""RcloneRunner against a fake ``rclone`` executable (a simulator of the binary).

The fake records its argv, its RCLONE_* environment and (when given) the config file it was
pointed at, then behaves according to FAKE_RCLONE_MODE: emit JSON-log stats and copy events,
fail with an exit code, print lsjson output, or hang.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from curatarr.connectors.errors import AuthFailed, NotFound, Unreachable
from curatarr.connectors.rclone import (
    DriveRemote,
    InvalidArgument,
    RcloneError,
    RcloneRunner,
    RcloneStats,
)

FAKE = textwrap.dedent(
    """\
    #!{python}
    import json, os, sys, time
    record = {{"argv": sys.argv[1:], "env": {{k: v for k, v in os.environ.items() if k.startswith("RCLONE")}}}}
    cfg = os.environ.get("RCLONE_CONFIG")
    if cfg and os.path.exists(cfg):
        record["config_text"] = open(cfg).read()
        record["config_mode"] = oct(os.stat(cfg).st_mode & 0o777)
    with open(os.environ["FAKE_RCLONE_RECORD"], "a") as fh:
        fh.write(json.dumps(record) + "\\n")
    mode = os.environ.get("FAKE_RCLONE_MODE", "ok")
    def log(**entry):
        sys.stderr.write(json.dumps(entry) + "\\n"); sys.stderr.flush()
    if sys.argv[1] == "version":
        print("rclone v1.68.2-fake"); sys.exit(0)
    if mode == "hang":
        time.sleep(60)
    if mode == "auth":
        log(level="error", msg="Failed to create file system: couldn't find root directory ID: oauth2: invalid_grant " + os.environ.get("RCLONE_CONFIG_GDRIVE_CLIENT_SECRET", ""))
        sys.exit(7)
    if mode == "missing":
        log(level="error", msg="directory not found")
        sys.exit(3)
    if mode == "broken":
        log(level="error", msg="Attempt 3/3 failed with 1 errors and: unexpected EOF")
        sys.exit(6)
    if sys.argv[1] == "lsjson":
        print(json.dumps([{{"Path": "Movie (2001)/poster.jpg", "Name": "poster.jpg", "Size": 1234,
                           "MimeType": "image/jpeg", "IsDir": False, "ID": "abc"}}]))
        sys.exit(0)
    dest = sys.argv[3]
    os.makedirs(dest, exist_ok=True)
    for i, name in enumerate(["A (2001)/poster.jpg", "B (2002)/poster.jpg"], 1):
        if "--dry-run" not in sys.argv:
            os.makedirs(os.path.join(dest, os.path.dirname(name)), exist_ok=True)
            open(os.path.join(dest, name), "wb").write(b"jpeg")
        log(level="info", msg="Copied (new)", object=name, objectType="*drive.Object")
        log(level="notice", msg="stats", stats={{"bytes": 4 * i, "totalBytes": 8, "transfers": i,
            "totalTransfers": 2, "checks": 0, "errors": 0, "speed": 10.5, "eta": 2 - i, "elapsedTime": 0.1 * i}})
    if sys.argv[1] == "sync":
        log(level="info", msg="Deleted", object="old.jpg", objectType="*drive.Object")
    sys.exit(0)
    """
)


@pytest.fixture
def fake_rclone(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "rclone"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    record = tmp_path / "record.jsonl"
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_RCLONE_RECORD", str(record))
    monkeypatch.setenv("FAKE_RCLONE_MODE", "ok")

    def calls() -> list[dict]:
        return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []

    return calls


SECRET = "client-secret-DO-NOT-LEAK-123"
TOKEN = '{"access_token":"ya29.tokenvalue","refresh_token":"1//refresh-xyz","expiry":"2030-01-01T00:00:00Z"}'
SA_JSON = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEsecret\\n"}'


def remote(**kw) -> DriveRemote:
    return DriveRemote(client_id="my-client-id", client_secret=SECRET, token=TOKEN, **kw)


def test_sync_passes_secrets_in_env_never_in_argv_and_reports_progress(fake_rclone, tmp_path):
    dest = tmp_path / "assets"
    seen: list[RcloneStats] = []
    result = RcloneRunner(roots=[tmp_path]).sync(remote(), "1AbC-folder_ID", dest, progress=seen.append)

    (call,) = fake_rclone()
    argv = " ".join(call["argv"])
    assert SECRET not in argv and "ya29" not in argv and "refresh" not in argv
    assert call["argv"][:3] == ["sync", "gdrive:", str(dest.resolve())]
    assert "--drive-root-folder-id=1AbC-folder_ID" in call["argv"]
    assert "--use-json-log" in call["argv"]
    assert call["env"]["RCLONE_CONFIG_GDRIVE_TYPE"] == "drive"
    assert call["env"]["RCLONE_CONFIG_GDRIVE_CLIENT_SECRET"] == SECRET
    assert call["env"]["RCLONE_CONFIG_GDRIVE_TOKEN"] == TOKEN

    assert result.exit_code == 0
    assert result.copied == ["A (2001)/poster.jpg", "B (2002)/poster.jpg"]
    assert result.deleted == ["old.jpg"]
    assert [s.transfers for s in seen] == [1, 2]
    assert result.stats.bytes == 8 and result.stats.total_transfers == 2 and result.stats.speed == 10.5
    assert (dest / "A (2001)" / "poster.jpg").read_bytes() == b"jpeg"


def test_file_config_mode_uses_private_temp_file_and_removes_it(fake_rclone, tmp_path):
    sa_remote = DriveRemote(name="drive2", service_account_json=SA_JSON)
    confdir = tmp_path / "conf"
    confdir.mkdir()
    RcloneRunner(config_mode="file", roots=[tmp_path], config_dir=confdir).copy(
        sa_remote, "folder123", tmp_path / "out", dry_run=True)
    (call,) = fake_rclone()
    assert "MIIEsecret" not in " ".join(call["argv"])
    assert not any(k.startswith("RCLONE_CONFIG_") for k in call["env"])
    assert call["config_mode"] == "0o600"
    assert "[drive2]" in call["config_text"] and "service_account_credentials" in call["config_text"]
    assert "\n" not in call["config_text"].split("service_account_credentials = ", 1)[1].rstrip("\n")
    assert Path(call["env"]["RCLONE_CONFIG"]).parent == confdir
    assert list(confdir.iterdir()) == []  # removed after the run
    assert "--dry-run" in call["argv"] and call["argv"][0] == "copy"
    assert not (tmp_path / "out" / "A (2001)" / "poster.jpg").exists()


def test_inherited_rclone_config_env_does_not_leak_in(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("RCLONE_CONFIG_OTHER_TOKEN", "someone-elses-token")
    RcloneRunner(roots=[tmp_path]).copy(remote(), "folder123", tmp_path / "out")
    (call,) = fake_rclone()
    assert "RCLONE_CONFIG_OTHER_TOKEN" not in call["env"]


def test_lsjson_parses_entries(fake_rclone, tmp_path):
    entries = RcloneRunner().lsjson(remote(), "folder123", recursive=True)
    assert entries[0]["Name"] == "poster.jpg" and entries[0]["Size"] == 1234
    (call,) = fake_rclone()
    assert call["argv"] == ["lsjson", "gdrive:", "--drive-root-folder-id=folder123", "--recursive"]


@pytest.mark.parametrize("folder_id", ["-rf", "--config=/etc/passwd", "a/b", "a\x00b", "", "id with space"])
def test_rejects_unsafe_folder_ids(fake_rclone, tmp_path, folder_id):
    with pytest.raises(InvalidArgument):
        RcloneRunner(roots=[tmp_path]).sync(remote(), folder_id, tmp_path / "x")
    assert fake_rclone() == []


@pytest.mark.parametrize("dest", ["-dest", "/etc", "../../outside", "a\x00b"])
def test_rejects_unsafe_or_outside_destinations(fake_rclone, tmp_path, dest):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(InvalidArgument):
        RcloneRunner(roots=[root]).sync(remote(), "folder123", dest)
    assert fake_rclone() == []


def test_rejects_bad_remote_name(fake_rclone, tmp_path):
    with pytest.raises(InvalidArgument):
        RcloneRunner(roots=[tmp_path]).sync(DriveRemote(name="-x"), "folder123", tmp_path)


def test_auth_failure_maps_to_authfailed_and_masks_secret(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RCLONE_MODE", "auth")
    with pytest.raises(AuthFailed) as info:
        RcloneRunner(roots=[tmp_path]).sync(remote(), "folder123", tmp_path / "x")
    assert SECRET not in str(info.value)


def test_missing_folder_maps_to_notfound(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RCLONE_MODE", "missing")
    with pytest.raises(NotFound):
        RcloneRunner(roots=[tmp_path]).copy(remote(), "folder123", tmp_path / "x")


def test_other_failure_carries_exit_code_and_log_tail(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RCLONE_MODE", "broken")
    with pytest.raises(RcloneError) as info:
        RcloneRunner(roots=[tmp_path]).copy(remote(), "folder123", tmp_path / "x")
    assert info.value.exit_code == 6
    assert "unexpected EOF" in str(info.value)


def test_timeout_kills_the_process(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RCLONE_MODE", "hang")
    with pytest.raises(Unreachable, match="did not finish"):
        RcloneRunner(timeout=0.5, roots=[tmp_path]).copy(remote(), "folder123", tmp_path / "x")


def test_cancel_stops_the_process(fake_rclone, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_RCLONE_MODE", "hang")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RcloneError, match="cancelled"):
        RcloneRunner(roots=[tmp_path]).copy(remote(), "folder123", tmp_path / "x", cancel=cancel)


def test_missing_binary_is_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(Unreachable, match="not installed"):
        RcloneRunner().version()


def test_version(fake_rclone):
    assert RcloneRunner().version() == "rclone v1.68.2-fake"
