"""``GET /api/instances/{name}/stats``: an instance's media counts and telemetry in one answer.

Media counts come from the media cache once the library synced the instance
(``LibraryService.instance_stats``: ``total_media``, ``matched``, ``unmatched`` by the library's one
matched rule, and ``libraries {title: count}`` for media servers), else live from the instance
through its connector (``curatarr.instances.stats.live_media_stats``; ``matched``/``unmatched`` are
then null: only the cache knows the links). Health and log figures come from ``instances``. It lives
here, not in ``instances/``, because it reads the library, which sits above the instances layer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from curatarr.connectors.errors import ConnectorError
from curatarr.instances.logstore import get_store
from curatarr.instances.stats import has_sections, health_summary, live_media_stats
from curatarr.instances.types import InstanceRef
from curatarr.library.service import library_for

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.library.instance_stats")


def instance_stats(rt: "Runtime", ref: InstanceRef) -> dict:
    out: dict[str, Any] = {"instance": ref.name, "service": ref.type, "enabled": ref.enabled,
                           "total_media": None, "matched": None, "unmatched": None, "source": None, "error": None}
    if has_sections(ref):
        out["libraries"] = {}
    cached = None
    try:
        cached = library_for(rt).instance_stats(ref.name)
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
    out["health"] = health_summary(rt, ref.name)
    out["log_events"] = get_store(rt).counts(ref.name)
    return out
