"""renameinatorr: have Radarr/Sonarr rename files (and optionally folders) to their naming
scheme, in batches, remembering progress with a tag.

Per instance: read the items; skip those carrying an ``ignore_tags`` tag; with ``tag_name``, take
the items not yet tagged (when every item is tagged, the tag is cleared and a new cycle starts);
cut them into batches of ``count`` (per-type ``radarr_count``/``sonarr_count`` win; 0 = all) and
handle the first batch, or every batch with ``enable_batching``. For a batch: read the rename
preview, issue ``RenameMovie``/``RenameSeries`` and wait for it, tag the batch, and with
``rename_folders`` ask the *arr to move each item to its own root folder (which renames the
folder to the naming scheme), then report the folders whose path changed.

Dry run reads and reports only: no commands, no tags created or applied.

Differences from CHUB: tags are compared by id (CHUB compared ids with names, so every item
counted as untagged), ``ignore_tags`` is read from the key it is documented under, and
cancellation is checked per batch and per item, including while waiting for a command.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult, select_instances

SUPPORTED = ("radarr", "sonarr")


class RenameinatorrConfig(ModuleConfig):
    instances: list[str] = Field(default_factory=list, description="Radarr/Sonarr instances; empty = every enabled one")
    dry_run: bool = Field(False, description="Only report the renames that would happen")
    rename_folders: bool = Field(True, description="Also rename item folders to the naming scheme")
    count: int = Field(100, ge=0, description="Items per batch (0 = all at once)")
    radarr_count: int = Field(0, ge=0, description="Batch size for Radarr (0 = use count)")
    sonarr_count: int = Field(0, ge=0, description="Batch size for Sonarr (0 = use count)")
    tag_name: str = Field("", description="Tag handled items with this tag so later runs continue where this one stopped")
    ignore_tags: list[str] = Field(default_factory=list, description="Items with any of these tags are left alone")
    enable_batching: bool = Field(False, description="Handle every batch in one run (otherwise only the first)")
    command_timeout: float = Field(600.0, gt=0, le=7200, description="Seconds to wait for each rename command")
    poll_seconds: float = Field(2.0, gt=0, le=60, description="Seconds between command status checks")

    @field_validator("ignore_tags", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):  # CHUB stored a comma-separated string
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


def batches(items: list, size: int) -> list[list]:
    if size <= 0:
        return [items] if items else []
    return [items[i:i + size] for i in range(0, len(items), size)]


class Renameinatorr(Module):
    name = "renameinatorr"
    title = "Renameinatorr"
    description = "Makes Radarr/Sonarr rename files and folders to their naming scheme, in tag-tracked batches."
    category = "media"
    Config = RenameinatorrConfig

    def run(self, ctx: RunContext, config: RenameinatorrConfig) -> RunResult:
        refs = self._instances(ctx, config)
        failed = 0
        for ref in refs:
            ctx.check_cancelled()
            try:
                self._instance(ctx, config, ref)
            except ConnectorError as exc:
                failed += 1
                ctx.log.error("%s: %s", ref.name, exc)
                ctx.result.error_item(ref.name, str(exc))
        if refs and failed == len(refs):
            raise ModuleError(f"no instance could be processed ({failed} failed; see the job log)")
        return ctx.result.build()

    # ---- selection ---------------------------------------------------------------------------------
    def _instances(self, ctx: RunContext, config: RenameinatorrConfig) -> list:
        return select_instances(ctx, config.instances, SUPPORTED, purpose="process")

    def _instance(self, ctx: RunContext, config: RenameinatorrConfig, ref) -> None:
        client = ctx.connectors.get(ref.name, ref.type)
        ctx.progress(0, 0, item=ref.name, phase=f"{ref.name}: reading library")
        items = client.movies() if ref.type == "radarr" else client.series()
        tags = {t.label: t.id for t in client.tags()}
        ignore_ids = {tags[client.normalise_tag(t)] for t in config.ignore_tags if client.normalise_tag(t) in tags}
        candidates = [i for i in items if not ignore_ids & set(i.tags)]
        ctx.result.count("ignored", len(items) - len(candidates))
        tag_id = None
        if config.tag_name:
            label = client.normalise_tag(config.tag_name)
            tag_id = tags.get(label)
            if tag_id is None and not ctx.dry_run:
                tag_id = client.ensure_tag(label).id
            todo = [i for i in candidates if tag_id is None or tag_id not in i.tags]
            if candidates and not todo:
                ctx.log.info("%s: every item carries %r; starting a new cycle", ref.name, label)
                if not ctx.dry_run:
                    client.edit_tags([i.id for i in candidates], [tag_id], "remove")
                todo = candidates
        else:
            todo = candidates
        size = (config.radarr_count if ref.type == "radarr" else config.sonarr_count) or config.count
        groups = batches(sorted(todo, key=lambda i: i.id), size)
        if not config.enable_batching:
            groups = groups[:1]
        total = sum(len(g) for g in groups)
        done = 0
        for group in groups:
            ctx.check_cancelled()
            done = self._batch(ctx, config, ref, client, group, tag_id, done, total)
        ctx.progress(total, total, phase=f"{ref.name}: done")

    # ---- one batch ---------------------------------------------------------------------------------
    def _batch(self, ctx: RunContext, config: RenameinatorrConfig, ref, client, group: list, tag_id: int | None,
               done: int, total: int) -> int:
        previews: dict[int, list] = {}
        if ref.type == "radarr":
            ctx.progress(done, total, item=f"{len(group)} movies", phase=f"{ref.name}: previewing")
            for p in client.rename_preview([i.id for i in group]):
                previews.setdefault(p.movie_id or 0, []).append(p)
        else:
            for n, show in enumerate(group):
                ctx.check_cancelled()
                ctx.progress(done + n, total, item=show.title, phase=f"{ref.name}: previewing")
                found = client.rename_preview(show.id)
                if found:
                    previews[show.id] = found
        to_rename = [i for i in group if previews.get(i.id)]
        for item in group:
            label = f"{item.title} ({item.year})" if item.year else item.title
            files = previews.get(item.id) or []
            if not files:
                ctx.result.count("already_named")
                continue
            ctx.result.count("items_to_rename" if ctx.dry_run else "items_renamed")
            ctx.result.count("files_to_rename" if ctx.dry_run else "files_renamed", len(files))
            for f in files:
                verb = "would rename" if ctx.dry_run else "renamed"
                ctx.result.changed(f"{ref.name}: {label}: {verb} {f.existing_path} → {f.new_path}",
                                   instance=ref.name, id=item.id, old=f.existing_path, new=f.new_path)
                ctx.log.info("%s: %s %s → %s", ref.name, verb, f.existing_path, f.new_path)
        if ctx.dry_run:
            return done + len(group)
        ids = [i.id for i in group]
        if to_rename:
            ctx.check_cancelled()
            ctx.progress(done, total, item=f"{len(to_rename)} items", phase=f"{ref.name}: renaming")
            self._run_command(ctx, config, ref, client, client.rename([i.id for i in to_rename]), "rename")
        if tag_id is not None:
            client.edit_tags(ids, [tag_id], "add")
            ctx.result.count("tagged", len(ids))
        if config.rename_folders:
            self._rename_folders(ctx, config, ref, client, group)
        ctx.progress(done + len(group), total, phase=f"{ref.name}: batch done")
        return done + len(group)

    def _run_command(self, ctx: RunContext, config: RenameinatorrConfig, ref, client, command, what: str) -> None:
        # ctx.sleep wakes (and raises Cancelled) as soon as the job is cancelled.
        result = client.wait_for_command(command, timeout=config.command_timeout, poll=config.poll_seconds,
                                         sleep=ctx.sleep)
        if not result.succeeded:
            ctx.result.error_item(f"{ref.name}: {what}", result.message or result.status)
            ctx.log.warning("%s: %s command ended %s: %s", ref.name, what, result.status, result.message)

    def _rename_folders(self, ctx: RunContext, config: RenameinatorrConfig, ref, client, group: list) -> None:
        before = {i.id: i.path for i in group}
        by_root: dict[str, list[int]] = {}
        for item in group:
            if item.root_folder_path:
                by_root.setdefault(item.root_folder_path, []).append(item.id)
        for root, ids in by_root.items():
            ctx.check_cancelled()
            ctx.progress(0, 0, item=root, phase=f"{ref.name}: renaming folders")
            move_to_root(client, ids, root)
        after = client.movies() if ref.type == "radarr" else client.series()
        for item in after:
            if item.id in before and before[item.id] and item.path and item.path != before[item.id]:
                ctx.result.count("folders_renamed")
                ctx.result.changed(f"{ref.name}: folder {before[item.id]} → {item.path}", instance=ref.name,
                                   id=item.id, old=before[item.id], new=item.path)


def move_to_root(client, ids: list[int], root: str) -> Any:
    """Ask the *arr to move items to ``root`` with moveFiles (same root = rename the folders)."""
    mover = getattr(client, "move_to_root_folder", None)
    if callable(mover):
        return mover(ids, root, move_files=True)
    # SonarrClient has no helper for this editor call; the body is the documented bulk editor shape.
    return client._send("PUT", f"{client.media}/editor",
                        body={client.ids_key: list(ids), "rootFolderPath": root, "moveFiles": True})
