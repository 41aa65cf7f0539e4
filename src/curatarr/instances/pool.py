"""A pool of connectors for one piece of work (a module run, one API action): clients are built from
the configured instances on first use, reused, and closed together at the end.

    pool = ConnectorPool(rt)
    try:
        radarr = pool.get("radarr_main", "radarr")
    finally:
        pool.close()
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from curatarr.instances.factory import connector_for, list_instances

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.instances")


class ConnectorPool:
    """Typed access to configured instances for one run. Clients are built on first use, reused
    for the rest of the run and closed when the run ends."""

    def __init__(self, rt: "Runtime"):
        self._rt = rt
        self._open: dict[tuple[str, str | None], Any] = {}
        self._lock = threading.Lock()

    def get(self, name: str, type: str | None = None) -> Any:
        """The connector for instance ``name`` (KeyError if it is not configured)."""
        key = (name, type)
        with self._lock:
            if key not in self._open:
                self._open[key] = connector_for(self._rt, name, type)
            return self._open[key]

    def instances(self, type: str | None = None, *, enabled_only: bool = True) -> list:
        """InstanceRefs of the configured instances (of ``type``)."""
        return list_instances(self._rt, type, enabled_only=enabled_only)

    def close(self) -> None:
        with self._lock:
            clients, self._open = list(self._open.values()), {}
        for client in clients:
            close = getattr(client, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:  # closing must never mask the run's outcome
                    log.debug("closing %r failed", client, exc_info=True)
