"""A cache of what the asset folders hold, so galleries, stats and folder lists do not walk the
whole folder on every request (100k files = seconds per walk).

Each asset root has one entry holding *views* (the file list, per-kind sorted lists, folder stats …),
each built lazily by the caller's builder and kept until the entry goes stale:

* **our own changes** — the API calls :func:`invalidate` after gallery deletes and replacements
  (immediately visible);
* **poster maker runs** — callers pass a ``stamp`` (the API passes the finish time of the newest
  ``poster_maker`` job); a different stamp than the one the views were built with drops them, so a
  finished run is visible on the next request without any hook in the module. Code that writes
  assets outside a job can call :func:`invalidate` (or :func:`invalidate` with no root: everything);
* **other tools** (Kometa, a user copying files) — a TTL (:data:`TTL_SECONDS`, 60 s; tests lower
  it with :func:`set_ttl`) bounds how long an outside change can go unseen. Comparing directory
  mtimes instead would need a stat of every folder — most of a walk — so it is not done.

:func:`scans` counts builds per root (tests assert that a second request did not rescan);
:func:`version` names the current build (ETag material).
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")
TTL_SECONDS = 60.0

_ttl = TTL_SECONDS
_lock = threading.Lock()
_entries: dict[str, "_Entry"] = {}
_builds = itertools.count(1)


@dataclass
class _Entry:
    lock: threading.RLock = field(default_factory=threading.RLock)
    views: dict[str, Any] = field(default_factory=dict)
    built_at: float = 0.0
    stamp: Any = None
    build_id: int = 0
    scans: int = 0


def _key(root: Path) -> str:
    return str(Path(root))


def _entry(root: Path) -> _Entry:
    with _lock:
        return _entries.setdefault(_key(root), _Entry())


def _fresh(entry: _Entry, stamp: Any) -> bool:
    return bool(entry.views) and entry.stamp == stamp and time.monotonic() - entry.built_at < _ttl


def cached(root: Path, view: str, build: Callable[[], T], *, stamp: Any = None, derived: bool = False) -> T:
    """The ``view`` of ``root``: built by ``build()`` on first use, after :func:`invalidate`, when
    ``stamp`` differs from the one the views were built with, or once the TTL has passed.
    ``derived`` views are computed from another view, not from the disk: they are not counted as scans."""
    entry = _entry(root)
    with entry.lock:  # one build at a time per root: concurrent requests wait for it, not rescan
        if not _fresh(entry, stamp):
            entry.views.clear()
            entry.stamp = stamp
            entry.built_at = time.monotonic()
            entry.build_id = next(_builds)
        if view not in entry.views:
            entry.views[view] = build()
            entry.scans += 0 if derived else 1
        return entry.views[view]


def invalidate(root: Path | None = None) -> None:
    """Forget the views of ``root`` (every root when None): the next request rebuilds them."""
    with _lock:
        entries = list(_entries.values()) if root is None else [_entries.get(_key(root))]
    for entry in entries:
        if entry is not None:
            with entry.lock:
                entry.views.clear()


def scans(root: Path) -> int:
    """How many times ``root`` was walked to build a view (derived views not counted)."""
    return _entry(root).scans


def version(root: Path) -> int:
    """An id of the current build of ``root``'s views (changes whenever they are rebuilt)."""
    return _entry(root).build_id


def set_ttl(seconds: float) -> float:
    """Set the TTL (tests); returns the previous value."""
    global _ttl
    previous, _ttl = _ttl, float(seconds)
    return previous


def run_stamp(db: Any, module: str = "poster_maker") -> Any:
    """The stamp the API passes: when the newest ``module`` job finished (None before any)."""
    from sqlalchemy import func, select

    from curatarr.db.models.jobs import Job

    with db.session() as s:
        return s.execute(select(func.max(Job.finished_at)).where(Job.module == module)).scalar()
