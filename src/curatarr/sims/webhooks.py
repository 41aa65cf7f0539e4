"""Webhook payloads as Radarr, Sonarr and Tautulli SEND them, and a sender.

Shapes follow contracts.md §5 and §11: PascalCase ``eventType``; camelCase fields; null
properties omitted; non-nullable ints present even when zero; ``instanceName`` and
``applicationUrl`` on every *arr payload; no "Upgrade" event (a ``Download`` with
``isUpgrade: true`` and ``deletedFiles[]``); Sonarr's two ``Download`` shapes (per-file
``episodeFile`` and the "import complete" ``episodeFiles[]``). Movie/series ``tags`` are LABELS.

Build a payload with one of the ``radarr_*`` / ``sonarr_*`` / ``tautulli_*`` functions and send it
with :func:`send_webhook` (POST or PUT, optional basic auth and extra headers such as CHUB's
``X-Service-Port``).
"""

from __future__ import annotations

from typing import Any

import httpx

from curatarr.sims.base import strip_nulls
from curatarr.sims.library import (
    LANGUAGES,
    Episode,
    Movie,
    SampleLibrary,
    Show,
    folder_safe,
    primary_artwork,
)

DOWNLOAD_ID = "0123456789ABCDEF0123456789ABCDEF01234567"
TMDB_IMAGE = "https://image.tmdb.org/t/p/original"


def _language(code: str) -> dict[str, Any]:
    lang_id, name = LANGUAGES.get(code, LANGUAGES["en"])
    return {"id": lang_id, "name": name}


def _envelope(event: str, instance_name: str, application_url: str, **fields: Any) -> dict[str, Any]:
    return strip_nulls({**fields, "eventType": event, "instanceName": instance_name,
                        "applicationUrl": application_url})


def _labels(tag_ids: list[int], library: SampleLibrary | None) -> list[str]:
    tags = library.tags if library is not None else {}
    return sorted(tags.get(t, str(t)) for t in tag_ids)


# ---- Radarr ----------------------------------------------------------------------------------
def radarr_movie(movie: Movie, library: SampleLibrary | None = None, *, with_file_path: bool = False) -> dict[str, Any]:
    poster = primary_artwork(movie.artworks)
    return {
        "id": movie.id, "title": movie.title, "year": movie.year, "releaseDate": f"{movie.year}-01-01",
        "folderPath": movie.path,
        "filePath": f"{movie.path}/{movie.file_name}" if with_file_path and movie.file_name else None,
        "tmdbId": movie.tmdb_id, "imdbId": movie.imdb_id, "overview": movie.overview or None,
        "genres": list(movie.genres),
        "images": [{"coverType": "poster", "url": f"/MediaCover/{movie.id}/poster.jpg",
                    "remoteUrl": f"{TMDB_IMAGE}{poster.file_path}"}] if poster else [],
        "tags": _labels(movie.tags, library), "originalLanguage": _language(movie.original_language),
    }


def _movie_file(movie: Movie, *, file_id: int | None = None, quality: str | None = None,
                relative_path: str | None = None, size: int | None = None) -> dict[str, Any]:
    quality = quality or movie.quality
    relative_path = relative_path or movie.file_name or f"{folder_safe(movie.title)} ({movie.year}) [{quality}].mkv"
    height = 2160 if "2160" in quality else 1080 if "1080" in quality else 720
    return {
        "id": file_id if file_id is not None else (movie.file_id or 0), "relativePath": relative_path,
        "path": f"{movie.path}/{relative_path}", "quality": quality, "qualityVersion": 1,
        "releaseGroup": movie.release_group, "indexerFlags": "0", "size": size if size is not None else movie.size_on_disk,
        "dateAdded": movie.added, "languages": [_language(movie.original_language)],
        "mediaInfo": {"audioChannels": 5.1, "audioCodec": "EAC3", "audioLanguages": ["eng"], "height": height,
                      "width": height * 16 // 9, "subtitles": ["eng"], "videoCodec": "x265" if height == 2160 else "x264",
                      "videoDynamicRange": "HDR" if height == 2160 else "", "videoDynamicRangeType": "HDR10" if height == 2160 else ""},
    }


