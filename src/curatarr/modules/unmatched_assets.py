"""unmatched_assets: which movies, series (main poster and each season) and media-server collections
have no artwork in the Kometa asset folder, with totals and percentages per kind, per instance and
overall. The report is stored (``curatarr.unmatched.store``) and served by
``/api/posters/unmatched/*`` and ``/api/webhooks/unmatched/status`` without re-running.

Reads only: the media cache (Radarr/Sonarr items and their seasons), the asset folder (one pass,
into sets) and the media servers' collection listings. Instances the cache has never read are
synced first (``refresh_cache``), so a fresh install reports real gaps instead of an empty library.
A dry run computes the same report but keeps the stored one.

Differences from CHUB: tags are compared name to name and quality profiles by name (CHUB compared
tag ids with names and profiles with a field it never stored, so both filters did nothing);
linear time; counts that could not be computed (servers that did not answer) are null, not 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import Field, field_validator

from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult

ARR_TYPES = ("radarr", "sonarr")
SERVER_TYPES_CATEGORY = "media_server"
PROGRESS_EVERY = 1_000


class UnmatchedAssetsConfig(ModuleConfig):
    instances: list[str] = Field(default_factory=list, description="Radarr/Sonarr and media-server instances to "
                                 "report on; empty = every enabled one")
    dry_run: bool = Field(False, description="Compute and show the report but keep the stored one")
    asset_path: str = Field("", description="Kometa asset folder; empty = the poster maker's asset folder")
    layout: Literal["poster_maker", "folders", "flat"] = Field(
        "poster_maker", description="Asset layout; poster_maker = the poster maker's layout")
    # Not "library_folders": a key ending in "_folders" is a folder setting (a root) to the config guard.
    by_library: Literal["poster_maker", "on", "off"] = Field(
        "poster_maker", description="Assets sit in one folder per library; poster_maker = the poster maker's "
        "library_folders")
    include_specials: bool = Field(False, description="Count season 0 (Specials) posters")
    include_empty_seasons: bool = Field(False, description="Count seasons that have no episode file yet")
    refresh_cache: bool = Field(True, description="Read instances the media cache has never read before reporting")
    ignore_folder_names: list[str] = Field(default_factory=list, description="Skip items inside folders with these "
                                           "names (the item's own folder or any above it, root folders included)")
    ignore_titles: list[str] = Field(default_factory=list, description="Skip these titles (\"Title\" or "
                                     "\"Title (Year)\")")
    ignore_tags: list[str] = Field(default_factory=list, description="Skip items carrying any of these tag names")
    ignore_profiles: list[str] = Field(default_factory=list, description="Skip items with these quality profiles "
                                       "(names)")
    ignore_collections: list[str] = Field(default_factory=list, description="Skip these media-server collections")
    ignore_unmonitored: bool = Field(False, description="Skip unmonitored movies, series and seasons")

    @field_validator("layout", "by_library", mode="before")
    @classmethod
    def _inherit(cls, value: Any) -> Any:
        # YAML booleans and empty values read naturally: true/false = on/off, null/"" = the poster maker's.
        if value is None or value == "":
            return "poster_maker"
        if isinstance(value, bool):
            return "on" if value else "off"
        return value

    @field_validator("ignore_folder_names", "ignore_titles", "ignore_tags", "ignore_profiles", "ignore_collections",
                     mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):  # CHUB stored comma-separated strings
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


class UnmatchedAssets(Module):
    name = "unmatched_assets"
    title = "Unmatched assets"
    description = "Reports movies, series, seasons and collections that have no poster in the asset folder."
    category = "artwork"
    Config = UnmatchedAssetsConfig

    def run(self, ctx: RunContext, config: UnmatchedAssetsConfig) -> RunResult:
        from curatarr.clock import utcnow
        from curatarr.unmatched.assets import scan_asset_folder
        from curatarr.unmatched.report import Rules, build_report
        from curatarr.unmatched.sources import media_entries, server_collection_entries
        from curatarr.unmatched.store import save_report

        selected, servers = self._instances(ctx, config)
        if not selected and not servers:
            raise ModuleError("nothing to report on: no enabled Radarr, Sonarr or media-server instance is selected")
        arrs = self._ensure_cached(ctx, config, selected)
        profiles, arrs = self._profiles(ctx, config, arrs)
        if selected and not arrs:
            raise ModuleError("no Radarr/Sonarr instance could be read (see the job log); the stored report is kept")
        root, layout, library_folders = self._asset_folder(ctx, config)
        ctx.progress(0, 0, phase="reading the asset folder")
        try:
            index = scan_asset_folder(root, layout, library_folders=library_folders, check=ctx.check_cancelled)
        except OSError as exc:
            raise ModuleError(f"the asset folder {root} cannot be read: {exc}") from None
        ctx.log.info("asset folder %s (%s%s): %d image files", root, layout,
                     ", library folders" if library_folders else "", index.files)
        collections = None
        if servers:
            ctx.progress(0, 0, phase="reading media-server collections")
            collections, errors = server_collection_entries(ctx.rt, set(servers))
            for err in errors:
                ctx.result.warn(f"{err['instance']}: collections not read ({err['error']})")
                ctx.result.error_item(err["instance"], f"collections not read: {err['error']}")
            if errors and len(errors) == len(servers):
                collections = None  # not one server answered: their counts are unknown, not 0
        rules = Rules.of(folders=config.ignore_folder_names, titles=config.ignore_titles, tags=config.ignore_tags,
                         profiles=config.ignore_profiles, collections=config.ignore_collections,
                         unmonitored=config.ignore_unmonitored, specials=config.include_specials,
                         empty_seasons=config.include_empty_seasons)
        ctx.progress(0, 0, phase="comparing")
        report = build_report(self._tracked(ctx, media_entries(ctx.rt, arrs, profiles)), collections, index, rules,
                              layout=layout)
        report.update({"generated_at": utcnow().isoformat(), "job_id": ctx.job_id, "dry_run": ctx.dry_run,
                       "asset_root": str(root), "layout": layout, "library_folders": library_folders,
                       "arr_instances": arrs, "media_servers": servers,
                       "warnings": list(ctx.result.build().warnings)})
        self._record(ctx, report)
        if not ctx.dry_run:
            save_report(ctx.rt, report)
        return ctx.result.build()

    # ---- selection ---------------------------------------------------------------------------------
    @staticmethod
    def _instances(ctx: RunContext, config: UnmatchedAssetsConfig) -> tuple[list[str], list[str]]:
        refs = ctx.connectors.instances(enabled_only=False)
        arr = {r.name: r for r in refs if r.type in ARR_TYPES}
        server = {r.name: r for r in refs if r.spec.category == SERVER_TYPES_CATEGORY}
        if not config.instances:
            return [n for n, r in arr.items() if r.enabled], [n for n, r in server.items() if r.enabled]
        arrs, servers = [], []
        for name in config.instances:
            ref = arr.get(name) or server.get(name)
            if ref is None:
                ctx.result.warn(f"{name}: not a configured Radarr, Sonarr or media-server instance; skipped")
            elif not ref.enabled:
                ctx.result.warn(f"{name}: disabled; skipped")
            else:
                (arrs if name in arr else servers).append(name)
        return arrs, servers

    @staticmethod
    def _ensure_cached(ctx: RunContext, config: UnmatchedAssetsConfig, arrs: list[str]) -> list[str]:
        from curatarr.unmatched.sources import never_synced

        missing = never_synced(ctx.rt, arrs)
        if missing and config.refresh_cache:
            from curatarr.library.sync import sync_instances

            ctx.progress(0, len(missing), phase="reading instances into the media cache")
            report = sync_instances(ctx.rt, missing, cancelled=lambda: ctx.cancelled)
            ctx.check_cancelled()
            ctx.result.count("instances_refreshed", sum(1 for r in report.instances if r.ok))
            missing = never_synced(ctx.rt, arrs)
        for name in missing:
            why = "could not be read into the media cache" if config.refresh_cache else \
                "has never been read into the media cache (refresh the library or enable refresh_cache)"
            ctx.result.error_item(name, why)
            ctx.log.error("%s %s; left out of the report", name, why)
        return [n for n in arrs if n not in missing]

    @staticmethod
    def _profiles(ctx: RunContext, config: UnmatchedAssetsConfig,
                  arrs: list[str]) -> tuple[dict[str, dict[int, str]], list[str]]:
        """Quality-profile names per instance (asked only when a profile rule needs them); an instance
        whose profiles cannot be read is left out — reporting it would ignore the rule silently."""
        if not config.ignore_profiles:
            return {}, arrs
        out: dict[str, dict[int, str]] = {}
        kept = []
        for name in arrs:
            ctx.check_cancelled()
            try:
                out[name] = {p.id: p.name for p in ctx.connectors.get(name).quality_profiles()}
                kept.append(name)
            except ConnectorError as exc:
                ctx.result.error_item(name, f"quality profiles not read ({exc}); left out of the report")
        return out, kept

    @staticmethod
    def _asset_folder(ctx: RunContext, config: UnmatchedAssetsConfig) -> tuple[Path, str, bool]:
        from pydantic import ValidationError

        from curatarr.posters.config import PosterMakerConfig, configured_asset_root
        from curatarr.security.paths import PathRejected, safe_path

        try:
            poster = PosterMakerConfig.model_validate(ctx.rt.config.get_section("poster_maker") or {})
        except ValidationError:
            poster = PosterMakerConfig()
        try:
            root = safe_path(config.asset_path, ctx.rt.roots()) if config.asset_path else \
                configured_asset_root(ctx.rt, poster)
        except PathRejected as exc:
            raise ModuleError(f"asset_path: {exc}") from None
        layout = poster.layout if config.layout == "poster_maker" else config.layout
        library_folders = poster.library_folders if config.by_library == "poster_maker" else \
            config.by_library == "on"
        if not root.is_dir():
            ctx.result.warn(f"the asset folder {root} does not exist yet: every item counts as missing its poster")
        return root, layout, library_folders

    # ---- progress and result -----------------------------------------------------------------------
    @staticmethod
    def _tracked(ctx: RunContext, entries: Iterator) -> Iterator:
        for n, entry in enumerate(entries, 1):
            if n % PROGRESS_EVERY == 0:
                ctx.check_cancelled()
                ctx.progress(n, 0, item=entry.title, phase="comparing")
            yield entry

    @staticmethod
    def _record(ctx: RunContext, report: dict) -> None:
        summary = report["summary"]
        for kind in ("movies", "series", "seasons", "collections", "overall"):
            tally = summary[kind]
            if tally["total"] is None:
                continue
            ctx.result.count(f"{kind}_total", tally["total"])
            ctx.result.count(f"{kind}_unmatched", tally["unmatched"])
        for reason, n in report["ignored"].items():
            if n:
                ctx.result.count(f"ignored_{reason}", n)
        ctx.result.set_data("summary", summary)
        ctx.result.set_data("ignored", report["ignored"])
        lists = report["unmatched"]
        for row in lists["movies"]:
            ctx.result.changed(f"{row['instance']}: {_label(row)}: no poster", kind="movie", **_ref(row))
        for row in lists["series"]:
            parts = (["poster"] if row["missing_poster"] else []) + [
                "Specials" if n == 0 else f"season {n}" for n in row["missing_seasons"]]
            ctx.result.changed(f"{row['instance']}: {_label(row)}: missing {', '.join(parts)}", kind="series",
                               missing_seasons=row["missing_seasons"], **_ref(row))
        for row in lists["collections"]:
            ctx.result.changed(f"{row['instance']}: collection {row['title']}: no poster", kind="collection",
                               **_ref(row))
        overall = summary["overall"]
        ctx.progress(overall["total"], overall["total"], phase="done")


def _label(row: dict) -> str:
    return f"{row['title']} ({row['year']})" if row.get("year") else row["title"]


def _ref(row: dict) -> dict:
    return {"instance": row["instance"], "id": row["id"], "title": row["title"]}
