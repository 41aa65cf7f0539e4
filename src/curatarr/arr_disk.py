"""The *arr apps' folders as Curatarr sees them on its own disk.

An *arr reports paths in its own file system (``/data/movies/…`` inside its container); Curatarr
may see the same folders elsewhere. :class:`PathMap` translates both ways by the longest matching
prefix (``path_mappings: [{arr_path, local_path}]`` in nohl, jduparr and nestarr settings). Every
local folder a module walks must lie inside Curatarr's roots (:func:`confined`), and walking never
follows symlinks out of it (:func:`walk_files`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

VIDEO_EXTENSIONS = ("mkv", "mp4", "avi", "m4v", "wmv", "ts", "m2ts")


class PathMapping(BaseModel):
    arr_path: str = Field(..., min_length=1, description="Folder prefix as the *arr reports it")
    local_path: str = Field(..., min_length=1, description="The same folder as Curatarr sees it")


def _norm(path: str) -> str:
    return os.path.normpath(path) if path else path


@dataclass(frozen=True)
class PathMap:
    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mappings: Iterable[PathMapping | dict[str, Any]]) -> "PathMap":
        pairs = []
        for m in mappings:
            m = m if isinstance(m, PathMapping) else PathMapping(**m)
            pairs.append((_norm(m.arr_path), _norm(m.local_path)))
        return cls(tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True)))

    @staticmethod
    def _swap(path: str, pairs: Iterable[tuple[str, str]]) -> str:
        path = _norm(path)
        for src, dst in pairs:
            if path == src or path.startswith(src.rstrip("/") + "/"):
                return dst + path[len(src):]
        return path

    def to_local(self, arr_path: str) -> str:
        return self._swap(arr_path, self.pairs)

    def to_arr(self, local_path: str) -> str:
        return self._swap(local_path, sorted(((d, s) for s, d in self.pairs), key=lambda p: len(p[0]), reverse=True))


def confined(path: str | os.PathLike, roots: Iterable[Path]) -> Path | None:
    """``path`` resolved, when it is an existing folder inside one of ``roots`` (else None)."""
    from curatarr.security.paths import PathRejected, safe_path

    try:
        resolved = safe_path(str(path), list(roots))
    except PathRejected:
        return None
    return resolved if resolved.is_dir() else None


def is_video(name: str, extensions: Iterable[str] = VIDEO_EXTENSIONS) -> bool:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ext in extensions


def walk_files(top: str | os.PathLike, extensions: Iterable[str] = VIDEO_EXTENSIONS,
               *, check: Any = None) -> Iterator[tuple[str, os.stat_result]]:
    """``(path, lstat)`` of every regular file with one of ``extensions`` under ``top``, depth first;
    symlinks are neither followed nor reported; unreadable folders are skipped. ``check`` (a
    callable) runs once per folder (cancellation)."""
    exts = {e.lower().lstrip(".") for e in extensions}
    stack = [os.fspath(top)]
    while stack:
        folder = stack.pop()
        if check is not None:
            check()
        try:
            with os.scandir(folder) as entries:
                subdirs = []
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        subdirs.append(entry.path)
                    elif entry.is_file(follow_symlinks=False) and is_video(entry.name, exts):
                        yield entry.path, entry.stat(follow_symlinks=False)
                stack.extend(sorted(subdirs, reverse=True))
        except OSError:
            continue