def radarr_test(instance_name: str = "Radarr", application_url: str = "") -> dict[str, Any]:
    """Exactly what Radarr's "Test" button posts."""
    return _envelope(
        "Test", instance_name, application_url,
        movie={"id": 1, "title": "Test Title", "year": 1970, "releaseDate": "1970-01-01",
               "folderPath": "C:\\testpath", "tmdbId": 0, "tags": ["test-tag"]},
        remoteMovie={"tmdbId": 1234, "imdbId": "5678", "title": "Test title", "year": 1970},
        release={"quality": "Test Quality", "qualityVersion": 1, "releaseGroup": "Test Group",
                 "releaseTitle": "Test Title", "indexer": "Test Indexer", "size": 9999999, "customFormatScore": 0},
    )


def radarr_download(movie: Movie, library: SampleLibrary | None = None, *, upgrade: bool = False,
                    new_quality: str = "Remux-2160p", instance_name: str = "Radarr",
                    application_url: str = "", recycle_bin: str | None = "/recycle") -> dict[str, Any]:
    """"On Import" (``upgrade=False``) or "On Upgrade" (``upgrade=True``: ``deletedFiles[]``)."""
    quality = new_quality if upgrade else movie.quality
    release_title = f"{folder_safe(movie.title).replace(' ', '.')}.{movie.year}.{quality}-GRP"
    new_file = _movie_file(movie, file_id=(movie.file_id or 0) + (100_000 if upgrade else 0), quality=quality,
                           relative_path=f"{folder_safe(movie.title)} ({movie.year}) [{quality}].mkv",
                           size=movie.size_on_disk * (5 if upgrade else 1) or 8_589_934_592)
    new_file["sourcePath"] = f"/downloads/complete/{release_title}/movie.mkv"
    deleted = None
    if upgrade:
        old = _movie_file(movie)
        old.pop("mediaInfo", None)
        if recycle_bin:
            old["recycleBinPath"] = f"{recycle_bin}/{movie.folder_name}/{old['relativePath']}"
        deleted = [old]
    return _envelope(
        "Download", instance_name, application_url,
        movie=radarr_movie(movie, library),
        remoteMovie={"tmdbId": movie.tmdb_id, "imdbId": movie.imdb_id, "title": movie.title, "year": movie.year},
        movieFile=new_file,
        release={"releaseTitle": release_title, "indexer": "MyIndexer", "size": new_file["size"], "indexerFlags": []},
        isUpgrade=upgrade, downloadClient="qBittorrent", downloadClientType="qBittorrent", downloadId=DOWNLOAD_ID,
        deletedFiles=deleted, customFormatInfo={"customFormats": [], "customFormatScore": 0},
    )


def radarr_rename(movie: Movie, library: SampleLibrary | None = None, *, previous_relative_path: str,
                  instance_name: str = "Radarr", application_url: str = "") -> dict[str, Any]:
    renamed = _movie_file(movie)
    renamed.update(previousRelativePath=previous_relative_path, previousPath=f"{movie.path}/{previous_relative_path}")
    return _envelope("Rename", instance_name, application_url, movie=radarr_movie(movie, library),
                     renamedMovieFiles=[renamed])


def radarr_movie_delete(movie: Movie, library: SampleLibrary | None = None, *, deleted_files: bool = True,
                        instance_name: str = "Radarr", application_url: str = "") -> dict[str, Any]:
    return _envelope("MovieDelete", instance_name, application_url, movie=radarr_movie(movie, library),
                     deletedFiles=deleted_files, movieFolderSize=movie.size_on_disk)


def radarr_movie_file_delete(movie: Movie, library: SampleLibrary | None = None, *, reason: str = "manual",
                             instance_name: str = "Radarr", application_url: str = "") -> dict[str, Any]:
    return _envelope("MovieFileDelete", instance_name, application_url, movie=radarr_movie(movie, library),
                     movieFile=_movie_file(movie), deleteReason=reason)


def radarr_movie_added(movie: Movie, library: SampleLibrary | None = None, *, add_method: str = "manual",
                       instance_name: str = "Radarr", application_url: str = "") -> dict[str, Any]:
    return _envelope("MovieAdded", instance_name, application_url, movie=radarr_movie(movie, library),
                     addMethod=add_method)


