"""The item model of the Jellyfin/Emby simulators (the HTTP layer is
:mod:`curatarr.sims.mediabrowser_common`).

:class:`MBServerState` holds one server's library folders, item entries (ids in the
:class:`Flavor`'s style), image state (built from the sample artwork on first use, uploads kept
in memory) and renders the ``BaseItemDto`` JSON: optional fields only when asked for in
``Fields`` (``fields=None`` means all, as ``/Items/{id}`` answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from curatarr.sims.images import render_artwork
from curatarr.sims.library import (
    Album, Artist, Artwork, Episode, Movie, SampleLibrary, Season, Show, iso_from_offset, stable_hex, stable_int,
)
from curatarr.sims.library_gen import collection_artworks
from curatarr.sims.plex_tree import base_title, children_of, on_disk, sniff_mime

IMAGE_TYPES = ("Primary", "Art", "Backdrop", "Banner", "Logo", "Thumb", "Disc", "Box", "Screenshot", "Menu",
               "Chapter", "BoxRear", "Profile")
MULTI_IMAGE_TYPES = {"Backdrop", "Screenshot", "Chapter"}  # POST appends; ImageIndex is reported
ITEM_KINDS = {"AggregateFolder", "Audio", "AudioBook", "BasePluginFolder", "Book", "BoxSet", "Channel",
              "ChannelFolderItem", "CollectionFolder", "Episode", "Folder", "Genre", "ManualPlaylistsFolder",
              "Movie", "LiveTvChannel", "LiveTvProgram", "MusicAlbum", "MusicArtist", "MusicGenre", "MusicVideo",
              "Person", "Photo", "PhotoAlbum", "Playlist", "PlaylistsFolder", "Program", "Recording", "Season",
              "Series", "Studio", "Trailer", "TvChannel", "TvProgram", "UserRootFolder", "UserView", "Video", "Year"}
# What a server starts with: one Primary (English first) and, where the sample has backgrounds,
# one Backdrop — the real default of one backdrop per item. Sample artwork kinds per image type:
DEFAULT_IMAGES = {"Primary": ("poster", "season", "still"), "Backdrop": ("background",)}
HAS_BACKDROP = {"Movie", "Series", "MusicArtist", "BoxSet"}
BLURHASH = "WNF~#Ot7ofRjWBof~qt7j[ayWBay-;WBRjayWBj[WBayofj[ayj["
TICKS_PER_MINUTE = 600_000_000


@dataclass(frozen=True)
class Flavor:
    name: str                 # "jellyfin" | "emby"
    prefix: str               # "" | "/emby"
    product: str
    version: str
    numeric_ids: bool         # Emby: "12345"; Jellyfin: 32-hex
    legacy_auth: bool         # accept X-Emby-Token / X-MediaBrowser-Token / api_key


class MBError(Exception):
    def __init__(self, status: int, detail: str = ""):
        self.status, self.detail = status, detail


@dataclass
class MBImage:
    tag: str
    width: int
    height: int
    artwork: Artwork | None = None
    data: bytes | None = None


@dataclass(slots=True)
class BoxSet:
    """A collection (``BoxSet``): the TMDb box-set provider makes one per TMDB collection of the
    movies, with the collection's id as ``ProviderIds.Tmdb`` and its artwork."""

    title: str
    tmdb_id: int
    plex_rating_key: int      # the numeric id source on Emby
    jellyfin_id: str
    artworks: list = field(default_factory=list)


@dataclass
class Folder:
    """A library (``CollectionFolder``) as ``/Library/VirtualFolders`` lists it."""

    id: str
    name: str
    collection_type: str      # movies | tvshows | music
    locations: list[str]
    items: list[Any]


@dataclass
class Entry:
    item: Any
    kind: str                 # BaseItemKind
    folder: Folder
    parent: Any = None        # Series for a Season, Season for an Episode, Artist for an Album
    images: dict[str, list[MBImage]] | None = None
    children: list[Any] = field(default_factory=list)


def _dotnet_date(iso: str | None) -> str | None:
    if not iso:
        return None
    return f"{iso[:10]}T{iso[11:19] or '00:00:00'}.0000000Z" if len(iso) > 10 else f"{iso}T00:00:00.0000000Z"


