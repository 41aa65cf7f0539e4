"""Per-instance telemetry for ``GET /api/instances/{name}/stats``.

Media counts come from the media cache once the library synced the instance
(``LibraryService.instance_stats(name)``: ``total_media``, ``matched``, ``unmatched`` by the
library's one matched rule — linked across *arr ↔ media server, as ``/api/media/stats`` counts — and
``libraries {title: count}`` for media servers), else live from the instance through its connector
(one listing call; ``matched``/``unmatched`` are then null: only the cache knows the links). CHUB's
fields are kept — *arr: ``total_media``, ``matched``, ``unmatched``; Plex: ``total_media``,
``libraries {title: count}`` — and health and log figures are added.
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
from curatarr.instances.logstore import get_store
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


def _has_sections(ref: InstanceRef) -> bool:
    """Plex's stats carry ``libraries`` even when empty (CHUB's shape)."""
    from curatarr.connectors.media_server import Capability
    from curatarr.instances.libraries import media_capabilities

    return Capability.PLEX_SECTIONS in (media_capabilities(ref) or ())


def _health_summary(rt: "Runtime", name: str, days: int = 7) -> dict:
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


def cached_media_stats(rt: "Runtime", name: str) -> dict | None:
    """The instance's counts in the media cache (None when the library never synced it)."""
    from curatarr.library.service import library_for

    return library_for(rt).instance_stats(name)


def instance_stats(rt: "Runtime", ref: InstanceRef) -> dict:
    out: dict[str, Any] = {"instance": ref.name, "service": ref.type, "enabled": ref.enabled,
                           "total_media": None, "matched": None, "unmatched": None, "source": None, "error": None}
    if _has_sections(ref):
        out["libraries"] = {}
    cached = None
    try:
        cached = cached_media_stats(rt, ref.name)
    except Exception:  # the cache is an optimisation; fall back to asking the instance
        log.warning("library instance_stats failed for %s", ref.name, exc_info=True)
    if cached:
        out.update(cached)
        out["source"] = "cache"
    elif ref.enabled and ref.spec.category != "provider":
        try:
            out.update(live_media_stats(ref))
            out["source"] = "live"
        except ConnectorError as exc:
            out["error"] = str(exc)
        except ValueError as exc:  # connector refused its settings (e.g. an empty key)
            out["error"] = str(exc)
    out["health"] = _health_summary(rt, ref.name)
    out["log_events"] = get_store(rt).counts(ref.name)
    return out
