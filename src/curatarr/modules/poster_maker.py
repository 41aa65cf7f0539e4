"""Poster maker: Posterizarr's whole job as a module.

Reads movies and shows from every configured Plex / Jellyfin / Emby server, derives each asset's
Kometa path from the media folder, picks the source image (manual asset, then providers in order,
language rules, size filter, the server's own art as a marker-checked last resort, season→show and
title-card→background fallbacks), renders changed assets in the artwork engine's process pool,
writes them atomically, records every choice (ImageChoices) and optionally uploads the result
(hash-checked). Collections get a poster too.

The run mode is the typed ``mode`` setting of :class:`~curatarr.posters.config.PosterMakerConfig`
(a job sets it as an override: ``{"mode": "single", "item": {...}}``). A normal or single run is a
pipeline of named stages over one :class:`AssetRun`::

    choose → fetch → render → write → record → upload

``choose`` decides each asset's source and drops the unchanged ones; ``fetch`` downloads the chosen
images (threads); ``render`` draws them in the process pool, which writes each file atomically;
``write`` books every written file (hash, counts); ``record`` stores the choices; ``upload`` pushes
the new files to the servers. A dry run stops after ``choose`` and lists what would be rendered.

The rules live in ``curatarr.posters``: ``config`` (settings), ``sourcing`` (source choice),
``collections``, ``upload``, ``plan`` (specs, hashes, texts), ``extra_modes``
(testing/manual/backup/sync/reset).
"""

from __future__ import annotations

import errno
import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from curatarr.artwork.batch import BatchResult, RenderJob, render_many
from curatarr.assets.naming import AssetTarget, asset_relpath
from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import Capability
from curatarr.connectors.provider_images import ImageCandidate
from curatarr.modules.base import Module, ModuleError, RunContext, RunResult
from curatarr.posters import choices as store
from curatarr.posters import extra_modes as extra
from curatarr.posters.collections import collection_spec, read_collections
from curatarr.posters.config import MODES, LanguageOverride, PosterMakerConfig, asset_root, backup_root
from curatarr.posters.libraries import MediaItem, iter_server
from curatarr.posters.modes import ItemTarget, find_items
from curatarr.posters.plan import (COUNT_KEYS, AssetSpec, display_title, input_hash, needs_render, render_language,
                                   texts_for)
from curatarr.posters.providers import NeedsNetwork, ProviderLookups, provider_lookups
from curatarr.posters.sourcing import SERVER_TYPES, ServerArt, Sourcer
from curatarr.posters.upload import upload_assets
from curatarr.posters.writer import FolderListing, cleanup, file_sha256, resolve

# Re-exported: the settings moved to curatarr.posters.config (callers and benchmarks import them from here).
__all__ = ["PosterMaker", "PosterMakerConfig", "LanguageOverride", "MODES", "asset_root", "backup_root", "AssetRun"]

FAV_LINKS = {"tmdb": "https://www.themoviedb.org/{t}/{id}/images/posters", "tvdb": "https://thetvdb.com/dereferrer/{t}/{id}",
             "fanart": "https://fanart.tv/{t}/{id}"}
# Write errors that no further asset can escape: the run stops and ends ``error`` (docs/jobs.md).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
RESULT_COUNTS = ("posters", "seasons", "backgrounds", "titlecards", "collections", "errors", "fallbacks",
                 "textless", "truncated", "downloads", "writes", "uploads", "unchanged")


def _choice_lang(lang: str | None) -> str:
    return "false" if not lang else ("Textless" if lang == "xx" else lang)


def _source_id(source: Any) -> str:
    """What identifies a source in the input hash."""
    if isinstance(source, Path):
        st = source.stat()
        return f"manual:{source}:{st.st_size}:{st.st_mtime_ns}"
    return source.url


