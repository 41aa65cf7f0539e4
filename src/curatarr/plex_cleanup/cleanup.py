"""One ``poster_cleanarr`` run: report / move / remove Plex metadata bloat (and our own orphaned
asset files), or restore / clear the restore folder. ``ctx`` is the module's RunContext.

Counts: ``bloat_files``/``bloat_bytes`` (inactive variants found), ``asset_orphans``, then what the
mode did: ``moved``, ``removed``, ``restored``, ``cleared`` (``would_*`` in a dry run), ``failed``.
Every file touched is inside ``Metadata/`` of the Plex folder (never ``Contents/``), inside the asset
folder, or inside the restore folder.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from curatarr.plex_cleanup import actions
from curatarr.plex_cleanup.config import PosterCleanarrConfig
from curatarr.plex_cleanup.context import library_database, plex_root, restore_root
from curatarr.plex_cleanup.orphans import asset_root, find_orphans
from curatarr.plex_cleanup.scan import filter_targets, walk

if TYPE_CHECKING:
    from curatarr.modules.base import RunContext

PHASES = {"move": "moving", "remove": "removing"}


def run_cleanup(ctx: "RunContext", config: PosterCleanarrConfig) -> None:
    mode = config.mode
    ctx.result.set_data("mode", mode)
    ctx.result.set_data("dry_run", ctx.dry_run)
    if mode == "nothing":
        ctx.log.info("mode 'nothing': no work")
        return
    rt = ctx.rt
    restore = restore_root(rt, config.restore_dir)
    if mode == "clear":
        _clear(ctx, restore)
        return
    root = plex_root(rt, config.plex_path)
    if mode == "restore":
        _restore(ctx, root, restore)
        return
    ctx.progress(0, 0, phase="reading the library database")
    db = library_database(rt, ctx.connectors, config, root, log=ctx.log)
    ctx.result.set_data("database_source", db.source)
    ctx.check_cancelled()
    ctx.progress(0, 0, phase="scanning Metadata bundles")
    variants = walk(root, db.in_use, check=ctx.check_cancelled)
    bloat = [v for v in filter_targets(variants, root, config.targets) if not v.active]
    ctx.result.count("variants", len(variants))
    ctx.result.count("bloat_files", len(bloat))
    ctx.result.count("bloat_bytes", sum(v.size for v in bloat))
    for kind, n in sorted(Counter(v.kind for v in bloat).items()):
        ctx.result.count(f"bloat_{kind}", n)
    todo: list[tuple[str, Path, str, int]] = [(actions.PLEX, root, v.rel, v.size) for v in bloat]
    assets = asset_root(rt) if config.orphaned_assets and not config.targets else None
    if assets is not None:
        orphans = find_orphans(rt, assets, check=ctx.check_cancelled)
        ctx.result.count("asset_orphans", len(orphans))
        todo += [(actions.ASSETS, assets, o.rel, o.size) for o in orphans]
    if mode == "report":
        for area, _, rel, size in todo:
            ctx.result.changed(f"{'Plex' if area == actions.PLEX else 'asset'} bloat: {rel}", area=area, path=rel,
                               size=size)
        ctx.log.info("report: %d bloat files (%d bytes) in Metadata", len(bloat), sum(v.size for v in bloat))
        return
    _move_or_remove(ctx, config, mode, todo, restore)


def _move_or_remove(ctx: "RunContext", config: PosterCleanarrConfig, mode: str,
                    todo: list[tuple[str, Path, str, int]], restore: Path) -> None:
    verb = ("would_" if ctx.dry_run else "") + ("moved" if mode == "move" else "removed")
    if mode == "move" and not ctx.dry_run:
        actions.ensure_restore_dir(restore)
    touched: dict[Path, set[Path]] = {}
    for n, (area, base, rel, size) in enumerate(todo):
        ctx.check_cancelled()
        ctx.progress(n, len(todo), item=rel, phase=PHASES[mode])
        source = base / rel
        if not ctx.dry_run:
            try:
                if mode == "move":
                    actions.move_file(source, restore / area / rel)
                else:
                    source.unlink()
            except (OSError, actions.MoveRefused) as exc:
                ctx.result.count("failed")
                ctx.result.error_item(rel, str(exc))
                ctx.log.warning("%s %s failed: %s", mode, rel, exc)
                continue
            touched.setdefault(base, set()).add(source.parent)
            ctx.log.info("%s %s (%d bytes)", "moved" if mode == "move" else "deleted", source, size)
        ctx.result.count(verb)
        ctx.result.count(f"{verb}_bytes", size)
        ctx.result.changed(f"{verb.replace('_', ' ')}: {rel}", area=area, path=rel, size=size)
    ctx.progress(len(todo), len(todo), phase="done")
    if config.remove_empty_dirs and not ctx.dry_run:
        _prune(ctx, touched)


def _prune(ctx: "RunContext", touched: dict[Path, set[Path]]) -> None:
    pruned = 0
    for base, folders in touched.items():
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            # Inside a bundle, stop at the bundle: PMS keeps bundle folders of live items.
            parts = folder.relative_to(base).parts
            idx = next((i for i, p in enumerate(parts) if p.endswith(".bundle")), None)
            stop = base.joinpath(*parts[:idx + 1]) if idx is not None else base
            pruned += actions.prune_empty(folder, stop)
    if pruned:
        ctx.result.count("folders_removed", pruned)


def _restore(ctx: "RunContext", root: Path, restore: Path) -> None:
    if not actions.is_restore_dir(restore):
        ctx.log.info("no restore folder at %s: nothing to restore", restore)
        ctx.result.count("would_restore" if ctx.dry_run else "restored", 0)
        return
    assets = asset_root(ctx.rt)
    parked = actions.parked_files(restore)
    verb = "would_restore" if ctx.dry_run else "restored"
    for n, item in enumerate(parked):
        ctx.check_cancelled()
        ctx.progress(n, len(parked), item=item.rel, phase="restoring")
        try:
            target = actions.restore_target(item, root, assets)
            if not ctx.dry_run:
                actions.move_file(item.source, target)
                actions.prune_empty(item.source.parent, restore)
        except (OSError, actions.MoveRefused) as exc:
            ctx.result.count("failed")
            ctx.result.error_item(item.rel, str(exc))
            continue
        ctx.result.count(verb)
        ctx.result.count(f"{verb}_bytes", item.size)
        ctx.result.changed(f"{verb.replace('_', ' ')}: {item.rel}", area=item.area, path=item.rel, size=item.size)
    if not parked:
        ctx.result.count(verb, 0)
    ctx.progress(len(parked), len(parked), phase="done")


def _clear(ctx: "RunContext", restore: Path) -> None:
    if not actions.is_restore_dir(restore):
        ctx.result.count("would_clear" if ctx.dry_run else "cleared", 0)
        return
    files, size = actions.clear(restore, dry_run=ctx.dry_run)
    verb = "would_clear" if ctx.dry_run else "cleared"
    ctx.result.count(verb, files)
    ctx.result.count(f"{verb}_bytes", size)
    ctx.log.info("%s %d files (%d bytes) in %s", verb.replace("_", " "), files, size, restore)

