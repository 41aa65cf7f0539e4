"""Sources: turn what one instance reports into :class:`ItemRecord` s.

*arr instances go through their client family (``connectors.arr``) for everything — deletes with
the right exclusion flag, exclusions on the right path, commands, tags, and the big item lists,
which the clients stream in their wire format (movies, series + a series' episodes, artists +
albums) and this module decodes one element at a time: no list of 100,000 parsed models in memory,
no model validation per item on a 100k-item sync. Media servers go through their typed connectors
(PlexClient, MediaBrowserClient).

Each source offers ``iter_items()`` (:class:`SourceItem` s: id, digest of the source's own data,
and a builder for the record — only changed items are ever built), ``fetch_children(record)``
(episodes of a changed series), ``fetch_one(native_id)`` (re-sync of a single item) and
``poster(url)`` (bytes of a poster).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from curatarr.connectors.errors import BadResponse, NotFound
from curatarr.library.records import (
    ARR_TYPES, KIND_OF_ARR, RECORD_VERSION, ChildRecord, ItemRecord, media_id, parse_datetime, to_int,
)
from curatarr.library.wire import Expected, Known, Predictor, digest

if TYPE_CHECKING:
    from curatarr.instances.types import InstanceRef
    from curatarr.runtime import Runtime


@dataclass(slots=True)
class SourceItem:
    """One item as the source sent it: its media id, a digest of the source's data, and how to build
    the record — built only when the digest differs from the stored one. ``pos``/``length``: where
    the item's JSON sat in the listing (lets the next sync recognise it without decoding)."""

    id: str
    digest: str
    build: Callable[[], ItemRecord]
    pos: int | None = None
    length: int | None = None


def open_connector(rt: "Runtime", ref: "InstanceRef") -> Any:
    from curatarr.instances.factory import build_connector

    return build_connector(ref)


# ---- *arr ------------------------------------------------------------------------------------------

def _ratings(raw: Any) -> dict[str, dict[str, float]]:
    """*arr ratings: Radarr ``{imdb: {value, votes}, tmdb: …}``, Sonarr/Lidarr ``{value, votes}``."""
    out: dict[str, dict[str, float]] = {}
    if not isinstance(raw, dict):
        return out
    if "value" in raw and not isinstance(raw.get("value"), dict):
        if raw.get("value"):
            out["audience"] = {"value": float(raw["value"]), "votes": int(raw.get("votes") or 0)}
        return out
    for source, entry in raw.items():
        if isinstance(entry, dict) and entry.get("value"):
            out[str(source)] = {"value": float(entry["value"]), "votes": int(entry.get("votes") or 0)}
    return out


def _image(images: Any, *kinds: str) -> str | None:
    for kind in kinds:
        for img in images or ():
            if isinstance(img, dict) and img.get("coverType") == kind:
                return img.get("url") or img.get("remoteUrl") or None
    return None


def _language(raw: Any) -> str | None:
    if isinstance(raw, dict):
        return raw.get("name") or None
    return raw or None


