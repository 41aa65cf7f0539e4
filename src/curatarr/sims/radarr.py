"""Radarr v3 simulator (contracts.md §1–2, shared/contracts/radarr-openapi.json).

Serves the instance's copy of the sample library (``library.for_instance(instance)``):
movies (list / by id / ``?tmdbId=`` / lookup / add / PUT with ``moveFiles`` / DELETE with
``deleteFiles`` + ``addImportExclusion``), the bulk editor (202), movie files, rename preview,
commands (``MoviesSearch``, ``RenameMovie``, ``RenameFiles``, ``RefreshMovie``, ``RescanMovie``,
``MissingMoviesSearch`` …), import exclusions at ``/api/v3/exclusions`` (``/importlistexclusion``
404s, as on the real server), history, wanted lists, health (``RemovedMovieCheck``) and
MediaCover images. All changes stay in memory until ``/__sim__/reset``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from curatarr.sims.arr_client_routes import add_radarr_routes
from curatarr.sims.arr_common import (
    LAST_WRITE,  # noqa: F401  (re-exported: radarr.LAST_WRITE stays importable)
    QUALITIES,
    ArrError,
    ArrSimulator,
    CIDict,
    arr_json,
    compact,
    int_list,
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
    LANGUAGES,
    Movie,
    SampleLibrary,
    clean_title,
    copy_movie,
    folder_safe,
    primary_artwork,
)

TMDB_IMAGE_BASE = "https://image.tmdb.org/t/p/original"
COVER_KINDS = {"poster": "poster", "fanart": "background", "clearlogo": "logo", "banner": "background"}
HISTORY_EVENTS = {"unknown": 0, "grabbed": 1, "downloadFolderImported": 3, "downloadFailed": 4,
                  "movieFileDeleted": 6, "movieFolderImported": 8, "movieFileRenamed": 9, "downloadIgnored": 10}


def language(code: str) -> dict[str, Any]:
    lang_id, name = LANGUAGES.get(code, LANGUAGES["en"])
    return {"id": lang_id, "name": name}


def media_info(quality: str, runtime: int) -> dict[str, Any]:
    height = QUALITIES.get(quality, QUALITIES["Unknown"])[2] or 480
    width = {2160: 3840, 1080: 1920, 720: 1280}.get(height, 720)
    return {"audioBitrate": 640000, "audioChannels": 5.1, "audioCodec": "EAC3", "audioLanguages": "eng",
            "audioStreamCount": 1, "videoBitDepth": 10 if height == 2160 else 8, "videoBitrate": 0,
            "videoCodec": "x265" if height == 2160 else "x264", "videoFps": 23.976,
            "videoDynamicRange": "HDR" if height == 2160 else "", "videoDynamicRangeType": "HDR10" if height == 2160 else "",
            "resolution": f"{width}x{height}", "runTime": f"{runtime // 60}:{runtime % 60:02d}:00",
            "scanType": "Progressive", "subtitles": "eng"}


def expected_file_name(movie: Movie) -> str:
    """The sim's naming format: ``{Movie Title} ({Release Year}) [{Quality Full}]``."""
    return f"{folder_safe(movie.title)} ({movie.year}) [{movie.quality}].mkv"


