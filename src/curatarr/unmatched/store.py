"""The last unmatched-assets report, kept as one JSON file in the data dir so the routes answer
without re-running the module (written atomically by a run that is not a dry run), and the views the
routes serve from it. A server that never ran the module has no report: the views say so with
``generated_at: null`` and null counts, never zeros."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curatarr.errors import Invalid
from curatarr.fsutil import atomic_write_bytes
from curatarr.library.normalize import fold

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

REPORT_FILE = Path("reports") / "unmatched_assets.json"
LIST_KINDS = ("movies", "series", "collections")
EMPTY_TALLY = {"total": None, "with_assets": None, "unmatched": None, "percent_complete": None}

_cache_lock = threading.Lock()
_cache: dict[Path, tuple[int, int, dict[str, Any]]] = {}  # path → (mtime_ns, size, parsed report)


def report_path(rt: "Runtime") -> Path:
    return rt.data_dir / REPORT_FILE


def save_report(rt: "Runtime", report: dict[str, Any]) -> Path:
    data = json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return atomic_write_bytes(report_path(rt), data)


def load_report(rt: "Runtime") -> dict[str, Any] | None:
    """The stored report (parsed once per file version), or None when there is none (or it is unreadable)."""
    path = report_path(rt)
    try:
        st = path.stat()
    except OSError:
        return None
    with _cache_lock:
        hit = _cache.get(path)
        if hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]
    try:
        report = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict):
        return None
    with _cache_lock:
        _cache[path] = (st.st_mtime_ns, st.st_size, report)
    return report


def _empty_summary() -> dict[str, Any]:
    return {k: dict(EMPTY_TALLY) for k in ("movies", "series", "seasons", "collections", "overall")}


def _head(report: dict[str, Any] | None) -> dict[str, Any]:
    if report is None:
        return {"generated_at": None, "job_id": None, "dry_run": None, "summary": _empty_summary(), "instances": [],
                "ignored": None, "asset_root": None, "warnings": [],
                "message": "No unmatched-assets report yet: run the unmatched_assets module"}
    return {k: report.get(k) for k in ("generated_at", "job_id", "dry_run", "summary", "instances", "ignored",
                                       "asset_root", "layout", "warnings")}


def stats_view(rt: "Runtime") -> dict[str, Any]:
    """``GET /api/posters/unmatched/stats``: the summary of the last report."""
    report = load_report(rt)
    out = _head(report)
    if report is not None:
        lists = report.get("unmatched") or {}
        out["unmatched_counts"] = {k: len(lists.get(k) or []) for k in LIST_KINDS}
    return out


def report_status(rt: "Runtime") -> dict[str, Any]:
    """What ``GET /api/webhooks/unmatched/status`` adds: when the stored report was made (null: none
    yet) and its overall tally (null counts without a report)."""
    head = _head(load_report(rt))
    return {"generated_at": head["generated_at"], "report_job_id": head["job_id"],
            "overall": (head["summary"] or {}).get("overall") or dict(EMPTY_TALLY)}


def _matches(row: dict[str, Any], instance: str | None, query: str) -> bool:
    if instance and row.get("instance") != instance:
        return False
    return not query or query in fold(row.get("title") or "")


def details_view(rt: "Runtime", *, kind: str | None = None, instance: str | None = None, query: str | None = None,
                 limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """``GET /api/posters/unmatched/details``: the unmatched lists, filtered by kind, instance and a
    title search, each list paged by ``limit``/``offset`` (``totals`` = matches before paging)."""
    if kind is not None and kind not in LIST_KINDS:
        raise Invalid(f"kind must be one of {', '.join(LIST_KINDS)}")
    report = load_report(rt)
    out = _head(report)
    out.update({"limit": limit, "offset": offset, "kind": kind, "instance": instance, "query": query or None})
    if report is None:
        out.update({"unmatched": {k: [] for k in LIST_KINDS}, "totals": dict.fromkeys(LIST_KINDS)})
        return out
    lists = report.get("unmatched") or {}
    needle = fold(query or "").strip()
    unmatched: dict[str, list] = {}
    totals: dict[str, int] = {}
    for k in LIST_KINDS:
        if kind is not None and k != kind:
            continue
        rows = [r for r in lists.get(k) or [] if _matches(r, instance, needle)]
        totals[k] = len(rows)
        unmatched[k] = rows[offset:offset + limit]
    out.update({"unmatched": unmatched, "totals": totals})
    return out
