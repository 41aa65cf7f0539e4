"""Run simulators as real HTTP servers on 127.0.0.1 (background uvicorn threads).

``SimServer(app)`` serves one ASGI app on a free port::

    with SimServer(radarr_app) as server:
        httpx.get(server.url + "/api/v3/system/status", headers={"X-Api-Key": key})

``SimCluster(library, services=[...])`` starts a set of simulators for one SampleLibrary.
``services`` items are a registered type (``"radarr"``), an instance name whose prefix is a type
(``"radarr_4k"`` → type ``radarr``, instance ``radarr_4k``), or a ``(type, instance)`` pair.
Each instance gets a deterministic API key (``cluster.api_keys[instance]``), its URL
(``cluster.urls[instance]``) and its :class:`~curatarr.sims.base.Simulator` (``cluster.sims``).
"""

from __future__ import annotations

import inspect
import socket
import threading
import time
from typing import Any, Iterable

import uvicorn

from curatarr.sims import SIMULATORS, load_factory
from curatarr.sims.library import SampleLibrary, stable_hex


class SimServer:
    """One ASGI app served by uvicorn in a daemon thread on ``host`` and a free port."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, name: str = "sim"):
        self.app = app
        self.host = host
        self.port = port
        self.name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("server not started")
        return f"http://{self.host}:{self.port}"

    @property
    def sim(self) -> Any:
        """The app's Simulator (None for apps not built on curatarr.sims.base)."""
        state = getattr(self.app, "state", None)
        return getattr(state, "sim", None)

    def start(self, timeout: float = 10.0) -> "SimServer":
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="auto",
                                timeout_graceful_shutdown=1, ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"sim-{self.name}-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"simulator {self.name} failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"simulator {self.name} did not start within {timeout}s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> "SimServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def api_key_for(instance: str, seed: int = 42) -> str:
    """Deterministic 32-hex API key, the shape *arr apps use."""
    return stable_hex("api-key", seed, instance)


def split_service(spec: str | tuple[str, str]) -> tuple[str, str]:
    """``"radarr_4k"`` → ``("radarr", "radarr_4k")``; ``("radarr", "movies")`` unchanged."""
    if isinstance(spec, tuple):
        return spec
    if spec in SIMULATORS:
        return spec, spec
    for service_type in sorted(SIMULATORS, key=len, reverse=True):
        if spec.startswith(service_type):
            return service_type, spec
    raise KeyError(f"unknown simulator {spec!r}; known: {', '.join(sorted(SIMULATORS))}")


def build_app(service_type: str, library: SampleLibrary, *, instance: str, api_key: str, **options: Any) -> Any:
    """Call the registered factory with the keyword arguments it accepts (``options`` such as
    ``small_images`` go to the factories that take them)."""
    factory = load_factory(service_type)
    params = inspect.signature(factory).parameters
    kwargs: dict[str, Any] = {name: value for name, value in options.items() if name in params}
    if "api_key" in params:
        kwargs["api_key"] = api_key
    elif "token" in params:
        kwargs["token"] = api_key
    if "instance" in params:
        kwargs["instance"] = instance
    return factory(library, **kwargs)


class SimCluster:
    """A set of running simulators sharing one sample library."""

    def __init__(self, library: SampleLibrary | None = None,
                 services: Iterable[str | tuple[str, str]] = ("radarr", "sonarr", "lidarr"),
                 *, api_keys: dict[str, str] | None = None, host: str = "127.0.0.1",
                 app_options: dict[str, Any] | None = None):
        self.library = library or SampleLibrary.demo()
        self.specs = [split_service(s) for s in services]
        self.host = host
        self.api_keys: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.apps: dict[str, Any] = {}
        self.servers: dict[str, SimServer] = {}
        for service_type, instance in self.specs:
            if instance in self.types:
                raise ValueError(f"duplicate simulator instance {instance!r}")
            key = (api_keys or {}).get(instance) or api_key_for(instance, self.library.seed)
            self.api_keys[instance] = key
            self.types[instance] = service_type
            self.apps[instance] = build_app(service_type, self.library, instance=instance, api_key=key,
                                            **(app_options or {}))

    @property
    def urls(self) -> dict[str, str]:
        return {name: server.url for name, server in self.servers.items()}

    @property
    def sims(self) -> dict[str, Any]:
        return {name: getattr(getattr(app, "state", None), "sim", None) for name, app in self.apps.items()}

    def start(self) -> "SimCluster":
        try:
            for instance, app in self.apps.items():
                if instance not in self.servers:
                    self.servers[instance] = SimServer(app, host=self.host, name=instance).start()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def reset(self) -> None:
        for sim in self.sims.values():
            if sim is not None:
                sim.reset()

    def __enter__(self) -> "SimCluster":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
