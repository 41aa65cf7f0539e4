"""Moving, removing and restoring files for poster cleanup, inside the folders it was given only.

The restore folder mirrors where each file came from: ``plex/<path relative to the Plex folder>``
and ``assets/<path relative to the asset folder>``; so restore needs no manifest and puts every file
back byte for byte. A restore folder carries :data:`MARKER`; ``clear`` empties only a folder that
has it (a mistyped ``restore_dir`` never deletes anyone's files).

Moves are renames when source and target share a file system; otherwise the bytes are copied to a
temporary name next to the target, flushed, renamed into place, and only then is the source deleted.
An existing target is never overwritten.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

MARKER = ".curatarr-restore"
PLEX, ASSETS = "plex", "assets"


class MoveRefused(Exception):
    """A file could not be moved (target exists with other bytes, or a disallowed path)."""


def move_file(src: Path, dst: Path) -> None:
    """Move ``src`` to ``dst`` (see the module docstring); never replaces an existing ``dst``."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        if filecmp.cmp(src, dst, shallow=False):
            src.unlink()  # already there, byte-identical: the move is done
            return
        raise MoveRefused(f"{dst} exists already with other content")
    try:
        os.link(src, dst)  # atomic, same file system, fails if dst appeared meanwhile
        src.unlink()
        return
    except OSError:
        pass
    tmp = dst.with_name(f".{dst.name}.curatarr-part")
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        shutil.copystat(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    src.unlink()


def prune_empty(start: Path, stop: Path) -> int:
    """Remove ``start`` and its parents while empty, never ``stop`` or anything above it."""
    removed = 0
    node = start
    stop = stop.resolve()
    while node.resolve() != stop and node.resolve().is_relative_to(stop):
        try:
            node.rmdir()
        except OSError:
            break
        removed += 1
        node = node.parent
    return removed


def ensure_restore_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.exists():
        marker.write_text("files moved by Curatarr's poster_cleanarr; 'restore' puts them back\n")
    return folder


def is_restore_dir(folder: Path) -> bool:
    return (folder / MARKER).is_file()


@dataclass(frozen=True)
class Parked:
    """One file in the restore folder and where it goes back to."""

    source: Path          # in the restore folder
    area: str             # plex | assets
    rel: str              # relative to the Plex folder / asset folder
    size: int


def parked_files(folder: Path) -> list[Parked]:
    out: list[Parked] = []
    for area in (PLEX, ASSETS):
        base = folder / area
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.is_symlink() or name.endswith(".curatarr-part"):
                    continue
                out.append(Parked(path, area, path.relative_to(base).as_posix(), path.stat().st_size))
    return out


def restore_target(parked: Parked, plex_root: Path | None, asset_root: Path | None) -> Path:
    """Where a parked file goes back: inside ``Metadata/`` of the Plex folder (never ``Contents/``) or
    inside the asset folder; anything else is refused."""
    parts = parked.rel.split("/")
    if ".." in parts or parked.rel.startswith("/"):
        raise MoveRefused(f"{parked.rel}: not a relative path")
    if parked.area == PLEX:
        if plex_root is None or parts[0] != "Metadata" or "Contents" in parts:
            raise MoveRefused(f"{parked.rel}: not a Plex Metadata file")
        base = plex_root
    else:
        if asset_root is None:
            raise MoveRefused(f"{parked.rel}: no asset folder is configured")
        base = asset_root
    target = base / parked.rel
    # The deepest folder that exists already must resolve inside the base (a symlinked folder on the
    # way would otherwise carry the file, and the folders made for it, somewhere else).
    existing = target.parent
    while not existing.exists() and existing != base:
        existing = existing.parent
    if not existing.resolve().is_relative_to(base.resolve()):
        raise MoveRefused(f"{parked.rel}: leaves its folder")
    return target

def clear(folder: Path, *, dry_run: bool) -> tuple[int, int]:
    """Delete everything in the restore folder (files, bytes); keeps the folder and its marker."""
    files = parked_files(folder)
    if not dry_run:
        for area in (PLEX, ASSETS):
            shutil.rmtree(folder / area, ignore_errors=True)
    return len(files), sum(f.size for f in files)
