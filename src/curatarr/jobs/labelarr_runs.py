"""``POST /api/labelarr/sync`` and ``/bulk-sync``: check the instances and ids, then queue one
labelarr job (``item`` mode) for the items. CHUB queued one job per id; one job for the batch
reports each item's outcome in its result instead, and its per-item failures.

Errors (CHUB's codes): 404 ``ARR_INSTANCE_NOT_FOUND`` / ``PLEX_INSTANCE_NOT_FOUND`` /
``NO_PLEX_INSTANCES`` (no media server configured), 400 ``NO_MEDIA_IDS`` / ``BULK_TOO_LARGE`` /
``INVALID_MEDIA_ID``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curatarr.errors import Invalid, NotFound
from curatarr.instances.factory import list_instances
from curatarr.jobs.service import jobs_of, module_or_404, validate_overrides
from curatarr.labels.items import native_id
from curatarr.library.records import SERVER_TYPES

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

BULK_LIMIT = 1000
ARR_TYPES = ("radarr", "sonarr")


def _instances(rt: "Runtime", source: str, server: str | None) -> str:
    """Check the *arr instance; the media server named, or the first configured one."""
    if not any(r.name == source for t in ARR_TYPES for r in list_instances(rt, t, enabled_only=True)):
        raise NotFound(f"{source}: no enabled Radarr or Sonarr instance of this name", code="ARR_INSTANCE_NOT_FOUND")
    servers = [r.name for t in SERVER_TYPES for r in list_instances(rt, t, enabled_only=True)]
    if server:
        if server not in servers:
            raise NotFound(f"{server}: no enabled media server of this name", code="PLEX_INSTANCE_NOT_FOUND")
        return server
    if not servers:
        raise NotFound("no media server (Plex, Jellyfin, Emby) is configured", code="NO_PLEX_INSTANCES")
    return servers[0]


def _queue(rt: "Runtime", source: str, server: str, ids: list[str], actions: dict[str, list[str]], dry_run: bool,
           client: str | None) -> int:
    module = module_or_404("labelarr")
    overrides = {"item": {"source_instance": source, "media_ids": ids, "tag_actions": actions,
                          "media_servers": [server]}}
    validate_overrides(rt, module, overrides, dry_run)
    return jobs_of(rt).submit("labelarr", overrides=overrides, dry_run=dry_run, source="api",
                              origin={"source": "api", "client_host": client, "endpoint": "labelarr"})


def start_sync(rt: "Runtime", *, source_instance: str, media_cache_id: str, tag_actions: dict[str, list[str]],
               plex_instance: str | None, dry_run: bool, client: str | None = None) -> dict[str, Any]:
    server = _instances(rt, source_instance, plex_instance)
    try:
        native_id(media_cache_id, source_instance)
    except ValueError as exc:
        raise Invalid(str(exc), code="INVALID_MEDIA_ID") from None
    job_id = _queue(rt, source_instance, server, [media_cache_id], tag_actions, dry_run, client)
    return {"job_id": job_id, "status": "queued", "media_cache_id": media_cache_id,
            "source_instance": source_instance, "plex_instance": server, "dry_run": dry_run}


def start_bulk(rt: "Runtime", *, source_instance: str, media_cache_ids: list[str], tag_actions: dict[str, list[str]],
               plex_instance: str | None, dry_run: bool, client: str | None = None) -> dict[str, Any]:
    if not media_cache_ids:
        raise Invalid("media_cache_ids is empty", code="NO_MEDIA_IDS")
    if len(media_cache_ids) > BULK_LIMIT:
        raise Invalid(f"at most {BULK_LIMIT} ids per request ({len(media_cache_ids)} sent)", code="BULK_TOO_LARGE")
    server = _instances(rt, source_instance, plex_instance)
    valid, failures = [], []
    for media_id in dict.fromkeys(media_cache_ids):      # duplicates once
        try:
            native_id(media_id, source_instance)
            valid.append(media_id)
        except ValueError as exc:
            failures.append({"media_cache_id": media_id, "error": str(exc)})
    job_ids = [_queue(rt, source_instance, server, valid, tag_actions, dry_run, client)] if valid else []
    return {"job_ids": job_ids, "failures": failures, "plex_instance": server, "source_instance": source_instance,
            "dry_run": dry_run, "queued": len(valid)}
