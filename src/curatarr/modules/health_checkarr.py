"""health_checkarr: remove Radarr/Sonarr items their metadata source has deleted.

Radarr and Sonarr report such items in ``/health`` (``RemovedMovieCheck`` with TMDB ids,
``RemovedSeriesCheck`` with TVDB ids). This module reads those checks, finds the library items
with those ids and deletes them — only when ``dry_run`` is off (it is on by default) and
``report_only`` is off. Files are kept and no import exclusion is added unless configured.

Differences from CHUB: the ``instances`` list is honoured (empty = every enabled Radarr and
Sonarr), disabled instances are skipped, one failing instance does not stop the others, and
cancellation is checked before every deletion.
"""

from __future__ import annotations

import re

from pydantic import Field

from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult, select_instances

CHECKS = {"radarr": "RemovedMovieCheck", "sonarr": "RemovedSeriesCheck"}
ID_PATTERN = {"radarr": re.compile(r"tmdb\s*id\s*:?\s*(\d+)", re.I), "sonarr": re.compile(r"tvdb\s*id\s*:?\s*(\d+)", re.I)}
SUPPORTED = ("radarr", "sonarr")


class HealthCheckarrConfig(ModuleConfig):
    instances: list[str] = Field(default_factory=list,
                                 description="Radarr/Sonarr instances to check; empty = every enabled one")
    dry_run: bool = Field(True, description="Only report what would be deleted")
    report_only: bool = Field(False, description="Never delete, even when dry run is off")
    delete_files: bool = Field(False, description="Also delete the media files from disk")
    add_exclusion: bool = Field(False, description="Add an import-list exclusion so lists do not re-add the item")


def removed_ids(kind: str, health: list) -> set[int]:
    """TMDB (Radarr) or TVDB (Sonarr) ids named by the "removed" health checks."""
    check, pattern = CHECKS[kind], ID_PATTERN[kind]
    ids: set[int] = set()
    for item in health:
        if getattr(item, "source", "") == check:
            ids.update(int(m) for m in pattern.findall(getattr(item, "message", "") or ""))
    return ids


class HealthCheckarr(Module):
    name = "health_checkarr"
    title = "Health Checkarr"
    description = "Deletes Radarr/Sonarr items that TMDB/TVDB removed (reported by the *arr health checks)."
    category = "maintenance"
    Config = HealthCheckarrConfig
    default_dry_run = True

    def run(self, ctx: RunContext, config: HealthCheckarrConfig) -> RunResult:
        refs = self._instances(ctx, config)
        deleting = not ctx.dry_run and not config.report_only
        failed = 0
        for index, ref in enumerate(refs):
            ctx.check_cancelled()
            ctx.progress(index, len(refs), item=ref.name, phase="checking")
            try:
                self._check(ctx, config, ref, deleting)
            except ConnectorError as exc:
                failed += 1
                ctx.log.error("%s: %s", ref.name, exc)
                ctx.result.error_item(ref.name, str(exc))
        ctx.progress(len(refs), len(refs), phase="done")
        if refs and failed == len(refs):
            raise ModuleError(f"no instance could be checked ({failed} failed; see the job log)")
        return ctx.result.build()

    def _instances(self, ctx: RunContext, config: HealthCheckarrConfig) -> list:
        return select_instances(ctx, config.instances, SUPPORTED, purpose="check")

    def _check(self, ctx: RunContext, config: HealthCheckarrConfig, ref, deleting: bool) -> None:
        client = ctx.connectors.get(ref.name, ref.type)
        ids = removed_ids(ref.type, client.health())
        ctx.result.count("instances_checked")
        if not ids:
            ctx.log.info("%s: no removed items reported", ref.name)
            return
        if ref.type == "radarr":
            items = [(m.id, m.title, m.year, m.tmdb_id) for m in client.movies() if m.tmdb_id in ids]
            id_name = "tmdb_id"
        else:
            items = [(s.id, s.title, s.year, s.tvdb_id) for s in client.series() if s.tvdb_id in ids]
            id_name = "tvdb_id"
        found = {item[3] for item in items}
        for missing in sorted(ids - found):
            ctx.result.count("not_in_library")
            ctx.log.info("%s: %s %s is reported removed but not in the library", ref.name, id_name, missing)
        for n, (item_id, title, year, ext_id) in enumerate(items):
            ctx.check_cancelled()
            label = f"{title} ({year})" if year else title
            ctx.progress(n, len(items), item=f"{ref.name}: {label}", phase="deleting" if deleting else "reporting")
            details = {"instance": ref.name, "id": item_id, id_name: ext_id}
            if deleting:
                client.delete(item_id, delete_files=config.delete_files, add_exclusion=config.add_exclusion)
                ctx.log.info("%s: deleted %s (%s %s)", ref.name, label, id_name, ext_id)
                ctx.result.count("deleted")
                ctx.result.changed(f"{ref.name}: deleted {label}", **details)
            else:
                ctx.log.info("%s: would delete %s (%s %s)", ref.name, label, id_name, ext_id)
                ctx.result.count("would_delete")
                ctx.result.changed(f"{ref.name}: would delete {label}", **details)
