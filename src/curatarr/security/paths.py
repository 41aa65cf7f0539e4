"""Path guard: every path a user names must resolve (symlinks followed) inside a configured root,
and never inside a private entry of a Curatarr data dir (config, secrets, database, backups, logs,
cache), whatever the root: a root that is (or contains) the data dir still serves none of them.

A folder is a data dir when it holds ``jwt.secret`` (every runtime writes one at start). Code that
deliberately serves a private folder (the logs API, backup downloads) names that folder itself as
the root; only entries *below* the matched root are checked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


class PathRejected(ValueError):
    """A user-supplied path is malformed (400) or outside every allowed root (403)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


NAME_MAX = 255  # bytes in one path component on Linux, macOS and Windows file systems


def _component_too_long(text: str) -> bool:
    try:
        return any(len(os.fsencode(part)) > NAME_MAX for part in text.replace("\\", "/").split("/"))
    except UnicodeEncodeError:  # a lone surrogate no file name can hold
        raise PathRejected("path is not valid text", 400) from None


def _clean(user_path: str | os.PathLike) -> str:
    if not isinstance(user_path, (str, os.PathLike)):
        raise PathRejected("path must be a string", 400)
    text = os.fspath(user_path)
    if "\x00" in text:
        raise PathRejected("path contains a NUL byte", 400)
    if len(text) > 4096:
        raise PathRejected("path is too long", 400)
    # A component longer than the file system allows makes every later stat/mkdir raise
    # ENAMETOOLONG (a 500 where it escapes); refuse it here, where the user's path is read.
    if _component_too_long(text):
        raise PathRejected("a path component is too long", 400)
    return text


DATA_DIR_MARKER = "jwt.secret"
PRIVATE_FOLDERS = frozenset({"backups", "logs", "cache"})
PRIVATE_FILE_PREFIXES = ("config.yml", "jwt.secret", "curatarr.db")


def is_private_name(name: str) -> bool:
    return name in PRIVATE_FOLDERS or name.startswith(PRIVATE_FILE_PREFIXES)


def private_entry_of(path: Path, below: Path | None = None) -> Path | None:
    """The private data-dir entry ``path`` is or lies in (checking only entries strictly below
    ``below`` when given), else None. ``path`` must be resolved."""
    node = path
    while node != node.parent and node != below:
        if is_private_name(node.name) and (node.parent / DATA_DIR_MARKER).is_file():
            return node
        node = node.parent
    return None


def resolve_roots(roots: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        if not root:
            continue
        try:
            resolved = Path(root).expanduser().resolve()
        except (OSError, RuntimeError):
            continue
        if resolved not in out:
            out.append(resolved)
    return out


def is_within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def safe_path(user_path: str | os.PathLike, roots: Iterable[str | Path], *, base: str | Path | None = None) -> Path:
    """Resolve ``user_path`` and return it only if it lies inside one of ``roots``.

    A relative path is taken relative to ``base`` (default: the first root). Symlinks are
    resolved before the check, so a link pointing out of a root is refused.
    """
    text = _clean(user_path)
    allowed = resolve_roots(roots)
    if not allowed:
        raise PathRejected("no folders are configured as allowed roots", 403)
    candidate = Path(text).expanduser()
    if not candidate.is_absolute():
        candidate = Path(base).resolve() / candidate if base is not None else allowed[0] / candidate
    try:
        resolved = candidate.resolve()
        if not is_within(resolved, allowed):
            raise PathRejected("path is outside the allowed folders", 403)
        root = max((r for r in allowed if resolved == r or resolved.is_relative_to(r)), key=lambda r: len(r.parts))
        if private_entry_of(resolved, below=root) is not None:
            raise PathRejected("path is in a private part of the data directory", 403)
    except (OSError, RuntimeError):  # ENAMETOOLONG, ELOOP …: a path the OS cannot look up
        raise PathRejected("path cannot be resolved", 400) from None
    return resolved


def safe_child(root: str | Path, name: str) -> Path:
    """``root / name`` for a single path component (a file name from a URL), refusing anything else."""
    text = _clean(name)
    if not text or text in (".", "..") or "/" in text or "\\" in text:
        raise PathRejected("invalid file name", 400)
    return safe_path(Path(root) / text, [root])


def regular_file_in(folder: str | Path, name: str) -> Path | None:
    """``folder / name`` when it is a regular file that really lives in ``folder``: not a symlink
    (to anywhere: a link in an upload folder is never ours) and not resolving outside it. None otherwise."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        return None
    path = Path(folder) / name
    try:
        if path.is_symlink() or not path.is_file():
            return None
        if path.resolve().parent != Path(folder).resolve():
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return path