class MBServerState:
    """Items, ids and image state of one simulated server."""

    def __init__(self, library: SampleLibrary, flavor: Flavor, instance: str, small_images: bool):
        self.flavor = flavor
        self.library = library
        self.small_images = small_images
        self.server_id = stable_hex(flavor.name, "server", instance)
        self.server_name = instance
        self.user_id = stable_hex(flavor.name, "user", instance)
        roots: dict[str, list[str]] = {}
        for root in library.root_folders:
            roots.setdefault(root.media, []).append(root.path)
        self.folders: list[Folder] = []
        self.entries: dict[str, Entry] = {}
        self.tag_edits: dict[str, list[str]] = {}   # item id -> tags set through POST /Items/{id}
        self._scopes: dict[tuple[str, bool], list[Entry]] = {}
        for media, ctype, name, items in (("movie", "movies", "Movies", library.movies),
                                          ("show", "tvshows", "Shows", library.shows),
                                          ("artist", "music", "Music", library.artists)):
            if not items:
                continue
            fid = str(3 + len(self.folders)) if flavor.numeric_ids else stable_hex(flavor.name, "folder", name)
            ordered = sorted([i for i in items if on_disk(i)], key=lambda i: (getattr(i, "sort_title", None) or getattr(i, "sort_name", "")).lower())
            folder = Folder(fid, name, ctype, roots.get(media, []), ordered)
            self.folders.append(folder)
            for item in ordered:
                self._add(item, folder, None)
        self.boxsets: list[Entry] = self._boxsets()

    def _boxsets(self) -> list[Entry]:
        """Collections live in their own (unlisted here) ``boxsets`` folder; members stay in theirs."""
        folder = Folder("2" if self.flavor.numeric_ids else stable_hex(self.flavor.name, "folder", "Collections"),
                        "Collections", "boxsets", [], [])
        groups: dict[int, tuple[Any, list[Movie]]] = {}
        for f in self.folders:
            for item in f.items:
                if isinstance(item, Movie) and item.collection is not None:
                    groups.setdefault(item.collection.tmdb_id, (item.collection, []))[1].append(item)
        out: list[Entry] = []
        for n, (tmdb_id, (coll, members)) in enumerate(sorted(groups.items(), key=lambda g: g[1][0].name.lower())):
            box = BoxSet(coll.name, tmdb_id, 900_000_000 + n, stable_hex(self.flavor.name, "boxset", tmdb_id),
                         collection_artworks(tmdb_id, ("poster", "background")))
            entry = Entry(box, "BoxSet", folder, None, children=members)
            self.entries[self.item_id(box)] = entry
            out.append(entry)
        folder.items = [e.item for e in out]
        return out

    def item_id(self, item: Any) -> str:
        return str(item.plex_rating_key) if self.flavor.numeric_ids else item.jellyfin_id

    def _add(self, item: Any, folder: Folder, parent: Any) -> None:
        kind = {Movie: "Movie", Show: "Series", Season: "Season", Episode: "Episode", Artist: "MusicArtist",
                Album: "MusicAlbum"}[type(item)]
        children = children_of(item)
        self.entries[self.item_id(item)] = Entry(item, kind, folder, parent, children=children)
        for child in children:
            self._add(child, folder, item)

    # ---- lookups --------------------------------------------------------------------------------
    def entry(self, item_id: str) -> Entry:
        entry = self.entries.get(item_id.replace("-", "").lower() if not self.flavor.numeric_ids else item_id)
        if entry is None:
            raise MBError(404, "Item not found.")
        return entry

    def folder(self, folder_id: str) -> Folder | None:
        wanted = folder_id.replace("-", "").lower()
        return next((f for f in self.folders if f.id == wanted), None)

    @staticmethod
    def name(item: Any) -> str:
        return base_title(item)

    # ---- images ---------------------------------------------------------------------------------
    def _default_tag(self, entry: Entry, image_type: str) -> str:
        return stable_hex("img", self.item_id(entry.item), image_type)

    def images(self, entry: Entry) -> dict[str, list[MBImage]]:
        """An item's images, built from its sample artwork on first use."""
        if entry.images is None:
            entry.images = {}
            arts = list(entry.item.artworks)
            for image_type, kinds in DEFAULT_IMAGES.items():
                chosen = [a for a in arts if a.kind in kinds]
                if chosen:
                    art = next((a for a in chosen if a.language == "en"), chosen[0])
                    entry.images[image_type] = [MBImage(self._default_tag(entry, image_type), art.width, art.height,
                                                        artwork=art)]
        return entry.images

    def image_bytes(self, entry: Entry, image: MBImage) -> tuple[bytes, str]:
        if image.data is not None:
            return image.data, sniff_mime(image.data)
        assert image.artwork is not None
        return (render_artwork(image.artwork, self.name(entry.item), small=self.small_images),
                image.artwork.mime_type)

    def image_tags(self, entry: Entry) -> tuple[dict[str, str], list[str]]:
        if entry.images is None:  # untouched: what images() will build, without generating artwork lists
            backdrops = [self._default_tag(entry, "Backdrop")] if entry.kind in HAS_BACKDROP else []
            return {"Primary": self._default_tag(entry, "Primary")}, backdrops
        images = self.images(entry)
        single = {t: imgs[0].tag for t, imgs in images.items() if imgs and t not in MULTI_IMAGE_TYPES}
        return single, [i.tag for i in images.get("Backdrop", [])]

    # ---- tags -----------------------------------------------------------------------------------
    def tags(self, entry: Entry) -> list[str]:
        edited = self.tag_edits.get(self.item_id(entry.item))
        if edited is not None:
            return list(edited)
        return [self.library.tags[t] for t in getattr(entry.item, "tags", []) if t in self.library.tags]

    @staticmethod
    def provider_ids(entry: Entry) -> dict[str, str]:
        """``ProviderIds`` of the DTO; the ``AnyProviderIdEquals`` filter reads it for every entry."""
        item = entry.item
        if isinstance(item, (Movie, Show)):
            ids = {"Tmdb": str(item.tmdb_id)}
            if item.imdb_id:
                ids["Imdb"] = item.imdb_id
            if isinstance(item, Show):
                ids["Tvdb"] = str(item.tvdb_id)
            return ids
        if isinstance(item, Episode):
            return {"Tvdb": str(item.tvdb_id)}
        if isinstance(item, Artist):
            return {"MusicBrainzArtist": item.musicbrainz_id}
        if isinstance(item, Album):
            return {"MusicBrainzAlbum": item.musicbrainz_id}
        if isinstance(item, BoxSet):
            return {"Tmdb": str(item.tmdb_id)}
        return {}

    # ---- DTOs -----------------------------------------------------------------------------------
    def folder_dto(self, folder: Folder) -> dict[str, Any]:
        return {"Name": folder.name, "ServerId": self.server_id, "Id": folder.id, "Type": "CollectionFolder",
                "IsFolder": True, "CollectionType": folder.collection_type, "LocationType": "FileSystem",
                "ChildCount": len(folder.items), "MediaType": "Unknown", "ImageTags": {}, "BackdropImageTags": [],
                "Path": f"/config/root/default/{folder.name}", "SortName": folder.name.lower()}

    def item_dto(self, entry: Entry, fields: set[str] | None) -> dict[str, Any]:
        """``fields=None`` means every field (``/Items/{id}``)."""
        item, kind = entry.item, entry.kind
        want = (lambda name: True) if fields is None else (lambda name: name.lower() in fields)
        single, backdrops = self.image_tags(entry)
        dto: dict[str, Any] = {"Name": self.name(item), "ServerId": self.server_id, "Id": self.item_id(item),
                               "Type": kind, "IsFolder": kind not in ("Movie", "Episode"),
                               "LocationType": "FileSystem", "ImageTags": single, "BackdropImageTags": backdrops,
                               "MediaType": "Video" if kind in ("Movie", "Episode") else "Unknown"}
        path = getattr(item, "path", None)
        if isinstance(item, (Movie, Show)):
            dto.update(ProductionYear=item.year, PremiereDate=f"{item.year}-01-01T00:00:00.0000000Z",
                       OfficialRating=item.certification, RunTimeTicks=item.runtime * TICKS_PER_MINUTE,
                       CommunityRating=getattr(item.ratings, "tmdb", None))
            if want("OriginalTitle"):
                dto["OriginalTitle"] = item.original_title
        if isinstance(item, Movie):
            path = f"{item.path}/{item.file_name}"
            dto["Container"] = (item.file_name or "").rsplit(".", 1)[-1]
            if want("Width") or want("Height"):
                width, height = _dimensions(item.quality)
                dto.update(Width=width, Height=height)
        elif isinstance(item, Show):
            dto.update(Status="Ended" if item.ended else "Continuing", ChildCount=len(entry.children))
        elif isinstance(item, Season):
            series = entry.parent
            dto.update(IndexNumber=item.number, SeriesId=self.item_id(series), SeriesName=series.title,
                       ParentId=self.item_id(series), ChildCount=len(entry.children))
            path = f"{series.path}/{'Specials' if item.number == 0 else f'Season {item.number:02d}'}"
            self._series_image(dto, series)
        elif isinstance(item, Episode):
            season = entry.parent
            series = self.entries[self.item_id(season)].parent
            dto.update(IndexNumber=item.episode_number, ParentIndexNumber=item.season_number,
                       SeriesId=self.item_id(series), SeriesName=series.title, SeasonId=self.item_id(season),
                       SeasonName=self.name(season), ParentId=self.item_id(season),
                       PremiereDate=_dotnet_date(item.air_date), RunTimeTicks=item.runtime * TICKS_PER_MINUTE)
            path = item.path
            self._series_image(dto, series)
        elif isinstance(item, Album):
            artist = entry.parent
            dto.update(ProductionYear=item.year, PremiereDate=_dotnet_date(item.release_date),
                       AlbumArtist=artist.name, ParentId=self.item_id(artist))
            path = f"{artist.path}/{item.title} ({item.year})"
        elif isinstance(item, BoxSet):
            path = f"/config/data/collections/{item.title} [boxset]"
            dto["ChildCount"] = len(entry.children)
        if want("ProviderIds"):
            dto["ProviderIds"] = self.provider_ids(entry)
        if want("Path") and path:
            dto["Path"] = path
        if want("Tags"):
            dto["Tags"] = self.tags(entry)
            if self.flavor.name == "emby":  # Emby's DTO carries tags as TagItems too (what its editor sends back)
                dto["TagItems"] = [{"Name": t, "Id": stable_int("tag", t) % 100_000} for t in dto["Tags"]]
        if want("Genres"):
            dto["Genres"] = list(getattr(item, "genres", []) or [])
        if want("Overview") and getattr(item, "overview", ""):
            dto["Overview"] = item.overview
        if want("SortName"):
            dto["SortName"] = (getattr(item, "sort_title", None) or getattr(item, "sort_name", None)
                               or self.name(item)).lower()
        if want("DateCreated"):
            dto["DateCreated"] = _dotnet_date(getattr(item, "added", None) or iso_from_offset(
                stable_int(self.item_id(item)) % 100_000_000))
        if want("ParentId") and "ParentId" not in dto:
            dto["ParentId"] = entry.folder.id
        if want("Etag"):
            dto["Etag"] = stable_hex("etag", self.item_id(item), *single.values(), *backdrops)
        return dto

    def _series_image(self, dto: dict[str, Any], series: Show) -> None:
        tag = self.image_tags(self.entries[self.item_id(series)])[0].get("Primary")
        if tag:
            dto["SeriesPrimaryImageTag"] = tag

    # ---- queries --------------------------------------------------------------------------------
    def scope(self, parent_id: str | None, recursive: bool) -> list[Entry]:
        """Entries below ``parent_id`` (a library folder or an item), or below the root. The tree
        never changes, so results are cached: paging through 100k items re-walks nothing."""
        key = (parent_id or "").replace("-", "").lower(), recursive
        cached = self._scopes.get(key)
        if cached is None:
            if len(self._scopes) > 256:
                self._scopes.clear()
            cached = self._scopes[key] = self._walk(parent_id, recursive)
        return cached

    def _walk(self, parent_id: str | None, recursive: bool) -> list[Entry]:
        if parent_id:
            folder = self.folder(parent_id)
            if folder is not None:
                tops = folder.items
            else:
                try:
                    tops = self.entry(parent_id).children
                except MBError:
                    return []
        else:
            if not recursive:
                return []
            tops = [i for f in self.folders for i in f.items]
        out: list[Entry] = []

        def walk(items: Iterable[Any]) -> None:
            for item in items:
                entry = self.entries[self.item_id(item)]
                out.append(entry)
                if recursive:
                    walk(entry.children)
        walk(tops)
        return out


def _dimensions(quality: str | None) -> tuple[int, int]:
    q = quality or ""
    return (3840, 2160) if "2160" in q else (1920, 1080) if "1080" in q else (1280, 720) if "720" in q else (720, 480)
