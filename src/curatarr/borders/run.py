"""One border_replacerr run: pick today's colours, list the posters, redo those whose input, style
or output changed (all of them when the holiday signature changed), write atomically, remember.

Posters are processed by a small thread pool (libvips and hashlib release the GIL); the run checks
for cancellation between posters and reports progress per poster. Dry run reads and renders
nothing to disk: no poster, no state, no kept original.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyvips

from curatarr.artwork.source import MAX_IMAGE_BYTES
from curatarr.borders.config import BorderReplacerrConfig
from curatarr.borders.holidays import active_index
from curatarr.borders.posters import Poster, walk
from curatarr.borders.replace import PosterError, Style, render
from curatarr.borders.state import BorderState, Entry
from curatarr.errors import ModuleError
from curatarr.fsutil import atomic_write_bytes
from curatarr.security.paths import PathRejected, safe_path
from curatarr.security.roots import root_problem

if TYPE_CHECKING:
    from curatarr.modules.base import RunContext

STATE_FOLDER = ("cache", "border_replacerr")


def state_folder(data_dir: Path) -> Path:
    return Path(data_dir).joinpath(*STATE_FOLDER)


def today_for(rt: Any, config: BorderReplacerrConfig) -> date:
    """``as_of`` if set, else today in the configured time zone (holidays change at local midnight)."""
    if config.as_of is not None:
        return config.as_of
    name = getattr(getattr(getattr(rt.config, "settings", None), "general", None), "timezone", None)
    try:
        return datetime.now(ZoneInfo(name)).date() if name else date.today()
    except Exception:  # unknown zone: the machine's
        return date.today()


@dataclass(frozen=True)
class Choice:
    holiday: str | None
    colours: list[str]

    def style(self, index: int, width: int) -> Style:
        return Style(width, self.colours[index % len(self.colours)] if self.colours else None)


def choose(config: BorderReplacerrConfig, today: date) -> Choice:
    index = active_index([h.range for h in config.holidays], today)
    if index is not None:
        holiday = config.holidays[index]
        return Choice(holiday.name, list(holiday.colors))
    return Choice(None, list(config.border_colors))


@dataclass
class Outcome:
    poster: Poster
    key: str
    style: Style
    status: str  # written | would_write | unchanged | identical | error
    entry: Entry | None = None
    message: str = ""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BorderRun:
    def __init__(self, ctx: "RunContext", config: BorderReplacerrConfig):
        self.ctx, self.config = ctx, config
        self.dry = ctx.dry_run
        self.state = BorderState(state_folder(ctx.rt.data_dir))
        self.today = today_for(ctx.rt, config)

    # ---- folders -------------------------------------------------------------------------------------
    def _roots(self) -> tuple[list[Path], Path | None]:
        folders = list(self.config.source_dirs)
        if not folders:  # CHUB worked on the renamer's outputs: its Kometa folder is the natural default
            renamer = self.ctx.rt.config.get_section("poster_renamerr") or {}
            fallback = renamer.get("destination_dir") if isinstance(renamer, dict) else None
            if isinstance(fallback, str) and fallback:
                folders = [fallback]
        if not folders:
            raise ModuleError("no source_dirs configured: name the Kometa asset folder(s) to read posters from "
                              "(or set poster_renamerr.destination_dir)")
        roots = self.ctx.rt.roots()
        sources = []
        for folder in folders:
            if not Path(folder).is_dir():
                raise ModuleError(f"source folder {folder} does not exist")
            try:
                sources.append(safe_path(folder, roots))
            except PathRejected as exc:
                raise ModuleError(f"source folder {folder}: {exc}") from None
        destination = None
        if self.config.destination_dir:
            why = root_problem(self.config.destination_dir, self.ctx.rt.data_dir)
            if why:
                raise ModuleError(f"destination_dir {self.config.destination_dir} {why}")
            destination = Path(self.config.destination_dir).resolve()
        return sources, destination

    def _selected(self, posters: list[Poster], sources: list[Path]) -> tuple[list[Poster], int]:
        """The hand-off's posters, and how many named files were refused (outside, missing)."""
        by_path = {p.path: p for p in posters}
        chosen: list[Poster] = []
        refused = 0
        for raw in self.config.input_files:
            path = Path(raw).resolve()
            if not any(path.is_relative_to(root) for root in sources):
                self.ctx.result.error_item(raw, "not inside the source folders; left alone")
                refused += 1
            elif path in by_path:
                chosen.append(by_path[path])
            elif not path.is_file():
                self.ctx.result.error_item(raw, "no such file")
                refused += 1
            else:
                self.ctx.result.warn(f"{raw}: not a poster of this run (hidden, ignored, excluded or not an image)")
        return chosen, refused

    # ---- the run ------------------------------------------------------------------------------------
    def run(self) -> None:
        ctx, config = self.ctx, self.config
        sources, destination = self._roots()
        choice = choose(config, self.today)
        signature = {"holiday": choice.holiday, "colours": choice.colours, "width": config.border_width}
        ctx.result.set_data("today", self.today.isoformat())
        ctx.result.set_data("holiday", choice.holiday)
        ctx.result.set_data("colours", choice.colours)
        previous = self.state.signature
        if config.skip and choice.holiday is None and not (previous and previous.get("holiday")):
            ctx.log.info("skip is on and no holiday is active: posters keep their borders")
            ctx.result.set_data("skipped", "skip is on and no holiday is active")
            ctx.progress(0, 0, phase="skipped: no holiday active")
            return
        ctx.phase("listing posters")
        skipped: list[str] = []
        posters = walk(sources, ignore_folders=config.ignore_folders, exclusions=config.exclusion_list,
                       skipped=skipped, by_relative=destination is not None, link_roots=self.ctx.rt.roots(),
                       not_inside=destination)
        for line in skipped:
            ctx.result.warn(line)
        ctx.result.count("excluded", sum(1 for s in skipped if s.endswith("excluded title")))
        index = {p.path: i for i, p in enumerate(posters)}  # round-robin over the whole listing
        redo_all = previous is not None and previous != signature  # no state yet: nothing to redo
        if redo_all:
            ctx.log.info("active colours changed (%s → %s): every poster is redone", previous, signature)
            ctx.result.set_data("redo_all", True)
        refused = 0
        if redo_all or not config.input_files:
            todo = posters
        else:
            todo, refused = self._selected(posters, sources)
        ctx.result.count("posters", len(todo))
        if destination is not None and not self.dry:
            destination.mkdir(parents=True, exist_ok=True)
        failed = 0
        finished = False
        try:
            for done, outcome in enumerate(self._process(todo, index, choice, destination, redo_all), start=1):
                failed += self._record(outcome)
                ctx.progress(done, len(todo), item=str(outcome.poster.rel), phase="re-bordering")
            ctx.progress(len(todo), len(todo), phase="done")
            finished = True
        finally:
            # A cancelled run still records the posters it wrote; the signature (and so "every poster
            # has today's colours") only once the run got through all of them.
            if not self.dry:
                if finished:
                    self.state.signature = signature
                    if not config.input_files or redo_all:
                        listed = {self._key(p, destination) for p in posters}
                        self.state.entries = {k: v for k, v in self.state.entries.items() if k in listed}
                self.state.save()
                if finished and destination is None:
                    self.state.prune_originals()
        if failed:
            raise ModuleError(f"{failed} of {len(todo)} poster(s) could not be processed (see the errors); "
                              "nothing was deleted")
        if refused:
            raise ModuleError(f"{refused} of the {len(config.input_files)} file(s) handed over could not be "
                              "processed (see the errors)")

    def _record(self, outcome: Outcome) -> int:
        result = self.ctx.result
        if outcome.status == "error":
            result.error_item(outcome.poster.path, outcome.message)
            self.ctx.log.error("%s: %s", outcome.poster.path, outcome.message)
            return 1
        if outcome.entry is not None and not self.dry:
            self.state.entries[outcome.key] = outcome.entry
        if outcome.status in ("unchanged", "identical"):
            result.count("unchanged")
            return 0
        verb = "removed border" if outcome.style.colour is None else f"border {outcome.style.colour}"
        result.count("would_write" if self.dry else "written")
        result.changed(f"{'would write' if self.dry else 'wrote'} {outcome.key} ({verb})", path=outcome.key,
                       source=str(outcome.poster.path), colour=outcome.style.colour)
        return 0

    def _key(self, poster: Poster, destination: Path | None) -> str:
        return str(destination / poster.rel if destination is not None else poster.path)

    def _process(self, todo: list[Poster], index: dict[Path, int], choice: Choice, destination: Path | None,
                 redo_all: bool) -> Iterator[Outcome]:
        workers = self.config.workers or max(1, min(8, os.cpu_count() or 1))
        width = self.config.border_width
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="border") as pool:
            chunk = workers * 2
            for start in range(0, len(todo), chunk):
                self.ctx.check_cancelled()
                batch = todo[start:start + chunk]
                jobs = [pool.submit(self._one, p, choice.style(index[p.path], width), destination, redo_all)
                        for p in batch]
                for job in jobs:
                    yield job.result()

    def _one(self, poster: Poster, style: Style, destination: Path | None, redo_all: bool) -> Outcome:
        key = self._key(poster, destination)
        try:
            return self._one_checked(poster, style, key, destination, redo_all)
        except PosterError as exc:
            return Outcome(poster, key, style, "error", message=str(exc))
        except OSError as exc:
            return Outcome(poster, key, style, "error", message=f"{type(exc).__name__}: {exc.strerror or exc}")
        except pyvips.Error as exc:  # a decode failure libvips reports late (while streaming)
            return Outcome(poster, key, style, "error", message=f"corrupt or unreadable image ({str(exc).strip()[:200]})")

    def _one_checked(self, poster: Poster, style: Style, key: str, destination: Path | None,
                     redo_all: bool) -> Outcome:
        entry = self.state.entries.get(key)
        out = Path(key)
        src_stat = poster.path.stat()
        if src_stat.st_size > MAX_IMAGE_BYTES:
            raise PosterError(f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        fresh = entry is not None and not redo_all and entry.style == style.key
        if fresh and destination is None and (entry.size, entry.mtime_ns) == (src_stat.st_size, src_stat.st_mtime_ns):
            return Outcome(poster, key, style, "unchanged", entry)  # our own output, untouched since
        if fresh and destination is not None and \
                (entry.source_size, entry.source_mtime_ns) == (src_stat.st_size, src_stat.st_mtime_ns):
            try:
                st = out.stat()
                if (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns):
                    return Outcome(poster, key, style, "unchanged", entry)
            except FileNotFoundError:
                pass
        data = poster.path.read_bytes()
        digest = _sha(data)
        base, base_hash = data, digest
        if destination is None and entry is not None and digest == entry.output_hash:
            # the file is our own earlier output: start again from the original we kept
            if entry.style == style.key and not redo_all:
                return Outcome(poster, key, style, "unchanged", self._stamp(entry, out, src_stat))
            kept = self.state.original(entry.source_hash)
            if kept is not None:
                base, base_hash = kept, entry.source_hash
        elif destination is not None and entry is not None and digest == entry.source_hash \
                and entry.style == style.key and not redo_all and out.is_file() and _sha(out.read_bytes()) == entry.output_hash:
            return Outcome(poster, key, style, "unchanged", self._stamp(entry, out, src_stat))
        encoded, _w, _h = render(base, style, quality=self.config.jpeg_quality)
        out_hash = _sha(encoded)
        if destination is not None:
            self._check_inside(out, destination)
        if self.dry:
            return Outcome(poster, key, style, "would_write")
        if destination is None:
            self.state.keep_original(base_hash, base)
        atomic_write_bytes(out, encoded)
        st = out.stat()
        src = src_stat if destination is not None else st
        return Outcome(poster, key, style, "written",
                       Entry(str(poster.path), base_hash, style.key, out_hash, st.st_size, st.st_mtime_ns,
                             src.st_size, src.st_mtime_ns))

    @staticmethod
    def _stamp(entry: Entry, out: Path, src_stat: os.stat_result) -> Entry:
        st = out.stat()
        return Entry(entry.source, entry.source_hash, entry.style, entry.output_hash, st.st_size, st.st_mtime_ns,
                     src_stat.st_size, src_stat.st_mtime_ns)

    @staticmethod
    def _check_inside(out: Path, destination: Path) -> None:
        parent = out.parent
        while not parent.exists() and parent != destination:
            parent = parent.parent
        if not parent.resolve().is_relative_to(destination):
            raise PosterError(f"{out} would be written outside {destination}; left alone")
