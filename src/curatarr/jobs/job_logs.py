"""Reading a job's log file for the API: the file (only ever inside the job log folder, whatever the
database says), a byte-bounded tail that can be followed, and the last lines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from curatarr.jobs.context import job_logs_dir

if TYPE_CHECKING:
    from curatarr.jobs.store import JobStore
    from curatarr.runtime import Runtime


def job_log_file(rt: "Runtime", store: "JobStore", job_id: int) -> Path | None:
    """The job's log file, or None when it has none, it is gone or it lies outside the folder."""
    row = store.get_row(job_id)
    if row is None or not row.log_path:
        return None
    try:
        root = job_logs_dir(rt).resolve()
        resolved = Path(row.log_path).resolve()
        if resolved.parent != root or not resolved.is_file():
            return None
    except OSError:
        return None
    return resolved


def read_tail(path: Path, *, offset: int | None, max_bytes: int, tail_bytes: int | None = None) -> dict[str, Any]:
    """Either the last ``tail_bytes`` (default ``max_bytes``) of the file, or (with ``offset``) what
    was written since then, in whole lines: ``{lines, next_offset, size, truncated}``. Poll again
    with ``next_offset`` to follow a growing file."""
    size = path.stat().st_size
    if offset is None:
        want = tail_bytes or max_bytes
        start = max(0, size - want)
    else:
        start = offset if offset <= size else 0  # a smaller file than the offset: it was rewritten
        want = max_bytes
    with open(path, "rb") as fh:
        fh.seek(start)
        data = fh.read(want)
    end = start + len(data)
    truncated = start > 0 and offset is None
    if truncated and b"\n" in data:
        data = data.split(b"\n", 1)[1]  # drop a partial first line
    if end < size and b"\n" in data:  # stop at the last complete line; the rest comes next poll
        cut = data.rfind(b"\n") + 1
        end -= len(data) - cut
        data = data[:cut]
    text = data.decode("utf-8", errors="replace")
    return {"lines": text.splitlines(), "next_offset": end, "size": size, "truncated": truncated}


def last_lines(rt: "Runtime", store: "JobStore", job_id: int | None, count: int = 25) -> tuple[list[str], str | None]:
    """The last ``count`` lines of the job's log (from its last 16 KiB) and the file's name."""
    if job_id is None:
        return [], None
    path = job_log_file(rt, store, job_id)
    if path is None:
        return [], None
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 16384))
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return [], None
    return text.splitlines()[-count:], path.name
