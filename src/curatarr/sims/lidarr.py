"""Lidarr v1 simulator (contracts.md §1, §4; shared/contracts/lidarr-openapi.json).

Artists (list / by id / ``?mbId=`` / lookup / add / PUT / DELETE with ``deleteFiles`` +
``addImportListExclusion``), the artist editor (202), albums (``?artistId=``, ``albumIds``,
``foreignAlbumId``), metadata profiles, commands (``ArtistSearch`` takes ONE ``artistId``;
``AlbumSearch``, ``RefreshArtist``, ``RenameArtist`` take lists), ``/importlistexclusion``
(``{id, foreignId, artistName}``), wanted/missing (albums) and MediaCover images
(``/api/v1/mediacover/artist|album/{id}/{file}``, ``/MediaCover/Artists|Albums/{id}/{file}``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from curatarr.sims.arr_client_routes import add_lidarr_routes
from curatarr.sims.arr_common import (
    LAST_WRITE,
    ArrError,
    ArrSimulator,
    CIDict,
    arr_json,
    not_found,
    paged,
    q_bool,
    q_int,
    q_ints,
    query_values,
    read_json,
    validation_error,
)
from curatarr.sims.arr_queue import grab
from curatarr.sims.library import (
    Album,
    Artist,
    QualityProfile,
    SampleLibrary,
    clean_title,
    copy_artist,
    primary_artwork,
)

FANART_IMAGE_BASE = "https://assets.fanart.tv/fanart/music"
LIDARR_PROFILES = [(1, "Any", "MP3-192"), (2, "Lossless", "FLAC"), (3, "Standard", "MP3-320")]
LIDARR_QUALITIES = [(1, "MP3-192"), (2, "MP3-VBR-V0"), (4, "MP3-320"), (6, "FLAC"), (7, "ALAC"), (21, "FLAC 24bit")]
ARTIST_COVERS = {"poster": "poster", "fanart": "background", "logo": "logo", "banner": "background"}


class LidarrSimulator(ArrSimulator):
    service = "lidarr"
    app_name = "Lidarr"
    version = "2.13.3.4711"
    api_base = "/api/v1"
    media_ids_key = "artistIds"
    exclusion_key = "foreignId"
    exclusion_fields = ("foreignId", "artistName")
    exclusion_extras = False
    commands = {
        "artistsearch": "Artist Search", "albumsearch": "Album Search", "refreshartist": "Refresh Artist",
        "refreshalbum": "Refresh Album", "renameartist": "Rename Artist", "renamefiles": "Rename Files",
        "rescanfolders": "Rescan Folders", "missingalbumsearch": "Missing Album Search",
        "cutoffunmetalbumsearch": "Cutoff Unmet Album Search", "refreshmonitoreddownloads": "Refresh Monitored Downloads",
        "rsssync": "Rss Sync", "checkhealth": "Check Health",
    }
    arg_names = ("artistId", "artistIds", "albumId", "albumIds", "files")

    def __init__(self, library: SampleLibrary, *, api_key: str, instance: str | None = None,
                 image_base: str = FANART_IMAGE_BASE):
        self.image_base = image_base.rstrip("/")
        super().__init__(library, api_key=api_key, instance=instance)

    # ---- state -------------------------------------------------------------------------------
    def reset_media_state(self) -> None:
        self.artists: dict[int, Artist] = {a.id: a for a in self.library.artists}
        self.reindex_albums()
        self.exclusions = [{"id": 1, "foreignId": "f59c5520-5f46-4d2c-b2c4-822eabf53419", "artistName": "Linkin Park"}]

    def reindex_albums(self) -> None:
        self.albums: dict[int, tuple[Artist, Album]] = {al.id: (a, al) for a in self.artists.values() for al in a.albums}

    def artist(self, artist_id: int) -> Artist:
        return self.find_or_404(self.artists, artist_id)

    def tag_usage(self, tag_id: int) -> list[int]:
        return [a.id for a in self.artists.values() if tag_id in a.tags]

    # ---- resources ---------------------------------------------------------------------------
    def root_folder_resource(self, folder: Any) -> dict[str, Any]:
        return {"id": folder.id, "name": folder.path.rsplit("/", 1)[-1].title(), "path": folder.path,
                "defaultMetadataProfileId": 1, "defaultQualityProfileId": 1, "defaultMonitorOption": "all",
                "defaultNewItemMonitorOption": "all", "defaultTags": [], "accessible": True,
                "freeSpace": folder.free_space, "totalSpace": folder.free_space * 2}

    def profiles(self) -> list[Any]:
        return [QualityProfile(pid, name, cutoff) for pid, name, cutoff in LIDARR_PROFILES]

    def quality_profile_resource(self, profile: Any) -> dict[str, Any]:
        pid, name, cutoff = profile.id, profile.name, profile.cutoff
        cutoff_id = next(q for q, n in LIDARR_QUALITIES if n == cutoff)
        return {"id": pid, "name": name, "upgradeAllowed": True, "cutoff": cutoff_id,
                "items": [{"quality": {"id": q, "name": n}, "items": [], "allowed": True} for q, n in LIDARR_QUALITIES],
                "minFormatScore": 0, "cutoffFormatScore": 0, "formatItems": []}

    def images(self, kind: str, item_id: int, artworks: Any, mapping: dict[str, str]) -> list[dict[str, Any]]:
        out = []
        for cover, art_kind in mapping.items():
            art = primary_artwork(artworks, art_kind)
            if art is not None and cover != "banner":
                out.append({"url": f"/MediaCover/{kind}/{item_id}/{cover}.{art.extension}?lastWrite={LAST_WRITE}",
                            "coverType": cover, "extension": f".{art.extension}",
                            "remoteUrl": f"{self.image_base}{art.file_path}"})
        return out

    def album_statistics(self, album: Album) -> dict[str, Any]:
        return {"trackFileCount": album.track_file_count, "trackCount": album.track_count,
                "totalTrackCount": album.track_count, "sizeOnDisk": album.size_on_disk,
                "percentOfTracks": round(100.0 * album.track_file_count / album.track_count, 1) if album.track_count else 0.0}

    def artist_resource(self, artist: Artist) -> dict[str, Any]:
        stats = [self.album_statistics(al) for al in artist.albums]
        files = sum(s["trackFileCount"] for s in stats)
        tracks = sum(s["trackCount"] for s in stats)
        return {
            "id": artist.id, "status": artist.status, "ended": artist.status == "ended", "artistName": artist.name,
            "foreignArtistId": artist.musicbrainz_id, "tadbId": 0, "discogsId": 0,
            "overview": artist.overview, "artistType": artist.artist_type, "disambiguation": artist.disambiguation,
            "links": [{"url": f"https://musicbrainz.org/artist/{artist.musicbrainz_id}", "name": "musicbrainz"}],
            "images": self.images("Artists", artist.id, artist.artworks, ARTIST_COVERS), "path": artist.path,
            "qualityProfileId": 1, "metadataProfileId": 1, "monitored": artist.monitored, "monitorNewItems": "all",
            "rootFolderPath": artist.root_folder, "folder": artist.folder_name, "genres": list(artist.genres),
            "cleanName": clean_title(artist.name), "sortName": artist.sort_name.lower(), "tags": list(artist.tags),
            "added": artist.added, "ratings": {"votes": 0, "value": 0.0},
            "statistics": {"albumCount": len(artist.albums), "trackFileCount": files, "trackCount": tracks,
                           "totalTrackCount": tracks, "sizeOnDisk": sum(s["sizeOnDisk"] for s in stats),
                           "percentOfTracks": round(100.0 * files / tracks, 1) if tracks else 0.0},
        }

    def album_resource(self, artist: Artist, album: Album, *, include_artist: bool = False) -> dict[str, Any]:
        data = {
            "id": album.id, "title": album.title, "disambiguation": "", "overview": "", "artistId": artist.id,
            "foreignAlbumId": album.musicbrainz_id, "monitored": album.monitored, "anyReleaseOk": True,
            "profileId": 1, "duration": album.track_count * 215_000, "albumType": album.album_type,
            "secondaryTypes": [], "mediumCount": 1, "ratings": {"votes": 0, "value": 0.0},
            "releaseDate": album.release_date, "releases": [], "genres": list(album.genres),
            "media": [{"mediumNumber": 1, "mediumName": "", "mediumFormat": "CD"}],
            "images": self.images("Albums", album.id, album.artworks, {"cover": "poster"}), "links": [],
            "statistics": self.album_statistics(album),
        }
        if include_artist:
            data["artist"] = self.artist_resource(artist)
        return data

    # ---- commands ----------------------------------------------------------------------------
    def normalise_command_body(self, name: str, body: CIDict) -> dict[str, Any]:
        return self.canonical_command_args(name, body, legacy=("refreshartist", "renameartist"), single="artistId",
                                           plural="artistIds", int_lists=("artistIds", "albumIds"))

    def run_command(self, name: str, body: CIDict) -> str | None:
        if name == "artistsearch" and body.get("artistId") not in self.artists:
            # The real command takes ONE artistId; a list leaves it 0 and the job fails.
            raise ArrError(404, f"Artist with ID {body.get('artistId') or 0} does not exist")
        if name in ("artistsearch", "albumsearch", "missingalbumsearch", "cutoffunmetalbumsearch"):
            self.sim.record("searches", kind=name, artist_id=body.get("artistId"), album_ids=body.get("albumIds"))
            for album_id in body.get("albumIds") or []:
                if album_id in self.albums:
                    artist, album = self.albums[album_id]
                    grab(self, {"artistId": artist.id, "albumId": album.id},
                              f"{artist.name}-{album.title}-FLAC-SIM".replace(" ", "."), album.id, quality="FLAC")
        return None

    # ---- routes ------------------------------------------------------------------------------
    def add_cover_routes(self, app: FastAPI) -> None:
        async def artist_cover(request: Request, artist_id: int, filename: str) -> Response:
            self.auth(request)
            return self.cover("artist", artist_id, filename)

        async def album_cover(request: Request, album_id: int, filename: str) -> Response:
            self.auth(request)
            return self.cover("album", album_id, filename)
        app.add_api_route("/MediaCover/Artists/{artist_id}/{filename}", artist_cover, methods=["GET"])
        app.add_api_route("/MediaCover/Albums/{album_id}/{filename}", album_cover, methods=["GET"])

    def cover(self, kind: str, item_id: int, filename: str) -> Response:
        stem = filename.rsplit(".", 1)[0]
        base, _, size = stem.partition("-")
        if kind == "artist":
            artist = self.artist(item_id)
            art_kind = ARTIST_COVERS.get(base)
            art = primary_artwork(artist.artworks, art_kind) if art_kind else None
            title = artist.name
        else:
            if item_id not in self.albums:
                raise not_found()
            _, album = self.albums[item_id]
            art = primary_artwork(album.artworks, "poster") if base == "cover" else None
            title = album.title
        if size not in ("", "500", "250"):
            raise not_found()
        return self.image_response(art, title, small=bool(size))

    def add_routes(self, router: APIRouter) -> None:  # noqa: C901 - one route table
        sim = self

        @router.get("/artist")
        async def list_artists(request: Request) -> Response:
            mbid = (query_values(request, "mbId") or [None])[0]
            return arr_json([sim.artist_resource(a) for a in sim.artists.values()
                             if mbid is None or a.musicbrainz_id == mbid])

        @router.get("/artist/lookup")
        async def lookup(request: Request) -> Response:
            term = (query_values(request, "term") or [""])[0].strip().lower()
            if not term:
                raise validation_error("term", "term must be provided")
            if term.startswith("lidarr:"):
                hits = [a for a in sim.catalog.artists if a.musicbrainz_id == term[7:]]
            else:
                hits = [a for a in sim.catalog.artists if term in a.name.lower() or term in a.sort_name.lower()]
            out = []
            for artist in hits[:20]:
                existing = next((a for a in sim.artists.values() if a.musicbrainz_id == artist.musicbrainz_id), None)
                data = sim.artist_resource(existing or artist)
                if existing is None:
                    data.pop("path", None)
                    data.update(id=0, monitored=False, tags=[])
                out.append(data)
            return arr_json(out)

        sim.add_editor_routes(router, media="artist", ids_key="artistIds", label="Artist Ids", get=sim.artist,
                              resource=sim.artist_resource, delete=sim.delete_artist,
                              exclusion_flag="addImportListExclusion")

        @router.get("/artist/{artist_id}")
        async def get_artist(artist_id: int) -> Response:
            return arr_json(sim.artist_resource(sim.artist(artist_id)))

        @router.post("/artist")
        async def add_artist(request: Request) -> Response:
            body = CIDict(await read_json(request))
            mbid = body.get("foreignArtistId")
            with sim.lock:
                if any(a.musicbrainz_id == mbid for a in sim.artists.values()):
                    raise validation_error("ForeignArtistId", "This artist has already been added", mbid)
                source = sim.catalog.artist_by_mbid(mbid) if isinstance(mbid, str) else None
                if source is None:
                    raise validation_error("ForeignArtistId", "Unable to find artist on MusicBrainz", mbid)
                new_id = max(sim.artists, default=0) + 1
                artist = copy_artist(source, id=new_id, tags=sim.valid_tags(body.get("tags") or []))
                sim.artists[new_id] = artist
                sim.library.artists.append(artist)
                sim.reindex_albums()
                sim.sim.record("adds", artist_id=new_id, foreign_artist_id=mbid, name=artist.name)
                return arr_json(sim.artist_resource(artist), 201)

        @router.put("/artist/{artist_id}")
        async def update_artist(artist_id: int, request: Request) -> Response:
            body = CIDict(await read_json(request))
            with sim.lock:
                artist = sim.artist(artist_id)
                tags = sim.valid_tags(body.get("tags") or []) if "tags" in body else None
                sim.apply_edit(artist, CIDict({**body.raw, "applyTags": "replace"}), tags)
                new_path = body.get("path")
                if new_path and new_path.rstrip("/") != artist.path:
                    sim.sim.record("moves", artist_id=artist.id, source=artist.path, destination=new_path.rstrip("/"),
                                   move_files=q_bool(request, "moveFiles"))
                    artist.path = new_path.rstrip("/")
                return arr_json(sim.artist_resource(artist), 202)

        add_lidarr_routes(sim, router, update_artist)  # PUT /artist (id in the body), /track, /trackfile

        @router.delete("/artist/{artist_id}")
        async def delete_artist(artist_id: int, request: Request) -> Response:
            with sim.lock:
                sim.delete_artist(sim.artist(artist_id), q_bool(request, "deleteFiles"),
                                  q_bool(request, "addImportListExclusion"))
            return Response(status_code=200)

        @router.get("/album")
        async def albums(request: Request) -> Response:
            artist_id, ids = q_int(request, "artistId"), q_ints(request, "albumIds")
            foreign = (query_values(request, "foreignAlbumId") or [None])[0]
            rows = [(a, al) for a, al in sim.albums.values()
                    if (artist_id is None or a.id == artist_id) and (not ids or al.id in ids)
                    and (foreign is None or al.musicbrainz_id == foreign)]
            return arr_json([sim.album_resource(a, al, include_artist=True) for a, al in rows])

        sim.add_monitor_route(router, "/album/monitor", "albumIds", lambda: sim.albums,
                              lambda artist, album: sim.album_resource(artist, album))

        @router.get("/album/{album_id}")
        async def album(album_id: int) -> Response:
            if album_id not in sim.albums:
                raise not_found()
            return arr_json(sim.album_resource(*sim.albums[album_id], include_artist=True))

        @router.get("/metadataprofile")
        async def metadata_profiles() -> Response:
            return arr_json([{"id": 1, "name": "Standard",
                              "primaryAlbumTypes": [{"id": i, "albumType": {"id": i, "name": n}, "allowed": n == "Album"}
                                                    for i, n in enumerate(("Album", "EP", "Single", "Broadcast", "Other"))],
                              "secondaryAlbumTypes": [{"id": 0, "albumType": {"id": 0, "name": "Studio"}, "allowed": True}],
                              "releaseStatuses": [{"id": 0, "releaseStatus": {"id": 0, "name": "Official"}, "allowed": True}]}])

        @router.get("/rename")
        async def rename_preview(request: Request) -> Response:
            if q_int(request, "artistId") is None:
                raise validation_error("artistId", "artistId must be provided")
            return arr_json([])  # tracks are not modelled: nothing to rename

        sim.add_exclusion_routes(router)

        @router.get("/wanted/missing")
        async def missing(request: Request) -> Response:
            rows = [(a, al) for a, al in sim.albums.values() if al.monitored and al.track_file_count < al.track_count]
            page = paged(request, rows, sort_key="releaseDate",
                         key_funcs={"releaseDate": lambda r: r[1].release_date, "title": lambda r: r[1].title})
            include = q_bool(request, "includeArtist")
            page["records"] = [sim.album_resource(a, al, include_artist=include) for a, al in page["records"]]
            return arr_json(page)

        @router.get("/wanted/cutoff")
        async def cutoff(request: Request) -> Response:
            return arr_json(paged(request, [], sort_key="releaseDate"))

        @router.get("/mediacover/artist/{artist_id}/{filename}")
        async def artist_cover(artist_id: int, filename: str) -> Response:
            return sim.cover("artist", artist_id, filename)

        @router.get("/mediacover/album/{album_id}/{filename}")
        async def album_cover(album_id: int, filename: str) -> Response:
            return sim.cover("album", album_id, filename)

    # ---- mutations ---------------------------------------------------------------------------
    def apply_edit(self, artist: Artist, body: CIDict, tags: list[int] | None) -> None:
        if body.get("monitored") is not None:
            artist.monitored = bool(body.get("monitored"))
        self.apply_tag_edit(artist, body, tags)
        self.apply_root_folder_move(artist, body, "artist_id")

    def delete_artist(self, artist: Artist, delete_files: bool, add_exclusion: bool) -> None:
        self.artists.pop(artist.id, None)
        self.library.artists = [a for a in self.library.artists if a.id != artist.id]
        self.library.reindex()
        self.reindex_albums()
        if add_exclusion and not any(e["foreignId"] == artist.musicbrainz_id for e in self.exclusions):
            self.add_exclusion_item({"foreignId": artist.musicbrainz_id, "artistName": artist.name})
        self.sim.record("deletes", kind="artist", id=artist.id, foreign_artist_id=artist.musicbrainz_id,
                        name=artist.name, path=artist.path, delete_files=delete_files, add_exclusion=add_exclusion)


def create_app(library: SampleLibrary, *, api_key: str = "lidarr-api-key", instance: str | None = None,
               image_base: str = FANART_IMAGE_BASE) -> FastAPI:
    """A Lidarr v1 simulator app for ``library.for_instance(instance)``."""
    return LidarrSimulator(library, api_key=api_key, instance=instance or "lidarr", image_base=image_base).build()
