"""Folders for the path pickers: a read-only listing and folder creation, both confined to the
runtime's allowed roots (``Runtime.roots()``; :mod:`curatarr.security.paths` refuses the rest)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curatarr.errors import Conflict, Forbidden, Invalid
from curatarr.security.paths import resolve_roots, safe_path

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def _parent(target: Path, roots: list[Path]) -> str | None:
    parent = target.parent
    if target in roots or not any(parent == r or parent.is_relative_to(r) for r in roots):
        return None
    return str(parent)


def list_directory(rt: "Runtime", path: str | None, *, include_files: bool) -> dict[str, Any]:
    """The sub-folders (inside the roots) and optionally files of ``path``; the roots without one."""
    roots = resolve_roots(rt.roots())
    root_names = [str(r) for r in roots]
    if not path:
        return {"path": None, "parent": None, "exists": True, "writable": False,
                "directories": [{"name": str(r), "path": str(r)} for r in roots], "files": [], "roots": root_names}
    target = safe_path(path, roots)
    if not target.exists():
        return {"path": str(target), "parent": _parent(target, roots), "exists": False, "writable": False,
                "directories": [], "files": [], "roots": root_names}
    if not target.is_dir():
        raise Invalid("path is not a directory", code="INVALID_PATH")
    dirs, files = [], []
    try:
        entries = sorted(os.scandir(target), key=lambda e: e.name.lower())
    except PermissionError:
        raise Forbidden("permission denied") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                real = Path(entry.path).resolve()
                if any(real == r or real.is_relative_to(r) for r in roots):
                    dirs.append({"name": entry.name, "path": str(Path(entry.path))})
            elif include_files and entry.is_file(follow_symlinks=False):
                files.append({"name": entry.name, "path": entry.path, "size": entry.stat().st_size})
        except OSError:
            continue
    return {"path": str(target), "parent": _parent(target, roots), "exists": True,
            "writable": os.access(target, os.W_OK), "directories": dirs, "files": files, "roots": root_names}


def create_folder(rt: "Runtime", path: str) -> Path:
    """Create ``path`` (and its parents) inside the roots; returns it."""
    target = safe_path(path, rt.roots())
    if target.exists():
        raise Conflict("folder already exists", code="FOLDER_EXISTS")
    try:
        target.mkdir(parents=True)
    except OSError as exc:
        raise Invalid(f"cannot create folder: {exc.strerror}") from None
    # Re-check after creation: a symlinked parent must not have led outside the roots.
    safe_path(target, rt.roots())
    return target
