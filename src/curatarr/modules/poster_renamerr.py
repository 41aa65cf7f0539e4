"""poster_renamerr: poster-set files (TPDb/MediUX sets, Drive mirrors, uploads) → Kometa asset files
named after the media items they belong to, optionally uploaded to media servers and handed to
border_replacerr.

A run: (sync_gdrive) → index the source folders (incremental) → refresh the *arr items in the media
cache → match every poster (ids, then titles; ``poster_library.matching``) → per item and season the
poster of the last source folder wins → place it in ``destination_dir`` (copy / move / hardlink /
symlink, flat or Kometa folders) unless the record says the target already holds that exact source
content → uploads (hash-checked) → border hand-off → orphan cleanup. Dry run: indexes and matches
(the index is Curatarr's own state) but writes, moves, links, uploads and deletes nothing.

Scoped runs (``poster_ids`` from the posters API, ``media_ids`` or a webhook's item) do the same for
those posters / items only and never clean up.

Differences from CHUB: a changed source file is re-copied on every run (CHUB only on webhooks); ids
are stable; matching has no prefix misses; a run whose files could not be written ends ``error``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleError, RunContext, RunResult
from curatarr.poster_library import candidates as cand
from curatarr.poster_library import index, renamer, sources
from curatarr.poster_library.renamer_config import PosterRenamerrConfig
from curatarr.poster_library.uploads import upload_posters
from curatarr.security.paths import is_within

UNMATCHED_LISTED = 2000


class PosterRenamerr(Module):
    name = "poster_renamerr"
    title = "Poster Renamerr"
    description = "Copies poster-set files into the Kometa asset folder, named after the items they belong to."
    category = "artwork"
    Config = PosterRenamerrConfig

    def run(self, ctx: RunContext, config: PosterRenamerrConfig) -> RunResult:
        ctx.log.setLevel(getattr(logging, config.log_level.upper()))
        dest = self._destination(ctx, config)
        if config.mode == "cleanup_orphans":
            self._cleanup(ctx, config, dest, keep=None)
            return ctx.result.build()
        if config.sync_posters:
            self._sync_gdrive(ctx)
        src = sources.check(ctx.rt, config.source_dirs, config.upload_dir or None)
        for problem in src.problems:
            ctx.result.warn(f"source {problem['path']}: {problem['error']}; skipped")
        if not src.folders:
            raise ModuleError("no usable poster source folder (set poster_renamerr.source_dirs to allowed folders)")

        ctx.phase("indexing")
        configured = [str(Path(p).expanduser().resolve()) for p in [*config.source_dirs, config.upload_dir] if p]
        scan = index.scan(ctx.rt.db, src.folders, ctx.rt.roots(), keep=configured, check_cancelled=ctx.check_cancelled,
                          progress=lambda d, t, s: ctx.progress(d, t, item=s, phase="indexing"))
        for e in scan.errors[:100]:
            ctx.result.warn(f"{e['source']}/{e['path']}: {e['error']}")
        ctx.result.count("files_indexed", scan.files)
        ctx.result.count("files_read", scan.new + scan.changed)
        ctx.result.count("bad_files", renamer.count_bad(ctx.rt.db, src))   # 0-byte, not an image, … (rows with error)
        ctx.result.count("scan_errors", scan.errors_total)                  # loops, unreadable, outside roots …

        arr_names, servers, upload_to = self._instances(ctx, config)
        if config.refresh_library and arr_names:
            ctx.phase("reading the media cache")
            from curatarr.library.sync import sync_instances

            # The upload servers too: their items, linked to the *arr items, are where posters go.
            report = sync_instances(ctx.rt, [*arr_names, *upload_to], cancelled=lambda: ctx.cancelled)
            for inst in report.instances:
                if getattr(inst, "error", None):
                    ctx.result.warn(f"{inst.instance}: media cache not refreshed: {inst.error}")
        ctx.check_cancelled()
        cands = cand.Candidates()
        cand.arr_candidates(ctx.rt, arr_names, cands)
        cand.collection_candidates(ctx.rt, servers, cands)
        for e in cands.errors:
            ctx.result.warn(f"{e['instance']}: collections not read: {e['error']}")
        ctx.result.count("media_items", len(cands.media))

        ctx.phase("matching")
        posters = renamer.load_posters(ctx.rt.db, src)
        decisions, winners = renamer.decide(posters, cands)
        scoped = bool(config.poster_ids or config.media_ids or self._webhook_item(ctx))
        if scoped:
            pairs = self._scoped_pairs(ctx, config, decisions, winners, cands)
            touched = {p.id for p, _, _ in pairs} | set(config.poster_ids)
            renamer.save_matches(ctx.rt.db, [d for d in decisions if d.poster.id in touched], cands)
        else:
            pairs = [(poster, media, season) for (media, season), poster in winners.items()]
            renamer.save_matches(ctx.rt.db, decisions, cands)
        self._report_matches(ctx, config, decisions, scoped)
        plans, homeless = renamer.plan_targets(pairs, cands, asset_folders=config.asset_folders)
        for poster, why in homeless:
            ctx.result.warn(f"{poster.relpath}: {why}")

        written = self._place_all(ctx, config, dest, plans, src)
        if upload_to:
            self._upload(ctx, config, dest, plans, upload_to)
        if config.run_border_replacerr:
            self._hand_to_border(ctx, config, dest, plans, written)
        if config.run_cleanarr and not scoped:
            self._cleanup(ctx, config, dest, keep={str(dest / p.relpath) for p in plans})
        return ctx.result.build()

    # ---- settings ------------------------------------------------------------------------------------
    def _destination(self, ctx: RunContext, config: PosterRenamerrConfig) -> Path:
        if not config.destination_dir:
            raise ModuleError("poster_renamerr.destination_dir is not set (the Kometa asset folder)")
        dest = Path(config.destination_dir).expanduser()
        if not dest.is_absolute():
            raise ModuleError("poster_renamerr.destination_dir must be an absolute path")
        if not dest.is_dir():
            if ctx.dry_run or not dest.parent.is_dir():
                raise ModuleError(f"destination folder {dest} does not exist")
            dest.mkdir()
        dest = dest.resolve()
        if not is_within(dest, [r for r in ctx.rt.roots() if r != ctx.rt.data_dir]):
            raise ModuleError(f"destination folder {dest} is not inside an allowed root")
        return dest

    def _instances(self, ctx: RunContext, config: PosterRenamerrConfig):
        refs = {r.name: r for r in ctx.connectors.instances(enabled_only=False)}
        arr_names: list[str] | None = [] if config.instances else None
        servers: dict[str, list[str]] = {}
        upload_to: list[str] = []
        for entry in config.instances:
            ref = refs.get(entry.name)
            if ref is None:
                ctx.result.warn(f"{entry.name}: not a configured instance; skipped")
            elif not ref.enabled:
                ctx.result.warn(f"{entry.name}: disabled; skipped")
            elif ref.spec.category == "arr":
                arr_names.append(entry.name)  # type: ignore[union-attr]
            elif ref.spec.category == "media_server":
                servers[entry.name] = list(entry.library_names)
                if entry.add_posters:
                    upload_to.append(entry.name)
            else:
                ctx.result.warn(f"{entry.name}: a {ref.type} instance has no media; skipped")
        if arr_names is None:  # no instances named: every *arr in the cache
            arr_names = [r.name for r in refs.values() if r.enabled and r.spec.category == "arr"]
        return arr_names, servers, upload_to

    # ---- scope ---------------------------------------------------------------------------------------
    @staticmethod
    def _webhook_item(ctx: RunContext) -> dict | None:
        item = (ctx.origin or {}).get("item")
        return item if isinstance(item, dict) else None

    def _scoped_pairs(self, ctx, config, decisions, winners, cands) -> list:
        chosen: dict[tuple[int, int | None], object] = {}
        wanted_posters = set(config.poster_ids)
        # The named posters themselves, even where an unnamed one from a later folder would win; when
        # several named posters go to one target, the priority order (decisions are in it) decides.
        for d in decisions:
            if d.poster.id not in wanted_posters:
                continue
            if d.match.media is not None:
                chosen[(d.match.media, d.match.season)] = d.poster
            else:
                ctx.result.count("posters_unmatched_named")
                ctx.result.warn(f"poster {d.poster.id} ({d.poster.relpath}) matches no media item: {d.match.reason}")
        missing = wanted_posters - {d.poster.id for d in decisions}
        for pid in sorted(missing):
            ctx.result.warn(f"poster {pid} is not a usable indexed poster (unknown, unreadable or from a removed source)")
        media = set(config.media_ids) | self._webhook_media(ctx, cands)
        for (i, season), poster in winners.items():
            if cands.places[i].media_id in media:
                chosen.setdefault((i, season), poster)
        if not chosen:
            ctx.result.warn("no poster matches the requested item(s); nothing to do")
        return [(poster, i, season) for (i, season), poster in chosen.items()]

    def _webhook_media(self, ctx: RunContext, cands) -> set[str]:
        item = self._webhook_item(ctx)
        if not item:
            return set()
        instance = (ctx.origin or {}).get("instance")
        ids = item.get("ids") or {}
        out = set()
        for m, place in zip(cands.media, cands.places):
            if instance and place.media_id == f"{instance}:{item.get('arr_id')}":
                out.add(place.media_id)
            elif (item.get("kind") == "movie" and m.kind == "movie" and ids.get("tmdbId") and m.tmdb == ids["tmdbId"]) or \
                 (item.get("kind") == "series" and m.kind == "show" and ids.get("tvdbId") and m.tvdb == ids["tvdbId"]):
                out.add(place.media_id)
        if not out:
            ctx.result.warn(f"the webhook's item {item.get('title')!r} is not in the media cache")
        return out

    # ---- steps ---------------------------------------------------------------------------------------
    def _report_matches(self, ctx, config, decisions, scoped: bool) -> None:
        matched = [d for d in decisions if d.match.media is not None]
        unmatched = [d for d in decisions if d.match.media is None]
        ctx.result.count("posters_matched", len(matched))
        ctx.result.count("posters_unmatched", len(unmatched))
        if config.report_unmatched_assets and not scoped:
            ctx.result.set_data("unmatched", [{"id": d.poster.id, "file": d.poster.relpath, "source": d.poster.source,
                                               "reason": d.match.reason} for d in unmatched[:UNMATCHED_LISTED]])

    def _place_all(self, ctx, config, dest: Path, plans, src: sources.Sources) -> list[str]:
        records = renamer.load_records(ctx.rt.db)
        by_media: dict[str, list[str]] = {}
        for rec in records.values():
            by_media.setdefault(rec.media, []).append(rec.target)
        written: list[str] = []
        pending: list[dict] = []
        stale_all: list[str] = []
        failed = 0
        verb = "would write" if ctx.dry_run else "wrote"
        checked_dirs: dict[Path, bool] = {}
        try:
            for n, plan in enumerate(sorted(plans, key=lambda p: p.relpath)):
                ctx.check_cancelled()
                if n % 100 == 0:
                    ctx.progress(n, len(plans), item=plan.relpath, phase="placing")
                target = dest / plan.relpath
                parent = target.parent
                if parent not in checked_dirs:  # a symlinked item folder must not lead out of the destination
                    checked_dirs[parent] = is_within(parent.resolve() if parent.exists() else parent, [dest])
                if not checked_dirs[parent]:
                    ctx.result.error_item(plan.relpath, "target escapes the destination folder")
                    failed += 1
                    continue
                rec = records.get(str(target))
                if rec is not None and rec.action == "move" and not os.path.exists(rec.source_path) \
                        and src.rank_of_path(rec.source_path) > src.rank(plan.poster.source) and target.exists():
                    # A poster we moved here came from a higher-priority folder; the file that wins now
                    # only won because the mover's original is gone. Keep the moved one.
                    ctx.result.count("unchanged")
                    continue
                if renamer.up_to_date(target, plan, rec, config.action_type):
                    ctx.result.count("unchanged")
                    if not config.print_only_renames:
                        ctx.log.debug("up to date: %s", plan.relpath)
                    continue
                if ctx.dry_run:
                    ctx.result.count("would_write")
                    ctx.result.changed(f"{verb} {plan.relpath} ← {plan.poster.relpath}", target=plan.relpath,
                                       poster_id=plan.poster.id, media=plan.place.media_id)
                    continue
                try:
                    renamer.place(plan.poster.path, target, config.action_type)
                except OSError as exc:
                    failed += 1
                    ctx.result.error_item(plan.relpath, f"{config.action_type} failed: {exc.strerror or exc}")
                    continue
                pending.append(renamer.record_row(target, plan, config.action_type))
                for old in by_media.get(plan.media_key, []):  # the same item's earlier file, other extension
                    if old != str(target) and os.path.lexists(old) and is_within(Path(old).parent.resolve(), [dest]):
                        os.unlink(old)
                        stale_all.append(old)
                        ctx.log.info("removed %s (replaced by %s)", old, target)
                written.append(str(target))
                ctx.result.count("written")
                ctx.result.changed(f"{verb} {plan.relpath} ← {plan.poster.relpath}", target=plan.relpath,
                                   poster_id=plan.poster.id, media=plan.place.media_id, action=config.action_type)
                ctx.log.info("%s %s → %s", config.action_type, plan.poster.path, target)
                if len(pending) >= 500:
                    renamer.save_records(ctx.rt.db, pending)
                    pending = []
        finally:  # what was written is recorded even when the run is cancelled midway
            renamer.save_records(ctx.rt.db, pending)
            renamer.forget_records(ctx.rt.db, stale_all)
        ctx.progress(len(plans), len(plans), phase="placed")
        if failed and failed == len(plans):
            raise ModuleError(f"none of the {failed} posters could be placed (see the errors)")
        return written

    def _upload(self, ctx, config, dest: Path, plans, upload_to: list[str]) -> None:
        clients = {}
        for name in upload_to:
            try:
                clients[name] = ctx.connectors.get(name)
            except (ConnectorError, KeyError, ValueError) as exc:
                ctx.result.error_item(name, f"cannot connect: {exc}")
        live = [p for p in plans if (dest / p.relpath).exists()] if not ctx.dry_run else plans
        rep = upload_posters(ctx.rt.db, live, dest, clients, dry_run=ctx.dry_run, check_cancelled=ctx.check_cancelled)
        for item, message in rep.errors:
            ctx.result.error_item(item, message)
        for message in rep.warnings:
            ctx.result.warn(message)
        ctx.result.count("uploads_planned" if ctx.dry_run else "uploads", rep.planned if ctx.dry_run else rep.uploaded)
        if not ctx.dry_run:
            ctx.result.count("uploads_skipped_same", rep.skipped_same)
            ctx.result.count("overlay_labels_removed", rep.labels_removed)

    def _hand_to_border(self, ctx, config, dest: Path, plans, written: list[str]) -> None:
        files = written if config.incremental_border_replacerr else [str(dest / p.relpath) for p in plans
                                                                    if (dest / p.relpath).exists()]
        if not files:
            return
        from curatarr.modules import registry

        if not registry.exists("border_replacerr") or ctx.rt.jobs is None:
            ctx.result.warn("border_replacerr is not installed (or jobs are not running); no hand-off")
            return
        if ctx.dry_run:
            ctx.result.count("border_files_planned", len(files))
            return
        job_id = ctx.rt.jobs.submit("border_replacerr", overrides={"input_files": files})
        ctx.result.set_data("border_replacerr_job", job_id)
        ctx.result.count("border_files", len(files))

    def _sync_gdrive(self, ctx: RunContext) -> None:
        from curatarr.modules import registry
        from curatarr.modules.base import prepare_run

        module = registry.try_get("sync_gdrive")
        if module is None:
            ctx.result.warn("sync_posters is on but sync_gdrive is not installed; skipped")
            return
        ctx.phase("syncing Google Drive")
        settings = prepare_run(ctx.rt, module, dry_run=ctx.dry_run)
        # The sync runs inside this job: same log, and the same cancel event (RunContext has no public
        # accessor for it), so cancelling the renamer stops rclone too.
        sub = RunContext(ctx.rt, job_id=ctx.job_id, module=module.name, dry_run=settings.dry_run, log=ctx.log,
                         cancel_event=ctx._cancel)
        try:
            result = module.run(sub, settings.config)
        finally:
            sub.connectors.close()
        for key, value in result.counts.items():
            ctx.result.count(f"gdrive_{key}", value)
        for err in result.errors:
            ctx.result.error_item(err.get("item"), err.get("message"))

    def _cleanup(self, ctx, config, dest: Path, keep: set[str] | None) -> None:
        """Delete asset files we wrote (recorded) that no current poster maps to. ``keep=None``
        (cleanup mode): those whose source poster is gone from disk."""
        records = renamer.load_records(ctx.rt.db)
        orphans = []
        for target, rec in records.items():
            if rec.action == "move":
                continue  # the only copy of that art: never deleted as an orphan
            if (keep is not None and target not in keep) or (keep is None and not os.path.exists(rec.source_path)):
                orphans.append(target)
        removed = []
        for target in orphans:
            ctx.check_cancelled()
            path = Path(target)
            if not is_within(path.parent.resolve(), [dest]):
                ctx.result.warn(f"{target}: outside the destination folder; not deleted")
                continue
            if ctx.dry_run:
                ctx.result.changed(f"would delete orphan {target}", target=target)
                continue
            if os.path.lexists(path):
                path.unlink()
                ctx.log.warning("deleted orphaned asset %s", target)
                ctx.result.changed(f"deleted orphan {target}", target=target)
            removed.append(target)
        if not ctx.dry_run:
            renamer.forget_records(ctx.rt.db, removed)
        ctx.result.count("orphans_would_delete" if ctx.dry_run else "orphans_deleted",
                         len(orphans) if ctx.dry_run else len(removed))
