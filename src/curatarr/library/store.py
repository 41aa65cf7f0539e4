"""Batched writes of the media library: compare what a source reported with what is stored and
write only the difference, with executemany and chunked ``IN`` lists.

``InstanceDiff`` classifies a pull against the stored hashes; ``write_diff`` applies it in one
transaction. Unchanged items cost one row read (id, hash) and no write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from curatarr.db.base import utcnow
from curatarr.db.models.library import MediaChild, MediaFacet, MediaItem, MediaSyncState, MediaTitleKey
from curatarr.library.records import ChildRecord, ItemRecord

CHUNK = 500          # ids per IN (...) list (SQLite's default limit is 32766 variables; keep well under)
ROWS_PER_EXECUTE = 2000

ITEMS = MediaItem.__table__
CHILDREN = MediaChild.__table__
TITLES = MediaTitleKey.__table__
FACETS = MediaFacet.__table__


def chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


@dataclass
class StoredState:
    hash: str
    removed: bool
    user_fields: str | None


def load_state(session: Session, instance: str) -> dict[str, StoredState]:
    """Every stored item of ``instance``: id → (hash, removed?, local edits)."""
    rows = session.execute(
        select(MediaItem.id, MediaItem.content_hash, MediaItem.removed_at, MediaItem.user_fields)
        .where(MediaItem.instance == instance)
    )
    return {r[0]: StoredState(r[1], r[2] is not None, r[3]) for r in rows}


@dataclass
class PendingItem:
    record: ItemRecord
    row: dict[str, Any]
    hash: str
    children: list[ChildRecord] | None  # None = keep the stored children


@dataclass
class InstanceDiff:
    new: list[PendingItem] = field(default_factory=list)
    changed: list[PendingItem] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)   # unchanged content, was marked removed
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    seen: int = 0

    @property
    def writes(self) -> int:
        return len(self.new) + len(self.changed) + len(self.revived) + len(self.removed)


def write_diff(session: Session, diff: InstanceDiff, *, now: datetime | None = None) -> None:
    """Apply a diff: insert new rows, update changed ones, mark removed, revive returning ones."""
    now = now or utcnow()
    if diff.new:
        rows = [{**p.row, "content_hash": p.hash, "first_seen_at": now, "updated_at": now, "removed_at": None}
                for p in diff.new]
        _executemany(session, insert(ITEMS), rows)
    if diff.changed:
        rows = []
        for p in diff.changed:
            row = {k: v for k, v in p.row.items() if k != "id"}
            row.update({"b_id": p.row["id"], "content_hash": p.hash, "updated_at": now, "removed_at": None})
            rows.append(row)
        stmt = update(ITEMS).where(ITEMS.c.id == bindparam("b_id"))
        _executemany(session, stmt, rows)
        # Search keys, facets and children of changed items are rewritten from scratch.
        changed_ids = [p.row["id"] for p in diff.changed]
        for part in chunks(changed_ids):
            session.execute(delete(TITLES).where(TITLES.c.item_id.in_(part)))
            session.execute(delete(FACETS).where(FACETS.c.item_id.in_(part)))
        replace_children = [p.row["id"] for p in diff.changed if p.children is not None]
        for part in chunks(replace_children):
            session.execute(delete(CHILDREN).where(CHILDREN.c.parent_id.in_(part)))
    written = diff.new + diff.changed
    if written:
        _executemany(session, insert(TITLES),
                     [{"key": k, "item_id": p.row["id"]} for p in written for k in p.record.search_keys()])
        _executemany(session, insert(FACETS),
                     [{"facet": f, "value": v, "item_id": p.row["id"]} for p in written for f, v in p.record.facets()])
        _executemany(session, insert(CHILDREN),
                     [c.row(p.row["id"]) for p in written if p.children for c in _unique_children(p.children)])
    for part in chunks(diff.revived):
        session.execute(update(ITEMS).where(ITEMS.c.id.in_(part)).values(removed_at=None, updated_at=now))
    for part in chunks(diff.removed):
        session.execute(update(ITEMS).where(ITEMS.c.id.in_(part)).values(removed_at=now, updated_at=now))


def _unique_children(children: Iterable[ChildRecord]) -> list[ChildRecord]:
    seen: dict[str, ChildRecord] = {}
    for child in children:
        seen.setdefault(child.id, child)
    return list(seen.values())


def _executemany(session: Session, stmt: Any, rows: list[dict[str, Any]]) -> None:
    for part in chunks(rows, ROWS_PER_EXECUTE):
        session.execute(stmt, list(part))


def replace_children(session: Session, parent_id: str, children: list[ChildRecord]) -> None:
    session.execute(delete(CHILDREN).where(CHILDREN.c.parent_id == parent_id))
    _executemany(session, insert(CHILDREN), [c.row(parent_id) for c in _unique_children(children)])


def save_sync_state(session: Session, instance: str, source_type: str, *, ok: bool, error: str | None,
                    duration_ms: float, diff: InstanceDiff | None, full: bool, now: datetime | None = None) -> None:
    now = now or utcnow()
    state = session.get(MediaSyncState, instance)
    if state is None:
        state = MediaSyncState(instance=instance, source_type=source_type, last_status="ok", item_count=0,
                               added=0, updated=0, removed=0)
        session.add(state)
    state.source_type = source_type
    state.last_status = "ok" if ok else "error"
    state.last_error = error
    state.duration_ms = round(duration_ms, 1)
    if ok:
        state.last_sync_at = now
        if full:
            state.last_full_sync_at = now
    if diff is not None:
        state.item_count = diff.seen
        state.added = len(diff.new)
        state.updated = len(diff.changed) + len(diff.revived)
        state.removed = len(diff.removed)


def mark_removed(session: Session, ids: Sequence[str], *, now: datetime | None = None) -> None:
    now = now or utcnow()
    for part in chunks(list(ids)):
        session.execute(update(ITEMS).where(ITEMS.c.id.in_(part)).values(removed_at=now, updated_at=now))


def delete_items(session: Session, ids: Sequence[str]) -> None:
    """Drop items and everything hanging off them (children, keys, facets, links, memberships)."""
    from curatarr.db.models.library import MediaCollectionItem, MediaLink

    for part in chunks(list(ids)):
        for table, col in ((CHILDREN, CHILDREN.c.parent_id), (TITLES, TITLES.c.item_id), (FACETS, FACETS.c.item_id)):
            session.execute(delete(table).where(col.in_(part)))
        session.execute(delete(MediaLink).where(MediaLink.arr_id.in_(part) | MediaLink.server_id.in_(part)))
        session.execute(delete(MediaCollectionItem).where(MediaCollectionItem.media_id.in_(part)))
        session.execute(delete(ITEMS).where(ITEMS.c.id.in_(part)))
