"""Orphaned library rows: items still listed here whose *arr no longer has them (CHUB's
``GET /api/media/orphaned``), and their purge.

Only reachable, enabled *arr instances are judged: an instance that cannot be listed right now is
reported in ``unreachable`` and none of its items count as orphaned (a network hiccup must never
make a whole library look deleted). A sync would mark the same rows removed; this answers without
waiting for one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from curatarr.db.models.library import MediaItem
from curatarr.errors import DomainError
from curatarr.library.records import ARR_TYPES
from curatarr.library.sources import ArrSource, open_connector
from curatarr.library.store import delete_items, library_session
from curatarr.library.sync import library_instances

if TYPE_CHECKING:
    from curatarr.library.service import LibraryService


def _live_ids(lib: "LibraryService", ref: Any) -> set[str]:
    client = open_connector(lib.rt, ref)
    try:
        return {item.id for item in ArrSource(ref.name, ref.type, client).iter_items()}
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


def find_orphans(lib: "LibraryService") -> dict[str, Any]:
    from curatarr.library.service import item_summary

    items: list[dict[str, Any]] = []
    checked: list[str] = []
    unreachable: list[dict[str, str]] = []
    for ref in library_instances(lib.rt):
        if ref.type not in ARR_TYPES:
            continue
        try:
            live = _live_ids(lib, ref)
        except (DomainError, OSError) as exc:
            unreachable.append({"instance": ref.name, "error": str(exc)})
            continue
        checked.append(ref.name)
        with library_session(lib.db) as s:
            rows = s.scalars(select(MediaItem).where(MediaItem.instance == ref.name, MediaItem.role == "arr",
                                                     MediaItem.removed_at.is_(None)).order_by(MediaItem.id))
            items.extend(item_summary(m) for m in rows if m.id not in live)
    return {"items": items, "total": len(items), "instances_checked": checked, "unreachable": unreachable}


def purge_orphans(lib: "LibraryService", ids: list[str]) -> dict[str, Any]:
    """Drop the given rows, but only those that are orphaned now (a stale id list cannot delete a
    row its *arr still has)."""
    orphaned = {item["id"] for item in find_orphans(lib)["items"]}
    purge = [i for i in dict.fromkeys(ids) if i in orphaned]
    if purge:
        with library_session(lib.db) as s:
            delete_items(s, purge)
        lib.forget_groups()
    return {"purged": purge, "skipped": [i for i in dict.fromkeys(ids) if i not in orphaned], "count": len(purge)}
