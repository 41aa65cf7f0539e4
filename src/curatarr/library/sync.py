"""Sync: pull every enabled instance into the library tables, incrementally.

    report = sync_instances(rt)                       # every enabled *arr and media server
    report = sync_instances(rt, ["radarr_4k"], full=True)
    sync_items(rt, ["radarr_main:42"])                # re-read single items (fix-metadata)

Per instance: stream the source's items, hash each row, compare with the stored hash and write
only new/changed rows in batches (episodes of a series are fetched only when the series changed);
items the source no longer reports are marked ``removed_at``, not deleted. A failing instance is
reported and leaves its stored items untouched. Links to media-server items are recomputed at the
end when anything changed. The ``cache_refresh`` module is a thin wrapper around this.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.library.linking import LinkReport, relink
from curatarr.library.records import ARR_TYPES, RECORD_VERSION, SERVER_TYPES, split_media_id
from curatarr.library.sources import SourceItem, close_source, source_for
from curatarr.library.wire import digest
from curatarr.library.store import (
    InstanceDiff, PendingItem, StoredState, analyze, library_session, load_state, mark_removed, save_sync_state,
    write_diff,
)

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.library")

LIBRARY_TYPES = ARR_TYPES + SERVER_TYPES
BATCH = 1000
ANALYZE_AFTER = 5000  # rows written by one sync before the planner statistics are refreshed
CHILD_WORKERS = 4
Progress = Callable[[int, int, str | None, str | None], None]


class SyncCancelled(Exception):
    pass


@dataclass
class InstanceReport:
    instance: str
    type: str
    ok: bool = True
    error: str | None = None
    seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    children_fetched: int = 0
    recognised: int = 0   # unchanged items recognised without decoding their JSON
    warnings: list[str] = field(default_factory=list)
    duration_ms: float = 0.0


@dataclass
class SyncReport:
    instances: list[InstanceReport] = field(default_factory=list)
    links: LinkReport | None = None
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.instances)

    def totals(self) -> dict[str, int]:
        keys = ("seen", "added", "updated", "unchanged", "removed", "children_fetched", "recognised")
        out = {k: sum(getattr(r, k) for r in self.instances) for k in keys}
        out["failed_instances"] = sum(1 for r in self.instances if not r.ok)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "duration_ms": round(self.duration_ms, 1), "totals": self.totals(),
                "instances": [asdict(r) for r in self.instances],
                "links": self.links.as_dict() if self.links else None}


def library_instances(rt: "Runtime", names: Iterable[str] | None = None) -> list:
    """InstanceRefs to sync: the named ones (KeyError for an unknown or non-library name), else every
    enabled *arr and media server."""
    from curatarr.instances.factory import get_instance, list_instances

    if names is None:
        return [ref for ref in list_instances(rt, enabled_only=True) if ref.type in LIBRARY_TYPES]
    refs = []
    for name in names:
        ref = get_instance(rt, name)
        if ref.type not in LIBRARY_TYPES:
            raise KeyError(f"instance {name!r} ({ref.type}) holds no library items")
        refs.append(ref)
    return refs


def sync_instances(rt: "Runtime", names: Iterable[str] | None = None, *, full: bool = False,
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> SyncReport:
    started = time.perf_counter()
    refs = library_instances(rt, names)
    report = SyncReport()
    # One instance after the other: syncing them side by side measured slower (the work is mostly
    # CPU-bound JSON decoding under the GIL, plus SQLite's single writer).
    for i, ref in enumerate(refs):
        if progress:
            progress(i, len(refs), ref.name, "sync")
        report.instances.append(_sync_one(rt, ref, full=full, cancelled=cancelled))
    if progress:
        progress(len(refs), len(refs), None, "link")
    changed = any(r.added or r.updated or r.removed for r in report.instances)
    if changed or full:
        with library_session(rt.db) as session:
            report.links = relink(session)
        if sum(r.added + r.updated + r.removed for r in report.instances) >= ANALYZE_AFTER:
            with library_session(rt.db) as session:
                analyze(session)
    report.duration_ms = (time.perf_counter() - started) * 1000
    return report


def _sync_one(rt: "Runtime", ref: Any, *, full: bool, cancelled: Callable[[], bool] | None) -> InstanceReport:
    started = time.perf_counter()
    rep = InstanceReport(instance=ref.name, type=ref.type)
    diff_total = InstanceDiff()
    source = None
    try:
        source = source_for(rt, ref)
        with library_session(rt.db) as session:
            state = load_state(session, ref.name)
        seen: set[str] = set()
        batch = InstanceDiff()
        for item in source.iter_items(None if full else state):
            if cancelled and cancelled():
                raise SyncCancelled()
            if item.id in seen:
                continue
            seen.add(item.id)
            _classify(item, state.get(item.id), batch, full=full)
            if len(batch.new) + len(batch.changed) >= BATCH:
                _flush(rt, source, batch, rep)
                _merge(diff_total, batch)
                batch = InstanceDiff()
        _flush(rt, source, batch, rep)
        _merge(diff_total, batch)
        rep.recognised = getattr(source, "recognised", 0)
        diff_total.removed = [i for i, st in state.items() if not st.removed and i not in seen]
        diff_total.seen = len(seen)
        with library_session(rt.db) as session:
            mark_removed(session, diff_total.removed)
            save_sync_state(session, ref.name, ref.type, ok=True, error=None,
                            duration_ms=(time.perf_counter() - started) * 1000, diff=diff_total, full=full)
    except SyncCancelled:
        rep.ok, rep.error = False, "cancelled"
        raise
    except (ConnectorError, ValueError, TypeError, KeyError) as exc:
        rep.ok, rep.error = False, f"{exc.__class__.__name__}: {exc}"
        log.warning("library sync of %s failed: %s", ref.name, rep.error)
        with library_session(rt.db) as session:
            save_sync_state(session, ref.name, ref.type, ok=False, error=rep.error,
                            duration_ms=(time.perf_counter() - started) * 1000, diff=None, full=full)
    finally:
        if source is not None:
            close_source(source)
    rep.seen = diff_total.seen
    rep.added = len(diff_total.new)
    rep.updated = len(diff_total.changed)
    rep.unchanged = diff_total.unchanged
    rep.removed = len(diff_total.removed)
    rep.duration_ms = (time.perf_counter() - started) * 1000
    return rep


def _classify(item: SourceItem, stored: StoredState | None, diff: InstanceDiff, *, full: bool) -> None:
    """Unchanged (same digest of the source's data, local edits and record format) costs nothing;
    anything else is built into a record and queued for writing."""
    user_fields = stored.user_fields if stored is not None else None
    item_hash = RECORD_VERSION + (digest(item.digest, user_fields) if user_fields else item.digest)
    if stored is not None and not full and not stored.removed and stored.hash == item_hash:
        diff.unchanged += 1
        return
    record = item.build()
    if user_fields:
        try:
            record.user_fields = json.loads(user_fields)
        except ValueError:
            record.user_fields = None
        record.apply_user_fields()
    row = record.row()
    row["source_pos"], row["source_len"] = item.pos, item.length
    pending = PendingItem(record, row, item_hash,
                          children=None if record.needs_children else list(record.children),
                          pk=stored.pk if stored is not None else None)
    (diff.new if stored is None else diff.changed).append(pending)


def _flush(rt: "Runtime", source: Any, batch: InstanceDiff, rep: InstanceReport) -> None:
    needing = [p for p in batch.new + batch.changed if p.record.needs_children]
    if needing:
        _fetch_children(source, needing, rep)
    if batch.writes:
        with library_session(rt.db) as session:
            write_diff(session, batch)


def _fetch_children(source: Any, pending: list[PendingItem], rep: InstanceReport) -> None:
    def fetch(p: PendingItem):
        try:
            return p, source.fetch_children(p.record), None
        except ConnectorError as exc:
            return p, None, exc

    with ThreadPoolExecutor(max_workers=CHILD_WORKERS, thread_name_prefix="library-children") as pool:
        for p, children, error in pool.map(fetch, pending):
            if error is None:
                p.children = children
                rep.children_fetched += 1
            else:
                # Store the seasons and force a retry on the next sync (an empty hash never matches).
                p.children = list(p.record.children)
                p.hash = ""
                rep.warnings.append(f"{p.record.id}: episodes not read ({error})")


def _merge(total: InstanceDiff, part: InstanceDiff) -> None:
    total.new.extend(_light(p) for p in part.new)
    total.changed.extend(_light(p) for p in part.changed)
    total.unchanged += part.unchanged


def _light(p: PendingItem) -> PendingItem:
    """Keep only what the report needs (the rows are written; drop the record from memory)."""
    return PendingItem(None, {"id": p.row["id"]}, p.hash, None, p.pk)  # type: ignore[arg-type]


# ---- single items ------------------------------------------------------------------------------------

def sync_items(rt: "Runtime", ids: Iterable[str]) -> dict[str, Any]:
    """Re-read single items from their sources and store them. Items their source no longer has are
    marked removed. Returns ``{"updated": [...], "removed": [...], "failed": [{id, error}]}``."""
    from curatarr.instances.factory import get_instance

    by_instance: dict[str, list[str]] = {}
    for media in ids:
        instance, native = split_media_id(media)
        by_instance.setdefault(instance, []).append(native)
    out: dict[str, Any] = {"updated": [], "removed": [], "failed": []}
    for instance, natives in by_instance.items():
        try:
            ref = get_instance(rt, instance)
            source = source_for(rt, ref)
        except (KeyError, ConnectorError) as exc:
            out["failed"] += [{"id": f"{instance}:{n}", "error": str(exc)} for n in natives]
            continue
        try:
            with library_session(rt.db) as session:
                state = load_state(session, instance)
            diff = InstanceDiff()
            for native in natives:
                media = f"{instance}:{native}"
                try:
                    item = source.fetch_one(native)
                except NotFound:
                    out["removed"].append(media)
                    continue
                except ConnectorError as exc:
                    out["failed"].append({"id": media, "error": str(exc)})
                    continue
                _classify(item, state.get(item.id), diff, full=True)
                out["updated"].append(item.id)
            rep = InstanceReport(instance=instance, type=ref.type)
            _flush(rt, source, diff, rep)
            with library_session(rt.db) as session:
                mark_removed(session, [m for m in out["removed"] if m in state])
                if diff.writes or out["removed"]:
                    relink(session)
        finally:
            close_source(source)
    return out