class ArrSource:
    """Radarr, Sonarr or Lidarr, read over its JSON API."""

    def __init__(self, instance: str, source_type: str, client: Any):
        if source_type not in ARR_TYPES:
            raise ValueError(f"not an *arr type: {source_type}")
        self.instance = instance
        self.source_type = source_type
        self.client = client               # RadarrClient | SonarrClient | LidarrClient
        self._tags: dict[int, str] | None = None
        self._tags_digest = ""
        self._albums: dict[int, list[dict]] | None = None
        self._album_text: dict[int, list[str]] = {}
        self.recognised = 0  # items of the last listing recognised without decoding

    # ---- plumbing -------------------------------------------------------------------------
    def tags(self) -> dict[int, str]:
        if self._tags is None:
            self._tags = self.client.tag_labels()
            self._tags_digest = digest(json.dumps(sorted(self._tags.items())))
        return self._tags

    def _labels(self, ids: Any) -> list[str]:
        tags = self.tags()
        return [tags.get(int(i), str(i)) for i in ids or [] if isinstance(i, int)]

    # ---- reading --------------------------------------------------------------------------
    def iter_items(self, known: dict[str, Any] | None = None) -> Iterator[SourceItem]:
        """Every item with the digest of its JSON (plus the tag labels, and a Lidarr artist's
        albums) — unchanged items are recognised without building a record, and with ``known``
        (the stored state: digest, position and length per id) mostly without decoding."""
        self._tags = None
        self.tags()
        if self.source_type == "lidarr":
            self._albums, self._album_text = {}, {}
            for album, text in self.client.stream_albums():
                if isinstance(album, dict):
                    artist = int(album.get("artistId") or 0)
                    self._albums.setdefault(artist, []).append(album)
                    self._album_text.setdefault(artist, []).append(text)
        predictor = self._predictor(known) if known else None
        for pos, (raw, text) in enumerate(self.client.stream_items(predictor=predictor)):
            if isinstance(raw, Known):
                yield SourceItem(raw.key, raw.digest, lambda text=text: self.record(json.loads(text)), pos, len(text))
            elif isinstance(raw, dict) and raw.get("id") is not None:
                yield SourceItem(media_id(self.instance, raw["id"]), self._digest(raw["id"], text),
                                 lambda raw=raw: self.record(raw), pos, len(text))
        self.recognised = predictor.hits if predictor else 0

    def _predictor(self, known: dict[str, Any]) -> Predictor:
        """Expect the stored items in their stored order; only plain digests can be checked (an item
        with local edits stores a digest mixed with them, so it is decoded)."""
        rows = sorted((st.pos, mid, st.length, st.hash[1:]) for mid, st in known.items()
                      if st.pos is not None and st.length and not st.removed and not st.user_fields
                      and st.hash[:1] == RECORD_VERSION)
        expected = [Expected(mid, length, d) for _, mid, length, d in rows]
        prefix = len(self.instance) + 1
        return Predictor(expected, lambda key, text: self._digest(key[prefix:], text),
                         lambda value: media_id(self.instance, value.get("id")))

    def _digest(self, native_id: Any, text: str) -> str:
        if self.source_type == "lidarr":
            return digest(self._tags_digest, text, *self._album_text.get(int(native_id), []))
        return digest(self._tags_digest, text)

    def fetch_one(self, native_id: str) -> SourceItem:
        text = self.client.item_text(int(native_id))
        try:
            raw = json.loads(text)
        except ValueError:
            raise BadResponse("response is not valid JSON", service=self.source_type) from None
        if not isinstance(raw, dict) or raw.get("id") is None:
            raise BadResponse("item is not a JSON object", service=self.source_type)
        self.tags()
        if self.source_type == "lidarr":
            albums = [(a, t) for a, t in self.client.stream_albums(int(native_id)) if isinstance(a, dict)]
            self._albums = {int(native_id): [a for a, _ in albums]}
            self._album_text = {int(native_id): [t for _, t in albums]}
        record = self.record(raw)
        return SourceItem(record.id, self._digest(raw["id"], text), lambda: record)

    def record(self, raw: dict) -> ItemRecord:
        if self.source_type == "radarr":
            return self.movie_record(raw)
        if self.source_type == "sonarr":
            return self.series_record(raw)
        return self.artist_record(raw)

    def _common(self, raw: dict, title: str) -> ItemRecord:
        stats = raw.get("statistics") if isinstance(raw.get("statistics"), dict) else {}
        return ItemRecord(
            instance=self.instance, source_type=self.source_type, native_id=str(raw["id"]),
            kind=KIND_OF_ARR[self.source_type], title=title,
            path=raw.get("path") or None, root_folder=raw.get("rootFolderPath") or None,
            status=raw.get("status") or None, monitored=raw.get("monitored"),
            quality_profile_id=to_int(raw.get("qualityProfileId")), genres=[g for g in raw.get("genres") or [] if g],
            tags=self._labels(raw.get("tags")), overview=raw.get("overview") or None,
            ratings=_ratings(raw.get("ratings")), added_at=parse_datetime(raw.get("added")),
            size_on_disk=stats.get("sizeOnDisk", raw.get("sizeOnDisk")),
        )

    def movie_record(self, raw: dict) -> ItemRecord:
        rec = self._common(raw, str(raw.get("title") or ""))
        movie_file = raw.get("movieFile") if isinstance(raw.get("movieFile"), dict) else {}
        quality = ((movie_file.get("quality") or {}).get("quality") or {}).get("name")
        rec.original_title = raw.get("originalTitle") or None
        rec.alternate_titles = [a["title"] for a in raw.get("alternateTitles") or []
                                if isinstance(a, dict) and a.get("title")]
        rec.year = to_int(raw.get("year"))
        rec.tmdb_id = to_int(raw.get("tmdbId"))
        rec.imdb_id = raw.get("imdbId") or None
        rec.has_file = bool(raw.get("hasFile"))
        rec.size_on_disk = raw.get("sizeOnDisk", rec.size_on_disk)
        rec.quality = quality
        rec.certification = raw.get("certification") or None
        rec.studio = raw.get("studio") or None
        rec.runtime = to_int(raw.get("runtime"))
        rec.language = _language(raw.get("originalLanguage"))
        rec.poster_url = _image(raw.get("images"), "poster")
        extra: dict[str, Any] = {"title_slug": raw.get("titleSlug"), "minimum_availability": raw.get("minimumAvailability")}
        if isinstance(raw.get("collection"), dict):
            extra["collection"] = raw["collection"].get("title") or raw["collection"].get("name")
        if movie_file:
            extra["file"] = movie_file.get("relativePath")
            if movie_file.get("edition"):
                extra["edition"] = movie_file["edition"]
            if movie_file.get("releaseGroup"):
                extra["release_group"] = movie_file["releaseGroup"]
        rec.extra = {k: v for k, v in extra.items() if v not in (None, "")}
        return rec

    def series_record(self, raw: dict) -> ItemRecord:
        rec = self._common(raw, str(raw.get("title") or ""))
        stats = raw.get("statistics") if isinstance(raw.get("statistics"), dict) else {}
        rec.original_title = raw.get("originalTitle") or None
        rec.alternate_titles = [a["title"] for a in raw.get("alternateTitles") or []
                                if isinstance(a, dict) and a.get("title")]
        rec.year = to_int(raw.get("year"))
        rec.tvdb_id = to_int(raw.get("tvdbId"))
        rec.tmdb_id = to_int(raw.get("tmdbId"))
        rec.imdb_id = raw.get("imdbId") or None
        rec.certification = raw.get("certification") or None
        rec.studio = raw.get("network") or None
        rec.runtime = to_int(raw.get("runtime"))
        rec.language = _language(raw.get("originalLanguage"))
        rec.poster_url = _image(raw.get("images"), "poster")
        rec.season_count = stats.get("seasonCount")
        rec.child_count = stats.get("episodeCount")
        rec.child_file_count = stats.get("episodeFileCount")
        rec.has_file = bool(stats.get("episodeFileCount"))
        rec.extra = {k: v for k, v in {"title_slug": raw.get("titleSlug"), "series_type": raw.get("seriesType"),
                                       "ended": raw.get("ended")}.items() if v not in (None, "")}
        sid = raw["id"]
        for season in raw.get("seasons") or []:
            if not isinstance(season, dict):
                continue
            n = to_int(season.get("seasonNumber")) or 0
            s_stats = season.get("statistics") if isinstance(season.get("statistics"), dict) else {}
            rec.children.append(ChildRecord(
                id=media_id(self.instance, f"{sid}:s{n}"), kind="season", season_number=n, number=n,
                title="Specials" if n == 0 else f"Season {n}", monitored=season.get("monitored"),
                has_file=bool(s_stats.get("episodeFileCount")), file_count=s_stats.get("episodeFileCount"),
                total_count=s_stats.get("totalEpisodeCount"), size_on_disk=s_stats.get("sizeOnDisk")))
        rec.needs_children = True
        return rec

    def artist_record(self, raw: dict) -> ItemRecord:
        rec = self._common(raw, str(raw.get("artistName") or raw.get("title") or ""))
        stats = raw.get("statistics") if isinstance(raw.get("statistics"), dict) else {}
        rec.musicbrainz_id = raw.get("foreignArtistId") or raw.get("mbId") or None
        rec.poster_url = _image(raw.get("images"), "poster", "cover")
        rec.child_count = stats.get("albumCount")
        rec.child_file_count = stats.get("trackFileCount")
        rec.has_file = bool(stats.get("trackFileCount"))
        rec.extra = {k: v for k, v in {"artist_type": raw.get("artistType"),
                                       "disambiguation": raw.get("disambiguation")}.items() if v}
        years = []
        for album in (self._albums or {}).get(int(raw["id"]), []):
            a_stats = album.get("statistics") if isinstance(album.get("statistics"), dict) else {}
            released = parse_datetime(album.get("releaseDate"))
            if released:
                years.append(released.year)
            rec.children.append(ChildRecord(
                id=media_id(self.instance, f"{raw['id']}:a{album.get('id')}"), kind="album",
                native_id=str(album.get("id")), title=album.get("title"), monitored=album.get("monitored"),
                has_file=bool(a_stats.get("trackFileCount")), file_count=a_stats.get("trackFileCount"),
                total_count=a_stats.get("totalTrackCount"), size_on_disk=a_stats.get("sizeOnDisk"),
                air_date=album.get("releaseDate"), external_id=album.get("foreignAlbumId")))
        rec.year = min(years) if years else None
        return rec

    def fetch_children(self, record: ItemRecord) -> list[ChildRecord]:
        """Seasons (already known) plus every episode of a series."""
        if self.source_type != "sonarr":
            return list(record.children)
        sid = record.native_id
        episodes = []
        for ep, _text in self.client.stream_episodes(int(sid)):
            if not isinstance(ep, dict) or ep.get("id") is None:
                continue
            s, e = to_int(ep.get("seasonNumber")) or 0, to_int(ep.get("episodeNumber")) or 0
            episodes.append(ChildRecord(
                id=media_id(self.instance, f"{sid}:e{ep['id']}"), kind="episode", native_id=str(ep["id"]),
                season_number=s, number=e, title=ep.get("title"), monitored=ep.get("monitored"),
                has_file=bool(ep.get("hasFile")), air_date=ep.get("airDate"),
                external_id=str(ep["tvdbId"]) if ep.get("tvdbId") else None))
        return list(record.children) + episodes

    # ---- writing (through the typed client) -----------------------------------------------
    def delete(self, native_id: str, *, delete_files: bool, add_exclusion: bool) -> None:
        """Delete in the *arr; the client sends each app's own exclusion flag on its API version
        (Radarr ``addImportExclusion``, Sonarr/Lidarr ``addImportListExclusion``)."""
        self.client.delete(int(native_id), delete_files=delete_files, add_exclusion=add_exclusion)

    @property
    def base(self) -> str:
        """The app's API root (``/api/v3`` | ``/api/v1``), reported in delete answers."""
        return self.client.api

    @property
    def exclusion_path(self) -> str:
        return self.client.exclusion_endpoint

    def exclusions(self) -> list[Any]:
        """Import (list) exclusions (Radarr ``/exclusions``; Sonarr/Lidarr ``/importlistexclusion``)."""
        return list(self.client.exclusions())

    def refresh(self, native_ids: list[str]) -> Any:
        """RefreshMovie / RefreshSeries / RefreshArtist for these items."""
        return self.client.refresh([int(i) for i in native_ids])

    def rescan(self, native_ids: list[str]) -> list[Any]:
        """RescanMovie / RescanSeries (one per series) / RescanFolders."""
        return self.client.rescan([int(i) for i in native_ids])

    def command_state(self, command_id: int) -> str:
        return self.client.command(int(command_id)).status

    def update_item(self, native_id: str, changes: dict[str, Any]) -> dict:
        """Read the full resource, apply ``changes`` (wire names), PUT it back."""
        current = self.client.item_document(int(native_id))
        if not isinstance(current, dict):
            raise BadResponse("item is not a JSON object", service=self.source_type)
        current.update(changes)
        return self.client.replace_item(int(native_id), current)

    def tag_ids(self, labels: list[str]) -> list[int]:
        """Ids of tag labels, creating missing tags."""
        self._tags = None
        return [self.client.ensure_tag(label).id for label in labels if label.strip()]

    def poster(self, url: str) -> tuple[bytes, str]:
        return self.client.image(url)


