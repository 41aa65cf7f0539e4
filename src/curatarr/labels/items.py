"""The ad-hoc item sync behind ``POST /api/labelarr/sync`` and ``/bulk-sync``: add/remove tags (by
name) on some *arr items, then give their media-server twins (same provider ids) the same labels.

Per item failures (an id that is not of the source instance, an item the *arr does not have, a
server that refuses the edit) are reported per item; the others go on. A tag to remove that does not
exist on the *arr is an error of the request (nothing carries it), reported once. Dry run reports
and changes nothing.
"""

from __future__ import annotations

from typing import Any

from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.connectors.media_server import Capability
from curatarr.labels.config import ItemSync
from curatarr.labels.matching import LIBRARY_KIND, provider_keys, server_items


def native_id(media_id: str, instance: str) -> int:
    """``radarr_main:12`` (the library's id form) or ``12`` → 12; ValueError when it names another
    instance or is not a positive integer."""
    text = media_id.strip()
    if ":" in text:
        prefix, _, text = text.rpartition(":")
        if prefix != instance:
            raise ValueError(f"{media_id!r} is not an item of {instance}")
    if not text.isdigit() or int(text) <= 0 or int(text) > 2**31 - 1:
        raise ValueError(f"{media_id!r} is not an item id")
    return int(text)


class ItemSyncRun:
    def __init__(self, ctx: Any, request: ItemSync, arr: Any, app: str, servers: dict[str, Any]):
        self.ctx = ctx
        self.request = request
        self.arr = arr
        self.app = app
        self.servers = servers
        self.twins: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}   # server → key → (item id, title)

    def _tags(self) -> tuple[list[int], list[int]]:
        by_label = {label: tag_id for tag_id, label in self.arr.tag_labels().items()}
        add, remove = [], []
        for name in self.request.tag_actions.add:
            norm = self.arr.normalise_tag(name)
            if not norm:
                raise ValueError(f"tag name {name!r} has no usable characters")
            tag_id = by_label.get(norm)
            if tag_id is None and not self.ctx.dry_run:
                tag_id = self.arr.ensure_tag(norm).id
            if tag_id is not None:
                add.append(tag_id)
        for name in self.request.tag_actions.remove:
            tag_id = by_label.get(self.arr.normalise_tag(name))
            if tag_id is None:
                self.ctx.result.error_item(f"tag {name!r}", f"tag does not exist on {self.request.source_instance}; "
                                                            "nothing to remove")
            else:
                remove.append(tag_id)
        return add, remove

    def _index(self, name: str, server: Any) -> dict[tuple[str, str], tuple[str, str]]:
        """Provider id → (item id, title) of one server's libraries of the app's kind (built once)."""
        if name not in self.twins:
            libraries = [lib for lib in server.media_libraries() if lib.kind == LIBRARY_KIND[self.app]]
            index: dict[tuple[str, str], tuple[str, str]] = {}
            for item in server_items(server, libraries, self.ctx.check_cancelled):
                for key, value in item.ids.items():
                    if value:
                        index.setdefault((key, str(value).lower()), (item.id, item.title))
            self.twins[name] = index
        return self.twins[name]

    def run(self) -> dict[str, Any]:
        ctx, req = self.ctx, self.request
        add_ids, remove_ids = self._tags()
        synced, failed = [], []
        total = len(req.media_ids)
        for n, media_id in enumerate(req.media_ids):
            ctx.check_cancelled()
            ctx.progress(n, total, item=media_id, phase="syncing items")
            try:
                self._one(media_id, add_ids, remove_ids)
                synced.append(media_id)
            except (ValueError, ConnectorError) as exc:
                message = "no such item" if isinstance(exc, NotFound) else str(exc)
                failed.append({"media_id": media_id, "error": message})
                ctx.result.error_item(media_id, message)
        ctx.progress(total, total, phase="done")
        ctx.result.count("items_synced", len(synced))
        ctx.result.count("items_failed", len(failed))
        return {"synced": synced, "failures": failed}

    def _one(self, media_id: str, add_ids: list[int], remove_ids: list[int]) -> None:
        ctx, req = self.ctx, self.request
        item_id = native_id(media_id, req.source_instance)
        doc = self.arr.item_document(item_id)
        title = str(doc.get("title") or media_id)
        verb = "would " if ctx.dry_run else ""
        if not ctx.dry_run:
            if add_ids:
                self.arr.edit_tags([item_id], add_ids, "add")
            if remove_ids:
                self.arr.edit_tags([item_id], remove_ids, "remove")
        if req.tag_actions.add or req.tag_actions.remove:
            ctx.result.changed(f"{req.source_instance}: {title}: {verb}add tags {req.tag_actions.add}, "
                               f"{verb}remove tags {req.tag_actions.remove}", instance=req.source_instance,
                               id=item_id, side="arr")
        keys = provider_keys(self.app, doc)
        for name, server in self.servers.items():
            if Capability.ITEM_LABELS not in server.capabilities:
                ctx.result.warn(f"{name}: this media server cannot edit item labels; skipped")
                continue
            index = self._index(name, server)
            twin = next((index[k] for k in keys if k in index), None)
            if twin is None:
                ctx.result.count("no_server_twin")
                continue
            if not ctx.dry_run:
                if req.tag_actions.add:
                    server.add_labels(twin[0], req.tag_actions.add)
                if req.tag_actions.remove:
                    server.remove_labels(twin[0], req.tag_actions.remove)
            ctx.result.count("server_items_labelled")
            ctx.result.changed(f"{name}: {twin[1]}: {verb}add labels {req.tag_actions.add}, "
                               f"{verb}remove labels {req.tag_actions.remove}", server=name, item=twin[0], side="server")
