"""Batched writes of the media library: compare what a source reported with what is stored and
write only the difference, with executemany and chunked ``IN`` lists.

``InstanceDiff`` classifies a pull against the stored hashes; ``write_diff`` applies it (one
transaction per batch). Unchanged items cost one row read (id, hash) and no write.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from curatarr.db.base import utcnow
from curatarr.db.models.library import (
    MediaChild, MediaDetails, MediaFacet, MediaItem, MediaLink, MediaSyncState, MediaTitleKey,
)
from curatarr.library.records import ChildRecord, ItemRecord

if TYPE_CHECKING:
    from curatarr.db import Database

CHUNK = 500          # ids per IN (...) list (SQLite's default limit is 32766 variables; keep well under)
ROWS_PER_EXECUTE = 2000

ITEMS = MediaItem.__table__
DETAILS = MediaDetails.__table__
CHILDREN = MediaChild.__table__
TITLES = MediaTitleKey.__table__
FACETS = MediaFacet.__table__


SQLITE_CACHE_KIB = 65_536          # page cache per connection used by the library (SQLite's default is 2 MiB)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


@contextmanager
def library_session(db: "Database") -> Iterator[Session]:
    """``db.session()`` whose SQLite connection has a page cache and memory map sized for a
    200k-item library (scans of a 100+ MB table through a 2 MiB cache go to the OS page by page).
    Set once per pooled connection."""
    with db.session() as session:
        if db.dialect == "sqlite":
            conn = session.connection()
            if not conn.info.get("curatarr_library_pragmas"):
                conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
                conn.info["curatarr_library_pragmas"] = True
        yield session


def chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


@dataclass(slots=True)
class StoredState:
    pk: int
    hash: str
    removed: bool
    user_fields: str | None
    pos: int | None = None
    length: int | None = None


def load_state(session: Session, instance: str) -> dict[str, StoredState]:
    """Every stored item of ``instance``: id → (row key, hash, removed?, local edits)."""
    # Core columns and a boolean for removed_at: no datetime conversion for 100k rows.
    rows = session.execute(
        select(ITEMS.c.id, ITEMS.c.pk, ITEMS.c.content_hash, ITEMS.c.removed_at.is_not(None), ITEMS.c.user_fields,
               ITEMS.c.source_pos, ITEMS.c.source_len)
        .where(ITEMS.c.instance == instance)
    ).all()  # one fetchall: row-by-row fetching costs more than the query for 100k rows
    return {r[0]: StoredState(r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows}


@dataclass
class PendingItem:
    record: ItemRecord
    row: dict[str, Any]
    hash: str
    children: list[ChildRecord] | None  # None = keep the stored children
    pk: int | None = None               # known for changed items, assigned on insert for new ones


@dataclass
class InstanceDiff:
    new: list[PendingItem] = field(default_factory=list)
    changed: list[PendingItem] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    seen: int = 0

    @property
    def writes(self) -> int:
        return len(self.new) + len(self.changed) + len(self.removed)


def write_diff(session: Session, diff: InstanceDiff, *, now: datetime | None = None) -> None:
    """Apply a diff: insert new rows, rewrite changed ones (with their keys, facets, details, children)."""
    now = now or utcnow()
    if diff.new:
        rows = [{**p.row, "content_hash": p.hash, "first_seen_at": now, "updated_at": now, "removed_at": None}
                for p in diff.new]
        pks: dict[str, int] = {}
        for part in chunks(rows, ROWS_PER_EXECUTE):
            result = session.execute(insert(ITEMS).returning(ITEMS.c.pk, ITEMS.c.id), list(part))
            pks.update((row_id, pk) for pk, row_id in result)
        for p in diff.new:
            p.pk = pks[p.row["id"]]
    if diff.changed:
        rows = []
        for p in diff.changed:
            row = {k: v for k, v in p.row.items() if k != "id"}
            row.update({"b_pk": p.pk, "content_hash": p.hash, "updated_at": now, "removed_at": None})
            rows.append(row)
        _executemany(session, update(ITEMS).where(ITEMS.c.pk == bindparam("b_pk")), rows)
        changed_pks = [p.pk for p in diff.changed]
        for part in chunks(changed_pks):
            for table in (TITLES, FACETS, DETAILS):
                session.execute(delete(table).where(table.c.item_pk.in_(part)))
        replace = [p.pk for p in diff.changed if p.children is not None]
        for part in chunks(replace):
            session.execute(delete(CHILDREN).where(CHILDREN.c.item_pk.in_(part)))
    written = diff.new + diff.changed
    if written:
        _executemany(session, insert(DETAILS), [{"item_pk": p.pk, **p.record.details()} for p in written])
        _executemany(session, insert(TITLES),
                     [{"key": k, "item_pk": p.pk} for p in written for k in p.record.search_keys()])
        _executemany(session, insert(FACETS),
                     [{"facet": f, "scope": p.record.scope, "value": v, "item_pk": p.pk}
                      for p in written for f, v in p.record.facets()])
        _executemany(session, insert(CHILDREN),
                     [c.row(p.pk) for p in written if p.children for c in _unique_children(p.children)])
    if diff.removed:
        mark_removed(session, diff.removed, now=now)


def _unique_children(children: Iterable[ChildRecord]) -> list[ChildRecord]:
    seen: dict[str, ChildRecord] = {}
    for child in children:
        seen.setdefault(child.id, child)
    return list(seen.values())


def _executemany(session: Session, stmt: Any, rows: list[dict[str, Any]]) -> None:
    for part in chunks(rows, ROWS_PER_EXECUTE):
        session.execute(stmt, list(part))


def replace_children(session: Session, item_pk: int, children: list[ChildRecord]) -> None:
    session.execute(delete(CHILDREN).where(CHILDREN.c.item_pk == item_pk))
    _executemany(session, insert(CHILDREN), [c.row(item_pk) for c in _unique_children(children)])


def save_sync_state(session: Session, instance: str, source_type: str, *, ok: bool, error: str | None,
                    duration_ms: float, diff: InstanceDiff | None, full: bool, now: datetime | None = None) -> None:
    """Record the outcome of one instance's sync. Writes before it reads (UPDATE, then INSERT if there
    was no row): instances sync in parallel, and on SQLite a transaction that read first could not
    take the write lock after another one committed."""
    now = now or utcnow()
    values: dict[str, Any] = {"source_type": source_type, "last_status": "ok" if ok else "error",
                              "last_error": error, "duration_ms": round(duration_ms, 1)}
    if ok:
        values["last_sync_at"] = now
        if full:
            values["last_full_sync_at"] = now
    if diff is not None:
        values.update(item_count=diff.seen, added=len(diff.new), updated=len(diff.changed),
                      removed=len(diff.removed))
    table = MediaSyncState.__table__
    if session.execute(update(table).where(table.c.instance == instance).values(**values)).rowcount == 0:
        defaults = {"item_count": 0, "added": 0, "updated": 0, "removed": 0}
        session.execute(insert(table).values(**{**defaults, **values, "instance": instance}))


def mark_removed(session: Session, ids: Sequence[str], *, now: datetime | None = None) -> None:
    """Mark items removed (kept, not deleted) and drop their search keys and facets: searches only
    see live items (a returning item is rewritten in full)."""
    now = now or utcnow()
    for part in chunks(list(ids)):
        pks = select(ITEMS.c.pk).where(ITEMS.c.id.in_(part)).scalar_subquery()
        session.execute(delete(TITLES).where(TITLES.c.item_pk.in_(pks)))
        session.execute(delete(FACETS).where(FACETS.c.item_pk.in_(pks)))
        session.execute(update(ITEMS).where(ITEMS.c.id.in_(part)).values(removed_at=now, updated_at=now))


def delete_items(session: Session, ids: Sequence[str]) -> None:
    """Drop items; their details, children, keys, facets and links go with them (ON DELETE CASCADE)."""
    for part in chunks(list(ids)):
        pks = list(session.scalars(select(ITEMS.c.pk).where(ITEMS.c.id.in_(part))))
        for table in (DETAILS, CHILDREN, TITLES, FACETS):
            session.execute(delete(table).where(table.c.item_pk.in_(pks)))
        session.execute(delete(MediaLink).where(MediaLink.arr_pk.in_(pks) | MediaLink.server_pk.in_(pks)))
        session.execute(delete(ITEMS).where(ITEMS.c.pk.in_(pks)))


def analyze(session: Session) -> None:
    """Refresh the planner's statistics after a big write (partial indexes need them to be chosen)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # A full ANALYZE (well under a second for 200k items): sampled statistics mislead the
        # planner about the partial indexes (it then prefers a non-covering one for counts).
        session.execute(text("ANALYZE"))
    elif dialect == "postgresql":
        session.execute(text("ANALYZE media_items, media_titles, media_facets, media_links, media_children"))
