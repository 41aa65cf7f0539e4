"""An in-memory search index of the media library, for searches that stay fast on 200k items.

SQL alone (:mod:`curatarr.library.search`) answers every search correctly, but a broad filter —
"the", a decade, a genre — has to count tens of thousands of rows and sort them, and on SQLite that
costs 50–200 ms per query on a 140k-item library. The index keeps the columns searches filter and sort
on as NumPy arrays (one entry per live item), the title search keys as one sorted byte-string array
and the genre/tag postings, so a search is a handful of vectorised masks, one pass over a precomputed
sort order and one primary-key query for the page's rows: a few milliseconds whatever the filter.

Freshness: every commit that wrote a ``media_*`` table bumps a per-engine *generation* (engine events,
see :func:`track`). The index remembers the generation it was built at; a search uses it only when
that is still the current one. Otherwise the search goes to SQL and a background thread rebuilds the
index (once writes have been quiet for a moment), so a search never waits for a rebuild and never
sees stale data. Searches the index does not model (removed items, id lists, linked filters, id-like
text) always go to SQL. Both paths give the same answers; tests compare them on every filter and sort.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import event, func, select

from curatarr.db.models.library import MediaItem
from curatarr.library.normalize import normalize_query, prefix_upper_bound
from curatarr.library.search import SearchParams, _scopes, is_id_query

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from curatarr.db.session import Database

QUIET_SECONDS = 0.5         # writes must have stopped this long before a rebuild starts
VERIFY_SECONDS = 30.0       # how often a fresh index checks for writes made by other processes
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_ROLES = {"arr": 1, "server": 2}
_KINDS = {"movie": 1, "series": 2, "artist": 3}
log = logging.getLogger("curatarr.library")


# ---- generations --------------------------------------------------------------------------------

_generations: "weakref.WeakKeyDictionary[Any, list[int]]" = weakref.WeakKeyDictionary()
_gen_lock = threading.Lock()


def _on_execute(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
    head = statement.lstrip()[:7].upper()
    if head.startswith(_WRITE_VERBS) and "media_" in statement:
        conn.info["curatarr_media_dirty"] = True


def _on_commit(conn) -> None:  # noqa: ANN001
    if conn.info.pop("curatarr_media_dirty", False):
        with _gen_lock:
            _generations.setdefault(conn.engine, [0])[0] += 1


def _on_rollback(conn) -> None:  # noqa: ANN001
    conn.info.pop("curatarr_media_dirty", None)


def track(engine: "Engine") -> None:
    """Count commits that wrote library tables on ``engine`` (idempotent)."""
    with _gen_lock:
        if engine in _generations:
            return
        _generations[engine] = [0]
    event.listen(engine, "after_cursor_execute", _on_execute)
    event.listen(engine, "commit", _on_commit)
    event.listen(engine, "rollback", _on_rollback)


def generation(engine: "Engine") -> int:
    with _gen_lock:
        return _generations.get(engine, [0])[0]


def bump(engine: "Engine") -> None:
    """Declare the library changed (a write this process did not make was detected)."""
    with _gen_lock:
        _generations.setdefault(engine, [0])[0] += 1


def fingerprint(session) -> tuple:  # noqa: ANN001
    """What changes whenever the library does, whoever wrote it (one scan of the items table)."""
    items = MediaItem.__table__.c
    row = session.execute(select(func.count(), func.max(items.pk), func.max(items.updated_at),
                                 func.max(items.removed_at), func.sum(func.length(items.content_hash)))).one()
    return tuple(str(v) for v in row)


# ---- the index ------------------------------------------------------------------------------------

def _codes(values: list[Any]) -> tuple[np.ndarray, dict[Any, int]]:
    """Small-integer codes of a text column (0 = NULL)."""
    table: dict[Any, int] = {}
    out = np.zeros(len(values), dtype=np.int32)
    for i, value in enumerate(values):
        if value is not None:
            out[i] = table.setdefault(value, len(table) + 1)
    return out, table


def _tristate(values: list[Any]) -> np.ndarray:
    """Booleans as 1 / 0, NULL as -1."""
    return np.array([-1 if v is None else int(bool(v)) for v in values], dtype=np.int8)


def _epochs(values: list[Any]) -> list[float | None]:
    """Timestamps as seconds (order is all that matters): SQLite gives ISO text, PostgreSQL datetimes."""
    present = [v for v in values if v is not None]
    if not present:
        return [None] * len(values)
    if isinstance(present[0], str):
        parsed = np.array([v.replace(" ", "T") for v in present], dtype="datetime64[us]")
    else:
        parsed = np.array([v.replace(tzinfo=None) for v in present], dtype="datetime64[us]")
    seconds = iter((parsed.astype(np.int64) / 1e6).tolist())
    return [None if v is None else next(seconds) for v in values]


def _floats(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass
class SearchIndex:
    generation: int
    pk: np.ndarray                   # row → item primary key
    role: np.ndarray
    kind: np.ndarray
    instance: np.ndarray
    instances: dict[str, int]
    status: np.ndarray
    statuses: dict[str, int]
    numbers: dict[str, np.ndarray]   # year, rating, added, runtime, size (NaN = NULL)
    flags: dict[str, np.ndarray]     # has_poster, monitored, has_file (-1 = NULL)
    title_order: np.ndarray          # rows in the database's own (sort_title, pk) order
    keys: np.ndarray                 # sorted UTF-8 search keys (role + kind letters + key)
    key_rows: np.ndarray             # row of each key
    facet_rows: dict[tuple[str, str], np.ndarray]
    nulls_first_on_asc: bool         # SQLite sorts NULL first ascending; PostgreSQL last
    fingerprint: tuple = ()
    built_seconds: float = 0.0
    _orders: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)  # numeric sort orders

    # ---- build ------------------------------------------------------------------------------
    @classmethod
    def build(cls, db: "Database", gen: int) -> "SearchIndex":
        started = time.perf_counter()
        with db.session() as s:
            mark = fingerprint(s)
            # Driver-level SQL: 140k rows × 13 columns through SQLAlchemy's result processing
            # (type decorators, Row objects) cost more than the queries themselves.
            cursor = s.connection().connection.cursor()   # the DB-API cursor of the session's connection
            try:
                def fetch(sql: str) -> list[tuple]:
                    cursor.execute(sql)
                    return cursor.fetchall()

                rows = fetch("SELECT pk, role, kind, instance, status, year, rating, added_at, runtime, size_on_disk, "
                             "has_poster, monitored, has_file FROM media_items WHERE removed_at IS NULL ORDER BY pk")
                title_pks = [r[0] for r in fetch(
                    "SELECT pk FROM media_items WHERE removed_at IS NULL ORDER BY sort_title ASC, pk ASC")]
                keys = fetch("SELECT key, item_pk FROM media_titles ORDER BY key")
                facets = fetch("SELECT facet, value, item_pk FROM media_facets")
            finally:
                cursor.close()
        cols = list(zip(*rows)) if rows else [[] for _ in range(13)]
        pk = np.array(cols[0], dtype=np.int64)
        instance, instances = _codes(list(cols[3]))
        status, statuses = _codes(list(cols[4]))
        added = _epochs(list(cols[7]))

        def locate(pks: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """(row of each pk, whether that pk is in the index) — pks of removed items are not."""
            wanted = np.asarray(pks, dtype=np.int64)
            if not len(pk):
                return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
            found = np.clip(np.searchsorted(pk, wanted), 0, len(pk) - 1)
            return found, pk[found] == wanted

        def rows_of(pks: list[int] | np.ndarray) -> np.ndarray:
            found, ok = locate(pks)
            return found[ok].astype(np.int32)

        key_texts = [k for k, _ in keys]
        key_found, key_ok = locate([p for _, p in keys])
        encoded = [k.encode("utf-8", "surrogatepass") for k, ok in zip(key_texts, key_ok) if ok]
        width = max((len(b) for b in encoded), default=1)
        by_facet: dict[tuple[str, str], list[int]] = {}
        for facet, value, item_pk in facets:
            by_facet.setdefault((facet, value), []).append(item_pk)
        return cls(
            generation=gen, pk=pk,
            role=np.array([_ROLES.get(v, 0) for v in cols[1]], dtype=np.int8),
            kind=np.array([_KINDS.get(v, 0) for v in cols[2]], dtype=np.int8),
            instance=instance, instances=instances, status=status, statuses=statuses,
            numbers={"year": _floats(list(cols[5])), "rating": _floats(list(cols[6])), "added": _floats(added),
                     "runtime": _floats(list(cols[8])), "size": _floats(list(cols[9]))},
            flags={"has_poster": _tristate(list(cols[10])), "monitored": _tristate(list(cols[11])),
                   "has_file": _tristate(list(cols[12]))},
            title_order=rows_of(title_pks),
            keys=np.array(encoded, dtype=f"S{width}"),
            key_rows=key_found[key_ok].astype(np.int32),
            facet_rows={k: rows_of(sorted(v)) for k, v in by_facet.items()},
            nulls_first_on_asc=db.dialect == "sqlite", fingerprint=mark,
            built_seconds=time.perf_counter() - started,
        )

    # ---- search -----------------------------------------------------------------------------
    @staticmethod
    def supports(p: SearchParams) -> bool:
        if p.include_removed or p.ids or p.linked is not None:
            return False
        text = (p.query or "").strip()
        return not (text and is_id_query(text))

    def order(self, sort: str, direction: str) -> np.ndarray:
        """Rows in the SQL path's order: (column, pk) ascending — NULLs where the database puts them —
        or (column DESC NULLS LAST, pk DESC)."""
        if sort == "title":
            return self.title_order if direction == "asc" else self.title_order[::-1]
        found = self._orders.get((sort, direction))
        if found is None:
            values = self.numbers[sort]
            null = np.isnan(values)
            if direction == "asc":
                filled = np.where(null, -np.inf if self.nulls_first_on_asc else np.inf, values)
                found = np.lexsort((self.pk, filled))
            else:
                found = np.lexsort((-self.pk, np.where(null, np.inf, -values)))
            self._orders[(sort, direction)] = found
        return found

    def _rows_mask(self, rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.pk), dtype=bool)
        mask[rows] = True
        return mask

    def _text_mask(self, text: str, role: str, kind: str | None) -> np.ndarray | None:
        prefix = normalize_query(text)
        if not prefix:
            return None
        parts = []
        for scope in _scopes(role, kind):
            low = (scope + prefix).encode("utf-8", "surrogatepass")
            high = prefix_upper_bound(scope + prefix).encode("utf-8", "surrogatepass")
            a, b = np.searchsorted(self.keys, low, "left"), np.searchsorted(self.keys, high, "left")
            if b > a:
                parts.append(self.key_rows[a:b])
        return self._rows_mask(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32))

    def _facet_mask(self, facet: str, values: list[str]) -> np.ndarray:
        parts = [self.facet_rows[(facet, v)] for v in values if (facet, v) in self.facet_rows]
        return self._rows_mask(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32))

    def mask(self, p: SearchParams) -> np.ndarray:
        mask = np.ones(len(self.pk), dtype=bool)
        if p.role != "all":
            mask &= self.role == _ROLES[p.role]
        if p.type:
            mask &= self.kind == _KINDS[p.type]
        if p.query and p.query.strip():
            text = self._text_mask(p.query, p.role, p.type)
            if text is not None:
                mask &= text
        for facet, values in (("genre", p.genres), ("tag", p.tags)):
            if values:
                mask &= self._facet_mask(facet, list(values))
        for column, table, wanted in ((self.status, self.statuses, p.status), (self.instance, self.instances, p.instances)):
            if wanted:
                codes = [table[v] for v in wanted if v in table]
                mask &= np.isin(column, codes) if codes else False
        for name, low, high in (("year", p.year_min, p.year_max), ("rating", p.rating_min, p.rating_max)):
            values = self.numbers[name]
            if low is not None:
                mask &= values >= low      # NaN compares False, like NULL in SQL
            if high is not None:
                mask &= values <= high
        for name in ("has_poster", "monitored", "has_file"):
            wanted = getattr(p, name)
            if wanted is not None:
                mask &= (self.flags[name] == 1) if wanted else (self.flags[name] != 1)
        return mask

    def search(self, p: SearchParams, mask: np.ndarray | None = None) -> tuple[list[int], int]:
        """(primary keys of the page's items in order, total); ``mask``: :meth:`mask` of ``p``, when
        the caller has it already."""
        mask = self.mask(p) if mask is None else mask
        total = int(mask.sum())
        if total == 0 or p.offset >= total:
            return [], total
        order = self.order(p.sort, p.order)
        # Walk the sort order only as far as the page needs (chunks), not the whole mask.
        need = p.offset + p.limit
        picked: list[np.ndarray] = []
        got = 0
        step = max(4096, need * 4)
        for start in range(0, len(order), step):
            chunk = order[start:start + step]
            hits = chunk[mask[chunk]]
            picked.append(hits)
            got += len(hits)
            if got >= need:
                break
        rows = np.concatenate(picked)[p.offset:need]
        return [int(x) for x in self.pk[rows]], total

    def facets(self, p: SearchParams, top: int = 30, mask: np.ndarray | None = None) -> dict[str, list[dict[str, Any]]]:
        """The same counts as :func:`curatarr.library.search.facets` (ties by value)."""
        mask = self.mask(p) if mask is None else mask
        out: dict[str, list[dict[str, Any]]] = {}
        for name, column, table in (("type", self.kind, _KINDS), ("instance", self.instance, self.instances),
                                    ("status", self.status, self.statuses)):
            labels = {code: value for value, code in table.items()}
            counts = np.bincount(column[mask].astype(np.int64), minlength=1)
            pairs = [(labels[c], int(n)) for c, n in enumerate(counts) if n and c in labels]
            pairs.sort(key=lambda x: (-x[1], x[0]))
            out[name] = [{"value": v, "count": n} for v, n in pairs[:top]]
        years = self.numbers["year"][mask]
        years = years[~np.isnan(years)].astype(np.int64)
        decades, counts = np.unique((years // 10) * 10, return_counts=True)
        out["decade"] = [{"value": int(d), "count": int(n)} for d, n in zip(decades, counts)]
        for facet in ("genre", "tag"):
            pairs = [(value, int(mask[rows].sum())) for (f, value), rows in self.facet_rows.items() if f == facet]
            pairs = [x for x in pairs if x[1]]
            pairs.sort(key=lambda x: (-x[1], x[0]))
            out[facet] = [{"value": v, "count": n} for v, n in pairs[:top]]
        return out


class IndexHolder:
    """The current :class:`SearchIndex` of one database, rebuilt in the background when stale."""

    def __init__(self, db: "Database"):
        self.db = db
        track(db.engine)
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()
        self._building = False
        self._verifying = False
        self._verified_at = time.monotonic()

    def current(self) -> SearchIndex | None:
        """The index if it is fresh; otherwise None (and a rebuild is started)."""
        index = self._index
        gen = generation(self.db.engine)
        if index is not None and index.generation == gen:
            if time.monotonic() - self._verified_at > VERIFY_SECONDS:
                self._verify(index)
            return index
        self._start()
        return None

    def _verify(self, index: SearchIndex) -> None:
        """In the background: did another process change the library since the index was built?"""
        with self._lock:
            if self._verifying:
                return
            self._verifying = True
            self._verified_at = time.monotonic()

        def check() -> None:
            try:
                self._check(index)
            except Exception:  # a failed check only delays the next one
                pass
            finally:
                self._verifying = False

        threading.Thread(target=check, name="library-search-index-check", daemon=True).start()

    def _check(self, index: SearchIndex) -> bool:
        """Compare the database with ``index``; when another process wrote, make it stale (bump the
        generation). True when it was still current."""
        with self.db.session() as s:
            same = fingerprint(s) == index.fingerprint
        if not same and generation(self.db.engine) == index.generation:
            bump(self.db.engine)
        return same

    def verify_now(self) -> bool:
        """Check for writes by other processes now; True when the index was still current (tests)."""
        index = self._index
        return self._check(index) if index is not None else False

    def _start(self) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True
        threading.Thread(target=self._rebuild, name="library-search-index", daemon=True).start()

    def _rebuild(self) -> None:
        try:
            while True:
                gen = generation(self.db.engine)
                time.sleep(QUIET_SECONDS)   # let a burst of writes (a sync) finish first
                if generation(self.db.engine) != gen:
                    continue
                index = SearchIndex.build(self.db, gen)
                self._index = index
                if generation(self.db.engine) == gen:
                    return
        except Exception:  # the SQL path keeps answering; the next search retries
            log.exception("search index rebuild failed")
        finally:
            with self._lock:
                self._building = False

    def wait_fresh(self, timeout: float = 30.0) -> SearchIndex:
        """Block until the index is fresh (tests, benchmarks, warm-up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            index = self.current()
            if index is not None:
                return index
            time.sleep(0.02)
        raise TimeoutError("the search index did not become fresh")


def page_rows(session, pks: list[int]) -> list[MediaItem]:  # noqa: ANN001
    """The items of ``pks``, in that order (one primary-key query)."""
    if not pks:
        return []
    found = {m.pk: m for m in session.scalars(select(MediaItem).where(MediaItem.pk.in_(pks)))}
    return [found[pk] for pk in pks if pk in found]


__all__ = ["IndexHolder", "SearchIndex", "bump", "fingerprint", "generation", "page_rows", "track"]
