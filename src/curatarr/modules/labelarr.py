"""labelarr: keep *arr tags and media-server labels (Plex labels, Jellyfin/Emby tags) in step,
items paired by provider ids (tmdb / tvdb / imdb).

Normal run: every mapping in ``mappings`` (``labels.sync``), one direction or both. Ad-hoc run
(``item`` set — what ``POST /api/labelarr/sync`` and ``/bulk-sync`` queue): edit some items' *arr
tags by name and label their media-server twins the same (``labels.items``).

Dry run plans and reports; it creates no tag and edits nothing.

Differences from CHUB: both directions and Jellyfin/Emby tags besides Plex labels; items are matched
by provider ids in one pass (CHUB's mapping was O(n×m)); server items without an *arr twin keep their
labels; a mapped tag that does not exist is a clear error instead of silently stripping every label.
"""

from __future__ import annotations

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from curatarr.connectors.errors import ConnectorError
from curatarr.library.records import SERVER_TYPES
from curatarr.labels.config import ItemSync, LabelMapping
from curatarr.labels.items import ItemSyncRun
from curatarr.labels.sync import MappingSync
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult

ARR_TYPES = ("radarr", "sonarr")


class LabelarrConfig(ModuleConfig):
    mappings: list[LabelMapping] = Field(default_factory=list, description="*arr instance → tag ↔ label pairs → "
                                                                           "media servers and libraries")
    dry_run: bool = Field(False, description="Only report the label and tag changes")
    # Set by POST /api/labelarr/sync and /bulk-sync as a job override: sync these items only (the mappings
    # are not run). Hidden from the schema so settings forms never write it into config.yml.
    item: SkipJsonSchema[ItemSync | None] = None


class Labelarr(Module):
    name = "labelarr"
    title = "Labelarr"
    description = "Syncs Radarr/Sonarr tags with Plex labels and Jellyfin/Emby tags, matched by provider ids."
    category = "media"
    Config = LabelarrConfig
    allow_concurrent = True   # item syncs from the API may run beside a scheduled full sync
    instance_fields = ("mappings",)

    def instance_names(self, config) -> list[str]:
        names: list[str] = []
        for m in getattr(config, "mappings", None) or []:
            for n in [m.app_instance, *(t.instance for t in m.media_servers)]:
                if n not in names:
                    names.append(n)
        return names

    def run(self, ctx: RunContext, config: LabelarrConfig) -> RunResult:
        if config.item is not None:
            return self._items(ctx, config.item)
        if not config.mappings:
            raise ModuleError("no mapping configured (labelarr.mappings)")
        arrs = {r.name: r for t in ARR_TYPES for r in ctx.connectors.instances(t, enabled_only=False)}
        servers = self._servers(ctx)
        reports, failed = [], 0
        for mapping in config.mappings:
            ctx.check_cancelled()
            ref = arrs.get(mapping.app_instance)
            if ref is None or not ref.enabled:
                failed += 1
                why = "not a configured Radarr or Sonarr instance" if ref is None else "disabled"
                ctx.result.error_item(mapping.app_instance, why)
                continue
            try:
                report = MappingSync(ctx, mapping, ctx.connectors.get(ref.name, ref.type), ref.type, servers).run()
            except (ConnectorError, ValueError) as exc:
                failed += 1
                ctx.result.error_item(mapping.app_instance, str(exc))
                continue
            reports.append(report)
        ctx.result.set_data("mappings", [r.summary for r in reports])
        ctx.result.set_data("changes", [c for r in reports for c in r.changes][:1000])
        if failed == len(config.mappings):
            raise ModuleError(f"no mapping could be synced ({failed} failed; see the errors)")
        return ctx.result.build()

    @staticmethod
    def _servers(ctx: RunContext, only: list[str] | None = None) -> dict:
        refs = [r for t in SERVER_TYPES for r in ctx.connectors.instances(t)]
        return {r.name: ctx.connectors.get(r.name, r.type) for r in refs if not only or r.name in only}

    def _items(self, ctx: RunContext, request: ItemSync) -> RunResult:
        arrs = {r.name: r for t in ARR_TYPES for r in ctx.connectors.instances(t)}
        ref = arrs.get(request.source_instance)
        if ref is None:
            raise ModuleError(f"{request.source_instance}: not a configured, enabled Radarr or Sonarr instance")
        servers = self._servers(ctx, request.media_servers or None)
        missing = [n for n in request.media_servers if n not in servers]
        if missing:
            raise ModuleError(f"not configured media server(s): {', '.join(missing)}")
        try:
            outcome = ItemSyncRun(ctx, request, ctx.connectors.get(ref.name, ref.type), ref.type, servers).run()
        except (ConnectorError, ValueError) as exc:
            raise ModuleError(f"{request.source_instance}: {exc}") from exc
        ctx.result.set_data("items", outcome)
        if not outcome["synced"]:
            raise ModuleError(f"no item could be synced ({len(outcome['failures'])} failed)")
        return ctx.result.build()
