"""Faithful local simulators of every external system Curatarr talks to.

Each service module exposes ``create_app(library, *, api_key=..., instance=...) -> ASGI app``
(Plex takes ``token=`` instead of ``api_key=``). :class:`curatarr.sims.server.SimCluster` starts
any set of them for one :class:`curatarr.sims.library.SampleLibrary`; tests and ``curatarr demo``
use the same code. Shared pieces: ``library`` (sample data), ``images`` (artwork bytes),
``base`` + ``faults`` (app framework, failure injection, request recording), ``server``.

Adding a simulator = one module + one line in :data:`SIMULATORS` (service type -> import string).
"""

from __future__ import annotations

SIMULATORS: dict[str, str] = {
    "radarr": "curatarr.sims.radarr:create_app",
    "sonarr": "curatarr.sims.sonarr:create_app",
    "lidarr": "curatarr.sims.lidarr:create_app",
    "plex": "curatarr.sims.plex:create_app",
    "jellyfin": "curatarr.sims.jellyfin:create_app",
    "emby": "curatarr.sims.emby:create_app",
    "tmdb": "curatarr.sims.tmdb:create_app",
    "fanart": "curatarr.sims.fanart:create_app",
    "tvdb": "curatarr.sims.tvdb:create_app",
    "discord": "curatarr.sims.discord:create_app",
    "notifiarr": "curatarr.sims.notifiarr:create_app",
    "uptime_kuma": "curatarr.sims.uptime_kuma:create_app",
    "push_targets": "curatarr.sims.push_targets:create_app",
    # simulators: add new lines above this one (one per line)
}


def load_factory(service_type: str):
    """Import and return the ``create_app`` factory registered for ``service_type``."""
    import importlib

    try:
        target = SIMULATORS[service_type]
    except KeyError:
        raise KeyError(f"unknown simulator {service_type!r}; known: {', '.join(sorted(SIMULATORS))}") from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr or "create_app")
