"""The asset folder: safe paths, hashes, marker-checked cleanup, gallery classification.

Files are written atomically by the renderer (``batch.render_many`` writes each output with
``atomic_write_bytes``); this module decides *where*, and only ever deletes files that carry our
provenance marker (never a file we did not create, unless the user explicitly asks).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from curatarr.artwork.encode import read_provenance
from curatarr.security.paths import PathRejected, safe_path

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
_SEASON_RE = re.compile(r"(?:^|_)Season\d{2,}$", re.IGNORECASE)
_EPISODE_RE = re.compile(r"(?:^|_)S\d{2,}E\d{2,}$", re.IGNORECASE)


class UnsafeAssetPath(ValueError):
    pass


def resolve(root: Path, rel: str) -> Path:
    """``rel`` inside ``root``; refuses anything that would leave it."""
    rel = rel.replace("\\", "/").lstrip("/")
    if not rel or any(part in ("..", "") for part in rel.split("/")):
        raise UnsafeAssetPath(f"invalid asset path {rel!r}")
    try:  # the shared guard: NUL bytes, symlinks out of the folder, over-long paths
        return safe_path(rel, [root], base=root)
    except PathRejected as exc:
        raise UnsafeAssetPath(f"asset path {rel!r} refused: {exc}") from None


class FolderListing:
    """``exists(rel)`` for the files of an asset root, one directory listing per folder instead of
    one ``stat`` per asset: a no-op run asks for every asset of the library, and an item's assets
    share a folder (Kometa layout) or a library folder (flat). The last few folders are kept.
    A name counts as existing whatever it is (an asset name that is a folder is not a case)."""

    def __init__(self, root: Path, keep: int = 8):
        self.root = root
        self.keep = keep
        self._names: dict[str, frozenset[str]] = {}

    def _listing(self, folder: str) -> frozenset[str]:
        names = self._names.get(folder)
        if names is None:
            # One listdir call: a no-op run checks every asset of the library, and a per-entry
            # scandir/stat gives up the GIL (and waits to get it back) once per file.
            try:
                names = frozenset(os.listdir(self.root / folder if folder else self.root))
            except (FileNotFoundError, NotADirectoryError):
                names = frozenset()
            if len(self._names) >= self.keep:
                self._names.pop(next(iter(self._names)))
            self._names[folder] = names
        return names

    def exists(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        return name in self._listing(folder)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def classify(name: str) -> str | None:
    """Gallery kind of an asset file name: poster | background | season | titlecard (None: not art)."""
    stem, ext = os.path.splitext(name)
    if ext.lower() not in IMAGE_EXTENSIONS:
        return None
    if stem.lower() == "background" or stem.lower().endswith("_background"):
        return "background"
    if _SEASON_RE.search(stem):
        return "season"
    if _EPISODE_RE.search(stem):
        return "titlecard"
    return "poster"


@dataclass(frozen=True)
class AssetFile:
    rel: str
    kind: str
    size: int
    mtime: float


def scan(root: Path) -> Iterator[AssetFile]:
    """Every image file under ``root`` (os.scandir: one stat per file)."""
    if not root.is_dir():
        return
    stack = [root]
    base = str(root)
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
                continue
            kind = classify(entry.name)
            if kind is None or not entry.is_file(follow_symlinks=False):
                continue
            st = entry.stat()
            rel = entry.path[len(base):].lstrip(os.sep).replace(os.sep, "/")
            yield AssetFile(rel, kind, st.st_size, st.st_mtime)


def is_ours(path: Path) -> bool:
    return read_provenance(path) is not None


def cleanup(root: Path, keep: set[str], *, dry_run: bool = True, protected: tuple[str, ...] = ()) -> dict:
    """Delete our own orphaned files (not in ``keep``, carrying our marker, not under a protected
    prefix such as an excluded library's folder); then empty folders. Dry run only reports."""
    removed, space, skipped_foreign = [], 0, 0
    for f in list(scan(root)):
        if f.rel in keep or any(f.rel.startswith(p.rstrip("/") + "/") for p in protected if p):
            continue
        path = root / f.rel
        if not is_ours(path):
            skipped_foreign += 1
            continue
        removed.append(f.rel)
        space += f.size
        if not dry_run:
            path.unlink(missing_ok=True)
    folders = 0
    if not dry_run:
        for dirpath, dirnames, filenames in os.walk(root, topdown=False):
            if Path(dirpath) != root and not dirnames and not filenames:
                try:
                    os.rmdir(dirpath)
                    folders += 1
                except OSError:
                    pass
    return {"images_cleared": len(removed), "folders_cleared": folders, "space_saved": space,
            "files": removed[:200], "foreign_kept": skipped_foreign, "dry_run": dry_run}