# ---- Sonarr ----------------------------------------------------------------------------------
def sonarr_series(show: Show, library: SampleLibrary | None = None) -> dict[str, Any]:
    poster = primary_artwork(show.artworks)
    return {
        "id": show.id, "title": show.title, "titleSlug": "-".join(folder_safe(show.title).lower().split()),
        "path": show.path, "tvdbId": show.tvdb_id, "tvMazeId": 0, "tmdbId": show.tmdb_id, "imdbId": show.imdb_id,
        "type": show.series_type, "year": show.year, "genres": list(show.genres),
        "images": [{"coverType": "poster", "url": f"/MediaCover/{show.id}/poster.jpg",
                    "remoteUrl": f"https://artworks.thetvdb.com/banners/posters/{show.tvdb_id}-1.jpg"}] if poster else [],
        "tags": _labels(show.tags, library), "originalLanguage": _language(show.original_language),
        "originalCountry": "us",
    }


def _episode(show: Show, ep: Episode) -> dict[str, Any]:
    return {"id": ep.id, "episodeNumber": ep.episode_number, "seasonNumber": ep.season_number, "title": ep.title,
            "airDate": ep.air_date, "airDateUtc": f"{ep.air_date}T02:00:00Z", "seriesId": show.id, "tvdbId": ep.tvdb_id}


def _episode_file(show: Show, ep: Episode, *, source: bool = True) -> dict[str, Any]:
    quality = ep.quality or "WEBDL-1080p"
    path = ep.path or f"{show.path}/Season {ep.season_number:02d}/{folder_safe(show.title)} - S{ep.season_number:02d}E{ep.episode_number:02d} [{quality}].mkv"
    data = {"id": ep.file_id or 0, "relativePath": path[len(show.path) + 1:] if path.startswith(show.path) else path,
            "path": path, "quality": quality, "qualityVersion": 1, "releaseGroup": "GRP", "size": ep.size or 1_395_864_371,
            "dateAdded": f"{ep.air_date}T12:00:00Z", "languages": [_language(show.original_language)]}
    if source:
        data["sourcePath"] = f"/downloads/complete/{folder_safe(show.title).replace(' ', '.')}.S{ep.season_number:02d}E{ep.episode_number:02d}-GRP/ep.mkv"
    return data


def sonarr_test(instance_name: str = "Sonarr", application_url: str = "") -> dict[str, Any]:
    """Exactly what Sonarr's "Test" button posts."""
    return _envelope(
        "Test", instance_name, application_url,
        series={"id": 1, "title": "Test Title", "path": "C:\\testpath", "tvdbId": 1234, "tvMazeId": 0, "tmdbId": 0,
                "type": "standard", "year": 0, "tags": ["test-tag"]},
        episodes=[{"id": 123, "episodeNumber": 1, "seasonNumber": 1, "title": "Test title", "seriesId": 0, "tvdbId": 0}],
    )


def sonarr_download(show: Show, episode: Episode, library: SampleLibrary | None = None, *, upgrade: bool = False,
                    instance_name: str = "Sonarr", application_url: str = "") -> dict[str, Any]:
    """The per-file "On Import" shape: one ``episodeFile`` + ``isUpgrade``."""
    ep_file = _episode_file(show, episode)
    release_title = ep_file["sourcePath"].split("/")[-2]
    deleted = None
    if upgrade:
        old = _episode_file(show, episode, source=False)
        old["recycleBinPath"] = f"/recycle/{show.folder_name}/{old['relativePath']}"
        deleted = [old]
    return _envelope(
        "Download", instance_name, application_url,
        series=sonarr_series(show, library), episodes=[_episode(show, episode)], episodeFile=ep_file,
        release={"releaseTitle": release_title, "indexer": "MyIndexer", "size": ep_file["size"], "indexerFlags": [],
                 "releaseType": "singleEpisode"},
        isUpgrade=upgrade, downloadClient="SABnzbd", downloadClientType="SABnzbd", downloadId="SABnzbd_nzo_abc123",
        deletedFiles=deleted, customFormatInfo={"customFormats": [], "customFormatScore": 0},
    )


