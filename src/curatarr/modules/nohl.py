"""nohl: find media files that are not hardlinked and, on request, have the *arr replace them.

A file imported by hardlink from the download client's folder has ``st_nlink >= 2``; a file with
``st_nlink == 1`` was copied (double disk use, the torrent cannot seed from it) or its download is
gone. The run:

1. walks the media folders (``source_dirs``; empty = the Radarr/Sonarr root folders, through
   ``path_mappings``) and keeps the video files with ``st_nlink == 1``;
2. pairs each file with its *arr item in linear time: one dict of item folders per run, each file
   looks up its own ancestors (its folder depth, not the library size, bounds the work); the file is
   "tracked" when it is the item's movie file / one of its episode files, "untracked" when it only
   lies in an item folder (extras, leftovers), "unpaired" when no item claims it;
3. with ``replace`` on and not in dry run, has the *arr replace up to ``searches`` items per instance:
   Radarr deletes the movie file and searches the movie; Sonarr deletes the season's files and runs a
   season search when every file of the season is unlinked (a season pack), else deletes the listed
   episode files and searches those episodes. Items in ``exclude_profiles`` (quality profile names),
   ``exclude_movies`` / ``exclude_series`` (titles) and unmonitored items are never replaced.

Differences from CHUB: pairing by folder instead of title + year matching (O(files × items) there),
the root folders are the default source, deleting and searching need the explicit ``replace``
setting as well as a real (non-dry) run, and a replacement that fails makes the run end in error.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from curatarr.arr_disk import VIDEO_EXTENSIONS, PathMap, PathMapping, confined, walk_files
from curatarr.connectors.errors import ConnectorError
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult, select_instances

SUPPORTED = ("radarr", "sonarr")
LISTED_FILES = 2000  # files kept in the run's data for the UI (all are counted)


class NohlConfig(ModuleConfig):
    instances: list[str] = Field(default_factory=list, description="Radarr/Sonarr instances; empty = every enabled one")
    dry_run: bool = Field(False, description="Only report; never delete or search")
    source_dirs: list[str] = Field(default_factory=list,
                                   description="Media folders to walk; empty = the instances' root folders")
    path_mappings: list[PathMapping] = Field(default_factory=list,
                                             description="*arr path prefix → the same folder as Curatarr sees it")
    extensions: list[str] = Field(default_factory=lambda: list(VIDEO_EXTENSIONS), description="Video file extensions")
    replace: bool = Field(False, description="Delete unlinked files and have the *arr search a new copy (not in dry run)")
    searches: int = Field(10, ge=0, le=10_000, description="Most items replaced per instance and run (0 = none)")
    exclude_profiles: list[str] = Field(default_factory=list, description="Quality profile names never replaced")
    exclude_movies: list[str] = Field(default_factory=list, description="Movie titles never replaced")
    exclude_series: list[str] = Field(default_factory=list, description="Series titles never replaced")
    command_timeout: float = Field(600.0, gt=0, le=7200, description="Seconds to wait for each search command")
    poll_seconds: float = Field(2.0, gt=0, le=60, description="Seconds between command status checks")


@dataclass
class Owner:
    """An *arr item that owns a folder."""

    instance: str
    type: str
    item: Any
    excluded: str | None = None              # why it may not be replaced
    files: dict[str, Any] = field(default_factory=dict)   # local file path -> MediaFile (filled lazily)


@dataclass
class Found:
    path: str
    size: int
    owner: Owner | None = None
    file: Any = None                          # the *arr's MediaFile when tracked


class Nohl(Module):
    name = "nohl"
    title = "nohl"
    description = "Finds media files that are not hardlinked and has Radarr/Sonarr replace them on request."
    category = "media"
    Config = NohlConfig

    def run(self, ctx: RunContext, config: NohlConfig) -> RunResult:
        refs = select_instances(ctx, config.instances, SUPPORTED, purpose="pair files with")
        paths = PathMap.of(config.path_mappings)
        owners: dict[str, Owner] = {}
        roots_seen: list[str] = []
        clients: dict[str, Any] = {}
        for ref in refs:
            ctx.check_cancelled()
            ctx.progress(0, 0, item=ref.name, phase=f"{ref.name}: reading library")
            try:
                client = ctx.connectors.get(ref.name, ref.type)
                mine: dict[str, Owner] = {}
                self._read_items(client, ref, config, paths, mine)
                roots_seen += [paths.to_local(r.path) for r in client.root_folders()]
                clients[ref.name] = client
                owners.update(mine)   # only instances read in full take part
            except ConnectorError as exc:
                ctx.log.error("%s: %s", ref.name, exc)
                ctx.result.error_item(ref.name, str(exc))
        if not clients:
            raise ModuleError("no instance could be read (see the job log)")
        found = self._walk(ctx, config, config.source_dirs or roots_seen)
        self._pair(ctx, found, owners, clients, paths)
        self._report(ctx, found)
        if config.replace and not ctx.dry_run and config.searches > 0:
            self._replace(ctx, config, found, clients)
        elif config.replace:
            ctx.log.info("dry run: nothing deleted or searched")
        return ctx.result.build()

    # ---- 1. items --------------------------------------------------------------------------------
    def _read_items(self, client, ref, config: NohlConfig, paths: PathMap, owners: dict[str, Owner]) -> None:
        profiles = {p.id: p.name for p in client.quality_profiles()}
        bad_profiles = {n.casefold() for n in config.exclude_profiles}
        titles = {t.casefold() for t in (config.exclude_movies if ref.type == "radarr" else config.exclude_series)}
        items = client.movies() if ref.type == "radarr" else client.series()
        for item in items:
            if not item.path:
                continue
            why = None
            if profiles.get(item.quality_profile_id, "").casefold() in bad_profiles:
                why = f"quality profile {profiles[item.quality_profile_id]!r} is excluded"
            elif item.title.casefold() in titles:
                why = "title is excluded"
            elif not item.monitored:
                why = "unmonitored"
            owner = Owner(ref.name, ref.type, item, why)
            if ref.type == "radarr" and item.movie_file is not None and item.movie_file.path:
                owner.files[os.path.normpath(paths.to_local(item.movie_file.path))] = item.movie_file
            owners[os.path.normpath(paths.to_local(item.path))] = owner

    # ---- 2. files --------------------------------------------------------------------------------
    def _walk(self, ctx: RunContext, config: NohlConfig, folders: list[str]) -> list[Found]:
        roots = ctx.rt.roots()
        found: list[Found] = []
        scanned = 0
        seen: set[Path] = set()
        for folder in dict.fromkeys(folders):
            local = confined(folder, roots)
            if local is None:
                ctx.result.warn(f"{folder}: not walked (missing, or outside Curatarr's allowed folders)")
                continue
            if any(local == s or local.is_relative_to(s) for s in seen):
                continue
            seen.add(local)
            ctx.progress(scanned, 0, item=str(local), phase="walking media folders")
            for path, st in walk_files(local, config.extensions, check=ctx.check_cancelled):
                scanned += 1
                if st.st_nlink == 1:
                    found.append(Found(path, st.st_size))
        if not seen:
            raise ModuleError("no media folder could be walked (see the warnings)")
        ctx.result.count("files_scanned", scanned)
        ctx.result.count("not_hardlinked", len(found))
        return found

    def _pair(self, ctx: RunContext, found: list[Found], owners: dict[str, Owner], clients: dict, paths: PathMap) -> None:
        fetched: set[int] = set()
        for n, f in enumerate(found):
            if n % 1000 == 0:
                ctx.check_cancelled()
            folder = os.path.dirname(f.path)
            while folder and folder not in owners:
                parent = os.path.dirname(folder)
                folder = parent if parent != folder else ""
            owner = owners.get(folder) if folder else None
            if owner is None:
                continue
            f.owner = owner
            if owner.type == "sonarr" and id(owner) not in fetched:
                fetched.add(id(owner))   # episode files only of series that have unlinked files
                for mf in clients[owner.instance].episode_files(owner.item.id):
                    owner.files[os.path.normpath(paths.to_local(mf.path))] = mf
            f.file = owner.files.get(os.path.normpath(f.path))

    def _report(self, ctx: RunContext, found: list[Found]) -> None:
        listed = []
        for f in found:
            state = "unpaired" if f.owner is None else "tracked" if f.file is not None else "untracked"
            ctx.result.count(state)
            if len(listed) < LISTED_FILES:
                entry: dict[str, Any] = {"path": f.path, "size": f.size, "state": state}
                if f.owner is not None:
                    entry.update(instance=f.owner.instance, title=f.owner.item.title, id=f.owner.item.id,
                                 excluded=f.owner.excluded)
                listed.append(entry)
        ctx.result.set_data("files", listed)

    # ---- 3. replace ------------------------------------------------------------------------------
    def _replace(self, ctx: RunContext, config: NohlConfig, found: list[Found], clients: dict) -> None:
        by_owner: dict[int, tuple[Owner, list[Found]]] = {}
        for f in found:
            if f.file is None or f.owner is None:
                continue
            if f.owner.excluded:
                ctx.result.count("excluded")
                continue
            by_owner.setdefault(id(f.owner), (f.owner, []))[1].append(f)
        done: dict[str, int] = defaultdict(int)
        failed = 0
        todo = sorted(by_owner.values(), key=lambda o: (o[0].instance, o[0].item.id))  # stable order: by id
        for n, (owner, files) in enumerate(todo):
            ctx.check_cancelled()
            if done[owner.instance] >= config.searches:
                ctx.result.count("left_for_next_run")
                continue
            ctx.progress(n, len(todo), item=owner.item.title, phase=f"{owner.instance}: replacing")
            client = clients[owner.instance]
            try:
                if owner.type == "radarr":
                    self._replace_movie(ctx, config, client, owner, files)
                else:
                    self._replace_episodes(ctx, config, client, owner, files)
                done[owner.instance] += 1
            except ConnectorError as exc:
                failed += 1
                ctx.log.error("%s: %s: replacement failed: %s", owner.instance, owner.item.title, exc)
                ctx.result.error_item(f"{owner.instance}: {owner.item.title}", str(exc))
        if failed:
            raise ModuleError(f"{failed} replacement(s) failed (see the job log)")

    def _wait(self, ctx: RunContext, config: NohlConfig, client, command, what: str) -> None:
        result = client.wait_for_command(command, timeout=config.command_timeout, poll=config.poll_seconds,
                                         sleep=ctx.sleep)
        if not result.succeeded:
            raise ConnectorError(f"{what} ended {result.status}: {result.message or ''}".strip())

    def _replace_movie(self, ctx: RunContext, config: NohlConfig, client, owner: Owner, files: list[Found]) -> None:
        movie = owner.item
        for f in files:
            ctx.log.warning("%s: deleting the unlinked file %s of %s (movie file %s)", owner.instance, f.path,
                            movie.title, f.file.id)
            client.delete_movie_file(f.file.id)
            ctx.result.count("files_deleted")
        self._wait(ctx, config, client, client.search([movie.id]), "MoviesSearch")
        ctx.result.count("searches")
        ctx.result.changed(f"{owner.instance}: {movie.title}: replaced {len(files)} unlinked file(s)",
                           instance=owner.instance, id=movie.id, files=[f.path for f in files], search="movie")

    def _replace_episodes(self, ctx: RunContext, config: NohlConfig, client, owner: Owner, files: list[Found]) -> None:
        show = owner.item
        unlinked = {f.file.id for f in files}
        by_season: dict[int, list[Any]] = defaultdict(list)
        for mf in owner.files.values():
            by_season[mf.season_number or 0].append(mf)
        episodes = client.episodes(show.id)
        for season, season_files in sorted(by_season.items()):
            ctx.check_cancelled()
            wanted = [mf.id for mf in season_files if mf.id in unlinked]
            if not wanted:
                continue
            if len(wanted) == len(season_files):
                ctx.log.warning("%s: %s season %s: deleting %d unlinked file(s), season search", owner.instance,
                                show.title, season, len(wanted))
                client.delete_episode_files(wanted)
                command, kind = client.search_season(show.id, season), "season"
            else:
                ids = [e.id for e in episodes if e.episode_file_id in set(wanted)]
                ctx.log.warning("%s: %s season %s: deleting %d unlinked file(s), episode search", owner.instance,
                                show.title, season, len(wanted))
                client.delete_episode_files(wanted)
                command, kind = client.search_episodes(ids), "episodes"
            ctx.result.count("files_deleted", len(wanted))
            self._wait(ctx, config, client, command, f"{kind} search")
            ctx.result.count("searches")
            ctx.result.changed(f"{owner.instance}: {show.title} season {season}: replaced {len(wanted)} file(s) "
                               f"({kind} search)", instance=owner.instance, id=show.id, season=season,
                               search=kind, files=[mf.path for mf in season_files if mf.id in unlinked])
