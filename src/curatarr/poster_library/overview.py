"""``GET /api/posters/stats``: the index's counts (:func:`queries.stats`) joined with what the other
poster modules know — orphaned asset files and the Drive folders' stored sync stats.

* ``orphaned_count``: files the renamer wrote (its ``poster_renames`` records, ``copy``/``hardlink``/
  ``symlink`` only — a moved file is the only copy of its art and never an orphan) that still exist
  while their source poster is gone (what the renamer's ``cleanup_orphans`` mode would delete), plus
  the poster maker's own orphaned files that poster_cleanarr reports (provenance-marked files no asset
  record names). ``orphaned`` breaks it down; a part that cannot be counted is null, and so is the
  total then (a partial sum would look like a real figure).
* ``gdrive_stats``: one row per configured Drive folder with the stats its last ``sync_gdrive`` run
  stored (``<data>/cache/gdrive_stats.json``); null counts for a folder never synced.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from curatarr.db.models.poster_library import PosterRename
from curatarr.poster_library import gdrive, queries

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.poster_library.overview")


def renamer_orphans(db) -> int:
    """Renamer outputs still on disk whose source poster is gone."""
    with db.session() as s:
        rows = s.execute(select(PosterRename.target, PosterRename.source_path)
                         .where(PosterRename.action != "move")).all()
    return sum(1 for target, source in rows if os.path.lexists(target) and not os.path.exists(source))


def _poster_maker_orphans(rt: "Runtime") -> int | None:
    try:
        from curatarr.system.reports import orphaned_posters

        return orphaned_posters(rt)
    except Exception:  # that area's failure must not break the posters page
        log.warning("poster maker orphans not counted", exc_info=True)
        return None


def stats(rt: "Runtime", group_by: str | None, min_width: int) -> dict[str, Any]:
    out = queries.stats(rt.db, group_by, min_width)
    parts = {"renamer": renamer_orphans(rt.db), "poster_maker": _poster_maker_orphans(rt)}
    out["orphaned"] = parts
    out["orphaned_count"] = None if None in parts.values() else sum(parts.values())
    out["gdrive_stats"] = gdrive.stats(rt)["stats"]
    return out