class RadarrSimulator(ArrSimulator):
    service = "radarr"
    app_name = "Radarr"
    version = "6.0.4.10291"
    api_base = "/api/v3"
    media_ids_key = "movieIds"
    exclusion_path = "exclusions"  # no /importlistexclusion on Radarr: it 404s (contracts §2.1)
    exclusion_key = "tmdbId"
    exclusion_fields = ("tmdbId", "movieTitle", "movieYear")
    commands = {
        "moviessearch": "Movies Search", "renamemovie": "Rename Movie", "renamefiles": "Rename Files",
        "refreshmovie": "Refresh Movie", "rescanmovie": "Rescan Movie",
        "missingmoviessearch": "Missing Movies Search", "cutoffunmetmoviessearch": "Cutoff Unmet Movies Search",
        "refreshmonitoreddownloads": "Refresh Monitored Downloads", "refreshcollections": "Refresh Collections",
        "downloadedmoviesscan": "Downloaded Movies Scan", "rsssync": "Rss Sync", "checkhealth": "Check Health",
    }
    arg_names = ("movieIds", "movieId", "files", "isNewMovie", "filterKey", "filterValue")

    def __init__(self, library: SampleLibrary, *, api_key: str, instance: str | None = None,
                 image_base: str = TMDB_IMAGE_BASE, files_root: str | None = None):
        self.image_base = image_base.rstrip("/")
        super().__init__(library, api_key=api_key, instance=instance, files_root=files_root)

    # ---- state -------------------------------------------------------------------------------
    def reset_media_state(self) -> None:
        self.movies: dict[int, Movie] = {m.id: m for m in self.library.movies}
        self.profiles_by_id = {p.id: p for p in self.library.quality_profiles}
        present = {m.tmdb_id for m in self.library.movies}
        excluded = [m for m in self.catalog.movies if m.tmdb_id not in present][:2]
        self.exclusions = [{"id": i + 1, "tmdbId": m.tmdb_id, "movieTitle": m.title, "movieYear": m.year}
                           for i, m in enumerate(excluded)]
        if not self.exclusions:
            self.exclusions = [{"id": 1, "tmdbId": 99_999_001, "movieTitle": "The Excluded One", "movieYear": 2004}]

    def movie(self, movie_id: int) -> Movie:
        return self.find_or_404(self.movies, movie_id)

    def tag_usage(self, tag_id: int) -> list[int]:
        return [m.id for m in self.movies.values() if tag_id in m.tags]

    def health_checks(self) -> list[dict[str, Any]]:
        return self.removed_check([f"{m.title} (tmdbid {m.tmdb_id})" for m in self.movies.values() if m.removed_from_tmdb],
                                  source="RemovedMovieCheck", message="Movie {names} was removed from TMDb",
                                  wiki="https://wiki.servarr.com/radarr/system#movie-was-removed-from-tmdb")

    # ---- resources ---------------------------------------------------------------------------
    def images(self, movie: Movie) -> list[dict[str, Any]]:
        return self.cover_images(movie.id, movie.artworks)

    def movie_file(self, movie: Movie) -> dict[str, Any] | None:
        if not movie.has_file or movie.file_id is None:
            return None
        name = movie.file_name or expected_file_name(movie)
        return compact({"id": movie.file_id, "movieId": movie.id, "relativePath": name, "path": f"{movie.path}/{name}",
                "size": movie.size_on_disk, "dateAdded": movie.added, "releaseGroup": movie.release_group, "edition": "",
                "languages": [language(movie.original_language)], "quality": quality_model(movie.quality, "radarr"),
                "customFormats": [], "customFormatScore": 0, "indexerFlags": 0,
                "mediaInfo": media_info(movie.quality, movie.runtime), "qualityCutoffNotMet": self.cutoff_unmet(movie)})

    def cutoff_unmet(self, movie: Movie) -> bool:
        profile = self.profiles_by_id.get(movie.quality_profile_id)
        if profile is None:
            return False
        have = QUALITIES.get(movie.quality, QUALITIES["Unknown"])
        want = QUALITIES.get(profile.cutoff, QUALITIES["Unknown"])
        return (have[2], have[3] == "remux") < (want[2], want[3] == "remux")

    def movie_resource(self, movie: Movie) -> dict[str, Any]:
        poster = primary_artwork(movie.artworks)
        released = f"{movie.year}-09-21T00:00:00Z"
        file_resource = self.movie_file(movie)
        return compact({
            "id": movie.id, "title": movie.title, "originalTitle": movie.original_title,
            "originalLanguage": language(movie.original_language),
            "alternateTitles": [{"id": movie.id * 100 + i, "sourceType": "tmdb", "movieMetadataId": movie.id,
                                 "title": t, "cleanTitle": clean_title(t)} for i, t in enumerate(movie.alternate_titles)],
            "secondaryYearSourceId": 0, "sortTitle": movie.sort_title, "sizeOnDisk": movie.size_on_disk,
            "status": movie.status, "overview": movie.overview or f"{movie.title} ({movie.year}).",
            "inCinemas": f"{movie.year}-03-30T00:00:00Z", "physicalRelease": released, "releaseDate": released,
            "images": self.images(movie), "website": "",
            "remotePoster": f"{self.image_base}{poster.file_path}" if poster else None, "year": movie.year,
            "youTubeTrailerId": "", "studio": movie.studio, "path": movie.path,
            "qualityProfileId": movie.quality_profile_id, "hasFile": movie.has_file, "movieFileId": movie.file_id or 0,
            "monitored": movie.monitored, "minimumAvailability": "released",
            "isAvailable": movie.status in ("released", "deleted"), "folderName": movie.path, "runtime": movie.runtime,
            "cleanTitle": clean_title(movie.title), "imdbId": movie.imdb_id, "tmdbId": movie.tmdb_id,
            "titleSlug": str(movie.tmdb_id), "rootFolderPath": movie.root_folder, "folder": movie.folder_name,
            "certification": movie.certification, "genres": list(movie.genres), "keywords": [],
            "tags": list(movie.tags), "added": movie.added, "ratings": movie.ratings.as_dict(),
            "movieFile": file_resource,
            "collection": {"title": movie.collection.name, "tmdbId": movie.collection.tmdb_id} if movie.collection else None,
            "popularity": round(movie.ratings.tmdb_votes / 400, 3),
            "statistics": {"movieFileCount": 1 if file_resource else 0, "sizeOnDisk": movie.size_on_disk,
                           "releaseGroups": [movie.release_group] if file_resource and movie.release_group else []},
        })

    def lookup_resource(self, movie: Movie) -> dict[str, Any]:
        existing = next((m for m in self.movies.values() if m.tmdb_id == movie.tmdb_id), None)
        if existing is not None:
            return self.movie_resource(existing)
        data = self.movie_resource(movie)
        for key in ("path", "rootFolderPath", "movieFile", "folderName"):
            data.pop(key, None)
        data.update(id=0, hasFile=False, monitored=False, tags=[], movieFileId=0, sizeOnDisk=0,
                    added="0001-01-01T00:00:00Z", qualityProfileId=0,
                    statistics={"movieFileCount": 0, "sizeOnDisk": 0, "releaseGroups": []})
        return data

    # ---- commands ----------------------------------------------------------------------------
    def normalise_command_body(self, name: str, body: CIDict) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for key, value in body.raw.items():
            if key.lower() == "name":
                continue
            canonical = next((a for a in self.arg_names if a.lower() == key.lower()), key)
            args[canonical] = value
        if name in ("moviessearch", "renamemovie", "refreshmovie", "rescanmovie"):
            args["movieIds"] = int_list(args.get("movieIds", []), "movieIds")
        return args

    def run_command(self, name: str, body: CIDict) -> str | None:
        ids = body.get("movieIds") or []
        if name == "renamemovie":
            renamed = [m.id for m in (self.movies.get(i) for i in ids) if m and self._rename(m)]
            return f"Renamed {len(renamed)} movie file(s)"
        if name == "renamefiles":
            movie = self.movies.get(body.get("movieId") or 0)
            if movie is not None and movie.file_id in (body.get("files") or []):
                self._rename(movie)
            return "Completed"
        if name == "moviessearch":
            self.sim.record("searches", movie_ids=list(ids))
            for movie in (self.movies.get(i) for i in ids):
                if movie is not None and movie.monitored:
                    grab(self, {"movieId": movie.id}, f"{movie.title}.{movie.year}.2160p.WEB-DL-SIM".replace(" ", "."),
                              movie.id)
                if movie is not None and not movie.has_file:
                    self._grab(movie)
            return f"Searched {len(ids)} movie(s)"
        if name in ("missingmoviessearch", "cutoffunmetmoviessearch"):
            self.sim.record("searches", kind=name, filter_key=body.get("filterKey"), filter_value=body.get("filterValue"))
        return None

    def _grab(self, movie: Movie) -> None:
        """With real files, a search finds a release: imported by hardlink from the downloads folder."""
        name = expected_file_name(movie)
        if not self.disk_import(f"{movie.path}/{name}", f"movie:{movie.tmdb_id}:{movie.quality}:grabbed"):
            return
        movie.has_file, movie.file_name = True, name
        movie.file_id = max((m.file_id or 0 for m in self.movies.values()), default=0) + 1
        self.sim.record("imports", movie_id=movie.id, path=f"{movie.path}/{name}")

    def _rename(self, movie: Movie) -> bool:
        target = expected_file_name(movie)
        if not movie.has_file or movie.file_name == target:
            return False
        self.sim.record("renames", movie_id=movie.id, existing=movie.file_name, new=target)
        self.disk_rename(f"{movie.path}/{movie.file_name}" if movie.file_name else None, f"{movie.path}/{target}")
        movie.file_name = target
        return True

    # ---- routes ------------------------------------------------------------------------------
    def add_cover_routes(self, app: FastAPI) -> None:
        async def cover(request: Request, movie_id: int, filename: str) -> Response:
            self.auth(request)
            return self.cover(movie_id, filename)
        app.add_api_route("/MediaCover/{movie_id}/{filename}", cover, methods=["GET"])

    def cover(self, movie_id: int, filename: str) -> Response:
        movie = self.movie(movie_id)
        stem = filename.rsplit(".", 1)[0]
        base, _, size = stem.partition("-")
        kind = COVER_KINDS.get(base)
        if kind is None or size not in ("", "500", "250"):
            raise not_found()
        return self.image_response(primary_artwork(movie.artworks, kind), movie.title, small=bool(size))

    def add_routes(self, router: APIRouter) -> None:  # noqa: C901 - one route table
        sim = self

        @router.get("/movie")
        async def list_movies(request: Request) -> Response:
            tmdb_id = q_int(request, "tmdbId")
            with sim.lock:
                movies = [m for m in sim.movies.values() if tmdb_id is None or m.tmdb_id == tmdb_id]
                return arr_json([sim.movie_resource(m) for m in movies], clean=True)

        @router.get("/movie/lookup")
        async def lookup(request: Request) -> Response:
            term = (query_values(request, "term") or [""])[0].strip()
            if not term:
                raise validation_error("term", "term must be provided")
            return arr_json([sim.lookup_resource(m) for m in sim.search_catalog(term)])

        @router.get("/movie/lookup/tmdb")
        async def lookup_tmdb(request: Request) -> Response:
            movie = sim.catalog.movie_by_tmdb(q_int(request, "tmdbId") or 0)
            if movie is None:
                raise not_found()
            return arr_json(sim.lookup_resource(movie))

        @router.get("/movie/lookup/imdb")
        async def lookup_imdb(request: Request) -> Response:
            movie = sim.catalog.movie_by_imdb((query_values(request, "imdbId") or [""])[0])
            if movie is None:
                raise not_found()
            return arr_json(sim.lookup_resource(movie))

        sim.add_editor_routes(router, media="movie", ids_key="movieIds", label="Movie Ids", get=sim.movie,
                              resource=sim.movie_resource, delete=sim.delete_movie, exclusion_flag="addImportExclusion")

        @router.get("/movie/{movie_id}")
        async def get_movie(movie_id: int) -> Response:
            return arr_json(sim.movie_resource(sim.movie(movie_id)), clean=True)

        @router.post("/movie")
        async def add_movie(request: Request) -> Response:
            with sim.lock:
                return arr_json(sim.movie_resource(sim.add_movie(CIDict(await read_json(request)))), 201)

        @router.put("/movie/{movie_id}")
        async def update_movie(movie_id: int, request: Request) -> Response:
            body = CIDict(await read_json(request))
            move_files = q_bool(request, "moveFiles")
            with sim.lock:
                movie = sim.movie(movie_id)
                tags = sim.valid_tags(body.get("tags") or []) if "tags" in body else None
                old_path = movie.path
                sim.apply_edit(movie, CIDict({**body.raw, "applyTags": "replace"}), tags)
                if body.get("path") and body.get("path") != old_path:
                    new_path = str(body.get("path")).rstrip("/")
                    movie.path, movie.folder_name = new_path, new_path.rsplit("/", 1)[-1]
                    movie.root_folder = new_path.rsplit("/", 1)[0] or "/"
                    sim.sim.record("moves", movie_id=movie.id, source=old_path, destination=new_path, move_files=move_files)
                    sim.disk_move(old_path, new_path, move_files)
                return arr_json(sim.movie_resource(movie), 202)

        add_radarr_routes(sim, router, update_movie)  # PUT /movie (id in the body), GET /history

        @router.delete("/movie/{movie_id}")
        async def delete_movie(movie_id: int, request: Request) -> Response:
            delete_files = q_bool(request, "deleteFiles")
            exclude = q_bool(request, "addImportExclusion")
            with sim.lock:
                sim.delete_movie(sim.movie(movie_id), delete_files, exclude)
            return Response(status_code=200)

        @router.get("/moviefile")
        async def movie_files(request: Request) -> Response:
            movie_ids, file_ids = q_ints(request, "movieId"), q_ints(request, "movieFileIds")
            if not movie_ids and not file_ids:
                raise validation_error("movieId", "movieId or movieFileIds must be provided")
            files = [sim.movie_file(m) for m in sim.movies.values()
                     if (m.id in movie_ids or m.file_id in file_ids)]
            return arr_json([f for f in files if f])

        @router.get("/moviefile/{file_id}")
        async def movie_file(file_id: int) -> Response:
            movie = next((m for m in sim.movies.values() if m.file_id == file_id and m.has_file), None)
            if movie is None:
                raise not_found()
            return arr_json(sim.movie_file(movie))

        sim.add_file_delete_routes(router, "/moviefile", "movieFileIds")

        @router.get("/rename")
        async def rename_preview(request: Request) -> Response:
            ids = q_ints(request, "movieId")
            if not ids:
                raise validation_error("movieId", "movieId must be provided")
            out = []
            for movie in (sim.movies.get(i) for i in ids):
                if movie and movie.has_file and movie.file_name != expected_file_name(movie):
                    out.append({"id": movie.file_id, "movieId": movie.id, "movieFileId": movie.file_id,
                                "existingPath": movie.file_name, "newPath": expected_file_name(movie)})
            return arr_json(out)

        sim.add_exclusion_routes(router)
        sim.add_history_routes(router)

        @router.get("/mediacover/{movie_id}/{filename}")
        async def media_cover(movie_id: int, filename: str) -> Response:
            return sim.cover(movie_id, filename)

    def add_history_routes(self, router: APIRouter) -> None:
        sim = self

        @router.get("/history/movie")
        async def history(request: Request) -> Response:
            movie_id = q_int(request, "movieId")
            if movie_id is None:
                raise validation_error("movieId", "movieId must be provided")
            movie = sim.movies.get(movie_id)
            event = (query_values(request, "eventType") or [None])[0]
            records = sim.history(movie) if movie else []
            if event is not None:
                records = [r for r in records if event in (r["eventType"], str(HISTORY_EVENTS[r["eventType"]]))]
            if q_bool(request, "includeMovie") and movie:
                for record in records:
                    record["movie"] = sim.movie_resource(movie)
            return arr_json(records)

        def wanted(request: Request, predicate) -> Response:
            monitored = q_bool(request, "monitored", True)
            movies = [m for m in sim.movies.values() if predicate(m) and (m.monitored or not monitored)]
            page = paged(request, movies, sort_key="releaseDate",
                         key_funcs={"releaseDate": lambda m: m.year, "title": lambda m: m.sort_title,
                                    "movies.sortTitle": lambda m: m.sort_title, "id": lambda m: m.id})
            page["records"] = [sim.movie_resource(m) for m in page["records"]]
            return arr_json(page)

        @router.get("/wanted/missing")
        async def missing(request: Request) -> Response:
            return wanted(request, lambda m: not m.has_file and m.status == "released")

        @router.get("/wanted/cutoff")
        async def cutoff(request: Request) -> Response:
            return wanted(request, lambda m: m.has_file and sim.cutoff_unmet(m))

    # ---- mutations ---------------------------------------------------------------------------
    def search_catalog(self, term: str) -> list[Movie]:
        low = term.lower()
        if low.startswith("tmdb:"):
            movie = self.catalog.movie_by_tmdb(int(low[5:]) if low[5:].strip().isdigit() else -1)
            return [movie] if movie else []
        if low.startswith("imdb:"):
            movie = self.catalog.movie_by_imdb(term[5:].strip())
            return [movie] if movie else []
        hits = [m for m in self.catalog.movies
                if low in m.title.lower() or low in m.original_title.lower()
                or any(low in alt.lower() for alt in m.alternate_titles)]
        return hits[:20]

    def apply_edit(self, movie: Movie, body: CIDict, tags: list[int] | None) -> None:
        if "monitored" in body and body.get("monitored") is not None:
            movie.monitored = bool(body.get("monitored"))
        if body.get("qualityProfileId"):
            movie.quality_profile_id = int(body.get("qualityProfileId"))
        self.apply_tag_edit(movie, body, tags)
        self.apply_root_folder_move(movie, body, "movie_id")

    def add_movie(self, body: CIDict) -> Movie:
        tmdb_id = body.get("tmdbId")
        if not isinstance(tmdb_id, int) or tmdb_id <= 0:
            raise validation_error("TmdbId", "'Tmdb Id' must be greater than '0'.", tmdb_id)
        if any(m.tmdb_id == tmdb_id for m in self.movies.values()):
            raise validation_error("TmdbId", "This movie has already been added", tmdb_id)
        root = str(body.get("rootFolderPath") or self.own_root_folders()[0].path).rstrip("/")
        tags = self.valid_tags(body.get("tags") or [])
        source = self.catalog.movie_by_tmdb(tmdb_id)
        new_id = max(self.movies, default=0) + 1
        if source is not None:
            movie = copy_movie(source, id=new_id, root_folder=root, path=f"{root}/{source.folder_name}", tags=tags,
                               has_file=False, file_id=None, file_name=None, size_on_disk=0)
        else:
            title, year = str(body.get("title") or f"TMDb {tmdb_id}"), int(body.get("year") or 0)
            template = next(iter(self.catalog.movies))
            folder = f"{folder_safe(title)} ({year}) {{tmdb-{tmdb_id}}}"
            movie = copy_movie(template, id=new_id, title=title, original_title=title, sort_title=title.lower(),
                               year=year, tmdb_id=tmdb_id, imdb_id=body.get("imdbId"), alternate_titles=[], tags=tags,
                               root_folder=root, path=f"{root}/{folder}", folder_name=folder, has_file=False,
                               file_id=None, file_name=None, size_on_disk=0, collection=None, removed_from_tmdb=False)
        if body.get("path"):
            movie.path = str(body.get("path")).rstrip("/")
        movie.monitored = bool(body.get("monitored", True))
        movie.quality_profile_id = int(body.get("qualityProfileId") or movie.quality_profile_id)
        self.movies[new_id] = movie
        self.library.movies.append(movie)
        self.library.reindex()
        self.sim.record("adds", movie_id=new_id, tmdb_id=tmdb_id, title=movie.title)
        return movie

    def delete_movie(self, movie: Movie, delete_files: bool, add_exclusion: bool) -> None:
        self.movies.pop(movie.id, None)
        self.library.movies = [m for m in self.library.movies if m.id != movie.id]
        self.library.reindex()
        if add_exclusion and not any(e["tmdbId"] == movie.tmdb_id for e in self.exclusions):
            self.add_exclusion_item({"tmdbId": movie.tmdb_id, "movieTitle": movie.title, "movieYear": movie.year})
        self.sim.record("deletes", kind="movie", id=movie.id, tmdb_id=movie.tmdb_id, title=movie.title,
                        path=movie.path, delete_files=delete_files, add_exclusion=add_exclusion)
        self.disk_delete_tree(movie.path, delete_files)

    def delete_file(self, file_id: int) -> None:
        movie = next((m for m in self.movies.values() if m.file_id == file_id and m.has_file), None)
        if movie is None:
            raise not_found()
        self.sim.record("deletes", kind="moviefile", id=file_id, movie_id=movie.id,
                        path=f"{movie.path}/{movie.file_name}")
        self.disk_delete_file(f"{movie.path}/{movie.file_name}" if movie.file_name else None)
        movie.has_file, movie.file_id, movie.file_name, movie.size_on_disk = False, None, None, 0

    def history(self, movie: Movie) -> list[dict[str, Any]]:
        if not movie.has_file:
            return []
        base = {"movieId": movie.id, "sourceTitle": f"{folder_safe(movie.title).replace(' ', '.')}.{movie.year}.{movie.quality}-{movie.release_group or 'GRP'}",
                "languages": [language(movie.original_language)], "quality": quality_model(movie.quality, "radarr"),
                "customFormats": [], "customFormatScore": 0, "qualityCutoffNotMet": self.cutoff_unmet(movie),
                "date": movie.added, "downloadId": f"{movie.tmdb_id:040X}"}
        return [{"id": movie.id * 10 + 1, **base, "eventType": "grabbed", "data": {"indexer": "MyIndexer"}},
                {"id": movie.id * 10 + 2, **base, "eventType": "downloadFolderImported",
                 "data": {"importedPath": f"{movie.path}/{movie.file_name}"}}]


def create_app(library: SampleLibrary, *, api_key: str = "radarr-api-key", instance: str | None = None,
               image_base: str = TMDB_IMAGE_BASE, files_root: str | None = None) -> FastAPI:
    """A Radarr v3 simulator app for ``library.for_instance(instance)`` (real files under ``files_root``:
    :mod:`curatarr.sims.arr_files`)."""
    return RadarrSimulator(library, api_key=api_key, instance=instance or "radarr", image_base=image_base,
                           files_root=files_root).build()


__all__ = ["RadarrSimulator", "create_app", "ArrError"]
