"""cache_refresh — the hidden system module that fills the media library.

Overrides (all optional):

* ``instances``: names to sync (``None`` = every enabled *arr and media server);
* ``full``: rewrite every item and re-read every series' episodes (default: incremental);
* ``items``: media ids to re-read one by one instead of whole instances;
* ``arr_action``: ``"refresh"`` / ``"rescan"`` — first ask the *arr to refresh metadata / rescan
  disk for ``items`` (fix-metadata, scan of paths) and wait for its commands, then re-read them.

All the work is :mod:`curatarr.library.sync`; this wrapper adds progress, cancellation and the result.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from curatarr.modules.base import Cancelled, Module, ModuleConfig, ModuleError, RunContext, RunResult


class CacheRefreshConfig(ModuleConfig):
    instances: list[str] | None = Field(None, description="Instances to sync; empty = every enabled one")
    full: bool = Field(False, description="Rewrite every item instead of only the changed ones")
    items: list[str] | None = Field(None, description="Media ids to re-read (instead of whole instances)")
    arr_action: Literal["refresh", "rescan"] | None = Field(
        None, description="Ask the *arr to refresh/rescan the items first")
    command_timeout: float = Field(300.0, ge=0, le=3600, description="Seconds to wait for *arr commands")


class CacheRefresh(Module):
    name = "cache_refresh"
    title = "Media cache refresh"
    description = "Reads every Radarr, Sonarr, Lidarr and media server into the media library."
    category = "system"
    hidden = True
    Config = CacheRefreshConfig

    def run(self, ctx: RunContext, config: CacheRefreshConfig) -> RunResult:
        from curatarr.library.service import library_for
        from curatarr.library.sync import SyncCancelled, sync_instances, sync_items

        lib = library_for(ctx.rt)
        if config.items:
            return self._run_items(ctx, config, lib, sync_items)
        try:
            report = sync_instances(
                ctx.rt, config.instances or None, full=config.full,
                progress=lambda done, total, item, phase: ctx.progress(done, total, item=item, phase=phase),
                cancelled=lambda: ctx.cancelled)
        except SyncCancelled:
            raise Cancelled() from None
        except KeyError as exc:
            raise ModuleError(str(exc).strip("'\"")) from None
        lib.forget_groups()
        for key, value in report.totals().items():
            ctx.result.count(key, value)
        for inst in report.instances:
            ctx.log.info("%s: %d items (%d new, %d changed, %d unchanged, %d removed) in %.0f ms%s",
                         inst.instance, inst.seen, inst.added, inst.updated, inst.unchanged, inst.removed,
                         inst.duration_ms, f" — {inst.error}" if inst.error else "")
            if not inst.ok:
                ctx.result.error_item(inst.instance, inst.error or "failed")
            for warning in inst.warnings[:50]:
                ctx.result.warn(warning)
            if inst.added or inst.updated or inst.removed:
                ctx.result.changed(f"{inst.instance}: +{inst.added} ~{inst.updated} -{inst.removed}",
                                   instance=inst.instance, added=inst.added, updated=inst.updated,
                                   removed=inst.removed)
        ctx.result.set_data("sync", report.as_dict())
        if report.instances and not any(r.ok for r in report.instances):
            raise ModuleError("no instance could be read: " + "; ".join(f"{r.instance}: {r.error}"
                                                                         for r in report.instances))
        return ctx.result.build()

    def _run_items(self, ctx: RunContext, config: CacheRefreshConfig, lib, sync_items) -> RunResult:
        from curatarr.connectors.errors import ConnectorError
        from curatarr.library import actions

        ids = list(dict.fromkeys(config.items or []))
        if config.arr_action and not ctx.dry_run:
            ctx.progress(0, len(ids), phase=f"{config.arr_action} in the *arr")
            try:
                fn = actions.refresh_in_arr if config.arr_action == "refresh" else actions.rescan_in_arr
                commands = fn(lib, ids)["commands"]
            except (KeyError, ConnectorError, actions.ActionError) as exc:
                raise ModuleError(f"{config.arr_action} failed: {exc}") from None
            ctx.result.count("arr_commands", len(commands))
            self._wait_commands(ctx, lib, commands, config.command_timeout)
        ctx.progress(0, len(ids), phase="re-reading items")
        out = sync_items(ctx.rt, ids)
        lib.forget_groups()
        ctx.result.count("updated", len(out["updated"]))
        ctx.result.count("removed", len(out["removed"]))
        ctx.result.count("failed", len(out["failed"]))
        for media in out["updated"][:500]:
            ctx.result.changed(f"re-read {media}", id=media)
        for fail in out["failed"]:
            ctx.result.error_item(fail["id"], fail["error"])
        ctx.progress(len(ids), len(ids))
        ctx.result.set_data("items", out)
        return ctx.result.build()

    @staticmethod
    def _wait_commands(ctx: RunContext, lib, commands: list[dict], timeout: float) -> None:
        """Poll each *arr command until it ends (or ``timeout``): the refresh must land before the re-read."""
        import time

        from curatarr.connectors.errors import ConnectorError
        from curatarr.library.actions import arr_source

        deadline = time.monotonic() + timeout
        for cmd in commands:
            if not cmd.get("id"):
                continue
            with arr_source(lib, cmd["instance"]) as source:
                delay = 0.2
                while True:
                    try:
                        status = source.command_state(cmd["id"])
                    except ConnectorError as exc:
                        ctx.result.warn(f"{cmd['instance']}: command {cmd['id']} not readable ({exc})")
                        break
                    if status in ("completed", "failed", "aborted", "cancelled", "orphaned"):
                        if status != "completed":
                            ctx.result.warn(f"{cmd['instance']}: {cmd.get('command')} ended {status}")
                        break
                    if time.monotonic() > deadline:
                        ctx.result.warn(f"{cmd['instance']}: {cmd.get('command')} still running after {timeout:.0f}s")
                        break
                    ctx.sleep(delay)
                    delay = min(delay * 2, 5.0)
