"""Poster maker: Posterizarr's whole job as a module.

Reads movies and shows from every configured Plex / Jellyfin / Emby server, derives each asset's
Kometa path from the media folder, picks the source image (manual asset, then providers in order,
language rules, size filter, season→show and title-card→background fallbacks), renders changed
assets in the artwork engine's process pool, writes them atomically, records every choice
(ImageChoices) and optionally uploads the result (hash-checked). Modes come as job overrides:
``{"mode": "normal" | "single" | "cleanup", "item": {...}}``.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import Field

from curatarr.artwork.batch import RenderJob, render_many
from curatarr.artwork.choice import Candidate, ChoiceRules, pick
from curatarr.assets.naming import AssetTarget, asset_relpath
from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.provider_images import ImageCandidate
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult
from curatarr.posters import choices as store
from curatarr.posters import extra_modes as extra
from curatarr.posters.libraries import SKIP_LABEL, MediaItem, iter_server
from curatarr.posters.modes import ItemTarget, find_items
from curatarr.posters.plan import COUNT_KEYS, AssetSpec, input_hash, language_order, needs_render, needs_upload, texts_for
from curatarr.posters.providers import ProviderLookups
from curatarr.posters.writer import cleanup, file_sha256, resolve

SERVER_TYPES = ("plex", "jellyfin", "emby")
MODES = ("normal", "single", "cleanup", "testing", "manual", "backup", "sync", "reset")
FAV_LINKS = {"tmdb": "https://www.themoviedb.org/{t}/{id}/images/posters", "tvdb": "https://thetvdb.com/dereferrer/{t}/{id}",
             "fanart": "https://fanart.tv/{t}/{id}"}


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
    favourite_provider: Literal["tmdb", "fanart", "tvdb"] = "tmdb"
    provider_order: list[str] = Field(default_factory=lambda: ["tmdb", "fanart", "tvdb"])
    language_order: list[str] = Field(default_factory=lambda: ["xx", "en", "de"])
    season_language_order: list[str] = Field(default_factory=list)
    background_language_order: list[str] = Field(default_factory=list)
    titlecard_language_order: list[str] = Field(default_factory=list)
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
        out: list[AssetSpec] = []
        single_episode = target is not None and target.media_type in ("season", "episode") and target.season is not None
        if not single_episode:
            if cfg.posters:
                out.append(AssetSpec(self._target(cfg, item, "poster"), "poster", item.kind, item.title,
                                     texts_for("poster", item.title, year=item.year), server_image="poster",
                                     server_id=item.server_id))
            if cfg.backgrounds:
                out.append(AssetSpec(self._target(cfg, item, "background"), "background", item.kind, item.title,
                                     texts_for("background", item.title, year=item.year), server_image="background",
                                     server_id=item.server_id))
        if item.kind != "show":
            return out
        for s in item.seasons:
            if not cfg.seasons or (single_episode and s.number != target.season):
                continue
            out.append(AssetSpec(self._target(cfg, item, "season", s.number), "season", "show",
                                 f"{item.title} | Season {s.number}",
                                 texts_for("season", item.title, season=s.number, season_name=s.name),
                                 season=s.number, server_image="poster", server_id=s.server_id))
        for e in item.episodes:
            if not cfg.titlecards:
                continue
            if single_episode and (e.season != target.season or (target.episodes and e.episode not in target.episodes)):
                continue
            out.append(AssetSpec(self._target(cfg, item, "titlecard", e.season, e.episode), "titlecard", "show",
                                 f"S{e.season:02d}E{e.episode:02d} | {e.title}",
                                 texts_for("titlecard", item.title, season=e.season, episode=e.episode,
                                           episode_title=e.title),
                                 season=e.season, episode=e.episode, server_image="poster", server_id=e.server_id))
        return out

    # ---- choice -----------------------------------------------------------------------------------
    def _rules(self, cfg: PosterMakerConfig, kind: str) -> ChoiceRules:
        orders = {"poster": cfg.language_order, "season": cfg.season_language_order,
                  "background": cfg.background_language_order, "titlecard": cfg.titlecard_language_order}
        landscape = kind in ("background", "titlecard")
        return ChoiceRules(language_order=language_order(kind, orders), favourite=cfg.favourite_provider,
                           provider_order=[cfg.favourite_provider] + [p for p in cfg.provider_order if p != cfg.favourite_provider],
                           min_width=cfg.background_min_width if landscape else cfg.poster_min_width,
                           min_height=cfg.background_min_height if landscape else cfg.poster_min_height)

    @staticmethod
    def _as_choice(c: ImageCandidate) -> Candidate:
        return Candidate(id=c.url, provider=c.provider, language=c.language, width=c.width or 0,
                         height=c.height or 0, url=c.url, votes=c.score)

    def choose_source(self, lookups, cfg, item: MediaItem, spec: AssetSpec, manual_root: Path | None):
        """(source ImageCandidate | manual Path | None, fallback label, reason)."""
        if manual_root is not None:
            stem = str(Path(spec.key).with_suffix(""))
            for ext in (".jpg", ".jpeg", ".png", ".webp"):
                path = manual_root / (stem + ext)
                if path.is_file():
                    return path, "false", "manual asset"
        rules = self._rules(cfg, spec.kind)
        # Providers are asked lazily, favourite first: once one has an image in a wanted language the
        # others are never queried (same result as ranking the whole pool — provider order beats
        # language order — at a fraction of the requests).
        found = self._first(lookups, rules, item, spec.kind, spec.season, spec.episode)
        if found is not None:
            cand, reason = found
            return cand, "false" if cand.provider == cfg.favourite_provider else "true", reason
        parent_kind = {"season": "poster", "titlecard": "background"}.get(spec.kind)
        allowed = cfg.show_fallback if spec.kind == "season" else cfg.background_fallback
        if parent_kind and allowed:
            found = self._first(lookups, self._rules(cfg, parent_kind), item, parent_kind)
            if found is not None:
                return found[0], "True-Show" if spec.kind == "season" else "True-Background", "parent fallback"
        return None, "false", "no candidate in a wanted language"

    def _first(self, lookups, rules: ChoiceRules, item: MediaItem, kind: str, season=None, episode=None):
        for provider in rules.provider_order:
            pool = lookups.candidates(provider, item.kind, kind, item.ids, season=season, episode=episode)
            if not pool:
                continue
            by_url = {c.url: c for c in pool}
            decision = pick([self._as_choice(c) for c in pool], rules)
            if decision.candidate is not None:
                return by_url[decision.candidate.id], decision.reason
        return None

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
                    if target.rating_key and not target.server and stype != "plex":
                        continue  # Tautulli rating keys are Plex ids
                    found = []
                    for attempt in range(cfg.webhook_retries + 1):
                        found = find_items(client, name, stype, target, exclude=cfg.exclude_libraries)
                        if found or attempt == cfg.webhook_retries:
                            break
                        ctx.log.info("item not on %s yet; retrying in %ss", name, cfg.webhook_retry_delay)
                        ctx.sleep(cfg.webhook_retry_delay)
                    items += found
                    continue
                snapshot: list[dict] = []
                episodes = 0
                for item in iter_server(client, name, stype, exclude=cfg.exclude_libraries):
                    ctx.check_cancelled()
                    items.append(item)
                    episodes += len(item.episodes)
                    snapshot.append({"server": name, "library": item.library, "title": item.title, "year": item.year,
                                     "id": item.server_id, "folder": item.asset_name, "path": item.path,
                                     "ids": item.ids, "labels": item.labels})
                    ctx.progress(len(items), 0, item=item.title, phase="reading libraries")
                if not ctx.dry_run:
                    store.record_export(ctx.rt.db, "plex" if stype == "plex" else "other", ctx.job_id, snapshot, episodes)
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
        records: list[store.ChoiceRecord] = []
        all_specs: list[tuple[AssetSpec, MediaItem]] = []
        templates: dict[str, Any] = {}
        hashes: dict[str, str] = {}
        for kind in ("poster", "background", "season", "titlecard"):
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

        def decide(item: MediaItem) -> list:
            # Provider look-ups wait on the network: items are decided concurrently (per-provider
            # rate limits still apply inside each client).
            if ctx.cancelled:
                return []
            try:
                return [(spec, item, *self.choose_source(lookups, cfg, item, spec, manual_root))
                        for spec in self.specs_for(cfg, item, target)]
            finally:
                lookups.release(item.ids)

        def planned() -> Iterator[tuple]:
            with ThreadPoolExecutor(max_workers=cfg.download_workers) as pool:
                for n, decided in enumerate(pool.map(decide, active)):
                    ctx.check_cancelled()
                    if n % 50 == 0:
                        ctx.progress(n, len(active), phase="choosing and rendering")
                    for spec, item, source, fallback, _reason in decided:
                        all_specs.append((spec, item))
                        tpl = templates[spec.kind]
                        base = self._record(cfg, item, spec, source, fallback)
                        if source is None:
                            ctx.result.count("missing")
                            if known.get(spec.key, {}).get("status") != "written":
                                records.append(store.ChoiceRecord(spec.key, {**base, "status": "missing"}))
                            continue
                        src_id = (f"manual:{source}:{source.stat().st_size}:{source.stat().st_mtime_ns}"
                                  if isinstance(source, Path) else source.url)
                        h = input_hash(src_id, tpl.id, hashes[spec.kind], spec.texts)
                        row = known.get(spec.key) or {}
                        exists = row.get("status") == "truncated" or (root / spec.key).is_file()
                        if not needs_render(h, row.get("input_hash"), exists):
                            ctx.result.count("unchanged")
                            continue
                        yield (spec, item, source, {**base, "input_hash": h})

        ctx.phase("choosing and rendering")
        if ctx.dry_run:
            for spec, _item, _src, _rec in planned():
                ctx.result.changed(f"would render {spec.key}", asset=spec.key)
            ctx.result.count("provider_calls", lookups.calls)
            return ctx.result.build()
        self._render(ctx, cfg, svc, root, planned(), lookups, records, templates)
        store.save_choices(ctx.rt.db, records)
        if cfg.upload:
            self._upload(ctx, root, all_specs, servers)
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
        manual = isinstance(source, Path)
        cand = source if isinstance(source, ImageCandidate) else None
        return {"kind": spec.kind, "title": spec.title, "type": spec.choice_type, "rootfolder": item.asset_name,
                "library": item.library, "server": item.server, "server_id": spec.server_id,
                "language": "false" if source is None else ("Textless" if manual else _choice_lang(cand.language)),
                "fallback": fallback, "download_source": "false" if source is None else (str(source) if manual else cand.url),
                "fav_provider_link": link, "provider": "manual" if manual else (cand.provider if cand else ""),
                "manual": manual, "tmdbid": item.ids.get("tmdb", ""), "tvdbid": item.ids.get("tvdb", ""),
                "imdbid": item.ids.get("imdb", ""), "text_truncated": False}

    def _render(self, ctx, cfg, svc, root: Path, planned, lookups: ProviderLookups, records, templates) -> None:
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
            ctx.result.count("downloads", lookups.downloads)

    def _upload(self, ctx, root: Path, specs, servers: dict[str, tuple[str, Any]]) -> None:
        sent = store.uploads(ctx.rt.db)
        hashes = {k: v.get("file_hash") for k, v in store.load_assets(ctx.rt.db).items()}
        for spec, item in specs:
            file_hash = hashes.get(spec.key) or ""
            slot = (item.server, spec.server_id, spec.server_image or "poster")
            if not spec.server_id or not needs_upload(file_hash, sent.get(slot)):
                continue
            stype, client = servers[item.server]
            path = root / spec.key
            if not path.is_file():
                continue
            data = path.read_bytes()
            try:
                if stype == "plex":
                    if spec.server_image == "background":
                        client.upload_art(spec.server_id, data=data)
                    else:
                        client.upload_poster(spec.server_id, data=data)
                elif spec.server_image == "background":
                    client.replace_backdrop(spec.server_id, data, "image/jpeg")
                else:
                    client.upload_image(spec.server_id, "Primary", data, "image/jpeg")
            except ConnectorError as exc:
                ctx.result.count("errors")
                ctx.result.error_item(spec.key, f"upload to {item.server} failed: {exc}")
                continue
            store.record_upload(ctx.rt.db, *slot, spec.key, file_hash)
            ctx.result.count("uploads")
            if stype == "plex" and spec.kind == "poster" and any(lbl.lower() == "overlay" for lbl in item.labels):
                # Kometa marks items whose poster carries its overlays with the "Overlay" label; a
                # fresh poster has none, so the label goes and Kometa re-applies them on its next run.
                try:
                    client.remove_labels(spec.server_id, ["Overlay"])
                    ctx.result.count("overlay_labels_removed")
                except ConnectorError as exc:
                    ctx.result.warn(f"could not remove the Overlay label of {item.title}: {exc}")

    def _cleanup(self, ctx, cfg, root: Path, *, dry_run: bool) -> RunResult:
        keep = set(store.load_assets(ctx.rt.db))
        report = cleanup(root, keep, dry_run=dry_run,
                         protected=tuple(cfg.exclude_libraries) if cfg.library_folders else ())
        ctx.result.set_data("cleanup", report)
        ctx.result.count("images_cleared", report["images_cleared"])
        for rel in report["files"]:
            ctx.result.changed(("would delete " if dry_run else "deleted ") + rel, asset=rel)
        return ctx.result.build()


def servers_by_name(servers: list[tuple[str, str, Any]]) -> Iterator[tuple[str, tuple[str, Any]]]:
    for name, stype, client in servers:
        yield name, (stype, client)
