"""The instance-side parts of ``GET /api/instances/{name}/stats``: live media counts through the
connector (one listing call), health over the last days and log-event counts. The answer itself is
put together in ``curatarr.library.instance_stats``, which prefers the media cache's counts.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from curatarr.connectors.errors import ConnectorError
from curatarr.db.base import utcnow
from curatarr.db.models.system import HealthSnapshot
from curatarr.instances.factory import build_connector
from curatarr.instances.health import health_cache
from curatarr.instances.types import InstanceRef

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.instances.stats")

# *arr type → the connector method listing its top-level items (first one that exists is used).
_ARR_LISTERS = {"radarr": ("movies", "get_movies", "list_movies"),
                "sonarr": ("series", "get_series", "list_series"),
                "lidarr": ("artists", "get_artists", "list_artists")}


def _first_method(obj: Any, names: tuple[str, ...]):
    for name in names:
        fn = getattr(obj, name, None)
        if callable(fn):
            return fn
    return None


def _close(conn: Any) -> None:
    close = getattr(conn, "close", None)
    if callable(close):
        close()


def _section_field(section: Any, *names: str) -> Any:
    for n in names:
        if isinstance(section, dict) and n in section:
            return section[n]
        if hasattr(section, n):
            return getattr(section, n)
    return None


def live_media_stats(ref: InstanceRef) -> dict:
    """Count the instance's items through its connector. Raises ConnectorError on failure."""
    if ref.type in _ARR_LISTERS:
        conn = build_connector(ref)
        try:
            lister = _first_method(conn, _ARR_LISTERS[ref.type])
            if lister is None:
                return {}
            items = lister()
            return {"total_media": len(items)}
        finally:
            _close(conn)
    if ref.spec.category == "media_server":
        from curatarr.instances.libraries import list_libraries

        libraries = list_libraries(ref, with_counts=True)
        counts = {lib["title"]: lib.get("count") for lib in libraries}
        total = sum(c for c in counts.values() if isinstance(c, int))
        return {"total_media": total, "libraries": counts}
    return {}


def has_sections(ref: InstanceRef) -> bool:
    """Plex's stats carry ``libraries`` even when empty (CHUB's shape)."""
    from curatarr.connectors.media_server import Capability
    from curatarr.instances.libraries import media_capabilities

    return Capability.PLEX_SECTIONS in (media_capabilities(ref) or ())


def health_summary(rt: "Runtime", name: str, days: int = 7) -> dict:
    since = utcnow() - timedelta(days=days)
    with rt.db.session() as s:
        rows = s.execute(select(HealthSnapshot.status, func.count()).where(
            HealthSnapshot.instance_name == name, HealthSnapshot.snapshot_at >= since)
            .group_by(HealthSnapshot.status)).all()
        avg = s.scalar(select(func.avg(HealthSnapshot.response_time_ms)).where(
            HealthSnapshot.instance_name == name, HealthSnapshot.snapshot_at >= since,
            HealthSnapshot.status == "healthy"))
    counts = {str(st): int(n) for st, n in rows}
    total = sum(counts.values())
    last = health_cache(rt).get(name)
    return {"checks": total, "uptime_percent": round(100.0 * counts.get("healthy", 0) / total, 1) if total else None,
            "avg_response_time_ms": round(float(avg), 1) if avg is not None else None,
            "statuses": counts, "last_status": last.status if last else None, "window_days": days}