def choice_record(cfg: PosterMakerConfig, item: MediaItem, spec: AssetSpec, source: Any, fallback: str) -> dict:
    """The ImageChoices row of one asset (what was chosen, from where, and the links to it)."""
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
            "imdbid": item.ids.get("imdb", ""), "text_truncated": False, "low_resolution": False}


class PosterMaker(Module):
    name = "poster_maker"
    title = "Poster maker"
    description = "Posters, season posters, backgrounds and title cards for every library (Posterizarr)."
    category = "artwork"
    Config = PosterMakerConfig
    instance_fields = ("media_servers",)
    # What counts as work done besides rendered assets: assets found up to date, uploads. A run with
    # errors and none of these (server down, every provider look-up failed) ends ``error``.
    work_counts = ("writes", "unchanged", "uploads", "upload_skipped_marker", "images_cleared")

    # ---- setup ------------------------------------------------------------------------------------
    def _servers(self, ctx: RunContext, cfg: PosterMakerConfig, only: str | None = None) -> list[tuple[str, str, Any]]:
        refs = [r for t in SERVER_TYPES for r in ctx.connectors.instances(t)]
        if cfg.media_servers:
            refs = [r for r in refs if r.name in cfg.media_servers]
        if only:
            refs = [r for r in refs if r.name == only]
        return [(r.name, r.type, ctx.connectors.get(r.name, r.type)) for r in refs]

    def _lookups(self, ctx: RunContext, cfg: PosterMakerConfig) -> ProviderLookups:
        return provider_lookups(ctx.connectors, ctx.rt.db, cfg)

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
        root = asset_root(ctx.rt, config)
        for key in RESULT_COUNTS:
            ctx.result.count(key, 0)
        ctx.result.set_data("mode", config.mode)
        runners = {"cleanup": self._cleanup, "testing": self._testing, "manual": self._manual,
                   "backup": self._backup, "sync": self._sync, "reset": self._reset}
        return runners.get(config.mode, self._assets)(ctx, config, root)

    def _assets(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        """Modes ``normal`` (every library) and ``single`` (the item a webhook names)."""
        target = ItemTarget.model_validate(ctx.overrides.get("item") or {}) if config.mode == "single" else None
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
            return self._make_assets(AssetRun(self, ctx, config, root, items, lookups,
                                              dict(servers_by_name(servers)), target))
        finally:
            lookups.close()

    # the other modes' rules live in curatarr.posters.extra_modes
    def _testing(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        extra.run_testing(ctx, config, _artwork(ctx))
        return ctx.result.build()

    def _manual(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        extra.run_manual(ctx, config, root, _artwork(ctx))
        return ctx.result.build()

    def _backup(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        extra.run_backup(ctx, config, self, self._servers(ctx, config), backup_root(ctx.rt, config))
        return ctx.result.build()

    def _sync(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        extra.run_sync(ctx, config, self, self._servers(ctx, config))
        return ctx.result.build()

    def _reset(self, ctx: RunContext, config: PosterMakerConfig, root: Path) -> RunResult:
        extra.run_reset(ctx, config, self._servers(ctx, config))
        return ctx.result.build()

    def _read_items(self, ctx, cfg, servers, target: ItemTarget | None) -> list[MediaItem]:
        items: list[MediaItem] = []
        for name, _type, client in servers:
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

    def _make_assets(self, run: "AssetRun") -> RunResult:
        """The pipeline: choose → fetch → render → write → record → upload (a dry run stops after
        choosing and lists what it would render)."""
        ctx = run.ctx
        ctx.phase("choosing and rendering")
        planned = run.choose()
        if ctx.dry_run:
            run.preview(planned)
            return ctx.result.build()
        try:
            for rendered in run.render(run.fetch(planned)):
                run.write(rendered)
            run.book_failures()
        except ModuleError:
            try:  # keep the choices of what was written before the disk filled up, if the DB still can
                run.record()
            except Exception as exc:  # noqa: BLE001 - the run is failing already; its error says why
                ctx.log.warning("choices of this run could not be saved: %s", exc)
            raise
        finally:
            ctx.result.count("downloads", run.lookups.downloads + run.sourcer.downloads)
        run.record()
        run.upload()
        run.clean_up()
        ctx.result.count("provider_calls", run.lookups.calls)
        return ctx.result.build()

    def _cleanup(self, ctx: RunContext, cfg: PosterMakerConfig, root: Path) -> RunResult:
        dry_run = ctx.dry_run
        keep = set(store.load_assets(ctx.rt.db))
        report = cleanup(root, keep, dry_run=dry_run,
                         protected=tuple(cfg.exclude_libraries) if cfg.library_folders else ())
        ctx.result.set_data("cleanup", report)
        ctx.result.count("images_cleared", report["images_cleared"])
        for rel in report["files"]:
            ctx.result.changed(("would delete " if dry_run else "deleted ") + rel, asset=rel)
        return ctx.result.build()


def _artwork(ctx: RunContext) -> Any:
    from curatarr.artwork.service import artwork_service  # imported when a run needs it

    return artwork_service(ctx.rt)


def servers_by_name(servers: list[tuple[str, str, Any]]) -> Iterator[tuple[str, Any]]:
    for name, _type, client in servers:
        yield name, client


@dataclass
class Planned:
    """One asset the choose stage decided to (re)render."""

    spec: AssetSpec
    item: MediaItem
    source: Any  # Path (manual asset) | ImageCandidate (provider) | ServerArt (the server's own image)
    record: dict  # its ImageChoices row so far


class AssetRun:
    """One normal or single run's state, shared by its stages (methods named after them)."""

    def __init__(self, module: PosterMaker, ctx: RunContext, cfg: PosterMakerConfig, root: Path,
                 items: list[MediaItem], lookups: ProviderLookups, servers: dict[str, Any],
                 target: ItemTarget | None):
        self.module, self.ctx, self.cfg, self.root = module, ctx, cfg, root
        self.lookups, self.servers, self.target = lookups, servers, target
        self.svc = _artwork(ctx)
        self.known = store.load_assets(ctx.rt.db)
        self.sourcer = Sourcer(cfg, lookups, manual_root=Path(cfg.manual_asset_path) if cfg.manual_asset_path else None,
                               servers=servers, known=self.known, asset_root=root, log=ctx.log.info)
        self.records: list[store.ChoiceRecord] = []
        self.all_specs: list[tuple[AssetSpec, MediaItem]] = []
        self.templates: dict[str, Any] = {}
        self.hashes: dict[str, str] = {}
        kinds = ("poster", "background", "season", "titlecard") + (("collection",) if cfg.collections else ())
        for kind in kinds:
            try:
                self.templates[kind] = self.svc.store.resolve(cfg.templates.get(kind) or cfg.template, kind)
            except Exception as exc:  # TemplateNotFound / TemplateError: a configuration mistake
                raise ModuleError(f"template for {kind}: {exc}") from None
            self.hashes[kind] = self.templates[kind].content_hash()
        self.active: list[MediaItem] = []
        for item in items:
            if item.skipped(cfg.skip_label):
                ctx.result.count("skipped_label")
            else:
                self.active.append(item)
        self.on_disk = FolderListing(root)  # read before anything is written this run
        self.work: dict[int, Planned] = {}  # fetch index → what is being fetched and rendered
        self.failed: list[tuple[int, str]] = []  # (fetch index, why) of downloads and renders that failed
        self.done = 0  # render results booked so far

    # ---- choose -----------------------------------------------------------------------------------
    def _decide(self, item: MediaItem, offline: bool = False) -> list:
        if self.ctx.cancelled:
            return []
        lookups = self.lookups
        try:
            with lookups.offline(offline):
                decided = [(spec, item, *self.sourcer.choose(item, spec))
                           for spec in self.module.specs_for(self.cfg, item, self.target)]
        except NeedsNetwork:
            raise  # the item goes to a look-up thread, which uses the answers loaded so far
        except BaseException:
            lookups.release(item.ids)
            raise
        lookups.release(item.ids)
        return decided

    def _decisions(self) -> Iterator[list]:
        """Each item's decisions. An item whose provider answers are all cached is decided right
        here (a no-op run needs no thread at all: handing cached work to threads only made them
        queue for the GIL); an item that needs the network goes to a look-up thread (per-provider
        rate limits apply inside each client), at most a few dozen items ahead."""
        workers = self.cfg.download_workers
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set = set()
            for item in self.active:
                try:
                    decided = self._decide(item, offline=True)
                except NeedsNetwork:
                    pending.add(pool.submit(self._decide, item))
                else:
                    yield decided
                if len(pending) >= workers * 4:
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

    def choose(self) -> Iterator[Planned]:
        """Stage 1: every asset whose source or inputs changed since it was last written. Missing
        sources are recorded (once); unchanged assets are only counted."""
        ctx, cfg, known, sourcer = self.ctx, self.cfg, self.known, self.sourcer
        for n, decided in enumerate(self._decisions()):
            ctx.check_cancelled()
            if n % 50 == 0:
                ctx.progress(n, len(self.active), phase="choosing and rendering")
            for spec, item, source, fallback, _reason in decided:
                self.all_specs.append((spec, item))
                if source is None:
                    ctx.result.count("missing")
                    if spec.key in sourcer.refused:   # remembered: no re-download until the cache time ends
                        status = "refused"
                    elif spec.key not in sourcer.remembered and known.get(spec.key, {}).get("status") != "written":
                        status = "missing"
                    else:
                        continue
                    self.records.append(store.ChoiceRecord(spec.key, {**choice_record(cfg, item, spec, source, fallback),
                                                                      "status": status}))
                    continue
                h = input_hash(_source_id(source), self.templates[spec.kind].id, self.hashes[spec.kind], spec.texts)
                row = known.get(spec.key) or {}
                exists = row.get("status") == "truncated" or self.on_disk.exists(spec.key)
                if not needs_render(h, row.get("input_hash"), exists):
                    ctx.result.count("unchanged")   # nothing to record: the row already says all this
                    continue
                yield Planned(spec, item, source, {**choice_record(cfg, item, spec, source, fallback), "input_hash": h})

    def preview(self, planned: Iterable[Planned]) -> None:
        """Dry run: what the choose stage would hand on, and nothing else."""
        for p in planned:
            self.ctx.result.changed(f"would render {p.spec.key}", asset=p.spec.key)
        self.ctx.result.count("provider_calls", self.lookups.calls)

    # ---- fetch ------------------------------------------------------------------------------------
    def _download(self, index: int) -> bytes:
        # Bytes go to the renderer directly: no temp files, and libvips decodes from memory.
        source = self.work[index].source
        if isinstance(source, Path):
            return source.read_bytes()
        if isinstance(source, ServerArt):
            return self.sourcer.fetch(source)
        return self.lookups.download(source)

    def fetch(self, planned: Iterable[Planned]) -> Iterator[RenderJob]:
        """Stage 2: download the chosen images a few at a time while the plan is still being made
        and the renderer works: choosing (network), downloading (network) and rendering (CPU,
        process pool) overlap instead of running one after the other."""
        source_iter = enumerate(planned)
        workers = self.cfg.download_workers
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: dict = {}
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < workers * 2:
                    try:
                        i, entry = next(source_iter)
                    except StopIteration:
                        exhausted = True
                        break
                    self.work[i] = entry
                    pending[pool.submit(self._download, i)] = i
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    i = pending.pop(fut)
                    spec = self.work[i].spec
                    try:
                        image = fut.result()
                    except (ConnectorError, OSError) as exc:
                        self.failed.append((i, f"download failed: {exc}"))
                        continue
                    out = resolve(self.root, spec.key)
                    yield RenderJob(kind=spec.kind, image=image, texts=spec.texts, out=str(out),
                                    template=self.templates[spec.kind].id, output_format="jpeg", job_id=i)

    # ---- render -----------------------------------------------------------------------------------
    def render(self, jobs: Iterable[RenderJob]) -> Iterator[BatchResult]:
        """Stage 3: draw in the artwork engine's process pool; each worker writes its file atomically."""
        return render_many(jobs, workers=self.cfg.workers, setup=self.svc.worker_setup())

    # ---- write ------------------------------------------------------------------------------------
    def write(self, result: BatchResult) -> None:
        """Stage 4: book one rendered asset: its file hash, counts and choice row (or why it failed)."""
        ctx = self.ctx
        i = int(result.job_id)
        planned = self.work[i]
        spec = planned.spec
        self.done += 1
        ctx.progress(self.done, len(self.work), item=spec.key, phase="rendering")
        self.svc.persist_fit_entries(result.fit_entries)
        if not result.ok:
            self.failed.append((i, result.error or "render failed"))
            if result.errno in DISK_FULL_ERRNOS:
                # Every further asset would fail the same way: stop, book what failed, end ``error``.
                self.book_failures()
                raise ModuleError(f"cannot write assets: {os.strerror(result.errno)} ({spec.key})")
            return
        rec = {**planned.record, "text_truncated": bool(result.truncated), "low_resolution": result.low_resolution}
        if result.truncated:
            ctx.result.count("truncated")
        if result.skipped or not result.out:
            self.records.append(store.ChoiceRecord(spec.key, {**rec, "status": "truncated", "file_hash": ""}))
            return
        ctx.result.count(COUNT_KEYS[spec.kind])
        ctx.result.count("writes")
        if rec["fallback"] != "false":
            ctx.result.count("fallbacks")
        if rec["language"] == "Textless":
            ctx.result.count("textless")
        self.records.append(store.ChoiceRecord(spec.key, {**rec, "status": "written",
                                                          "file_hash": file_sha256(Path(result.out))}))
        ctx.result.changed(f"rendered {spec.key}", asset=spec.key, kind=spec.kind)

    def book_failures(self) -> None:
        """Downloads and renders that failed: an error on the result and an ``error`` choice row each;
        provider look-ups that failed: an error each (their items had no candidates from that provider)."""
        failed, self.failed = self.failed, []
        for key, message in self.lookups.failures:
            self.ctx.result.count("errors")
            self.ctx.result.error_item(key, f"provider look-up failed: {message}")
        self.lookups.failures.clear()
        for i, message in failed:
            planned = self.work[i]
            self.ctx.result.count("errors")
            self.ctx.result.error_item(planned.spec.key, message)
            self.records.append(store.ChoiceRecord(planned.spec.key, {**planned.record, "status": "error"}))

    # ---- record -----------------------------------------------------------------------------------
    def record(self) -> None:
        """Stage 5: store every choice made this run (the upload stage reads them back)."""
        store.save_choices(self.ctx.rt.db, self.records)

    # ---- upload -----------------------------------------------------------------------------------
    def upload(self) -> None:
        """Stage 6: push new (or, with ``upload_existing_assets``, unmarked existing) files to the servers."""
        if self.cfg.upload or self.cfg.upload_existing_assets:
            rendered = {r.asset_key for r in self.records if r.values.get("status") == "written"}
            upload_assets(self.ctx, self.cfg, self.root, self.all_specs, self.servers, rendered)

    def clean_up(self) -> None:
        """After a whole-library run with ``asset_cleanup``: delete asset files no item needs any more."""
        cfg = self.cfg
        if cfg.asset_cleanup and self.target is None:
            keep = {spec.key for spec, _ in self.all_specs}
            self.ctx.result.set_data("cleanup", cleanup(self.root, keep, dry_run=False,
                                                        protected=tuple(cfg.exclude_libraries) if cfg.library_folders else ()))
