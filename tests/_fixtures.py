"""Helpers behind the shared fixtures (tests/conftest.py): data-dir templates, the live server, and
the one simulator-cluster factory.

Data-dir templates: a new data dir costs a migrated database and, with a user, a bcrypt hash. The
session builds two templates once (per xdist worker: each worker has its own temporary root) and
each test starts from a copy:

* ``blank``: config.yml, a migrated curatarr.db and jwt.secret, no user (first-run state);
* ``admin``: the same plus the user ``admin`` / ``admin-pass-123``, created through the real
  AuthService.

Their config.yml sets ``auth.bcrypt_rounds: 4`` (bcrypt's lowest cost): hashing a password in a
test costs milliseconds instead of ~0.3 s, through an ordinary setting, not a test-mode branch.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-pass-123"
TEMPLATE_SETTINGS = {"auth": {"bcrypt_rounds": 4}}

# Left out of every copy: logs of the run that built the template, the config backup its settings
# update wrote (a fresh data dir has neither).
_NOT_COPIED = shutil.ignore_patterns("logs", "*.log", "config.yml.bak")


def build_data_template(folder: Path, *, admin: bool = False, base: Path | None = None) -> Path:
    """A data dir as a first start leaves it (from ``base`` when given), with the test settings and,
    with ``admin``, the admin user."""
    from curatarr.runtime import Runtime

    if base is not None:
        copy_data_template(base, folder)
    rt = Runtime(folder, console_logs=False)
    try:
        rt.config.update(TEMPLATE_SETTINGS)
        if admin:
            rt.auth.setup(ADMIN_USER, ADMIN_PASSWORD)
    finally:
        rt.close()
    return folder


def copy_data_template(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest, ignore=_NOT_COPIED, dirs_exist_ok=True)
    return dest


def admin_token(rt) -> str:
    """A token for the admin user, issued by the runtime's AuthService (what a login returns)."""
    token, _claims = rt.auth.issue(ADMIN_USER)
    return token


# ---- live server ------------------------------------------------------------------------------------

class LiveServer:
    """The app under uvicorn in a daemon thread. With the default ``port=0`` it binds a free port
    itself (no race with another xdist worker picking the same free port before uvicorn binds it)."""

    def __init__(self, app: Any, port: int = 0, host: str = "127.0.0.1"):
        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.token: str | None = None
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()


# ---- simulators ---------------------------------------------------------------------------------------

def run_module(rt, module: str, overrides: dict | None = None, *, wait: float = 60) -> dict:
    """Submit one run of ``module`` on ``rt``'s job queue, wait for it to end and return the job; a job
    that has not ended after ``wait`` seconds fails the test. Every area's ``run`` helper calls this."""
    job = rt.jobs.wait(rt.jobs.submit(module, overrides=overrides or None), wait)
    assert job["status"] in ("success", "error", "cancelled"), job
    return job


@contextmanager
def sim_cluster(library=None, services: Iterable[str | tuple[str, str]] = ("radarr", "sonarr", "lidarr"), *,
                api_keys: dict[str, str] | None = None, **app_options: Any) -> Iterator[Any]:
    """Running simulators of ``services`` (``"radarr_4k"`` or ``(type, instance)`` items, see
    :class:`~curatarr.sims.server.SimCluster`) over one sample library (the demo library by default),
    stopped at the end. ``app_options`` go to the simulator factories that take them, e.g.
    ``small_images=True`` (tiny artwork: fast renders for the poster tests)."""
    from curatarr.sims.library import SampleLibrary
    from curatarr.sims.server import SimCluster

    with SimCluster(library or SampleLibrary.demo(), services=services, api_keys=api_keys,
                    app_options=app_options) as cluster:
        yield cluster


def clear_faults(cluster):
    """Drop every fault rule (state and recorded requests stay); returns the cluster."""
    for sim in cluster.sims.values():
        if sim is not None:
            sim.faults.clear()
    return cluster


def fresh(cluster):
    """The cluster with every simulator reset (state rebuilt from the library, no faults, no recorded
    requests) and the *arr command knobs back to their defaults; returns the cluster."""
    cluster.reset()
    for app in cluster.apps.values():
        arr = getattr(app.state, "arr", None)
        if arr is not None:
            arr.polls_to_complete = 1
            arr.fail_commands.clear()
            arr.extra_health.clear()
    return cluster
