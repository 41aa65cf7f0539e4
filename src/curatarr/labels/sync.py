"""One labelarr mapping: *arr tags ↔ labels on media servers, in the mapping's direction.

For each media-server item of the mapped libraries that has an *arr twin (same tmdb / tvdb / imdb
id), and for each tag ↔ label pair:

* ``arr_to_server`` — the label is added when the *arr item has the tag and removed when it has not;
* ``server_to_arr`` — the tag is added when the server item has the label and removed when it has not;
* ``both`` — whatever one side has is added to the other; nothing is removed.

Server items without an *arr twin are left alone (CHUB stripped their labels, which also hit items
another *arr instance manages). Dry run plans and reports the same changes and applies none.
``ctx`` is the module's run context, used by duck typing (this package does not import ``modules``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import Capability
from curatarr.labels.config import LabelMapping, LabelPair
from curatarr.labels.matching import ArrIndex, libraries_for, server_items

CHANGE_LIMIT = 1000


@dataclass(slots=True)
class MappingReport:
    instance: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


class MappingSync:
    def __init__(self, ctx: Any, mapping: LabelMapping, arr: Any, app: str, servers: dict[str, Any]):
        self.ctx = ctx
        self.mapping = mapping
        self.arr = arr
        self.app = app
        self.servers = servers                       # instance name → MediaServer client
        self.report = MappingReport(mapping.app_instance)
        self.arr_edits: dict[tuple[int, str], set[int]] = {}   # (tag id, add|remove) → *arr item ids
        self.counts = {"matched": 0, "unmatched": 0, "labels_added": 0, "labels_removed": 0, "tags_added": 0,
                       "tags_removed": 0}

    # ---- tags -----------------------------------------------------------------------------------
    def _resolve_tags(self) -> list[tuple[LabelPair, int | None]]:
        """Each pair with its tag id. A missing tag is created when tags follow labels (not in a dry
        run: the pair then has no id and no *arr item counts as tagged); for arr_to_server it is an
        error of the mapping, since every label would otherwise be removed."""
        by_label = {label: tag_id for tag_id, label in self.arr.tag_labels().items()}
        out = []
        for pair in self.mapping.labels:
            name = self.arr.normalise_tag(pair.tag)
            tag_id = by_label.get(name)
            if tag_id is None and self.mapping.direction == "arr_to_server":
                self.ctx.result.error_item(f"{self.mapping.app_instance}: tag {pair.tag!r}",
                                           f"tag {name!r} does not exist on {self.mapping.app_instance}")
                continue
            if tag_id is None and not self.ctx.dry_run:
                tag_id = self.arr.ensure_tag(name).id
                self.ctx.log.info("%s: created tag %r", self.mapping.app_instance, name)
            out.append((pair, tag_id))
        return out

    # ---- the run --------------------------------------------------------------------------------
    def run(self) -> MappingReport:
        ctx, m = self.ctx, self.mapping
        pairs = self._resolve_tags()
        if not pairs:
            raise ValueError(f"{m.app_instance}: no tag of this mapping exists; nothing to sync")
        ctx.progress(0, 0, item=m.app_instance, phase=f"{m.app_instance}: reading items")
        wanted = {tag_id for _pair, tag_id in pairs if tag_id is not None}
        index = ArrIndex(self.app).build(self.arr, wanted, ctx.check_cancelled)
        for target in m.media_servers:
            ctx.check_cancelled()
            try:
                self._server(target, index, pairs)
            except ConnectorError as exc:
                ctx.result.error_item(target.instance, str(exc))
        self._apply_arr_edits()
        self.report.summary = {"instance": m.app_instance, "direction": m.direction, "arr_items": index.size,
                               **self.counts}
        for key, value in self.counts.items():
            ctx.result.count(key, value)
        return self.report

    def _server(self, target, index: ArrIndex, pairs) -> None:
        ctx = self.ctx
        server = self.servers.get(target.instance)
        if server is None:
            ctx.result.error_item(target.instance, "not a configured media server")
            return
        if Capability.ITEM_LABELS not in server.capabilities:
            ctx.result.error_item(target.instance, "this media server cannot edit item labels")
            return
        libraries, missing = libraries_for(server, self.app, target.library_names)
        for name in missing:
            ctx.result.error_item(f"{target.instance}: {name}", "no library of this name and kind on the server")
        done = 0
        for item in server_items(server, libraries, ctx.check_cancelled):
            entry = index.match(item)
            if entry is None:
                self.counts["unmatched"] += 1
                continue
            self.counts["matched"] += 1
            self._item(target.instance, server, item, entry, pairs)
            done += 1
            if done % 50 == 0:
                ctx.progress(done, 0, item=item.title, phase=f"{target.instance}: syncing labels")

    def _item(self, server_name: str, server: Any, item, entry, pairs) -> None:
        have = {label.lower() for label in item.labels}
        add_labels, remove_labels = [], []
        for pair, tag_id in pairs:
            arr_has = tag_id is not None and tag_id in entry.tags
            srv_has = pair.label.lower() in have
            if arr_has == srv_has:
                continue
            direction = self.mapping.direction
            if direction in ("arr_to_server", "both") and arr_has:
                add_labels.append(pair.label)
            elif direction == "arr_to_server":
                remove_labels.append(pair.label)
            elif srv_has:                                   # server_to_arr / both: the tag follows
                self._arr_edit(entry, pair, tag_id, "add")
            elif direction == "server_to_arr":
                self._arr_edit(entry, pair, tag_id, "remove")
        verb = "would " if self.ctx.dry_run else ""
        try:
            if add_labels:
                if not self.ctx.dry_run:
                    server.add_labels(item.id, add_labels)
                self.counts["labels_added"] += len(add_labels)
                self._note(f"{server_name}: {item.title}: {verb}add label(s) {', '.join(add_labels)}",
                           side="server", server=server_name, item=item.id, add=add_labels)
            if remove_labels:
                if not self.ctx.dry_run:
                    server.remove_labels(item.id, remove_labels)
                self.counts["labels_removed"] += len(remove_labels)
                self._note(f"{server_name}: {item.title}: {verb}remove label(s) {', '.join(remove_labels)}",
                           side="server", server=server_name, item=item.id, remove=remove_labels)
        except ConnectorError as exc:
            self.ctx.result.error_item(f"{server_name}: {item.title}", str(exc))

    def _arr_edit(self, entry, pair: LabelPair, tag_id: int | None, mode: str) -> None:
        key = (tag_id if tag_id is not None else -1, mode)
        ids = self.arr_edits.setdefault(key, set())
        if entry.id in ids:
            return
        ids.add(entry.id)
        self.counts["tags_added" if mode == "add" else "tags_removed"] += 1
        verb = ("would " if self.ctx.dry_run else "") + mode
        self._note(f"{self.mapping.app_instance}: {entry.title}: {verb} tag {self.arr.normalise_tag(pair.tag)}",
                   side="arr", id=entry.id, tag=pair.tag, mode=mode)

    def _apply_arr_edits(self) -> None:
        if self.ctx.dry_run:
            return
        for (tag_id, mode), ids in self.arr_edits.items():
            self.ctx.check_cancelled()
            if tag_id >= 0 and ids:
                self.arr.edit_tags(sorted(ids), [tag_id], mode)

    def _note(self, description: str, **details: Any) -> None:
        self.ctx.result.changed(description, instance=self.mapping.app_instance, **details)
        if len(self.report.changes) < CHANGE_LIMIT:
            self.report.changes.append({"description": description, "instance": self.mapping.app_instance, **details})
