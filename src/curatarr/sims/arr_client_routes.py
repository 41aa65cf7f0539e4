"""Routes of the *arr APIs that client libraries (pyarr) call and the media routes did not serve.

Each simulator's ``add_routes`` calls one function here at its end:

* ``PUT /movie`` | ``/series`` | ``/artist`` with the id only in the body — the real servers' route is
  ``PUT /{resource}/{id?}`` (the id is optional), and pyarr's ``upd_movie``/``upd_series``/
  ``upd_artist`` send no id in the path;
* ``GET /history`` — the paged history of every item (``/history/movie`` etc. are per item);
* Sonarr ``GET /languageprofile`` — deprecated in v4 but still served (one "Deprecated" profile);
* Lidarr ``GET /track`` and ``GET /trackfile`` — tracks are derived from each album's track counts
  (track ``n`` of album ``a`` has id ``a*1000+n``; the first ``trackFileCount`` tracks have files, with
  the same ids).
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from curatarr.sims.arr_resources import (
    arr_json, not_found, paged, q_bool, q_ints, query_values, read_json, validation_error,
)

HISTORY_SORT = {"date": lambda r: r.get("date") or "", "id": lambda r: r["id"]}


def add_put_without_id(router: APIRouter, resource: str, update: Callable[[int, Request], Any]) -> None:
    """``PUT /{resource}`` → the ``PUT /{resource}/{id}`` handler with the body's id."""

    async def put_by_body(request: Request) -> Response:
        body = await read_json(request)
        item_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id <= 0:
            raise validation_error("Id", "'Id' must be greater than '0'.", item_id)
        return await update(item_id, request)

    router.add_api_route(f"/{resource}", put_by_body, methods=["PUT"])


def history_page(request: Request, records: list[dict[str, Any]], *, id_field: str, ids_param: str) -> dict[str, Any]:
    """Filter (``eventType``, ``downloadId``, ``{ids_param}``) and page history records, newest first."""
    wanted = set(q_ints(request, ids_param))
    event = (query_values(request, "eventType") or [None])[0]
    download = (query_values(request, "downloadId") or [None])[0]
    out = [r for r in records
           if (not wanted or r.get(id_field) in wanted)
           and (event is None or event == r["eventType"] or event == str(r.get("eventTypeId")))
           and (download is None or r.get("downloadId") == download)]
    for r in out:
        r.pop("eventTypeId", None)
    out.sort(key=lambda r: r.get("date") or "", reverse=True)   # the servers' default: newest first
    asked = bool(query_values(request, "sortKey"))
    return paged(request, out, sort_key="date", key_funcs=HISTORY_SORT if asked else None)


# ---- per app --------------------------------------------------------------------------------------

def add_radarr_routes(sim: Any, router: APIRouter, update_movie: Callable[[int, Request], Any]) -> None:
    add_put_without_id(router, "movie", update_movie)

    @router.get("/history")
    async def history(request: Request) -> Response:
        include = q_bool(request, "includeMovie")
        with sim.lock:
            records = []
            for movie in sim.movies.values():
                for record in sim.history(movie):
                    if include:
                        record["movie"] = sim.movie_resource(movie)
                    records.append(record)
        return arr_json(history_page(request, records, id_field="movieId", ids_param="movieIds"))


def add_sonarr_routes(sim: Any, router: APIRouter, update_series: Callable[[int, Request], Any]) -> None:
    add_put_without_id(router, "series", update_series)

    @router.get("/history")
    async def history(request: Request) -> Response:
        include_series, include_episode = q_bool(request, "includeSeries"), q_bool(request, "includeEpisode")
        episode_ids = set(q_ints(request, "episodeId"))
        with sim.lock:
            records = [r for show, ep in sim.episodes.values() if ep.has_file
                       and (not episode_ids or ep.id in episode_ids)
                       for r in sim.history(show, ep, include_series, include_episode)]
        return arr_json(history_page(request, records, id_field="seriesId", ids_param="seriesIds"))

    @router.get("/languageprofile")
    async def language_profiles() -> Response:
        return arr_json([language_profile()])

    @router.get("/languageprofile/{profile_id}")
    async def language_profile_by_id(profile_id: int) -> Response:
        if profile_id != 1:
            raise not_found()
        return arr_json(language_profile())


def language_profile() -> dict[str, Any]:
    # What Sonarr v4 answers on the deprecated resource: one profile, every language allowed.
    english = {"id": 1, "name": "English"}
    return {"id": 1, "name": "Deprecated", "upgradeAllowed": False, "cutoff": english,
            "languages": [{"language": english, "allowed": True}]}