# ---- media servers -----------------------------------------------------------------------------------

PLEX_KINDS = {"movie": "movie", "show": "series", "artist": "artist"}
MB_KINDS = {"movies": ("Movie", "movie"), "tvshows": ("Series", "series"), "music": ("MusicArtist", "artist")}
MB_ITEM_KINDS = {"Movie": "movie", "Series": "series", "MusicArtist": "artist"}


def _server_ids(ids: dict[str, str]) -> dict[str, Any]:
    lowered = {k.lower(): v for k, v in ids.items()}
    return {"tmdb_id": to_int(lowered.get("tmdb")), "tvdb_id": to_int(lowered.get("tvdb")),
            "imdb_id": lowered.get("imdb") or None,
            "musicbrainz_id": lowered.get("mbid") or lowered.get("musicbrainzartist") or lowered.get("musicbrainz")}


class PlexSource:
    def __init__(self, instance: str, client: Any):
        self.instance = instance
        self.source_type = "plex"
        self.client = client

    def iter_items(self, known: dict[str, Any] | None = None) -> Iterator[SourceItem]:
        for section in self.client.sections():
            kind = PLEX_KINDS.get(section.type)
            if kind is None:
                continue
            for item in self.client.iter_items(section.key, include_guids=True):
                if item.type in PLEX_KINDS:
                    yield SourceItem(media_id(self.instance, item.rating_key), digest(section.title, repr(item)),
                                     lambda item=item, title=section.title: self.record(item, title))

    def fetch_one(self, native_id: str) -> SourceItem:
        record = self.record(self.client.item(native_id), None)
        return SourceItem(record.id, "", lambda: record)

    def record(self, item: Any, library: str | None) -> ItemRecord:
        kind = PLEX_KINDS.get(item.type, "movie")
        path = posixpath.dirname(item.files[0]) if item.files else (item.locations[0] if item.locations else None)
        rec = ItemRecord(instance=self.instance, source_type="plex", native_id=str(item.rating_key), kind=kind,
                         title=item.title, original_title=item.original_title or None, year=item.year, path=path,
                         library=library, tags=list(item.labels), poster_url=item.thumb or None,
                         added_at=parse_datetime(item.added_at), season_count=item.child_count if kind == "series" else None,
                         child_count=item.leaf_count, **_server_ids(item.ids))
        rec.extra = {k: v for k, v in {"guid": item.guid, "guids": item.ids, "section": item.section_key,
                                       "edition": item.edition_title}.items() if v}
        return rec

    def fetch_children(self, record: ItemRecord) -> list[ChildRecord]:
        return []

    def poster(self, url: str) -> tuple[bytes, str]:
        data = self.client.download(url)
        return data, _sniff(data)


