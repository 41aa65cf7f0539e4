"""The persistent, incremental index of every poster file in the source folders.

One ``poster_files`` row per (source folder, relative path): re-scans update the row in place, so a
poster's id is stable across runs (CHUB rebuilt its cache and its ids on every renamer run). A scan
walks each source, ``stat``s every image-named file and reads only the new ones and those whose
size or mtime changed: sha256 of the bytes, the real format (magic bytes), width/height from the
header, a perceptual hash. Files that vanished lose their row; ``first_seen_at`` is never reset.

Nothing here crashes on a bad tree: symlink loops, links pointing outside the allowed roots,
unreadable folders, names over 255 bytes are listed in the report's ``errors``; 0-byte files and
non-images named ``.jpg`` get a row with ``error`` set (visible in the UI, never matched).
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import delete, insert, select, update

from curatarr.artwork.errors import ImageRejected
from curatarr.artwork.source import MAX_IMAGE_BYTES
from curatarr.clock import utcnow
from curatarr.db.models.poster_library import PosterFile
from curatarr.poster_library.facts import IMAGE_EXTENSIONS, parse_poster_path
from curatarr.poster_library.imaging import probe
from curatarr.poster_library.matching import normalize_title
from curatarr.security.paths import NAME_MAX, is_within

CHUNK = 500
MAX_ERRORS = 1000  # errors kept in one report (the rest are counted)


@dataclass
class ScanReport:
    sources: int = 0
    files: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    bad_files: int = 0                 # rows stored with an error (0-byte, not an image, …)
    errors: list[dict[str, str]] = field(default_factory=list)
    errors_total: int = 0
    changed_ids: list[int] = field(default_factory=list)  # ids of new and re-read rows

    def error(self, source: str, path: str, message: str) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"source": source, "path": path, "error": message})

    def as_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, "files": self.files, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged, "removed": self.removed, "bad_files": self.bad_files,
                "errors": list(self.errors), "errors_total": self.errors_total}


# ---- walking ---------------------------------------------------------------------------------------

def walk(root: Path, roots: list[Path], report: ScanReport) -> Iterator[tuple[str, os.stat_result]]:
    """``(relpath, stat)`` of every image-named regular file under ``root`` (symlinks followed
    while they stay inside ``roots``; each real folder visited once, so loops end)."""
    src = str(root)
    try:
        top = root.stat()
    except OSError as exc:
        report.error(src, "", f"cannot read the source folder ({exc.strerror})")
        return
    seen = {(top.st_dev, top.st_ino)}
    stack: list[tuple[str, str]] = [(src, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            report.error(src, rel, f"cannot list folder ({exc.strerror})")
            continue
        for entry in entries:
            name = entry.name
            relpath = f"{rel}/{name}" if rel else name
            if len(os.fsencode(name)) > NAME_MAX:
                report.error(src, relpath, f"name longer than {NAME_MAX} bytes")
                continue
            try:
                if entry.is_symlink():
                    target = Path(entry.path).resolve()
                    if not is_within(target, roots):
                        report.error(src, relpath, "symlink points outside the allowed folders")
                        continue
                if entry.is_dir():
                    st = entry.stat()
                    key = (st.st_dev, st.st_ino)
                    if key in seen:
                        report.error(src, relpath, "folder already visited (symlink loop)")
                        continue
                    seen.add(key)
                    stack.append((entry.path, relpath))
                    continue
                if os.path.splitext(name)[1].lower() not in IMAGE_EXTENSIONS:
                    continue
                st = entry.stat()
            except (OSError, RuntimeError) as exc:  # ELOOP, broken links, permission
                report.error(src, relpath, f"cannot read ({getattr(exc, 'strerror', None) or exc})")
                continue
            if stat_mod.S_ISREG(st.st_mode):
                yield relpath, st


# ---- reading one file ------------------------------------------------------------------------------

def facts_values(relpath: str) -> dict[str, Any]:
    facts = parse_poster_path(relpath)
    if facts is None:
        return {"owner": None, "kind": None, "title": None, "norm_title": None, "year": None, "tmdb": None,
                "tvdb": None, "imdb": None, "season": None}
    return {"owner": facts.owner, "kind": facts.kind, "title": facts.title[:500],
            "norm_title": normalize_title(facts.title)[:500], "year": facts.year, "tmdb": facts.tmdb,
            "tvdb": facts.tvdb, "imdb": facts.imdb, "season": facts.season}


def read_values(path: str, size: int) -> dict[str, Any]:
    """Content values of one file: hashes, format, size — or ``error`` (never raises)."""
    empty = {"sha256": None, "dhash": None, "format": None, "width": None, "height": None}
    if size == 0:
        return {**empty, "error": "empty file (0 bytes)"}
    if size > MAX_IMAGE_BYTES:
        return {**empty, "error": f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"}
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        return {**empty, "error": f"cannot read ({exc.strerror})"}
    values = {**empty, "sha256": hashlib.sha256(data).hexdigest(), "error": None}
    try:
        p = probe(data)
    except ImageRejected as exc:
        return {**values, "error": str(exc)[:300]}
    return {**values, "format": p.format, "width": p.width, "height": p.height, "dhash": p.dhash}


# ---- the scan --------------------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]


def scan(db, sources: list[Path], roots: Iterable[Path], *, prune: bool = True, keep: Iterable[str] = (),
         workers: int = 4, check_cancelled: Callable[[], None] | None = None,
         progress: Progress | None = None) -> ScanReport:
    """Bring the index up to date with ``sources``. With ``prune`` the rows of folders that are
    neither scanned nor in ``keep`` are dropped too (``keep``: configured folders that are missing
    right now — an unmounted drive — keep their rows and ids)."""
    roots = [Path(r) for r in roots]
    report = ScanReport(sources=len(sources))
    for source in sources:
        if check_cancelled:
            check_cancelled()
        _scan_source(db, source, roots, report, workers, check_cancelled, progress)
    if prune:
        kept = [str(s) for s in sources] + [str(k) for k in keep]
        with db.session() as s:
            gone = s.execute(delete(PosterFile).where(PosterFile.source.not_in(kept)) if kept
                             else delete(PosterFile))
            report.removed += gone.rowcount or 0
    return report


def _scan_source(db, source: Path, roots: list[Path], report: ScanReport, workers: int,
                 check_cancelled, progress) -> None:
    src = str(source)
    with db.session() as s:
        known = {r.relpath: (r.id, r.bytes, r.mtime_ns) for r in
                 s.execute(select(PosterFile.relpath, PosterFile.id, PosterFile.bytes, PosterFile.mtime_ns)
                           .where(PosterFile.source == src))}
    todo: list[tuple[str, os.stat_result, int | None]] = []
    present: set[str] = set()
    for relpath, st in walk(source, roots, report):
        report.files += 1
        present.add(relpath)
        old = known.get(relpath)
        if old is not None and old[1] == st.st_size and old[2] == st.st_mtime_ns:
            report.unchanged += 1
            continue
        todo.append((relpath, st, old[0] if old else None))
        if check_cancelled and len(todo) % 1000 == 0:
            check_cancelled()
    vanished = [known[r][0] for r in known.keys() - present]
    _apply(db, source, todo, report, workers, check_cancelled, progress)
    if vanished:
        with db.session() as s:
            for i in range(0, len(vanished), CHUNK):
                s.execute(delete(PosterFile).where(PosterFile.id.in_(vanished[i:i + CHUNK])))
        report.removed += len(vanished)


def _apply(db, source: Path, todo, report: ScanReport, workers: int, check_cancelled, progress) -> None:
    if not todo:
        return
    src = str(source)
    total = len(todo)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for start in range(0, total, CHUNK):
            if check_cancelled:
                check_cancelled()
            batch = todo[start:start + CHUNK]
            read = list(pool.map(lambda t: read_values(os.path.join(src, t[0]), t[1].st_size), batch))
            now = utcnow()
            inserts, updates = [], []
            for (relpath, st, row_id), values in zip(batch, read):
                row = {**facts_values(relpath), **values, "bytes": st.st_size, "mtime_ns": st.st_mtime_ns,
                       "updated_at": now, "match_media": None, "match_title": None, "match_season": None,
                       "match_reason": None}
                if values["error"]:
                    report.bad_files += 1
                if row_id is None:
                    inserts.append({**row, "source": src, "relpath": relpath, "first_seen_at": now})
                else:
                    updates.append({**row, "id": row_id})
            with db.session() as s:
                if inserts:
                    s.execute(insert(PosterFile), inserts)
                if updates:
                    s.execute(update(PosterFile), updates)
                if inserts:
                    ids = s.execute(select(PosterFile.id).where(
                        PosterFile.source == src, PosterFile.relpath.in_([r["relpath"] for r in inserts]))).scalars()
                    report.changed_ids += list(ids)
            report.changed_ids += [u["id"] for u in updates]
            report.new += len(inserts)
            report.changed += len(updates)
            if progress:
                progress(min(start + CHUNK, total), total, src)
