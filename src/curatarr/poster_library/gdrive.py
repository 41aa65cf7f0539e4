"""Google Drive poster sources: the configured folders (``sync_gdrive.gdrive_list``), their stored
stats. The sync itself is the ``sync_gdrive`` module (rclone), started per folder by
``jobs.gdrive_syncs``; this file is what the routes and the module share, and imports no connector.

Stats are computed by a sync (a walk of the local mirror after rclone finished) and stored in
``<data dir>/cache/gdrive_stats.json`` (derived data, private to the server); reading them has no side
effect (CHUB re-walked every folder on each GET). A folder never synced has null counts, not 0.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from curatarr.clock import iso, utcnow
from curatarr.errors import NotFound
from curatarr.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

MODULE = "sync_gdrive"
STATS_FILE = Path("cache") / "gdrive_stats.json"
_lock = threading.Lock()


def entries(rt: "Runtime") -> list[dict]:
    """The ``gdrive_list`` entries as configured (dicts with id, location, name), names defaulted."""
    section = rt.config.get_section(MODULE) or {}
    out = []
    for raw in section.get("gdrive_list") or []:
        if isinstance(raw, dict) and raw.get("id") and raw.get("location"):
            out.append({"id": str(raw["id"]), "location": str(raw["location"]),
                        "name": str(raw.get("name") or raw["id"])})
    return out


def location_key(location: str) -> str:
    """How stats are keyed: the location as an absolute, resolved path."""
    try:
        return str(Path(location).expanduser().resolve())
    except (OSError, RuntimeError, ValueError):
        return location


def load_stats(data_dir: Path) -> dict[str, dict]:
    """Stored stats by location (empty when no sync ran yet or the file is unreadable)."""
    path = Path(data_dir) / STATS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in raw.items() if isinstance(v, dict)} if isinstance(raw, dict) else {}


def save_stats(data_dir: Path, location: str, row: dict) -> None:
    with _lock:
        stats = load_stats(data_dir)
        stats[location] = row
        path = Path(data_dir) / STATS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(stats, indent=1, sort_keys=True).encode("utf-8"))


def walk_stats(folder: Path, *, name: str, folder_id: str, status: str) -> dict:
    """File count, bytes and newest mtime of a local mirror (symlinks not followed)."""
    count = size = 0
    newest = 0.0
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file in files:
            try:
                st = os.lstat(os.path.join(root, file))
            except OSError:
                continue
            count += 1
            size += st.st_size
            newest = max(newest, st.st_mtime)
    last = datetime.fromtimestamp(newest, tz=timezone.utc) if newest else None
    return {"name": name, "id": folder_id, "location": str(folder), "folder_name": folder.name,
            "file_count": count, "size_bytes": size,
            "last_updated": last.strftime("%Y%m%d") if last else None, "last_modified": iso(last),
            "synced_at": iso(utcnow()), "status": status}


def _row(entry: dict, stored: dict | None) -> dict:
    stored = stored or {}
    return {"name": entry["name"], "id": entry["id"], "location": entry["location"],
            "folder_name": Path(entry["location"]).name, "owner": entry["name"],
            "file_count": stored.get("file_count"), "size_bytes": stored.get("size_bytes"),
            "last_updated": stored.get("last_updated"), "last_modified": stored.get("last_modified"),
            "synced_at": stored.get("synced_at"), "status": stored.get("status") or "never synced"}


def stats(rt: "Runtime") -> dict:
    """Every configured Drive folder with its stored stats (no disk walk, no side effect)."""
    stored = load_stats(rt.data_dir)
    rows = [_row(e, stored.get(location_key(e["location"]))) for e in entries(rt)]
    return {"stats": rows, "total": len(rows)}


def search_sources(rt: "Runtime", query: str | None, folder: str | None) -> dict:
    """Configured Drive sources whose name, id or location contains ``query`` (case-insensitive);
    ``folder`` keeps the one whose name or location is exactly that."""
    stored = load_stats(rt.data_dir)
    needle = (query or "").strip().casefold()
    out = []
    for entry in entries(rt):
        if folder and folder not in (entry["name"], entry["location"]):
            continue
        if needle and not any(needle in entry[k].casefold() for k in ("name", "id", "location")):
            continue
        row = _row(entry, stored.get(location_key(entry["location"])))
        out.append({k: row[k] for k in ("id", "name", "location", "file_count", "size_bytes", "last_updated",
                                          "synced_at", "status")})
    return {"sources": out, "total": len(out)}
