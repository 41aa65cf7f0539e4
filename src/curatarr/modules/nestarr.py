"""nestarr: report *arr items filed in the wrong place — folders nested in other items' folders,
movies in series root folders (and the reverse), stray folders and videos in root folders, movie
folders with extra videos. The scan only reads (the *arr APIs and, inside Curatarr's roots, the
disk); fixes are explicit, one item at a time, through ``POST /api/nestarr/fix``.

The run's result carries every finding in ``data.issues`` (``GET /api/nestarr/results`` serves the
latest successful run's). Logic: :mod:`curatarr.nestarr.scan`.

Differences from CHUB: the scan is a job (``GET /api/nestarr/scan`` starts or joins it instead of
running inside the request), nesting is found in linear time (CHUB compared every pair), Radarr and
Sonarr items are compared with each other in one pass, and the disk is read only inside the roots.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import Field

from curatarr.arr_disk import VIDEO_EXTENSIONS, PathMap, PathMapping
from curatarr.modules.base import Module, ModuleConfig, RunContext, RunResult, select_instances
from curatarr.nestarr import scan

SUPPORTED = ("radarr", "sonarr")


class NestarrConfig(ModuleConfig):
    instances: list[str] = Field(default_factory=list, description="Radarr/Sonarr instances; empty = every enabled one")
    dry_run: bool = Field(False, description="The scan only reads either way; kept for the common run options")
    path_mappings: list[PathMapping] = Field(default_factory=list,
                                             description="*arr path prefix → the same folder as Curatarr sees it")
    check_disk: bool = Field(True, description="Also look for strays in root folders and extra videos in movie folders")
    extensions: list[str] = Field(default_factory=lambda: list(VIDEO_EXTENSIONS), description="Video file extensions")


class Nestarr(Module):
    name = "nestarr"
    title = "Nestarr"
    description = "Finds *arr items filed inside other items, in the wrong root folder, and stray files in root folders."
    category = "media"
    Config = NestarrConfig

    def run(self, ctx: RunContext, config: NestarrConfig) -> RunResult:
        refs = select_instances(ctx, config.instances, SUPPORTED, purpose="scan")
        inv = scan.read_inventory(ctx, refs, PathMap.of(config.path_mappings))
        ctx.progress(0, len(inv.items), phase="comparing item folders")
        issues = scan.nesting(ctx, inv)
        if config.check_disk:
            issues += scan.disk_findings(ctx, inv, ctx.rt.roots(), tuple(e.lower() for e in config.extensions))
        for kind, n in sorted(scan.summarise(issues).items()):
            ctx.result.count(kind, n)
        ctx.result.count("items_checked", len(inv.items))
        ctx.result.count("issues", len(issues))
        for i in issues[:50]:
            ctx.log.info("%s: %s (%s)", i["type"], i["path"], i["instance_name"])
        ctx.result.set_data("issues", issues)
        ctx.result.set_data("instances_checked", sorted(inv.roots))
        ctx.result.set_data("scanned_at", datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"))
        return ctx.result.build()
