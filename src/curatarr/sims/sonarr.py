"""Sonarr v3 simulator (contracts.md §1, §3; shared/contracts/sonarr-openapi.json).

Series (list / by id / ``?tvdbId=`` / lookup / add / PUT with ``moveFiles`` / DELETE with
``deleteFiles`` + ``addImportListExclusion``), bulk editor (202), episodes (``?seriesId=``,
``seasonNumber``, ``episodeIds``, ``episodeFileId``, ``includeSeries``, ``includeEpisodeFile``,
``includeImages``), episode files (incl. ``DELETE /episodefile/bulk``), rename preview (paths
relative to the series folder), commands (``SeriesSearch`` takes ONE ``seriesId``; ``SeasonSearch``;
``EpisodeSearch``; ``RenameSeries``; ``RenameFiles``; ``RefreshSeries`` with the legacy single
``seriesId`` mapped into ``seriesIds`` …), ``/importlistexclusion`` (Radarr's ``/exclusions``
404s here), history, wanted lists, health (``RemovedSeriesCheck``) and MediaCover images.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from curatarr.sims.arr_client_routes import add_sonarr_routes
from curatarr.sims.arr_common import (
    LAST_WRITE,
    QUALITIES,
    ArrError,
    ArrSimulator,
    CIDict,
    arr_json,
    compact,
    not_found,
    paged,
    q_bool,
    q_int,
    q_ints,
    quality_model,
    query_values,
    read_json,
    validation_error,
)
from curatarr.sims.arr_queue import grab
from curatarr.sims.library import (
    Episode,
    SampleLibrary,
    Show,
    clean_title,
    copy_show,
    folder_safe,
    primary_artwork,
)
from curatarr.sims.radarr import language, media_info

TVDB_IMAGE_BASE = "https://artworks.thetvdb.com/banners/images"
COVER_KINDS = {"poster": "poster", "fanart": "background", "banner": "background", "clearlogo": "logo"}
HISTORY_EVENTS = {"unknown": 0, "grabbed": 1, "seriesFolderImported": 2, "downloadFolderImported": 3,
                  "downloadFailed": 4, "episodeFileDeleted": 5, "episodeFileRenamed": 6, "downloadIgnored": 7}


def title_slug(title: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


class SonarrSimulator(ArrSimulator):
    service = "sonarr"
    app_name = "Sonarr"
    version = "4.0.14.2939"
    api_base = "/api/v3"
    media_ids_key = "seriesIds"
    commands = {
        "seriessearch": "Series Search", "seasonsearch": "Season Search", "episodesearch": "Episode Search",
        "renameseries": "Rename Series", "renamefiles": "Rename Files", "refreshseries": "Refresh Series",
        "rescanseries": "Rescan Series", "refreshmonitoreddownloads": "Refresh Monitored Downloads",
        "missingepisodesearch": "Missing Episode Search", "cutoffunmetepisodesearch": "Cutoff Unmet Episode Search",
        "rsssync": "Rss Sync", "checkhealth": "Check Health", "downloadedepisodesscan": "Downloaded Episodes Scan",
    }
    arg_names = ("seriesId", "seriesIds", "seasonNumber", "episodeIds", "files", "isNewSeries")

    def __init__(self, library: SampleLibrary, *, api_key: str, instance: str | None = None,
                 image_base: str = TVDB_IMAGE_BASE, files_root: str | None = None):
        self.image_base = image_base.rstrip("/")
        super().__init__(library, api_key=api_key, instance=instance, files_root=files_root)

    # ---- state -------------------------------------------------------------------------------
    def reset_media_state(self) -> None:
        self.series: dict[int, Show] = {s.id: s for s in self.library.shows}
        self.reindex_episodes()
        present = {s.tvdb_id for s in self.library.shows}
        excluded = [s for s in self.catalog.shows if s.tvdb_id not in present][:2]
        self.exclusions = [{"id": i + 1, "tvdbId": s.tvdb_id, "title": s.title} for i, s in enumerate(excluded)] or [
            {"id": 1, "tvdbId": 99_999_002, "title": "The Excluded Show"}]

    def reindex_episodes(self) -> None:
        self.episodes: dict[int, tuple[Show, Episode]] = {}
        self.files: dict[int, tuple[Show, Episode]] = {}
        for show in self.series.values():
            for ep in show.episodes():
                self.episodes[ep.id] = (show, ep)
                if ep.has_file and ep.file_id is not None:
                    self.files[ep.file_id] = (show, ep)

    def show(self, series_id: int) -> Show:
        return self.find_or_404(self.series, series_id)

    def tag_usage(self, tag_id: int) -> list[int]:
        return [s.id for s in self.series.values() if tag_id in s.tags]

    def health_checks(self) -> list[dict[str, Any]]:
        return self.removed_check([f"{s.title} (tvdbid {s.tvdb_id})" for s in self.series.values() if s.removed_from_tvdb],
                                  source="RemovedSeriesCheck", message="Series {names} was removed from TheTVDB",
                                  wiki="https://wiki.servarr.com/sonarr/system#series-removed-from-thetvdb")

    # ---- resources ---------------------------------------------------------------------------
    def images(self, show: Show) -> list[dict[str, Any]]:
        return self.cover_images(show.id, show.artworks)

    def season_resource(self, show: Show, season: Any, with_images: bool) -> dict[str, Any]:
        files = [e for e in season.episodes if e.has_file]
        aired = [e for e in season.episodes if e.monitored or e.has_file]
        size = sum(e.size for e in files)
        data: dict[str, Any] = {
            "seasonNumber": season.number, "monitored": season.monitored,
            "statistics": {"episodeFileCount": len(files), "episodeCount": len(aired),
                           "totalEpisodeCount": len(season.episodes), "sizeOnDisk": size,
                           "releaseGroups": ["GRP"] if files else [],
                           "percentOfEpisodes": round(100.0 * len(files) / len(aired), 1) if aired else 0.0},
        }
        if with_images:
            art = primary_artwork(season.artworks, "season")
            data["images"] = ([{"coverType": "poster", "url": f"/MediaCover/{show.id}/season-{season.number}.jpg?lastWrite={LAST_WRITE}",
                                "remoteUrl": f"{self.image_base}{art.file_path}"}] if art else [])
        return data

    def series_resource(self, show: Show, *, season_images: bool = False) -> dict[str, Any]:
        seasons = [self.season_resource(show, s, season_images) for s in show.seasons]
        stats = [s["statistics"] for s in seasons]
        files = sum(s["episodeFileCount"] for s in stats)
        count = sum(s["episodeCount"] for s in stats)
        poster = primary_artwork(show.artworks)
        first = min((e.air_date for e in show.episodes()), default=None)
        last = max((e.air_date for e in show.episodes()), default=None)
        return compact({
            "id": show.id, "title": show.title,
            "alternateTitles": [{"title": t, "seasonNumber": -1} for t in show.alternate_titles],
            "sortTitle": show.sort_title, "status": show.status, "ended": show.ended,
            "overview": show.overview or f"{show.title}.", "network": show.network, "airTime": "21:00",
            "images": self.images(show), "originalLanguage": language(show.original_language),
            "remotePoster": f"{self.image_base}{poster.file_path}" if poster else None, "seasons": seasons,
            "year": show.year, "path": show.path, "qualityProfileId": show.quality_profile_id, "seasonFolder": True,
            "monitored": show.monitored, "monitorNewItems": "all", "useSceneNumbering": False, "runtime": show.runtime,
            "tvdbId": show.tvdb_id, "tvRageId": 0, "tvMazeId": 0, "tmdbId": show.tmdb_id,
            "firstAired": f"{first}T00:00:00Z" if first else None, "lastAired": f"{last}T00:00:00Z" if last else None,
            "seriesType": show.series_type, "cleanTitle": clean_title(show.title), "imdbId": show.imdb_id,
            "titleSlug": title_slug(show.title), "rootFolderPath": show.root_folder, "folder": show.folder_name,
            "certification": show.certification, "genres": list(show.genres), "tags": list(show.tags),
            "added": show.added, "ratings": {"votes": show.ratings.imdb_votes, "value": show.ratings.imdb},
            "statistics": {"seasonCount": len([s for s in show.seasons if s.number > 0]), "episodeFileCount": files,
                           "episodeCount": count, "totalEpisodeCount": sum(s["totalEpisodeCount"] for s in stats),
                           "sizeOnDisk": sum(s["sizeOnDisk"] for s in stats), "releaseGroups": ["GRP"] if files else [],
                           "percentOfEpisodes": round(100.0 * files / count, 1) if count else 0.0},
            "languageProfileId": 1,
        })

    def relative_path(self, show: Show, ep: Episode) -> str:
        path = ep.path or ""
        return path[len(show.path) + 1:] if path.startswith(show.path + "/") else path

    def expected_relative_path(self, show: Show, ep: Episode) -> str:
        sub = "Specials" if ep.season_number == 0 else f"Season {ep.season_number:02d}"
        return (f"{sub}/{folder_safe(show.title)} - S{ep.season_number:02d}E{ep.episode_number:02d} - "
                f"{folder_safe(ep.title)} [{ep.quality}].mkv")

    def episode_file(self, show: Show, ep: Episode) -> dict[str, Any] | None:
        if not ep.has_file or ep.file_id is None:
            return None
        profile = next((p for p in self.library.quality_profiles if p.id == show.quality_profile_id), None)
        cutoff_unmet = bool(profile) and QUALITIES.get(ep.quality or "Unknown", QUALITIES["Unknown"])[2] < \
            QUALITIES.get(profile.cutoff, QUALITIES["Unknown"])[2]
        return {"id": ep.file_id, "seriesId": show.id, "seasonNumber": ep.season_number,
                "relativePath": self.relative_path(show, ep), "path": ep.path, "size": ep.size,
                "dateAdded": f"{ep.air_date}T12:00:00Z", "releaseGroup": "GRP",
                "languages": [language(show.original_language)], "quality": quality_model(ep.quality, "sonarr"),
                "customFormats": [], "customFormatScore": 0, "indexerFlags": 0, "releaseType": "singleEpisode",
                "mediaInfo": media_info(ep.quality or "Unknown", ep.runtime), "qualityCutoffNotMet": cutoff_unmet}

    def episode_resource(self, show: Show, ep: Episode, *, include_series: bool = False,
                         include_file: bool = False, include_images: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": ep.id, "seriesId": show.id, "tvdbId": ep.tvdb_id, "episodeFileId": ep.file_id or 0,
            "seasonNumber": ep.season_number, "episodeNumber": ep.episode_number, "title": ep.title,
            "airDate": ep.air_date, "airDateUtc": f"{ep.air_date}T02:00:00Z", "runtime": ep.runtime,
            "overview": f"{show.title} S{ep.season_number:02d}E{ep.episode_number:02d}.", "hasFile": ep.has_file,
            "monitored": ep.monitored, "unverifiedSceneNumbering": False,
        }
        if show.series_type == "anime" and ep.season_number > 0:
            data["absoluteEpisodeNumber"] = ep.id
        if include_file:
            data["episodeFile"] = self.episode_file(show, ep)
        if include_series:
            data["series"] = self.series_resource(show)
        if include_images:
            still = primary_artwork(ep.artworks, "still")
            data["images"] = [{"coverType": "screenshot", "url": f"{self.image_base}{still.file_path}",
                               "remoteUrl": f"{self.image_base}{still.file_path}"}] if still else []
        return data

    def lookup_resource(self, show: Show) -> dict[str, Any]:
        existing = next((s for s in self.series.values() if s.tvdb_id == show.tvdb_id), None)
        if existing is not None:
            return self.series_resource(existing)
        data = self.series_resource(show)
        for key in ("path", "rootFolderPath"):
            data.pop(key, None)
        data.update(id=0, monitored=False, tags=[], qualityProfileId=0, added="0001-01-01T00:00:00Z")
        return data

    # ---- commands ----------------------------------------------------------------------------
    def normalise_command_body(self, name: str, body: CIDict) -> dict[str, Any]:
        return self.canonical_command_args(name, body, legacy=("refreshseries", "renameseries"), single="seriesId",
                                           plural="seriesIds", int_lists=("seriesIds", "episodeIds"))

    def run_command(self, name: str, body: CIDict) -> str | None:
        if name == "renameseries":
            count = sum(self._rename(show, ep) for sid in body.get("seriesIds") or []
                        if (show := self.series.get(sid)) for ep in show.episodes())
            return f"Renamed {count} episode file(s)"
        if name == "renamefiles":
            show = self.series.get(body.get("seriesId") or 0)
            wanted = set(body.get("files") or [])
            if show is not None:
                for ep in show.episodes():
                    if ep.file_id in wanted:
                        self._rename(show, ep)
            return "Completed"
        if name in ("seriessearch", "seasonsearch") and body.get("seriesId") not in self.series:
            # The real command takes ONE seriesId; a list (or nothing) leaves it 0 and the job fails.
            raise ArrError(404, f"Series with ID {body.get('seriesId') or 0} does not exist")
        if name in ("seriessearch", "seasonsearch", "episodesearch", "missingepisodesearch", "cutoffunmetepisodesearch"):
            self.sim.record("searches", kind=name, series_id=body.get("seriesId"),
                            season_number=body.get("seasonNumber"), episode_ids=body.get("episodeIds"))
            self.grab_for_search(name, body)
            self._grab_searched(name, body)
        return None

    def grab_for_search(self, name: str, body: CIDict) -> None:
        """A season (or series) search grabs one pack per monitored season it covers."""
        show = self.series.get(body.get("seriesId") or 0)
        if show is None or name not in ("seriessearch", "seasonsearch"):
            return
        wanted = body.get("seasonNumber")
        for season in sorted({e.season_number for e in show.episodes() if e.monitored and e.season_number > 0}):
            if wanted is None or season == wanted:
                grab(self, {"seriesId": show.id, "seasonNumber": season},
                          f"{show.title}.S{season:02d}.2160p.WEB-DL-SIM".replace(" ", "."), show.id * 100 + season)

    def _grab_searched(self, name: str, body: CIDict) -> None:
        """With real files, a season/episode search imports the missing episodes by hardlink."""
        if self.disk is None:
            return
        if name == "seasonsearch":
            show = self.series[body.get("seriesId")]
            wanted = [(show, ep) for ep in show.episodes() if ep.season_number == body.get("seasonNumber")]
        elif name == "episodesearch":
            wanted = [self.episodes[i] for i in body.get("episodeIds") or [] if i in self.episodes]
        else:
            return
        for show, ep in wanted:
            if ep.has_file:
                continue
            path = f"{show.path}/{self.expected_relative_path(show, ep)}"
            ep.quality = ep.quality or "HDTV-1080p"
            self.disk_import(path, f"episode:{ep.tvdb_id}:{ep.quality}:grabbed")
            ep.has_file, ep.path, ep.size = True, path, 2048
            ep.file_id = max(self.files_by_id(), default=0) + 1
            self.sim.record("imports", series_id=show.id, episode_id=ep.id, path=path)
        self.reindex_episodes()

    def files_by_id(self) -> list[int]:
        return [ep.file_id for _, ep in self.episodes.values() if ep.file_id]

    def _rename(self, show: Show, ep: Episode) -> bool:
        if not ep.has_file:
            return False
        target = self.expected_relative_path(show, ep)
        current = self.relative_path(show, ep)
        if current == target:
            return False
        self.sim.record("renames", series_id=show.id, episode_file_id=ep.file_id, existing=current, new=target)
        self.disk_rename(ep.path, f"{show.path}/{target}")
        ep.path = f"{show.path}/{target}"
        return True

    # ---- routes ------------------------------------------------------------------------------
    def add_cover_routes(self, app: FastAPI) -> None:
        async def cover(request: Request, series_id: int, filename: str) -> Response:
            self.auth(request)
            return self.cover(series_id, filename)
        app.add_api_route("/MediaCover/{series_id}/{filename}", cover, methods=["GET"])

    def cover(self, series_id: int, filename: str) -> Response:
        show = self.show(series_id)
        stem = filename.rsplit(".", 1)[0]
        if stem.startswith("season-"):
            number = stem[7:].split("-")[0]
            season = next((s for s in show.seasons if str(s.number) == number), None)
            if season is None:
                raise not_found()
            return self.image_response(primary_artwork(season.artworks, "season"), show.title, small="-" in stem[7:])
        base, _, size = stem.partition("-")
        kind = COVER_KINDS.get(base)
        if kind is None or size not in ("", "500", "250"):
            raise not_found()
        return self.image_response(primary_artwork(show.artworks, kind), show.title, small=bool(size))

    def add_routes(self, router: APIRouter) -> None:  # noqa: C901 - one route table
        sim = self

        @router.get("/series")
        async def list_series(request: Request) -> Response:
            tvdb_id = q_int(request, "tvdbId")
            images = q_bool(request, "includeSeasonImages")
            with sim.lock:
                return arr_json([sim.series_resource(s, season_images=images) for s in sim.series.values()
                                 if tvdb_id is None or s.tvdb_id == tvdb_id], clean=True)

        @router.get("/series/lookup")
        async def lookup(request: Request) -> Response:
            term = (query_values(request, "term") or [""])[0].strip()
            if not term:
                raise validation_error("term", "term must be provided")
            low = term.lower()
            if low.startswith("tvdb:"):
                hit = sim.catalog.show_by_tvdb(int(low[5:]) if low[5:].strip().isdigit() else -1)
                hits = [hit] if hit else []
            else:
                hits = [s for s in sim.catalog.shows if low in s.title.lower() or low in s.original_title.lower()
                        or any(low in a.lower() for a in s.alternate_titles)][:20]
            return arr_json([sim.lookup_resource(s) for s in hits])

        sim.add_editor_routes(router, media="series", ids_key="seriesIds", label="Series Ids", get=sim.show,
                              resource=sim.series_resource, delete=sim.delete_series,
                              exclusion_flag="addImportListExclusion")

        @router.get("/series/{series_id}")
        async def get_series(series_id: int, request: Request) -> Response:
            return arr_json(sim.series_resource(sim.show(series_id), season_images=q_bool(request, "includeSeasonImages")))

        @router.post("/series")
        async def add_series(request: Request) -> Response:
            with sim.lock:
                return arr_json(sim.series_resource(sim.add_series(CIDict(await read_json(request)))), 201)

        @router.put("/series/{series_id}")
        async def update_series(series_id: int, request: Request) -> Response:
            body = CIDict(await read_json(request))
            with sim.lock:
                show = sim.show(series_id)
                tags = sim.valid_tags(body.get("tags") or []) if "tags" in body else None
                sim.apply_edit(show, CIDict({**body.raw, "applyTags": "replace"}), tags)
                new_path = body.get("path")
                if new_path and new_path.rstrip("/") != show.path:
                    sim.move(show, new_path.rstrip("/"), q_bool(request, "moveFiles"))
                return arr_json(sim.series_resource(show), 202)

        add_sonarr_routes(sim, router, update_series)  # PUT /series (id in the body), /history, /languageprofile

        @router.delete("/series/{series_id}")
        async def delete_series(series_id: int, request: Request) -> Response:
            with sim.lock:
                sim.delete_series(sim.show(series_id), q_bool(request, "deleteFiles"),
                                  q_bool(request, "addImportListExclusion"))
            return Response(status_code=200)

        @router.get("/episode")
        async def episodes(request: Request) -> Response:
            series_id, ids, file_id = q_int(request, "seriesId"), q_ints(request, "episodeIds"), q_int(request, "episodeFileId")
            if series_id is None and not ids and file_id is None:
                raise validation_error("seriesId", "seriesId or episodeIds must be provided")
            season = q_int(request, "seasonNumber")
            flags = dict(include_series=q_bool(request, "includeSeries"), include_file=q_bool(request, "includeEpisodeFile"),
                         include_images=q_bool(request, "includeImages"))
            out = [sim.episode_resource(show, ep, **flags) for show, ep in sim.episodes.values()
                   if (series_id is None or show.id == series_id) and (not ids or ep.id in ids)
                   and (file_id is None or ep.file_id == file_id) and (season is None or ep.season_number == season)]
            return arr_json(out)

        sim.add_monitor_route(router, "/episode/monitor", "episodeIds", lambda: sim.episodes,
                              lambda show, ep: sim.episode_resource(show, ep))

        @router.get("/episode/{episode_id}")
        async def episode(episode_id: int) -> Response:
            if episode_id not in sim.episodes:
                raise not_found()
            show, ep = sim.episodes[episode_id]
            return arr_json(sim.episode_resource(show, ep, include_series=True, include_file=True))

        @router.put("/episode/{episode_id}")
        async def update_episode(episode_id: int, request: Request) -> Response:
            if episode_id not in sim.episodes:
                raise not_found()
            body = CIDict(await read_json(request))
            show, ep = sim.episodes[episode_id]
            if "monitored" in body:
                ep.monitored = bool(body.get("monitored"))
            return arr_json(sim.episode_resource(show, ep), 202)

        @router.get("/episodefile")
        async def episode_files(request: Request) -> Response:
            series_id, ids = q_int(request, "seriesId"), q_ints(request, "episodeFileIds")
            if series_id is None and not ids:
                raise validation_error("seriesId", "seriesId or episodeFileIds must be provided")
            return arr_json([sim.episode_file(show, ep) for fid, (show, ep) in sorted(sim.files.items())
                             if (series_id is None or show.id == series_id) and (not ids or fid in ids)])

        @router.get("/episodefile/{file_id}")
        async def episode_file(file_id: int) -> Response:
            if file_id not in sim.files:
                raise not_found()
            return arr_json(sim.episode_file(*sim.files[file_id]))

        sim.add_file_delete_routes(router, "/episodefile", "episodeFileIds")

        @router.get("/rename")
        async def rename_preview(request: Request) -> Response:
            series_id = q_int(request, "seriesId")
            if series_id is None:
                raise validation_error("seriesId", "seriesId must be provided")
            season = q_int(request, "seasonNumber")
            show = sim.series.get(series_id)
            out = []
            for ep in (show.episodes() if show else []):
                if not ep.has_file or (season is not None and ep.season_number != season):
                    continue
                existing, new = sim.relative_path(show, ep), sim.expected_relative_path(show, ep)
                if existing != new:
                    out.append({"id": ep.file_id, "seriesId": show.id, "seasonNumber": ep.season_number,
                                "episodeNumbers": [ep.episode_number], "episodeFileId": ep.file_id,
                                "existingPath": existing, "newPath": new})
            return arr_json(out)

        sim.add_exclusion_routes(router)
        sim.add_history_routes(router)

        @router.get("/mediacover/{series_id}/{filename}")
        async def media_cover(series_id: int, filename: str) -> Response:
            return sim.cover(series_id, filename)

    def add_history_routes(self, router: APIRouter) -> None:
        sim = self

        @router.get("/history/series")
        async def history(request: Request) -> Response:
            series_id = q_int(request, "seriesId")
            if series_id is None:
                raise validation_error("seriesId", "seriesId must be provided")
            show = sim.series.get(series_id)
            season = q_int(request, "seasonNumber")
            event = (query_values(request, "eventType") or [None])[0]
            records = []
            for ep in (show.episodes() if show else []):
                if ep.has_file and (season is None or ep.season_number == season):
                    records.extend(sim.history(show, ep, q_bool(request, "includeSeries"), q_bool(request, "includeEpisode")))
            if event is not None:
                records = [r for r in records if event in (r["eventType"], str(HISTORY_EVENTS[r["eventType"]]))]
            return arr_json(records)

        def wanted(request: Request, predicate) -> Response:
            monitored = q_bool(request, "monitored", True)
            rows = [(show, ep) for show, ep in sim.episodes.values()
                    if predicate(show, ep) and (not monitored or (ep.monitored and show.monitored))]
            page = paged(request, rows, sort_key="airDateUtc",
                         key_funcs={"airDateUtc": lambda r: r[1].air_date, "episodes.airDateUtc": lambda r: r[1].air_date,
                                    "title": lambda r: r[1].title, "id": lambda r: r[1].id})
            include = q_bool(request, "includeSeries")
            page["records"] = [sim.episode_resource(s, e, include_series=include) for s, e in page["records"]]
            return arr_json(page)

        @router.get("/wanted/missing")
        async def missing(request: Request) -> Response:
            return wanted(request, lambda s, e: not e.has_file and e.season_number > 0 and s.status != "upcoming")

        @router.get("/wanted/cutoff")
        async def cutoff(request: Request) -> Response:
            return wanted(request, lambda s, e: bool((f := sim.episode_file(s, e)) and f["qualityCutoffNotMet"]))

    # ---- mutations ---------------------------------------------------------------------------
    def apply_edit(self, show: Show, body: CIDict, tags: list[int] | None) -> None:
        if body.get("monitored") is not None:
            show.monitored = bool(body.get("monitored"))
        if body.get("qualityProfileId"):
            show.quality_profile_id = int(body.get("qualityProfileId"))
        if body.get("seriesType") in ("standard", "daily", "anime"):
            show.series_type = body.get("seriesType")
        self.apply_tag_edit(show, body, tags)
        root = body.get("rootFolderPath")
        if root and "path" not in body and root.rstrip("/") != show.root_folder:
            self.move(show, f"{root.rstrip('/')}/{show.folder_name}", bool(body.get("moveFiles")))

    def move(self, show: Show, new_path: str, move_files: bool) -> None:
        old = show.path
        show.path, show.folder_name = new_path, new_path.rsplit("/", 1)[-1]
        show.root_folder = new_path.rsplit("/", 1)[0] or "/"
        for ep in show.episodes():
            if ep.path and ep.path.startswith(old + "/"):
                ep.path = new_path + ep.path[len(old):]
        self.sim.record("moves", series_id=show.id, source=old, destination=new_path, move_files=move_files)
        self.disk_move(old, new_path, move_files)

    def add_series(self, body: CIDict) -> Show:
        tvdb_id = body.get("tvdbId")
        if not isinstance(tvdb_id, int) or tvdb_id <= 0:
            raise validation_error("TvdbId", "'Tvdb Id' must be greater than '0'.", tvdb_id)
        if any(s.tvdb_id == tvdb_id for s in self.series.values()):
            raise validation_error("TvdbId", "This series has already been added", tvdb_id)
        source = self.catalog.show_by_tvdb(tvdb_id)
        if source is None:
            raise validation_error("TvdbId", "Unable to find series on TheTVDB", tvdb_id)
        root = str(body.get("rootFolderPath") or self.own_root_folders()[0].path).rstrip("/")
        new_id = max(self.series, default=0) + 1
        show = copy_show(source, id=new_id, tags=self.valid_tags(body.get("tags") or []))
        next_ep = max(self.episodes, default=0)
        for ep in show.episodes():
            next_ep += 1
            ep.id, ep.has_file, ep.file_id, ep.path, ep.size = next_ep, False, None, None, 0
        show.root_folder, show.path = root, str(body.get("path") or f"{root}/{source.folder_name}").rstrip("/")
        show.monitored = bool(body.get("monitored", True))
        self.series[new_id] = show
        self.library.shows.append(show)
        self.library.reindex()
        self.reindex_episodes()
        self.sim.record("adds", series_id=new_id, tvdb_id=tvdb_id, title=show.title)
        return show

    def delete_series(self, show: Show, delete_files: bool, add_exclusion: bool) -> None:
        self.series.pop(show.id, None)
        self.library.shows = [s for s in self.library.shows if s.id != show.id]
        self.library.reindex()
        self.reindex_episodes()
        if add_exclusion and not any(e["tvdbId"] == show.tvdb_id for e in self.exclusions):
            self.add_exclusion_item({"tvdbId": show.tvdb_id, "title": show.title})
        self.sim.record("deletes", kind="series", id=show.id, tvdb_id=show.tvdb_id, title=show.title,
                        path=show.path, delete_files=delete_files, add_exclusion=add_exclusion)
        self.disk_delete_tree(show.path, delete_files)

    def delete_file(self, file_id: int) -> None:
        if file_id not in self.files:
            raise not_found()
        show, ep = self.files.pop(file_id)
        self.sim.record("deletes", kind="episodefile", id=file_id, series_id=show.id, episode_id=ep.id, path=ep.path)
        self.disk_delete_file(ep.path)
        ep.has_file, ep.file_id, ep.path, ep.size = False, None, None, 0

    def history(self, show: Show, ep: Episode, include_series: bool, include_episode: bool) -> list[dict[str, Any]]:
        base: dict[str, Any] = {
            "episodeId": ep.id, "seriesId": show.id,
            "sourceTitle": f"{folder_safe(show.title).replace(' ', '.')}.S{ep.season_number:02d}E{ep.episode_number:02d}-GRP",
            "languages": [language(show.original_language)], "quality": quality_model(ep.quality, "sonarr"),
            "customFormats": [], "customFormatScore": 0, "qualityCutoffNotMet": False,
            "date": f"{ep.air_date}T12:00:00Z", "downloadId": f"SABnzbd_nzo_{ep.id:06d}"}
        if include_series:
            base["series"] = self.series_resource(show)
        if include_episode:
            base["episode"] = self.episode_resource(show, ep)
        return [{"id": ep.id * 10 + 1, **base, "eventType": "grabbed", "data": {"indexer": "MyIndexer"}},
                {"id": ep.id * 10 + 2, **base, "eventType": "downloadFolderImported", "data": {"importedPath": ep.path}}]


def create_app(library: SampleLibrary, *, api_key: str = "sonarr-api-key", instance: str | None = None,
               image_base: str = TVDB_IMAGE_BASE, files_root: str | None = None) -> FastAPI:
    """A Sonarr v3 simulator app for ``library.for_instance(instance)`` (real files under ``files_root``:
    :mod:`curatarr.sims.arr_files`)."""
    return SonarrSimulator(library, api_key=api_key, instance=instance or "sonarr", image_base=image_base,
                           files_root=files_root).build()