def sonarr_download_complete(show: Show, episodes: list[Episode], library: SampleLibrary | None = None, *,
                             instance_name: str = "Sonarr", application_url: str = "") -> dict[str, Any]:
    """The "On Import Complete" shape: ``episodeFiles[]``, ``fileCount``, no ``isUpgrade``."""
    files = [_episode_file(show, ep, source=False) for ep in episodes]
    season = episodes[0].season_number if episodes else 1
    release_title = f"{folder_safe(show.title).replace(' ', '.')}.S{season:02d}.1080p.WEB-DL-GRP"
    return _envelope(
        "Download", instance_name, application_url,
        series=sonarr_series(show, library), episodes=[_episode(show, ep) for ep in episodes], episodeFiles=files,
        release={"releaseTitle": release_title, "indexer": "MyIndexer", "size": sum(f["size"] for f in files),
                 "indexerFlags": [], "releaseType": "seasonPack"},
        fileCount=len(files), sourcePath=f"/downloads/complete/{release_title}",
        destinationPath=f"{show.path}/Season {season:02d}", downloadClient="SABnzbd", downloadClientType="SABnzbd",
        downloadId="SABnzbd_nzo_def456", customFormatInfo={"customFormats": [], "customFormatScore": 0},
    )


def sonarr_rename(show: Show, episode: Episode, library: SampleLibrary | None = None, *, previous_relative_path: str,
                  instance_name: str = "Sonarr", application_url: str = "") -> dict[str, Any]:
    renamed = _episode_file(show, episode, source=False)
    renamed.update(previousRelativePath=previous_relative_path, previousPath=f"{show.path}/{previous_relative_path}")
    return _envelope("Rename", instance_name, application_url, series=sonarr_series(show, library),
                     renamedEpisodeFiles=[renamed])


def sonarr_series_add(show: Show, library: SampleLibrary | None = None, *, instance_name: str = "Sonarr",
                      application_url: str = "") -> dict[str, Any]:
    return _envelope("SeriesAdd", instance_name, application_url, series=sonarr_series(show, library))


def sonarr_series_delete(show: Show, library: SampleLibrary | None = None, *, deleted_files: bool = True,
                         instance_name: str = "Sonarr", application_url: str = "") -> dict[str, Any]:
    return _envelope("SeriesDelete", instance_name, application_url, series=sonarr_series(show, library),
                     deletedFiles=deleted_files)


def sonarr_episode_file_delete(show: Show, episode: Episode, library: SampleLibrary | None = None, *,
                               reason: str = "manual", instance_name: str = "Sonarr",
                               application_url: str = "") -> dict[str, Any]:
    return _envelope("EpisodeFileDelete", instance_name, application_url, series=sonarr_series(show, library),
                     episodes=[_episode(show, episode)], episodeFile=_episode_file(show, episode, source=False),
                     deleteReason=reason)


# ---- Tautulli --------------------------------------------------------------------------------
def tautulli_recently_added(item: Any, *, media_type: str, parent: Any = None, grandparent: Any = None,
                            library_name: str = "Movies", section_id: int = 1) -> dict[str, str]:
    """The JSON body of the suggested Tautulli Webhook template (contracts §11.2): all strings.

    ``item`` is a Movie/Show/Season/Episode; for seasons pass ``parent=show``; for episodes
    ``parent=season, grandparent=show``. Rating keys a type does not have are empty strings.
    """
    show = grandparent if media_type == "episode" else parent if media_type == "season" else item
    title = getattr(item, "title", None) or f"Season {getattr(item, 'number', '')}"
    return {
        "event": "created", "media_type": media_type, "rating_key": str(item.plex_rating_key),
        "parent_rating_key": str(parent.plex_rating_key) if parent is not None else "",
        "grandparent_rating_key": str(grandparent.plex_rating_key) if grandparent is not None else "",
        "title": title, "year": str(getattr(show, "year", "") or ""), "library_name": library_name,
        "section_id": str(section_id),
        "tmdb_id": str(getattr(show, "tmdb_id", "") or ""), "tvdb_id": str(getattr(show, "tvdb_id", "") or ""),
        "imdb_id": str(getattr(show, "imdb_id", "") or ""),
    }


# ---- sending ---------------------------------------------------------------------------------
def send_webhook(url: str, payload: dict[str, Any], *, method: str = "POST", username: str | None = None,
                 password: str | None = None, headers: dict[str, str] | None = None,
                 timeout: float = 10.0, client: httpx.Client | None = None) -> httpx.Response:
    """Deliver ``payload`` the way *arr's WebhookProxy does (JSON, optional basic auth/headers)."""
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    auth = (username or "", password or "") if username or password else None
    if client is not None:
        return client.request(method.upper(), url, json=payload, headers=all_headers, auth=auth, timeout=timeout)
    with httpx.Client(timeout=timeout) as own:
        return own.request(method.upper(), url, json=payload, headers=all_headers, auth=auth)
