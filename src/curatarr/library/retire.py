"""Media of instances that no longer exist leaves the cache.

Deleting an instance (``DELETE /api/instances/…``, a whole-config write, a restore, a hand-edited
config.yml) removes it from the config only; its rows in ``media_items`` would stay for good —
searchable, in duplicate groups, and handed to later jobs that then fail on an instance they cannot
build. The library therefore listens to config changes: when an instance name disappears, its items
(details, children, search keys, facets, links) and its sync state are deleted, and the search index
and the duplicate-group cache forget them. At start the same clean-up runs once for instances that
vanished while the server was down. Collections keep member ids on purpose (no FK): an item that
comes back with a re-added instance is a member again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import delete, select

from curatarr.db.models.library import MediaItem, MediaSyncState

if TYPE_CHECKING:
    from curatarr.config.models import Settings
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.library")


def configured_names(instances: Any) -> set[str]:
    """Instance names of an ``instances`` setting (``{type: {name: …}}``)."""
    return {name for named in (instances or {}).values() if isinstance(named, dict) for name in named}


def forget_instances(rt: "Runtime", names: Iterable[str]) -> int:
    """Delete every cached item and the sync state of the instances ``names``; the number of items."""
    from curatarr.library.search_index import bump
    from curatarr.library.store import delete_items, library_session

    names = sorted(set(names))
    if not names:
        return 0
    with library_session(rt.db) as s:
        ids = list(s.scalars(select(MediaItem.id).where(MediaItem.instance.in_(names))))
        delete_items(s, ids)
        s.execute(delete(MediaSyncState).where(MediaSyncState.instance.in_(names)))
        s.commit()
    bump(rt.db.engine)
    service = getattr(rt, "library", None)
    forget = getattr(service, "forget_duplicate_groups", None)
    if callable(forget):
        forget()
    if ids:
        log.info("removed %d cached items of deleted instance(s) %s", len(ids), ", ".join(names))
    return len(ids)


def orphaned_instances(rt: "Runtime") -> set[str]:
    """Instances with cached items or a sync state that the config no longer names."""
    from curatarr.library.store import library_session

    with library_session(rt.db) as s:
        cached = set(s.scalars(select(MediaItem.instance).distinct()))
        cached |= set(s.scalars(select(MediaSyncState.instance)))
    return cached - configured_names(rt.config.get_section("instances"))


class _Hooks:
    """Lifecycle hook: the config listener, and the clean-up of instances removed while stopped."""

    def start(self, rt: "Runtime") -> None:
        if not getattr(rt, "_retire_listening", False):
            rt._retire_listening = True  # type: ignore[attr-defined]  (one listener per runtime)

            def on_change(old: "Settings", new: "Settings") -> None:
                gone = configured_names(old.instances) - configured_names(new.instances)
                if gone:
                    try:
                        forget_instances(rt, gone)
                    except Exception:  # a saved config is never undone; the start clean-up retries
                        log.exception("could not remove the cached media of %s", ", ".join(sorted(gone)))

            rt.config.subscribe(on_change)
        try:
            forget_instances(rt, orphaned_instances(rt))
        except Exception:
            log.exception("could not remove cached media of instances that no longer exist")

    def stop(self, rt: "Runtime") -> None:
        pass


hooks = _Hooks()
