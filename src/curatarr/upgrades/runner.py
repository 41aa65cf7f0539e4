"""One upgradinatorr pass over one *arr instance: resolve the tags, select, search and wait, tag,
reset when unattended, report the queue.

``ctx`` is the module's run context (``check_cancelled``, ``sleep``, ``progress``, ``log``,
``result``, ``dry_run``); it is used by duck typing so this package does not import ``modules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curatarr.connectors.errors import ConnectorError
from curatarr.upgrades.config import UpgradeInstance
from curatarr.upgrades.selection import Candidate, Rules, Selector

ITEM_ID_FIELD = {"radarr": "movieId", "sonarr": "seriesId", "lidarr": "artistId"}


@dataclass(slots=True)
class Limits:
    command_timeout: float = 600.0
    poll_seconds: float = 2.0
    page_size: int = 250
    queue_report_limit: int = 200


@dataclass(slots=True)
class InstanceReport:
    instance: str
    searched: list[dict[str, Any]] = field(default_factory=list)
    queue: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


class InstanceRun:
    def __init__(self, ctx: Any, client: Any, app: str, settings: UpgradeInstance, limits: Limits):
        self.ctx = ctx
        self.client = client
        self.app = app
        self.settings = settings
        self.limits = limits
        self.name = settings.instance
        self.report = InstanceReport(settings.instance)

    # ---- tags -----------------------------------------------------------------------------------
    def _tag_ids(self) -> tuple[int | None, int | None]:
        """(checked tag id, ignore tag id) resolved by NAME via the tag list; the checked tag is
        created when missing (not in a dry run); a missing ignore tag is reported, not created."""
        by_label = {label: tag_id for tag_id, label in self.client.tag_labels().items()}
        checked = self.client.normalise_tag(self.settings.tag_name)
        ignore = self.client.normalise_tag(self.settings.ignore_tag)
        if not checked:
            raise ValueError(f"tag name {self.settings.tag_name!r} has no usable characters")
        checked_id = by_label.get(checked)
        if checked_id is None and not self.ctx.dry_run:
            checked_id = self.client.ensure_tag(checked).id
            self.ctx.log.info("%s: created tag %r (id %s)", self.name, checked, checked_id)
        ignore_id = by_label.get(ignore) if ignore else None
        if ignore and ignore_id is None:
            self.ctx.result.warn(f"{self.name}: ignore tag {ignore!r} does not exist on the instance; "
                                 "no item is ignored")
        self.report.summary.update(checked_tag=checked, checked_tag_id=checked_id, ignore_tag=ignore,
                                   ignore_tag_id=ignore_id)
        return checked_id, ignore_id

    # ---- the pass -------------------------------------------------------------------------------
    def run(self) -> InstanceReport:
        ctx, s = self.ctx, self.settings
        ctx.progress(0, 0, item=self.name, phase=f"{self.name}: reading tags")
        checked_id, ignore_id = self._tag_ids()
        ctx.progress(0, 0, item=self.name, phase=f"{self.name}: reading {s.search_mode} list")
        selector = self._selector(checked_id, ignore_id)
        candidates = selector.select()
        if not candidates and s.unattended and selector.tally.checked:
            self._reset(checked_id, selector.tally.checked)
            selector = self._selector(None, ignore_id)   # everything is unchecked now
            candidates = selector.select()
        t = selector.tally
        self.report.summary.update(mode=s.search_mode, scanned=t.scanned, eligible=t.eligible,
                                   already_checked=t.checked, ignored=t.ignored, unmonitored=t.unmonitored,
                                   other_status=t.other_status, below_threshold=t.below_threshold,
                                   selected=len(candidates), remaining=max(0, t.remaining))
        for key in ("ignored", "unmonitored", "other_status", "below_threshold"):
            ctx.result.count(f"skipped_{key}", getattr(t, key))
        ctx.result.count("skipped_checked", t.checked)
        searched_ids = []
        for n, cand in enumerate(candidates):
            ctx.check_cancelled()
            ctx.progress(n, len(candidates), item=cand.title, phase=f"{self.name}: searching")
            if self._search(cand, checked_id):
                searched_ids.append(cand.id)
        ctx.progress(len(candidates), len(candidates), phase=f"{self.name}: reading the queue")
        if not ctx.dry_run and searched_ids:
            self._queue(set(searched_ids))
        return self.report

    def _selector(self, checked_id: int | None, ignore_id: int | None) -> Selector:
        s = self.settings
        rules = Rules(app=self.app, mode=s.search_mode, count=s.count, checked_id=checked_id, ignore_id=ignore_id,
                      threshold=s.season_monitored_threshold if self.app == "sonarr" else 0.0)
        return Selector(self.client, rules, page_size=self.limits.page_size, check_cancelled=self.ctx.check_cancelled)

    def _reset(self, checked_id: int | None, how_many: int) -> None:
        verb = "would remove" if self.ctx.dry_run else "removed"
        if checked_id is not None and not self.ctx.dry_run:
            ids = self.client.tagged_ids(checked_id)
            if ids:
                self.client.edit_tags(ids, [checked_id], "remove")
            how_many = len(ids)
        self.ctx.result.count("resets")
        self.ctx.result.changed(f"{self.name}: every eligible item was checked; {verb} the checked tag from "
                                f"{how_many} item(s) and started over", instance=self.name, action="reset",
                                items=how_many)
        self.ctx.log.info("%s: unattended reset (%s tag from %d items)", self.name, verb, how_many)
        self.report.summary["reset"] = True

    def _search(self, cand: Candidate, checked_id: int | None) -> bool:
        ctx = self.ctx
        labels = ", ".join(x.label for x in cand.searches)
        entry: dict[str, Any] = {"instance": self.name, "id": cand.id, "title": cand.title, "searches": labels}
        if ctx.dry_run:
            entry["status"] = "would search"
            self.report.searched.append(entry)
            ctx.result.count("to_search")
            ctx.result.changed(f"{self.name}: would search {cand.title} ({labels})", instance=self.name, id=cand.id)
            return False
        failures = []
        for search in cand.searches:
            ctx.check_cancelled()
            try:
                command = self.client.post_command(search.command, **search.args)
                ctx.result.count("commands")
                done = self.client.wait_for_command(command, timeout=self.limits.command_timeout,
                                                    poll=self.limits.poll_seconds, sleep=ctx.sleep)
                if not done.succeeded:
                    failures.append(f"{search.command} {search.label}: {done.message or done.status}")
            except ConnectorError as exc:      # includes the wait's timeout
                failures.append(f"{search.command} {search.label}: {exc}")
        if failures:
            entry["status"] = "failed"
            entry["error"] = "; ".join(failures)
            ctx.result.count("search_failures")
            ctx.result.error_item(f"{self.name}: {cand.title}", entry["error"])
            self.report.searched.append(entry)
            return False
        if checked_id is not None:
            self.client.edit_tags([cand.id], [checked_id], "add")
            ctx.result.count("tagged")
        entry["status"] = "searched"
        self.report.searched.append(entry)
        ctx.result.count("searched")
        ctx.result.changed(f"{self.name}: searched {cand.title} ({labels})", instance=self.name, id=cand.id)
        ctx.log.info("%s: searched %s (%s)", self.name, cand.title, labels)
        return True

    def _queue(self, searched: set[int]) -> None:
        """Queue records of the items searched, with their custom-format scores (page by page)."""
        id_field = ITEM_ID_FIELD[self.app]
        total = matched = 0
        for record in self.client.iter_queue(page_size=self.limits.page_size):
            self.ctx.check_cancelled()
            total += 1
            if not isinstance(record, dict) or record.get(id_field) not in searched:
                continue
            matched += 1
            if len(self.report.queue) < self.limits.queue_report_limit:
                quality = ((record.get("quality") or {}).get("quality") or {}).get("name")
                self.report.queue.append({
                    "instance": self.name, "item_id": record.get(id_field), "title": record.get("title"),
                    "status": record.get("status"), "quality": quality,
                    "custom_format_score": record.get("customFormatScore"),
                    "custom_formats": [f.get("name") for f in record.get("customFormats") or [] if isinstance(f, dict)],
                    "season_number": record.get("seasonNumber"), "album_id": record.get("albumId"),
                })
        self.ctx.result.count("queue_items", matched)
        self.report.summary.update(queue_total=total, queue_matched=matched)
