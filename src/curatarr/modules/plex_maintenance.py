"""plex_maintenance: empty trash, clean bundles and optimize the database on a Plex server (through
the media-server interface), and clear its PhotoTranscoder cache inside the configured Plex folder.

Tasks run in CHUB's order with ``sleep`` seconds between two of them; the job can be cancelled
between tasks (also during the pause). Differences from CHUB: a dry run exists; the transcoder
cache is only touched inside ``plex_path`` (an allowed folder, checked); a task the server refuses
is an error of the run, not a silent success.
"""

from __future__ import annotations

from curatarr.errors import DomainError
from curatarr.modules.base import Module, ModuleError, RunContext, RunResult
from curatarr.plex_cleanup.config import PlexMaintenanceConfig
from curatarr.plex_cleanup.maintenance import run_maintenance


class PlexMaintenance(Module):
    name = "plex_maintenance"
    title = "Plex Maintenance"
    description = "Empties Plex's trash, cleans bundles, optimizes its database and clears the PhotoTranscoder cache."
    category = "maintenance"
    Config = PlexMaintenanceConfig

    def run(self, ctx: RunContext, config: PlexMaintenanceConfig) -> RunResult:
        try:
            run_maintenance(ctx, config)
        except DomainError as exc:
            raise ModuleError(exc.message) from None
        result = ctx.result.build()
        if result.counts.get("tasks_failed") or result.counts.get("transcoder_failed"):
            failed = [e["item"] for e in result.errors]
            raise ModuleError(f"maintenance tasks failed: {', '.join(failed[:10])} (see the job log)")
        return result
