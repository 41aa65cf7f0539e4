"""Renamer runs the posters API starts: scoped to the posters named (never a full run)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curatarr.errors import Invalid, NotFound, Unavailable
from curatarr.poster_library.queries import get_row, unmatched_ids

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

MODULE = "poster_renamerr"
MAX_BATCH = 5000


def start_scoped_run(rt: "Runtime", poster_ids: list[int] | None, *, unmatched_if_none: bool,
                     dry_run: bool | None = None) -> dict[str, Any]:
    """Queue a poster_renamerr run for ``poster_ids`` (each must exist); with none given and
    ``unmatched_if_none``, for the posters not matched yet (``POST /auto-match``)."""
    if rt.jobs is None:
        raise Unavailable("the job service is not running")
    ids = sorted(set(poster_ids or []))
    if not ids:
        if not unmatched_if_none:
            raise Invalid("name the poster (poster_id)")
        ids = unmatched_ids(rt.db, MAX_BATCH)
        if not ids:
            raise NotFound("no unmatched poster in the index (run poster_renamerr to index the sources)")
    for pid in ids[:MAX_BATCH]:
        get_row(rt.db, pid)  # 404 for an unknown poster before anything is queued
    job_id = rt.jobs.submit(MODULE, overrides={"poster_ids": ids}, dry_run=dry_run, source="api")
    return {"job_id": job_id, "status": "started", "module": MODULE, "poster_ids": ids}
