"""One ``plex_maintenance`` run: the server tasks (empty trash, clean bundles, optimize database)
through the media-server interface (``Capability.MAINTENANCE``), in that order with a pause
between two tasks, then the PhotoTranscoder cache inside the configured Plex folder. Cancellation
is checked between tasks (the pause wakes on cancel); a dry run calls nothing and deletes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import Capability
from curatarr.errors import Unavailable
from curatarr.plex_cleanup.config import PlexMaintenanceConfig
from curatarr.plex_cleanup.context import media_server, plex_root

if TYPE_CHECKING:
    from curatarr.modules.base import RunContext

SERVER_TASKS = (("empty_trash", "empty_trash", "emptying the trash"),
                ("clean_bundles", "clean_bundles", "cleaning bundles"),
                ("optimize_db", "optimize", "optimizing the database"))
TRANSCODER = Path("Cache") / "PhotoTranscoder"


def run_maintenance(ctx: "RunContext", config: PlexMaintenanceConfig) -> None:
    tasks = [t for t in SERVER_TASKS if getattr(config, t[0])]
    total = len(tasks) + int(config.photo_transcoder)
    if total == 0:
        ctx.result.warn("no task is switched on (empty_trash, clean_bundles, optimize_db, photo_transcoder)")
        ctx.result.count("tasks_run", 0)
        return
    root = plex_root(ctx.rt, config.plex_path, need_metadata=False) if config.photo_transcoder else None
    client = server_name = None
    if tasks:
        found = media_server(ctx.connectors, config.instances, Capability.MAINTENANCE)
        if found is None:
            raise Unavailable("no enabled media server supports maintenance (configure a Plex instance)",
                              code="PLEX_UNAVAILABLE")
        server_name, client = found
    done = 0
    for n, (flag, method, label) in enumerate(tasks):
        ctx.check_cancelled()
        if n:
            ctx.sleep(config.sleep)
        ctx.progress(done, total, item=server_name, phase=label)
        if ctx.dry_run:
            ctx.result.changed(f"would run {flag} on {server_name}", task=flag, instance=server_name)
            ctx.result.count("would_run")
        else:
            try:
                getattr(client, method)()
            except ConnectorError as exc:
                ctx.result.error_item(flag, str(exc))
                ctx.result.count("tasks_failed")
                ctx.log.error("%s on %s failed: %s", flag, server_name, exc)
                done += 1
                continue
            ctx.log.info("%s: %s done", server_name, flag)
            ctx.result.changed(f"{flag} on {server_name}", task=flag, instance=server_name)
            ctx.result.count("tasks_run")
        done += 1
    if root is not None:
        ctx.check_cancelled()
        if tasks:
            ctx.sleep(config.sleep)
        ctx.progress(done, total, item=str(root / TRANSCODER), phase="clearing the PhotoTranscoder cache")
        _photo_transcoder(ctx, root)
        done += 1
    ctx.progress(done, total, phase="done")


def _photo_transcoder(ctx: "RunContext", root: Path) -> None:
    cache = root / TRANSCODER
    files = size = failed = 0
    if cache.is_dir() and not cache.is_symlink():
        for dirpath, dirnames, filenames in os.walk(cache, topdown=False):
            ctx.check_cancelled()
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    st = path.lstat()
                    if not ctx.dry_run:
                        path.unlink()
                except OSError as exc:
                    failed += 1
                    ctx.result.error_item(str(path), str(exc))
                    continue
                files += 1
                size += st.st_size
            if not ctx.dry_run and Path(dirpath) != cache:
                try:
                    os.rmdir(dirpath)
                except OSError:
                    pass
    verb = "would_delete" if ctx.dry_run else "transcoder_files_deleted"
    ctx.result.count(verb, files)
    ctx.result.count(f"{verb}_bytes" if ctx.dry_run else "transcoder_bytes_freed", size)
    if failed:
        ctx.result.count("transcoder_failed", failed)
    ctx.log.info("PhotoTranscoder: %s %d files (%d bytes)", "would delete" if ctx.dry_run else "deleted", files, size)
    if not ctx.dry_run:
        ctx.result.count("tasks_run")
    else:
        ctx.result.count("would_run")
