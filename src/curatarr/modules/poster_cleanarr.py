"""poster_cleanarr: Plex metadata bloat (images in ``Metadata/`` bundles no library item uses) and
our own orphaned poster files — reported, moved to a restore folder, removed, restored or cleared.

The logic lives in :mod:`curatarr.plex_cleanup` (database copy, bundle walk, file moves); this file
is the module's face: its Config, its description and the rule that a run which could not do its
work ends in ``error``.

Differences from CHUB: a dry run exists; the restore folder lives in the data folder (or
``restore_dir``) and mirrors where every file came from, so restore is exact and covers our own
orphaned assets too; the library database download is zip-slip / zip-bomb checked and streamed
with a size cap; bad settings (no or missing ``plex_path``, a corrupt database, a download that is
not a zip) end the run with a clear error before any file is touched.
"""

from __future__ import annotations

from curatarr.errors import DomainError
from curatarr.modules.base import Module, ModuleError, RunContext, RunResult
from curatarr.plex_cleanup.cleanup import run_cleanup
from curatarr.plex_cleanup.config import PosterCleanarrConfig


class PosterCleanarr(Module):
    name = "poster_cleanarr"
    title = "Poster Cleanarr"
    description = ("Finds images in Plex's Metadata bundles that no item uses (and our own orphaned posters); "
                   "reports, moves to a restore folder, removes, restores or clears them.")
    category = "maintenance"
    Config = PosterCleanarrConfig

    def run(self, ctx: RunContext, config: PosterCleanarrConfig) -> RunResult:
        try:
            run_cleanup(ctx, config)
        except DomainError as exc:  # bad settings, refused database, no server: nothing was touched
            raise ModuleError(exc.message) from None
        result = ctx.result.build()
        done = sum(result.counts.get(k, 0) for k in ("moved", "removed", "restored"))
        if result.counts.get("failed") and not done:
            raise ModuleError(f"no file could be handled ({result.counts['failed']} failed; see the job log)")
        return result