class MediaBrowserSource:
    def __init__(self, instance: str, source_type: str, client: Any):
        self.instance = instance
        self.source_type = source_type
        self.client = client

    def iter_items(self, known: dict[str, Any] | None = None) -> Iterator[SourceItem]:
        for library in self.client.libraries():
            wanted = MB_KINDS.get(library.collection_type)
            if wanted is None:
                continue
            for item in self.client.iter_items(library.id, [wanted[0]]):
                yield SourceItem(media_id(self.instance, item.id), digest(library.name, repr(item)),
                                 lambda item=item, name=library.name: self.record(item, name))

    def fetch_one(self, native_id: str) -> SourceItem:
        record = self.record(self.client.item(native_id), None)
        return SourceItem(record.id, "", lambda: record)

    def record(self, item: Any, library: str | None) -> ItemRecord:
        kind = MB_ITEM_KINDS.get(item.type, "movie")
        path = item.path
        if path and kind == "movie" and posixpath.splitext(path)[1]:
            path = posixpath.dirname(path)
        poster = f"/Items/{item.id}/Images/Primary" if "Primary" in item.image_tags else None
        rec = ItemRecord(instance=self.instance, source_type=self.source_type, native_id=str(item.id), kind=kind,
                         title=item.name, original_title=item.original_title or None, year=item.year, path=path,
                         library=library, tags=list(item.tags), poster_url=poster,
                         added_at=None, **_server_ids(item.ids))
        if poster:
            rec.extra = {"image_tag": item.image_tags.get("Primary")}
        return rec

    def fetch_children(self, record: ItemRecord) -> list[ChildRecord]:
        return []

    def poster(self, url: str) -> tuple[bytes, str]:
        item_id = url.split("/Items/", 1)[-1].split("/", 1)[0]
        data = self.client.image(item_id, "Primary")
        return data, _sniff(data)


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def source_for(rt: "Runtime", ref: "InstanceRef") -> Any:
    """The source object for a configured instance (raises KeyError for types the library skips)."""
    connector = open_connector(rt, ref)
    if ref.type in ARR_TYPES:
        return ArrSource(ref.name, ref.type, connector)
    if ref.type == "plex":
        return PlexSource(ref.name, connector)
    if ref.type in ("jellyfin", "emby"):
        return MediaBrowserSource(ref.name, ref.type, connector)
    raise KeyError(f"instance type {ref.type} holds no library items")


def close_source(source: Any) -> None:
    close = getattr(getattr(source, "client", None), "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # closing must never mask the sync's outcome
            pass


__all__ = ["ArrSource", "PlexSource", "MediaBrowserSource", "SourceItem", "source_for", "close_source",
           "digest", "NotFound"]