def add_lidarr_routes(sim: Any, router: APIRouter, update_artist: Callable[[int, Request], Any]) -> None:
    add_put_without_id(router, "artist", update_artist)

    def selected_albums(request: Request) -> list[tuple[Any, Any]]:
        artist_ids, album_ids = set(q_ints(request, "artistId")), set(q_ints(request, "albumId"))
        release_ids = set(q_ints(request, "albumReleaseId"))  # one release per album: its id is the album's
        return [(a, al) for a, al in sim.albums.values()
                if (not artist_ids or a.id in artist_ids) and (not album_ids or al.id in album_ids)
                and (not release_ids or al.id in release_ids)]

    @router.get("/history")
    async def history(request: Request) -> Response:
        include_artist, include_album = q_bool(request, "includeArtist"), q_bool(request, "includeAlbum")
        album_ids = set(q_ints(request, "albumId"))
        with sim.lock:
            records = []
            for artist, album in sim.albums.values():
                if album.track_file_count and (not album_ids or album.id in album_ids):
                    for record in album_history(artist, album):
                        if include_artist:
                            record["artist"] = sim.artist_resource(artist)
                        if include_album:
                            record["album"] = sim.album_resource(artist, album)
                        records.append(record)
        return arr_json(history_page(request, records, id_field="artistId", ids_param="artistIds"))

    @router.get("/track")
    async def tracks(request: Request) -> Response:
        track_ids = set(q_ints(request, "trackIds"))
        if not track_ids and not any(query_values(request, k) for k in ("artistId", "albumId", "albumReleaseId")):
            raise validation_error("artistId", "One of artistId, albumId, albumReleaseId or trackIds must be provided")
        with sim.lock:
            rows = [track_resource(sim, a, al, n) for a, al in selected_albums(request) for n in range(1, al.track_count + 1)
                    if not track_ids or al.id * 1000 + n in track_ids]
        return arr_json(rows)

    @router.get("/track/{track_id}")
    async def track(track_id: int) -> Response:
        album_id, n = divmod(track_id, 1000)
        with sim.lock:
            if album_id not in sim.albums or not 1 <= n <= sim.albums[album_id][1].track_count:
                raise not_found()
            artist, album = sim.albums[album_id]
            return arr_json(track_resource(sim, artist, album, n))

    @router.get("/trackfile")
    async def track_files(request: Request) -> Response:
        file_ids = set(q_ints(request, "trackFileIds"))
        if q_bool(request, "unmapped"):
            return arr_json([])   # every simulated file belongs to an album
        if not file_ids and not any(query_values(request, k) for k in ("artistId", "albumId")):
            raise validation_error("artistId", "artistId, albumId, trackFileIds or unmapped must be provided")
        with sim.lock:
            rows = [track_file_resource(sim, a, al, n) for a, al in selected_albums(request)
                    for n in range(1, al.track_file_count + 1) if not file_ids or al.id * 1000 + n in file_ids]
        return arr_json(rows)


def track_resource(sim: Any, artist: Any, album: Any, n: int) -> dict[str, Any]:
    has_file = n <= album.track_file_count
    return {"id": album.id * 1000 + n, "artistId": artist.id, "albumId": album.id,
            "foreignTrackId": f"{album.musicbrainz_id[:-4]}{n:04d}", "foreignRecordingId": f"{album.musicbrainz_id[:-4]}r{n:03d}",
            "trackFileId": album.id * 1000 + n if has_file else 0, "explicit": False, "absoluteTrackNumber": n,
            "trackNumber": str(n), "title": f"{album.title} — Track {n}", "duration": 215_000, "mediumNumber": 1,
            "hasFile": has_file, "ratings": {"votes": 0, "value": 0.0}}


def track_file_resource(sim: Any, artist: Any, album: Any, n: int) -> dict[str, Any]:
    size = (album.size_on_disk // album.track_file_count) if album.track_file_count and album.size_on_disk else 30_000_000
    return {"id": album.id * 1000 + n, "artistId": artist.id, "albumId": album.id,
            "path": f"{artist.path}/{album.title} ({album.year})/{n:02d} - {album.title} — Track {n}.flac",
            "size": size, "dateAdded": album.release_date, "releaseGroup": "SIM",
            "quality": {"quality": {"id": 6, "name": "FLAC"}, "revision": {"version": 1, "real": 0, "isRepack": False}},
            "qualityWeight": 600, "customFormats": [], "customFormatScore": 0, "indexerFlags": 0,
            "qualityCutoffNotMet": False, "audioTags": {}}


def album_history(artist: Any, album: Any) -> list[dict[str, Any]]:
    """A grab and an import per album with files (Lidarr's event names)."""
    base = {"albumId": album.id, "artistId": artist.id, "trackId": 0,
            "sourceTitle": f"{artist.name} - {album.title} ({album.year}) [FLAC]",
            "quality": {"quality": {"id": 6, "name": "FLAC"}, "revision": {"version": 1, "real": 0, "isRepack": False}},
            "customFormats": [], "customFormatScore": 0, "qualityCutoffNotMet": False, "date": album.release_date,
            "downloadId": f"SIMALBUM{album.id:06d}"}
    return [{"id": album.id * 10 + 1, **base, "eventType": "grabbed", "data": {"indexer": "MyIndexer"}},
            {"id": album.id * 10 + 2, **base, "eventType": "trackFileImported", "data": {"importedPath": artist.path}}]
