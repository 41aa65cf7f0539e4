"""Issue #20, item 9: a full data disk. The data dir lives on its own small tmpfs that the test fills
to the last byte while a job runs; the job's end is still recorded (the reserve is freed for it),
the module is not left busy, backups leave no ``.zip.tmp``, login and backup answer a clear 503
instead of dropping the connection, and ``/api/health`` reports the disk degraded."""

from __future__ import annotations

import errno
import os
import subprocess
import threading
import time

import httpx
import pytest

from curatarr.fsutil import reserve_path
from curatarr.modules import registry
from curatarr.modules.base import Module, ModuleConfig, RunContext, RunResult
from tests._fixtures import ADMIN_PASSWORD, ADMIN_USER

WAIT = 30


class Gate(Module):
    """Changes one item, after the test lets it through."""

    name = "gate"
    Config = ModuleConfig
    reached = threading.Event()
    release = threading.Event()

    def run(self, ctx: RunContext, config: ModuleConfig) -> RunResult:
        Gate.reached.set()
        Gate.release.wait(WAIT)
        ctx.result.changed("the one item")
        return ctx.result.build()


@pytest.fixture
def gate():
    Gate.reached.clear()
    Gate.release.clear()
    registry.register("gate", Gate)
    yield Gate
    Gate.release.set()
    registry.unregister("gate")


@pytest.fixture
def data_dir(tmp_path):
    """The data dir on a 48 MB tmpfs of its own (root only; skipped elsewhere)."""
    folder = tmp_path / "data"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder) -> None:
    fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\1" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    try:
        while True:
            os.write(fd, b"\1")
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_full_data_disk_is_survived_and_reported(live_server, runtime, gate):
    url, auth = live_server.url, {"Authorization": f"Bearer {live_server.token}"}
    runtime.config.update({"general": {"min_free_disk_mb": 1}})  # the threshold is a setting
    assert httpx.get(f"{url}/api/health").json()["checks"]["data_disk"] == "ok"
    r = httpx.post(f"{url}/api/modules/gate/execute", json={}, headers=auth)
    assert r.status_code == 200, r.text
    job_id = r.json()["job_id"]
    assert gate.reached.wait(WAIT)

    fill(runtime.data_dir)

    health = httpx.get(f"{url}/api/health").json()
    assert health["status"] == "degraded" and health["checks"]["data_disk"] == "degraded"
    # Answers, not dropped connections: a login either works (it wrote nothing) or says why not.
    r = httpx.post(f"{url}/api/auth/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    assert r.status_code in (200, 503), r.text
    if r.status_code == 503:
        assert "disk is full" in r.json()["detail"] and r.headers["Retry-After"]
    r = httpx.post(f"{url}/api/auth/login", json={"username": ADMIN_USER, "password": "wrong-password-1"})
    assert r.status_code in (401, 503), r.text
    r = httpx.post(f"{url}/api/backup", headers=auth)
    assert r.status_code == 503, r.text
    assert "disk is full" in r.json()["detail"]
    assert not list((runtime.data_dir / "backups").glob("*.tmp"))

    gate.release.set()  # the job ends while the disk is full: its end must still be recorded
    deadline = time.monotonic() + WAIT
    job = {}
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/api/jobs/{job_id}", headers=auth).json()
        if job.get("status") not in ("queued", "running", "cancelling"):
            break
        time.sleep(0.1)
    assert job["status"] == "success", job
    assert not reserve_path(runtime.data_dir).is_file()  # recording the end needed it, and got it
    status = httpx.get(f"{url}/api/modules/status", params={"module": "gate"}, headers=auth).json()
    assert status["running"] is False, status
    r = httpx.post(f"{url}/api/modules/gate/cancel/{job_id}", headers=auth)
    assert r.status_code in (400, 404, 409), r.text  # nothing left to cancel: never stuck "cancelling"

    (runtime.data_dir / "filler.bin").unlink()  # room again: healthy, and the reserve is back
    assert httpx.get(f"{url}/api/health").json()["checks"]["data_disk"] == "ok"
    assert reserve_path(runtime.data_dir).is_file()
