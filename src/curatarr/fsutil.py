"""Filesystem helpers every writer of user files uses: atomic writes with an optional backup."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path | str, data: bytes, *, backup: bool = False, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename).

    With ``backup`` the previous file (if any) is kept as ``<path>.bak``. Readers never see a
    half-written file, and a crash mid-write leaves the old file in place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        if backup and path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: Path | str, text: str, **kw) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), **kw)


def atomic_copy(src: Path | str, dst: Path | str, *, backup: bool = False) -> Path:
    """Copy ``src`` to ``dst`` through a temp file + rename (so ``dst`` is never half-written)."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        if backup and dst.exists():
            shutil.copy2(dst, dst.with_name(dst.name + ".bak"))
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return dst


# ---- a full data disk --------------------------------------------------------------------------------
# A few MB the server keeps in its data dir so that, when the disk fills up, it can still record how
# running jobs ended: the first write that fails for lack of space frees the reserve and is retried.
RESERVE_BYTES = 4 * 1024 * 1024
RESERVE_PATH = ("cache", "disk-reserve")  # inside a private folder: never served or listed
_DISK_FULL_ERRNOS = frozenset({28, 122})  # ENOSPC, EDQUOT
_DISK_FULL_TEXTS = ("database or disk is full", "no space left on device", "disk quota exceeded")
_DISK_FULL_SQLSTATES = frozenset({"53100"})  # PostgreSQL disk_full


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it wraps: ``__cause__``, ``__context__``, a DB driver's
    ``orig``) says the disk is full — OSError ENOSPC/EDQUOT, SQLite's "database or disk is full",
    PostgreSQL's disk_full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        if getattr(exc, "sqlstate", None) in _DISK_FULL_SQLSTATES or getattr(exc, "pgcode", None) in _DISK_FULL_SQLSTATES:
            return True
        text = str(exc).lower()
        if any(t in text for t in _DISK_FULL_TEXTS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def reserve_path(data_dir: Path | str) -> Path:
    return Path(data_dir).joinpath(*RESERVE_PATH)


def ensure_reserve(data_dir: Path | str, size: int = RESERVE_BYTES) -> bool:
    """Create the reserve (real blocks, not a sparse file) if it is missing; False if there is no room."""
    path = reserve_path(data_dir)
    try:
        if path.is_file() and path.stat().st_size >= size:
            return True
        path.parent.mkdir(parents=True, exist_ok=True)
        block = b"\0" * 65536
        with open(path, "wb") as fh:
            for _ in range(0, size, len(block)):
                fh.write(block)
            fh.flush()
            os.fsync(fh.fileno())
        return True
    except OSError:
        try:
            path.unlink()
        except OSError:
            pass
        return False


def release_reserve(data_dir: Path | str) -> bool:
    """Delete the reserve to make room; True if there was one to free."""
    try:
        reserve_path(data_dir).unlink()
        return True
    except OSError:
        return False
