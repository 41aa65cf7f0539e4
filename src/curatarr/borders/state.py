"""What the border replacer wrote, remembered between runs (a JSON file under the data dir's cache).

Per output path: the input it came from, the input's SHA-256, the style painted, the output's
SHA-256 and its size + mtime after writing. A poster is redone only when its input changed, its
style changed or its output is missing/replaced; the active holiday signature (name, colours, width)
is kept too, and when it changes every poster is redone. Losing the file only costs one full run.

In-place runs also keep each original poster once (by content hash) under ``originals/``, so a later
colour change or a removal always starts from the untouched poster, never from our own output.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from curatarr.fsutil import atomic_write_bytes, atomic_write_text

log = logging.getLogger("curatarr.borders")
VERSION = 1


@dataclass
class Entry:
    source: str
    source_hash: str  # the untouched poster's hash (in place: the original kept under originals/)
    style: str
    output_hash: str
    size: int  # the output's size and mtime after writing
    mtime_ns: int
    source_size: int = -1  # the input's size and mtime when read (a different file than the output's
    source_mtime_ns: int = -1  # only with a destination folder)


class BorderState:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "state.json"
        self.signature: dict[str, Any] | None = None
        self.entries: dict[str, Entry] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("border state %s unreadable (%s); every poster will be redone", self.path, exc)
            return
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            return
        self.signature = raw.get("signature")
        for key, value in (raw.get("files") or {}).items():
            try:
                self.entries[key] = Entry(**value)
            except TypeError:
                continue

    def save(self) -> None:
        data = {"version": VERSION, "signature": self.signature,
                "files": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False))

    # ---- originals (in-place runs) ------------------------------------------------------------------
    def original_path(self, content_hash: str) -> Path:
        return self.folder / "originals" / content_hash[:2] / content_hash

    def keep_original(self, content_hash: str, data: bytes) -> None:
        path = self.original_path(content_hash)
        if not path.exists():
            atomic_write_bytes(path, data)

    def original(self, content_hash: str) -> bytes | None:
        try:
            return self.original_path(content_hash).read_bytes()
        except OSError:
            return None

    def prune_originals(self) -> int:
        """Delete kept originals no entry refers to any more (our own cache, never user files)."""
        wanted = {e.source_hash for e in self.entries.values()}
        removed = 0
        root = self.folder / "originals"
        if not root.is_dir():
            return 0
        for path in root.glob("*/*"):
            if path.is_file() and path.name not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        for sub in root.iterdir():
            if sub.is_dir() and not any(sub.iterdir()):
                shutil.rmtree(sub, ignore_errors=True)
        return removed
