"""Starting Google Drive syncs: one ``sync_gdrive`` job per named ``gdrive_list`` entry
(``POST /api/posters/gdrive/sync``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from curatarr.errors import NotFound
from curatarr.jobs import module_runs
from curatarr.poster_library.gdrive import MODULE, entries

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def start_syncs(rt: "Runtime", names: Iterable[str], *, source: str, client: str | None) -> dict:
    """One ``sync_gdrive`` job per name (``{job_id, name}`` for one, ``{jobs: [...]}`` for several).
    Every name is checked before any job starts (NotFound names the unknown ones)."""
    wanted = list(dict.fromkeys(n for n in names if n))
    known = {e["name"] for e in entries(rt)}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise NotFound(f"no gdrive_list entry named {', '.join(map(repr, unknown))}"
                       f" (configured: {', '.join(sorted(known)) or 'none'})")
    jobs: list[dict[str, Any]] = []
    for name in wanted:
        started = module_runs.start_run(rt, MODULE, {"overrides": {"gdrive_names": [name]}}, source=source,
                                        client=client)
        jobs.append({"job_id": started["job_id"], "name": name})
    return jobs[0] if len(jobs) == 1 else {"jobs": jobs}
