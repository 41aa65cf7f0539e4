"""Poster maker: Posterizarr's whole job as a module.

Reads movies and shows from every configured Plex / Jellyfin / Emby server, derives each asset's
Kometa path from the media folder, picks the source image (manual asset, then providers in order,
language rules, size filter, the server's own art as a marker-checked last resort, season→show and
title-card→background fallbacks), renders changed assets in the artwork engine's process pool,
writes them atomically, records every choice (ImageChoices) and optionally uploads the result
(hash-checked). Collections get a poster too. Modes come as job overrides:
``{"mode": "normal" | "single" | "cleanup" | …, "item": {...}}``.

The rules live in ``curatarr.posters``: ``sourcing`` (source choice), ``collections``, ``upload``,
``plan`` (specs, hashes, texts), ``extra_modes`` (testing/manual/backup/sync/reset).
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field

from curatarr.artwork.batch import RenderJob, render_many
from curatarr.assets.naming import AssetTarget, asset_relpath
from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import Capability
from curatarr.connectors.provider_images import ImageCandidate
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult
from curatarr.posters import choices as store
from curatarr.posters import extra_modes as extra
from curatarr.posters.collections import collection_spec, read_collections
from curatarr.posters.libraries import SKIP_LABEL, MediaItem, iter_server
from curatarr.posters.modes import ItemTarget, find_items
from curatarr.posters.plan import (COUNT_KEYS, AssetSpec, display_title, input_hash, needs_render, render_language,
                                   texts_for)
from curatarr.posters.providers import NeedsNetwork, ProviderLookups
from curatarr.posters.sourcing import SERVER_TYPES, ServerArt, Sourcer
from curatarr.posters.upload import upload_assets
from curatarr.posters.writer import FolderListing, cleanup, file_sha256, resolve

MODES = ("normal", "single", "cleanup", "testing", "manual", "backup", "sync", "reset")
FAV_LINKS = {"tmdb": "https://www.themoviedb.org/{t}/{id}/images/posters", "tvdb": "https://thetvdb.com/dereferrer/{t}/{id}",
             "fanart": "https://fanart.tv/{t}/{id}"}


class LanguageOverride(BaseModel):
    """Per-library language orders (Posterizarr v3 ``LibraryLanguageOverrides``); empty = global."""

    model_config = ConfigDict(extra="forbid")

    language_order: list[str] = Field(default_factory=list)
    season_language_order: list[str] = Field(default_factory=list)
    background_language_order: list[str] = Field(default_factory=list)
    titlecard_language_order: list[str] = Field(default_factory=list)


class PosterMakerConfig(ModuleConfig):
    media_servers: list[str] = Field(default_factory=list, description="Plex/Jellyfin/Emby instances; empty = all enabled")
    providers: dict[str, str] = Field(default_factory=dict, description="provider → instance name (default: first of each type)")
    asset_path: str = Field("", description="asset folder (default <data>/posters/assets)")
    manual_asset_path: str = Field("", description="manual assets, same layout; used before any provider")
    backup_path: str = Field("", description="backup mode target (default <data>/posters/backup)")
    layout: Literal["folders", "flat"] = "folders"
    library_folders: bool = True
    exclude_libraries: list[str] = Field(default_factory=list)
    skip_label: str = SKIP_LABEL
    posters: bool = True
    backgrounds: bool = True
    seasons: bool = True
    titlecards: bool = True
    collections: bool = Field(True, description="a poster per Plex collection / Jellyfin-Emby BoxSet")
    favourite_provider: Literal["tmdb", "fanart", "tvdb"] = "tmdb"
    provider_order: list[str] = Field(default_factory=lambda: ["tmdb", "fanart", "tvdb"])
    language_order: list[str] = Field(default_factory=lambda: ["xx", "en", "de"])
    season_language_order: list[str] = Field(default_factory=list)
    background_language_order: list[str] = Field(default_factory=list)
    titlecard_language_order: list[str] = Field(default_factory=list)
    library_language_overrides: dict[str, LanguageOverride] = Field(
        default_factory=dict, description="library name → its own language orders")
    use_original_title: bool = Field(False, description="always draw the original title when there is one")
    server_art_fallback: bool = Field(True, description="use the server's current image when no provider has one")
    disable_hash_validation: bool = Field(False, description="use/overwrite server images even with a tool marker")
    poster_min_width: int = Field(0, ge=0)
    poster_min_height: int = Field(0, ge=0)
    background_min_width: int = Field(0, ge=0)
    background_min_height: int = Field(0, ge=0)
    show_fallback: bool = True
    background_fallback: bool = True
    template: str = Field("classic", description="template family or id used for every kind")
    templates: dict[str, str] = Field(default_factory=dict, description="per-kind template overrides")
    skip_truncated: bool = True
    upload: bool = False
    upload_existing_assets: bool = Field(False, description="also upload assets not rendered this run "
                                                            "when the server's image has no tool marker")
    replace_thumb_with_backdrop: bool = Field(False, description="Jellyfin/Emby: a Backdrop upload also sets Thumb")
    workers: int | None = Field(None, ge=1, le=64)
    download_workers: int = Field(8, ge=1, le=64)
    provider_cache_hours: float = Field(24.0, ge=0)
    asset_cleanup: bool = False
    webhook_retries: int = Field(3, ge=0, le=50)
    webhook_retry_delay: float = Field(60.0, ge=0)


def asset_root(rt, cfg: PosterMakerConfig) -> Path:
    from curatarr.security.paths import safe_path

    if not cfg.asset_path:
        root = rt.data_dir / "posters" / "assets"
    else:
        root = safe_path(cfg.asset_path, rt.roots())
    root.mkdir(parents=True, exist_ok=True)
    return root


def backup_root(rt, cfg: PosterMakerConfig) -> Path:
    from curatarr.security.paths import safe_path

    root = safe_path(cfg.backup_path, rt.roots()) if cfg.backup_path else rt.data_dir / "posters" / "backup"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _choice_lang(lang: str | None) -> str:
    return "false" if not lang else ("Textless" if lang == "xx" else lang)


def _source_id(source: Any) -> str:
    """What identifies a source in the input hash."""
    if isinstance(source, Path):
        st = source.stat()
        return f"manual:{source}:{st.st_size}:{st.st_mtime_ns}"
    return source.url


class PosterMaker(Module):
    name = "poster_maker"
    title = "Poster maker"
    description = "Posters, season posters, backgrounds and title cards for every library (Posterizarr)."
    category = "artwork"
    Config = PosterMakerConfig
    instance_fields = ("media_servers",)

    # ---- setup ------------------------------------------------------------------------------------
    def _servers(self, ctx: RunContext, cfg: PosterMakerConfig, only: str | None = None) -> list[tuple[str, str, Any]]:
        refs = [r for t in SERVER_TYPES for r in ctx.connectors.instances(t)]
        if cfg.media_servers:
            refs = [r for r in refs if r.name in cfg.media_servers]
        if only:
            refs = [r for r in refs if r.name == only]
        return [(r.name, r.type, ctx.connectors.get(r.name, r.type)) for r in refs]

    def _lookups(self, ctx: RunContext, cfg: PosterMakerConfig) -> ProviderLookups:
        clients: dict[str, Any] = {}
        for provider in ("tmdb", "fanart", "tvdb"):
            name = cfg.providers.get(provider)
            refs = ctx.connectors.instances(provider)
            ref = next((r for r in refs if r.name == name), None) if name else (refs[0] if refs else None)
            if ref is not None:
                clients[provider] = ctx.connectors.get(ref.name, provider)
        return ProviderLookups(clients, db=ctx.rt.db, ttl_hours=cfg.provider_cache_hours)

    # ---- specs ------------------------------------------------------------------------------------
    def _target(self, cfg, item: MediaItem, kind: str, season=None, episode=None) -> str:
        return asset_relpath(AssetTarget(kind=kind, name=item.asset_name, library=item.library or "Library",
                                         season=season, episode=episode),
                             layout=cfg.layout, library_folders=cfg.library_folders)

    def specs_for(self, cfg: PosterMakerConfig, item: MediaItem, target: ItemTarget | None = None) -> list[AssetSpec]:
        if item.collection:
            spec = collection_spec(cfg, item) if cfg.collections else None
            return [spec] if spec is not None else []
        out: list[AssetSpec] = []
        title = display_title(item.title, item.original_title, always=cfg.use_original_title)
        lang = {"language": code} if (code := render_language(item.language)) else {}
        single_episode = target is not None and target.media_type in ("season", "episode") and target.season is not None
        if not single_episode:
            if cfg.posters:
                out.append(AssetSpec(self._target(cfg, item, "poster"), "poster", item.kind, item.title,
                                     {**texts_for("poster", title, year=item.year), **lang}, server_image="poster",
                                     server_id=item.server_id))
            if cfg.backgrounds:
                out.append(AssetSpec(self._target(cfg, item, "background"), "background", item.kind, item.title,
                                     {**texts_for("background", title, year=item.year), **lang}, server_image="background",
                                     server_id=item.server_id))
        if item.kind != "show":
            return out
        for s in item.seasons:
            if not cfg.seasons or (single_episode and s.number != target.season):
                continue
            out.append(AssetSpec(self._target(cfg, item, "season", s.number), "season", "show",
                                 f"{item.title} | Season {s.number}",
                                 {**texts_for("season", title, season=s.number, season_name=s.name), **lang},
                                 season=s.number, server_image="poster", server_id=s.server_id))
        for e in item.episodes:
            if not cfg.titlecards:
                continue
            if single_episode and (e.season != target.season or (target.episodes and e.episode not in target.episodes)):
                continue
            out.append(AssetSpec(self._target(cfg, item, "titlecard", e.season, e.episode), "titlecard", "show",
                                 f"S{e.season:02d}E{e.episode:02d} | {e.title}",
                                 {**texts_for("titlecard", title, season=e.season, episode=e.episode,
                                            episode_title=e.title), **lang},
                                 season=e.season, episode=e.episode, server_image="poster", server_id=e.server_id))
        return out

    # ---- run --------------------------------------------------------------------------------------
    def run(self, ctx: RunContext, config: PosterMakerConfig) -> RunResult:
        mode = str(ctx.overrides.get("mode") or "normal")
        if mode not in MODES:
            raise ModuleError(f"unknown poster maker mode {mode!r}; use one of {', '.join(MODES)}")
        root = asset_root(ctx.rt, config)
        for key in ("posters", "seasons", "backgrounds", "titlecards", "collections", "errors", "fallbacks",
                    "textless", "truncated", "downloads", "writes", "uploads", "unchanged"):
            ctx.result.count(key, 0)
        ctx.result.set_data("mode", mode)
        if mode == "cleanup":
            return self._cleanup(ctx, config, root, dry_run=bool(ctx.overrides.get("dry_run", ctx.dry_run)))
        if mode in ("testing", "manual"):
            from curatarr.artwork.service import artwork_service

            svc = artwork_service(ctx.rt)
            if mode == "testing":
                extra.run_testing(ctx, config, svc)
            else:
                extra.run_manual(ctx, config, root, svc)
            return ctx.result.build()
        if mode in ("backup", "sync", "reset"):
            servers = self._servers(ctx, config)
            if mode == "backup":
                extra.run_backup(ctx, config, self, servers, backup_root(ctx.rt, config))
            elif mode == "sync":
                extra.run_sync(ctx, config, self, servers)
            else:
                extra.run_reset(ctx, config, servers)
            return ctx.result.build()
        target = ItemTarget.model_validate(ctx.overrides.get("item") or {}) if mode == "single" else None
        servers = self._servers(ctx, config, target.server if target else None)
        if not servers:
            raise ModuleError("no Plex, Jellyfin or Emby instance is configured for the poster maker")
        ctx.phase("reading libraries")
        items = self._read_items(ctx, config, servers, target)
        if config.collections and target is None:
            ctx.phase("reading collections")
            items += read_collections(ctx, config, servers, items)
        lookups = self._lookups(ctx, config)
        try:
            return self._process(ctx, config, root, items, lookups, dict(servers_by_name(servers)), target)
        finally:
            lookups.close()

    def _read_items(self, ctx, cfg, servers, target: ItemTarget | None) -> list[MediaItem]:
        items: list[MediaItem] = []
        for name, stype, client in servers:
            try:
                if target is not None:
                    if target.rating_key and not target.server and Capability.RATING_KEYS not in client.capabilities:
                        continue  # Tautulli rating keys are Plex ids
                    found = []
                    for attempt in range(cfg.webhook_retries + 1):
                        found = find_items(client, name, target, exclude=cfg.exclude_libraries, db=ctx.rt.db)
                        if found or attempt == cfg.webhook_retries:
                            break
                        ctx.log.info("item not on %s yet; retrying in %ss", name, cfg.webhook_retry_delay)
                        ctx.sleep(cfg.webhook_retry_delay)
                    items += found
                    continue
                snapshot: list[dict] = []
                episodes = 0
                for item in iter_server(client, name, exclude=cfg.exclude_libraries):
                    ctx.check_cancelled()
                    items.append(item)
                    episodes += len(item.episodes)
                    snapshot.append({"server": name, "library": item.library, "title": item.title, "year": item.year,
                                     "id": item.server_id, "folder": item.asset_name, "path": item.path,
                                     "ids": item.ids, "labels": item.labels})
                    ctx.progress(len(items), 0, item=item.title, phase="reading libraries")
                if not ctx.dry_run:
                    store.record_export(ctx.rt.db, store.export_group(client), ctx.job_id, snapshot, episodes)
            except ConnectorError as exc:
                ctx.result.error_item(name, f"could not read the libraries: {exc}")
                ctx.result.count("errors")
        if target is not None and not items:
            ctx.result.warn("the item named by the trigger is not in any library (yet)")
        return items

    def _process(self, ctx, cfg, root: Path, items, lookups, servers, target) -> RunResult:
        from curatarr.artwork.service import artwork_service

        svc = artwork_service(ctx.rt)
        manual_root = Path(cfg.manual_asset_path) if cfg.manual_asset_path else None
        known = store.load_assets(ctx.rt.db)
        sourcer = Sourcer(cfg, lookups, manual_root=manual_root, servers=servers, known=known, asset_root=root,
                          log=ctx.log.info)
        records: list[store.ChoiceRecord] = []
        all_specs: list[tuple[AssetSpec, MediaItem]] = []
        templates: dict[str, Any] = {}
        hashes: dict[str, str] = {}
        kinds = ("poster", "background", "season", "titlecard") + (("collection",) if cfg.collections else ())
        for kind in kinds:
            try:
                templates[kind] = svc.store.resolve(cfg.templates.get(kind) or cfg.template, kind)
            except Exception as exc:  # TemplateNotFound / TemplateError: a configuration mistake
                raise ModuleError(f"template for {kind}: {exc}") from None
            hashes[kind] = templates[kind].content_hash()
        active = []
        for item in items:
            if item.skipped(cfg.skip_label):
                ctx.result.count("skipped_label")
            else:
                active.append(item)

        def decide(item: MediaItem, offline: bool = False) -> list:
            if ctx.cancelled:
                return []
            try:
                with lookups.offline(offline):
                    decided = [(spec, item, *sourcer.choose(item, spec)) for spec in self.specs_for(cfg, item, target)]
            except NeedsNetwork:
                raise  # the item goes to a look-up thread, which uses the answers loaded so far
            except BaseException:
                lookups.release(item.ids)
                raise
            lookups.release(item.ids)
            return decided

        def decisions() -> Iterator[list]:
            """Each item's decisions. An item whose provider answers are all cached is decided right
            here (a no-op run needs no thread at all: handing cached work to threads only made them
            queue for the GIL); an item that needs the network goes to a look-up thread (per-provider
            rate limits apply inside each client), at most a few dozen items ahead."""
            with ThreadPoolExecutor(max_workers=cfg.download_workers) as pool:
                pending: set = set()
                for item in active:
                    try:
                        decided = decide(item, offline=True)
                    except NeedsNetwork:
                        pending.add(pool.submit(decide, item))
                    else:
                        yield decided
                    if len(pending) >= cfg.download_workers * 4:
                        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    else:
                        finished = {f for f in pending if f.done()}
                    for future in finished:
                        pending.discard(future)
                        yield future.result()
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        yield future.result()

        on_disk = FolderListing(root)  # read before anything is written this run

        def planned() -> Iterator[tuple]:
            for n, decided in enumerate(decisions()):
                ctx.check_cancelled()
                if n % 50 == 0:
                    ctx.progress(n, len(active), phase="choosing and rendering")
                for spec, item, source, fallback, _reason in decided:
                    all_specs.append((spec, item))
                    if source is None:
                        ctx.result.count("missing")
                        if spec.key in sourcer.refused:   # remembered: no re-download until the cache time ends
                            status = "refused"
                        elif spec.key not in sourcer.remembered and known.get(spec.key, {}).get("status") != "written":
                            status = "missing"
                        else:
                            continue
                        records.append(store.ChoiceRecord(spec.key, {**self._record(cfg, item, spec, source, fallback),
                                                                     "status": status}))
                        continue
                    h = input_hash(_source_id(source), templates[spec.kind].id, hashes[spec.kind], spec.texts)
                    row = known.get(spec.key) or {}
                    exists = row.get("status") == "truncated" or on_disk.exists(spec.key)
                    if not needs_render(h, row.get("input_hash"), exists):
                        ctx.result.count("unchanged")   # nothing to record: the row already says all this
                        continue
                    yield (spec, item, source, {**self._record(cfg, item, spec, source, fallback), "input_hash": h})

        ctx.phase("choosing and rendering")
        if ctx.dry_run:
            for spec, _item, _src, _rec in planned():
                ctx.result.changed(f"would render {spec.key}", asset=spec.key)
            ctx.result.count("provider_calls", lookups.calls)
            return ctx.result.build()
        self._render(ctx, cfg, svc, root, planned(), lookups, sourcer, records, templates)
        store.save_choices(ctx.rt.db, records)
        if cfg.upload or cfg.upload_existing_assets:
            rendered = {r.asset_key for r in records if r.values.get("status") == "written"}
            upload_assets(ctx, cfg, root, all_specs, servers, rendered)
        if cfg.asset_cleanup and target is None:
            keep = {spec.key for spec, _ in all_specs}
            ctx.result.set_data("cleanup", cleanup(root, keep, dry_run=False,
                                                   protected=tuple(cfg.exclude_libraries) if cfg.library_folders else ()))
        ctx.result.count("provider_calls", lookups.calls)
        return ctx.result.build()

    def _record(self, cfg, item: MediaItem, spec: AssetSpec, source, fallback: str) -> dict:
        fav = cfg.favourite_provider
        fav_id = item.ids.get("tvdb" if fav in ("tvdb", "fanart") and item.kind == "show" else "tmdb")
        link = FAV_LINKS[fav].format(t="movie" if item.kind == "movie" else ("tv" if fav == "tmdb" else "series"),
                                     id=fav_id) if fav_id else "false"
        if item.collection and fav == "tmdb" and item.ids.get("tmdb_collection"):
            link = FAV_LINKS["tmdb"].format(t="collection", id=item.ids["tmdb_collection"])
        manual = isinstance(source, Path)
        cand = source if isinstance(source, ImageCandidate) else None
        # Server art is never known to be textless (Posterizarr: Plex is never textless-safe).
        language = "Textless" if manual else (_choice_lang(cand.language) if cand else "false")
        provider = "manual" if manual else (cand.provider if cand else (source.provider if source else ""))
        return {"kind": spec.kind, "title": spec.title, "type": spec.choice_type, "rootfolder": item.asset_name,
                "library": item.library, "server": item.server, "server_id": spec.server_id,
                "language": language, "fallback": fallback,
                "download_source": "false" if source is None else (str(source) if manual else source.url),
                "fav_provider_link": link, "provider": provider,
                "manual": manual, "tmdbid": item.ids.get("tmdb", ""), "tvdbid": item.ids.get("tvdb", ""),
                "imdbid": item.ids.get("imdb", ""), "text_truncated": False}

    def _render(self, ctx, cfg, svc, root: Path, planned, lookups: ProviderLookups, sourcer: Sourcer, records,
                templates) -> None:
        """Download and render as the plan is produced: choosing (network), downloading (network)
        and rendering (CPU, process pool) overlap instead of running one after the other."""
        work: dict[int, tuple] = {}
        source_iter = enumerate(planned)
        done = 0

        def fetch(index: int) -> bytes:
            # Bytes go to the renderer directly: no temp files, and libvips decodes from memory.
            _spec, _item, source, _rec = work[index]
            if isinstance(source, Path):
                return source.read_bytes()
            if isinstance(source, ServerArt):
                return sourcer.fetch(source)
            return lookups.download(source)

        def jobs() -> Iterator[RenderJob]:
            with ThreadPoolExecutor(max_workers=cfg.download_workers) as pool:
                pending: dict = {}
                exhausted = False
                while pending or not exhausted:
                    while not exhausted and len(pending) < cfg.download_workers * 2:
                        try:
                            i, entry = next(source_iter)
                        except StopIteration:
                            exhausted = True
                            break
                        work[i] = entry
                        pending[pool.submit(fetch, i)] = i
                    if not pending:
                        break
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        i = pending.pop(fut)
                        spec, _item, _src, rec = work[i]
                        try:
                            image = fut.result()
                        except (ConnectorError, OSError) as exc:
                            failed.append((i, f"download failed: {exc}"))
                            continue
                        out = resolve(root, spec.key)
                        yield RenderJob(kind=spec.kind, image=image, texts=spec.texts, out=str(out),
                                        template=templates[spec.kind].id, output_format="jpeg", job_id=i)

        failed: list[tuple[int, str]] = []
        try:
            for result in render_many(jobs(), workers=cfg.workers, setup=svc.worker_setup()):
                i = int(result.job_id)
                spec, item, source, rec = work[i]
                done += 1
                ctx.progress(done, len(work), item=spec.key, phase="rendering")
                svc.persist_fit_entries(result.fit_entries)
                if not result.ok:
                    failed.append((i, result.error or "render failed"))
                    continue
                rec = {**rec, "text_truncated": bool(result.truncated)}
                if result.truncated:
                    ctx.result.count("truncated")
                if result.skipped or not result.out:
                    records.append(store.ChoiceRecord(spec.key, {**rec, "status": "truncated", "file_hash": ""}))
                    continue
                ctx.result.count(COUNT_KEYS[spec.kind])
                ctx.result.count("writes")
                if rec["fallback"] != "false":
                    ctx.result.count("fallbacks")
                if rec["language"] == "Textless":
                    ctx.result.count("textless")
                records.append(store.ChoiceRecord(spec.key, {**rec, "status": "written",
                                                             "file_hash": file_sha256(Path(result.out))}))
                ctx.result.changed(f"rendered {spec.key}", asset=spec.key, kind=spec.kind)
            for i, message in failed:
                spec, item, _source, rec = work[i]
                ctx.result.count("errors")
                ctx.result.error_item(spec.key, message)
                records.append(store.ChoiceRecord(spec.key, {**rec, "status": "error"}))
        finally:
            ctx.result.count("downloads", lookups.downloads + sourcer.downloads)

    def _cleanup(self, ctx, cfg, root: Path, *, dry_run: bool) -> RunResult:
        keep = set(store.load_assets(ctx.rt.db))
        report = cleanup(root, keep, dry_run=dry_run,
                         protected=tuple(cfg.exclude_libraries) if cfg.library_folders else ())
        ctx.result.set_data("cleanup", report)
        ctx.result.count("images_cleared", report["images_cleared"])
        for rel in report["files"]:
            ctx.result.changed(("would delete " if dry_run else "deleted ") + rel, asset=rel)
        return ctx.result.build()


def servers_by_name(servers: list[tuple[str, str, Any]]) -> Iterator[tuple[str, Any]]:
    for name, _type, client in servers:
        yield name, client
