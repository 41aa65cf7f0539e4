"""Reading log files for the API: listing, tails by bytes or lines, path-safe lookups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from curatarr.security.paths import PathRejected, safe_child


@dataclass
class LogFile:
    name: str
    module: str
    path: Path
    size: int
    modified: str

    def as_dict(self) -> dict:
        return {"name": self.name, "size": self.size, "modified": self.modified,
                "directory": self.module, "module": self.module}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat().replace("+00:00", "Z")


def list_log_files(logs_dir: Path) -> list[LogFile]:
    out: list[LogFile] = []
    if not logs_dir.is_dir():
        return out
    for module_dir in sorted(p for p in logs_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        for f in sorted(module_dir.iterdir()):
            if f.is_file() and not f.is_symlink() and ".log" in f.name:
                st = f.stat()
                out.append(LogFile(f.name, module_dir.name, f, st.st_size, _iso(st.st_mtime)))
    return out


def module_log_path(logs_dir: Path, module: str, filename: str | None = None) -> Path:
    folder = safe_child(logs_dir, module)
    name = filename or f"{module}.log"
    path = safe_child(folder, name)
    if ".log" not in path.name:
        raise PathRejected("not a log file", 400)
    return path


def tail_bytes(path: Path, max_bytes: int) -> tuple[list[str], bool]:
    """Last ``max_bytes`` of ``path`` as whole lines; ``truncated`` when the file was longer."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size > max_bytes:
            fh.seek(size - max_bytes)
            data = fh.read()
            data = data.split(b"\n", 1)[1] if b"\n" in data else data
            truncated = True
        else:
            data = fh.read()
            truncated = False
    return data.decode("utf-8", errors="replace").splitlines(), truncated


def tail_lines(path: Path, lines: int) -> tuple[list[str], bool]:
    """Last ``lines`` lines without reading the whole file (reads backwards in blocks)."""
    block = 64 * 1024
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        end = fh.tell()
        data = b""
        pos = end
        while pos > 0 and data.count(b"\n") <= lines:
            step = min(block, pos)
            pos -= step
            fh.seek(pos)
            data = fh.read(step) + data
    all_lines = data.decode("utf-8", errors="replace").splitlines()
    return all_lines[-lines:] if lines else [], pos > 0 or len(all_lines) > lines
