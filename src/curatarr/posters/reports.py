"""The posters' part of ``/api/system/digest`` and ``/api/system/cleanup-candidates``.

* ``orphaned_posters``: the files the poster maker's ``cleanup`` mode would delete — image files in
  its asset folder that carry our provenance marker, that no asset record (``poster_assets``) names,
  outside the folders of excluded libraries (:func:`curatarr.posters.writer.cleanup`, dry run).
  Foreign files (not made by Curatarr) are never counted: we would never delete them.
* ``unmatched_collections``: the media servers' collections that have no written collection poster
  (no ``poster_assets`` row of kind ``collection`` for that server and collection id with status
  ``written``).

A count that cannot be computed (an unreadable config or asset folder, a media server that does
not answer) is ``None`` — never a made-up 0.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy import select

from curatarr.db.models.posters import PosterAsset
from curatarr.posters.choices import load_assets
from curatarr.posters.config import PosterMakerConfig, configured_asset_root
from curatarr.posters.writer import cleanup

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.posters.reports")
POSTER_MAKER = "poster_maker"


def orphaned_posters(rt: "Runtime") -> int | None:
    try:
        cfg = PosterMakerConfig.model_validate(rt.config.as_dict().get(POSTER_MAKER) or {})
        root = configured_asset_root(rt, cfg)
    except (ValidationError, ValueError) as exc:  # ValueError: PathRejected (asset_path outside the roots)
        log.info("orphaned posters not counted: %s", exc)
        return None
    if not root.is_dir():
        return 0  # no asset folder yet: nothing can be orphaned
    protected = tuple(cfg.exclude_libraries) if cfg.library_folders else ()
    return int(cleanup(root, set(load_assets(rt.db)), dry_run=True, protected=protected)["images_cleared"])


def unmatched_collections(rt: "Runtime") -> int | None:
    from curatarr.library.server_collections import server_collections

    found = server_collections(rt)
    if found.errors:
        return None
    with rt.db.session() as s:
        written = set(s.execute(select(PosterAsset.server, PosterAsset.server_id).where(
            PosterAsset.kind == "collection", PosterAsset.status == "written")).tuples())
    return sum(1 for c in found.collections if (c["instance"], c["native_id"]) not in written)


def orphaned_posters_field(rt: "Runtime", days: int) -> int | None:
    return orphaned_posters(rt)


def unmatched_collections_field(rt: "Runtime", days: int) -> int | None:
    return unmatched_collections(rt)


# The fields this area adds to the system reports (see curatarr.system.reports), each computed only
# for the answer that shows it.
DIGEST = {"orphaned_posters": orphaned_posters_field}
CLEANUP = {"orphaned_posters": orphaned_posters_field, "unmatched_collections": unmatched_collections_field}
