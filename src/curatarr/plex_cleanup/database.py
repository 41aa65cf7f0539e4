"""Getting a readable copy of Plex's library database, and reading what cleanup needs from it.

Two ways, as CHUB: copy ``Plug-in Support/Databases/com.plexapp.plugins.library.db`` from the Plex
folder (``local_db``), or download ``/diagnostics/databases`` from the server. Both end in a private
working copy under the data dir's cache; the live database is only ever read.

* A local copy is refused while Plex holds the database open (a ``-wal`` file next to it) unless
  ``allow_live_db``; with it, the copy is taken with SQLite's backup API (a consistent snapshot that
  includes what the WAL holds), never by copying the file bytes.
* A download is checked before anything is unpacked: a zip (or a bare SQLite file, which PMS also
  serves), members checked for zip-slip, symlinks, sizes and ratios (``security.archives``); only the
  library database member is extracted, streamed with a size cap.
* Either copy must be a SQLite database holding ``metadata_items`` with the image columns and
  ``library_sections``; anything else is refused with a clear error, before any file is touched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from curatarr.errors import Invalid, Unavailable
from curatarr.security.archives import ArchiveRejected, check_zip

DB_NAME = "com.plexapp.plugins.library.db"
DB_RELATIVE = Path("Plug-in Support") / "Databases" / DB_NAME
SQLITE_MAGIC = b"SQLite format 3\x00"
IMAGE_COLUMNS = ("user_thumb_url", "user_art_url", "user_banner_url")
REUSE_SECONDS = 2 * 3600
KIND_NAMES = {1: "movie", 2: "show", 3: "season", 4: "episode", 8: "artist", 9: "album", 10: "track",
              18: "collection"}


class DatabaseRefused(Invalid):
    """The database cannot be used (live WAL, corrupt, not Plex's, download not a database)."""


@dataclass(frozen=True)
class LibraryItem:
    rating_key: int
    title: str
    year: int | None
    kind: str
    library_id: int | None
    hash: str
    deleted: bool


@dataclass
class LibraryDatabase:
    """What cleanup reads from the database: the image names in use and the items by bundle hash."""

    path: Path
    source: str                                   # "local" | "download" | "reused"
    in_use: set[str]
    items_by_hash: dict[str, LibraryItem]
    libraries: dict[int, str]


def _part(dest: Path) -> Path:
    """A temporary name next to ``dest``, unique per thread (a browse and a run may copy at once)."""
    return dest.with_name(f"{dest.name}.{os.getpid()}-{threading.get_ident()}.part")


def work_dir(data_dir: Path) -> Path:
    folder = data_dir / "cache" / "plex_cleanup"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---- obtaining a copy ------------------------------------------------------------------------------
def local_copy(plex_root: Path, dest: Path, *, allow_live: bool, max_bytes: int) -> Path:
    source = plex_root / DB_RELATIVE
    if not source.is_file():
        raise DatabaseRefused(f"no Plex library database at {source}", code="PLEX_DB_MISSING")
    if source.stat().st_size > max_bytes:
        raise DatabaseRefused("the Plex library database is larger than max_db_mb", code="PLEX_DB_TOO_LARGE")
    wal = source.with_name(DB_NAME + "-wal")
    if wal.exists() and not allow_live:
        raise DatabaseRefused("Plex is using its database (a -wal file exists): stop Plex, download the database "
                              "instead (local_db: false), or set allow_live_db: true", code="PLEX_DB_LIVE")
    tmp = _part(dest)
    try:
        # Read-only URI: nothing of ours ever writes to Plex's file. The backup API reads a
        # consistent snapshot (WAL included) even while Plex writes.
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseRefused(f"the Plex library database cannot be read: {exc}", code="PLEX_DB_CORRUPT") from None
    os.replace(tmp, dest)
    return dest


def unpack_download(download: Path, dest: Path, *, max_bytes: int) -> Path:
    """``dest`` from a ``/diagnostics/databases`` answer saved at ``download`` (a zip or a bare db)."""
    with open(download, "rb") as fh:
        head = fh.read(16)
    if head == SQLITE_MAGIC:
        os.replace(download, dest)
        return dest
    tmp = _part(dest)
    if not zipfile.is_zipfile(download):
        download.unlink(missing_ok=True)
        raise DatabaseRefused("the database download is neither a zip nor a SQLite file", code="PLEX_DB_NOT_ZIP")
    try:
        with zipfile.ZipFile(download) as zf:
            infos = check_zip(zf, max_total_bytes=max_bytes, max_members=50, max_ratio=1000)
            member = next((i for i in infos if not i.is_dir() and PurePosixPath(i.filename).name == DB_NAME), None)
            if member is None:
                member = next((i for i in infos if not i.is_dir()
                               and PurePosixPath(i.filename).name.startswith(DB_NAME)
                               and not i.filename.endswith(("-wal", "-shm"))), None)
            if member is None:
                raise DatabaseRefused(f"the database download holds no {DB_NAME}", code="PLEX_DB_MISSING")
            written = 0
            with zf.open(member) as src, open(tmp, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > max_bytes:  # the header's size can lie; count what really comes out
                        raise DatabaseRefused("the database in the download is larger than max_db_mb",
                                              code="PLEX_DB_TOO_LARGE")
                    out.write(chunk)
            os.replace(tmp, dest)
    except ArchiveRejected as exc:
        raise DatabaseRefused(f"the database download was refused: {exc}", code="PLEX_DB_UNSAFE_ZIP") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DatabaseRefused(f"the database download is not a readable zip: {exc}", code="PLEX_DB_NOT_ZIP") from None
    finally:
        tmp.unlink(missing_ok=True)
        download.unlink(missing_ok=True)
    return dest


def obtain(data_dir: Path, *, plex_root: Path | None, local: bool, allow_live: bool, reuse: bool, max_bytes: int,
           download: Callable[[Path], None] | None, log: Any = None) -> tuple[Path, str]:
    """A checked working copy of the library database: ``(path, source)``. ``download(path)`` saves the
    server's ``/diagnostics/databases`` answer at ``path`` (only called when not ``local``)."""
    folder = work_dir(data_dir)
    dest = folder / DB_NAME
    if reuse and dest.is_file() and time.time() - dest.stat().st_mtime < REUSE_SECONDS:
        check_database(dest)
        return dest, "reused"
    if local:
        if plex_root is None:
            raise DatabaseRefused("local_db needs plex_path", code="PLEX_PATH_UNSET")
        local_copy(plex_root, dest, allow_live=allow_live, max_bytes=max_bytes)
        source = "local"
    else:
        if download is None:
            raise Unavailable("no Plex instance to download the library database from", code="PLEX_UNAVAILABLE")
        raw = _part(folder / "download")
        try:
            download(raw)
        except BaseException:
            raw.unlink(missing_ok=True)
            raise
        unpack_download(raw, dest, max_bytes=max_bytes)
        source = "download"
    try:
        check_database(dest)
    except DatabaseRefused:
        dest.unlink(missing_ok=True)
        raise
    if log is not None:
        log.info("library database: %s copy, %d bytes", source, dest.stat().st_size)
    return dest, source


# ---- reading ---------------------------------------------------------------------------------------
def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def check_database(path: Path) -> None:
    """Refuse anything that is not an intact Plex library database."""
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                raise DatabaseRefused("the Plex library database is not a SQLite file", code="PLEX_DB_CORRUPT")
        db = _connect(path)
        try:
            ok = db.execute("PRAGMA quick_check").fetchone()
            if not ok or ok[0] != "ok":
                raise DatabaseRefused("the Plex library database is damaged (quick_check failed)",
                                      code="PLEX_DB_CORRUPT")
            columns = {r[1] for r in db.execute("PRAGMA table_info(metadata_items)")}
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"the Plex library database cannot be read: {exc}", code="PLEX_DB_CORRUPT") from None
    missing = [c for c in ("id", "hash", "metadata_type", *IMAGE_COLUMNS) if c not in columns]
    if missing or "library_sections" not in tables:
        raise DatabaseRefused("not a Plex library database (metadata_items / library_sections missing or "
                              f"incomplete: {', '.join(missing) or 'library_sections'})", code="PLEX_DB_CORRUPT")


def image_name(url: str | None) -> str | None:
    """The file name an image URL of ``metadata_items`` points at (``upload://posters/<sha1>`` →
    ``<sha1>``); None for URLs that name no file in the bundles (http, media://…)."""
    if not url or not url.startswith(("upload://", "metadata://")):
        return None
    name = url.rstrip("/").rsplit("/", 1)[-1]
    return name or None


def read_database(path: Path, source: str) -> LibraryDatabase:
    check_database(path)
    db = _connect(path)
    try:
        in_use: set[str] = set()
        items: dict[str, LibraryItem] = {}
        rows = db.execute("SELECT id, title, year, metadata_type, library_section_id, hash, deleted_at, "
                          + ", ".join(IMAGE_COLUMNS) + " FROM metadata_items")
        for rk, title, year, mtype, section, h, deleted, *urls in rows:
            for url in urls:
                name = image_name(url)
                if name:
                    in_use.add(name)
            if h:
                items[h] = LibraryItem(int(rk), title or "", year if isinstance(year, int) else None,
                                       KIND_NAMES.get(mtype, "other"), section, h, deleted is not None)
        libraries = {int(i): n or "" for i, n in db.execute("SELECT id, name FROM library_sections")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"the Plex library database cannot be read: {exc}", code="PLEX_DB_CORRUPT") from None
    finally:
        db.close()
    return LibraryDatabase(path, source, in_use, items, libraries)


def remove_copy(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "cache" / "plex_cleanup", ignore_errors=True)
