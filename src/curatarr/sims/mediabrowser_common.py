"""The shared core of the Jellyfin and Emby simulators (both descend from MediaBrowser and still
speak the same item/image API; reference/contracts.md §7).

What differs between the two is a :class:`Flavor`: URL prefix (Emby lives under ``/emby``), id
style (Jellyfin: 32-hex GUIDs, Emby: integers as strings), product name/version and which
credential forms are accepted. Behaviour both share:

* Paths and query parameter names are case-insensitive (ASP.NET routing); list parameters take
  comma-separated values or repeats; unknown ``Fields`` values are ignored; nulls are omitted.
* ``/Items`` with ``ParentId`` / ``Recursive`` / ``IncludeItemTypes`` / ``SearchTerm`` / ``Ids``
  / ``StartIndex`` / ``Limit`` and ``TotalRecordCount``; optional DTO fields only when asked for
  in ``Fields`` (``ProviderIds``, ``Path``, ``Tags``, ``Overview`` …); ``/Items/{id}`` has all.
* Images: ``POST /Items/{id}/Images/{type}[/{index}]`` takes **base64 text** with an ``image/*``
  content type (else 400), answers 204; ``Backdrop`` appends, other types replace; uploads are
  recorded with the sha256 of the decoded bytes. ``DELETE`` removes (204); image GETs need no auth.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from curatarr.sims.base import Simulator, install, json_response
from curatarr.sims.images import render_artwork
from curatarr.sims.plex import base_title, children_of, instance_view, on_disk, sniff_mime
from curatarr.sims.library import (
    Album, Artist, Artwork, Episode, Movie, SampleLibrary, Season, Show, iso_from_offset, stable_hex, stable_int,
)

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
HAS_BACKDROP = {"Movie", "Series", "MusicArtist"}
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
        provider_ids: dict[str, str] = {}
        path = getattr(item, "path", None)
        if isinstance(item, (Movie, Show)):
            dto.update(ProductionYear=item.year, PremiereDate=f"{item.year}-01-01T00:00:00.0000000Z",
                       OfficialRating=item.certification, RunTimeTicks=item.runtime * TICKS_PER_MINUTE,
                       CommunityRating=getattr(item.ratings, "tmdb", None))
            if want("OriginalTitle"):
                dto["OriginalTitle"] = item.original_title
            provider_ids = {"Tmdb": str(item.tmdb_id)}
            if item.imdb_id:
                provider_ids["Imdb"] = item.imdb_id
        if isinstance(item, Movie):
            path = f"{item.path}/{item.file_name}"
            dto["Container"] = (item.file_name or "").rsplit(".", 1)[-1]
            if want("Width") or want("Height"):
                width, height = _dimensions(item.quality)
                dto.update(Width=width, Height=height)
        elif isinstance(item, Show):
            provider_ids["Tvdb"] = str(item.tvdb_id)
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
            provider_ids = {"Tvdb": str(item.tvdb_id)}
            path = item.path
            self._series_image(dto, series)
        elif isinstance(item, Artist):
            provider_ids = {"MusicBrainzArtist": item.musicbrainz_id}
        elif isinstance(item, Album):
            artist = entry.parent
            dto.update(ProductionYear=item.year, PremiereDate=_dotnet_date(item.release_date),
                       AlbumArtist=artist.name, ParentId=self.item_id(artist))
            provider_ids = {"MusicBrainzAlbum": item.musicbrainz_id}
            path = f"{artist.path}/{item.title} ({item.year})"
        if want("ProviderIds"):
            dto["ProviderIds"] = provider_ids
        if want("Path") and path:
            dto["Path"] = path
        if want("Tags"):
            dto["Tags"] = [self.library.tags[t] for t in getattr(item, "tags", []) if t in self.library.tags]
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


def _token_from_header(value: str | None) -> str | None:
    """``MediaBrowser Client="x", Token="abc"`` -> ``abc``."""
    if not value:
        return None
    match = re.search(r'Token="?([^",]+)"?', value, re.IGNORECASE)
    return match.group(1).strip() if match else None


# ---- HTTP layer ------------------------------------------------------------------------------------
class Query:
    """Case-insensitive query parameters with MediaBrowser's list and bool conventions."""

    def __init__(self, request: Request):
        self._values: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            self._values.setdefault(key.lower(), []).append(value)

    def get(self, name: str) -> str | None:
        values = self._values.get(name.lower())
        return values[-1] if values else None

    def list(self, name: str) -> list[str]:
        return [v.strip() for raw in self._values.get(name.lower(), []) for v in raw.split(",") if v.strip()]

    def int(self, name: str, default: int | None = None) -> int | None:
        raw = self.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise MBError(400, f"The value '{raw}' is not valid for {name}.") from None

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self.get(name)
        if raw in (None, ""):
            return default
        if raw.lower() not in ("true", "false", "1", "0"):
            raise MBError(400, f"The value '{raw}' is not valid for {name}.")
        return raw.lower() in ("true", "1")


def build_app(library: SampleLibrary, flavor: Flavor, *, api_key: str, instance: str,
              small_images: bool = False, legacy_auth: bool | None = None) -> Starlette:
    """The Jellyfin or Emby simulator app for ``library`` (see module docstring)."""
    legacy = flavor.legacy_auth if legacy_auth is None else legacy_auth
    unauthorized_body = b"" if flavor.name == "jellyfin" else b"Access token is invalid or expired."
    sim = Simulator(flavor.name, instance=instance, library=library, api_key=api_key,
                    unauthorized=lambda: (401, {"Content-Type": "text/plain"} if unauthorized_body else {},
                                          unauthorized_body))
    holder: dict[str, MBServerState] = {}

    def rebuild() -> None:
        holder["srv"] = MBServerState(instance_view(library, instance), flavor, instance, small_images)

    rebuild()
    sim.reset_hooks.append(rebuild)

    def credential(request: Request, query: Query) -> str | None:
        token = (_token_from_header(request.headers.get("authorization")) or query.get("ApiKey"))
        if token or not legacy:
            return token
        return (_token_from_header(request.headers.get("x-emby-authorization"))
                or request.headers.get("x-emby-token") or request.headers.get("x-mediabrowser-token")
                or query.get("api_key"))

    def problem(status: int, detail: str) -> Response:
        body = {"type": "https://tools.ietf.org/html/rfc9110#section-15.5", "title": detail or "Error",
                "status": status, "detail": detail}
        return json_response(body, status)

    # -- handlers (each gets srv, query, request, path groups) --
    def system_info(srv: MBServerState, q: Query, request: Request, public: bool = False) -> Any:
        info = {"LocalAddress": str(request.base_url).rstrip("/") + flavor.prefix, "ServerName": srv.server_name,
                "Version": flavor.version, "ProductName": flavor.product, "Id": srv.server_id,
                "StartupWizardCompleted": True}
        if not public:
            info.update(OperatingSystem="Linux", OperatingSystemDisplayName="Linux", HasPendingRestart=False,
                        IsShuttingDown=False, SupportsLibraryMonitor=True, WebSocketPortNumber=8096,
                        CanSelfRestart=True, CanLaunchWebBrowser=False, HasUpdateAvailable=False,
                        ProgramDataPath="/config", CachePath="/cache", LogPath="/config/log",
                        SystemArchitecture="X64")
        return info

    def configuration(srv: MBServerState, q: Query, request: Request) -> Any:
        return {"ServerName": srv.server_name, "PreferredMetadataLanguage": "en", "MetadataCountryCode": "US",
                "UICulture": "en-US", "IsStartupWizardCompleted": True, "EnableLegacyAuthorization": legacy}

    def users(srv: MBServerState, q: Query, request: Request) -> Any:
        return [{"Name": "admin", "ServerId": srv.server_id, "Id": srv.user_id, "HasPassword": True,
                 "HasConfiguredPassword": True, "HasConfiguredEasyPassword": False, "EnableAutoLogin": False,
                 "Policy": {"IsAdministrator": True, "IsHidden": False, "IsDisabled": False,
                            "EnableAllFolders": True, "AuthenticationProviderId": "DefaultAuthenticationProvider",
                            "PasswordResetProviderId": "DefaultPasswordResetProvider"}}]

    def virtual_folders(srv: MBServerState, q: Query, request: Request) -> Any:
        return [{"Name": f.name, "Locations": list(f.locations), "CollectionType": f.collection_type,
                 "ItemId": f.id, "RefreshStatus": "Idle",
                 "LibraryOptions": {"Enabled": True, "PathInfos": [{"Path": p} for p in f.locations],
                                    "PreferredMetadataLanguage": "en", "MetadataCountryCode": "US"}}
                for f in srv.folders]

    def page(entries: list[Any], q: Query, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        start = max(0, q.int("StartIndex", 0) or 0)
        limit = q.int("Limit")
        chosen = entries[start:] if limit is None else entries[start:start + max(0, limit)]
        return {"Items": [render(e) for e in chosen], "TotalRecordCount": len(entries), "StartIndex": start}

    def fields_of(q: Query) -> set[str]:
        return {f.lower() for f in q.list("Fields")}

    def items(srv: MBServerState, q: Query, request: Request) -> Any:
        include, exclude = q.list("IncludeItemTypes"), q.list("ExcludeItemTypes")
        for kind in include + exclude:
            if kind not in ITEM_KINDS:
                raise MBError(400, f"The value '{kind}' is not valid.")
        parent_id, recursive = q.get("ParentId"), q.bool("Recursive")
        if not parent_id and not recursive and not q.list("Ids"):
            folders = [f for f in srv.folders if not include or "CollectionFolder" in include]
            return page(folders, q, srv.folder_dto)
        if q.list("Ids"):
            entries = [srv.entries[i.replace("-", "").lower() if not flavor.numeric_ids else i]
                       for i in q.list("Ids") if (i.replace("-", "").lower() if not flavor.numeric_ids else i)
                       in srv.entries]
        else:
            entries = srv.scope(parent_id, recursive)
        if include:
            entries = [e for e in entries if e.kind in include]
        if exclude:
            entries = [e for e in entries if e.kind not in exclude]
        term = (q.get("SearchTerm") or "").lower()
        if term:
            entries = [e for e in entries if term in srv.name(e.item).lower()]
        for name, attr in (("IndexNumber", "IndexNumber"), ("ParentIndexNumber", "ParentIndexNumber")):
            wanted = q.int(name)
            if wanted is not None:
                entries = [e for e in entries if _index_of(e.item, attr) == wanted]
        fields = fields_of(q)
        return page(entries, q, lambda e: srv.item_dto(e, fields))

    def item(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        folder = srv.folder(item_id)
        return srv.folder_dto(folder) if folder else srv.item_dto(srv.entry(item_id), None)

    def ancestors(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        chain, parent = [], entry.parent
        while parent is not None:
            parent_entry = srv.entries[srv.item_id(parent)]
            chain.append(srv.item_dto(parent_entry, set()))
            parent = parent_entry.parent
        root = {"Name": "root", "ServerId": srv.server_id, "Id": stable_hex(flavor.name, "root"),
                "Type": "AggregateFolder", "IsFolder": True, "LocationType": "FileSystem", "ImageTags": {},
                "BackdropImageTags": [], "MediaType": "Unknown", "Path": "/config/root"}
        if flavor.numeric_ids:
            root["Id"] = "1"
        return chain + [srv.folder_dto(entry.folder), root]

    def seasons(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        if entry.kind != "Series":
            raise MBError(404, "Series not found.")
        fields = fields_of(q)
        return page([srv.entries[srv.item_id(s)] for s in entry.children], q, lambda e: srv.item_dto(e, fields))

    def episodes(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        if entry.kind != "Series":
            raise MBError(404, "Series not found.")
        season_no, season_id = q.int("Season"), q.get("SeasonId")
        chosen = []
        for season in entry.children:
            if season_no is not None and season.number != season_no:
                continue
            if season_id and srv.item_id(season) != season_id.replace("-", "").lower():
                continue
            chosen += [srv.entries[srv.item_id(e)] for e in srv.entries[srv.item_id(season)].children]
        fields = fields_of(q)
        return page(chosen, q, lambda e: srv.item_dto(e, fields))

    def image_infos(srv: MBServerState, q: Query, request: Request, item_id: str) -> Any:
        entry = srv.entry(item_id)
        out = []
        for image_type, imgs in srv.images(entry).items():
            for index, img in enumerate(imgs):
                info = {"ImageType": image_type, "ImageTag": img.tag, "BlurHash": BLURHASH,
                        "Path": f"/config/metadata/library/{item_id[:2]}/{item_id}/{image_type.lower()}{index}.jpg",
                        "Height": img.height, "Width": img.width,
                        "Size": len(img.data) if img.data is not None else img.width * img.height // 8}
                if image_type in MULTI_IMAGE_TYPES:
                    info["ImageIndex"] = index
                out.append(info)
        return out

    def image_type_of(raw: str) -> str:
        found = next((t for t in IMAGE_TYPES if t.lower() == raw.lower()), None)
        if found is None:
            raise MBError(400, f"The value '{raw}' is not valid.")
        return found

    def get_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                  index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        imgs = srv.images(entry).get(kind, [])
        position = int(index) if index is not None else (q.int("imageIndex", 0) or 0)
        if position >= len(imgs):
            raise MBError(404, "Image not found.")
        data, mime = srv.image_bytes(entry, imgs[position])
        return Response(data, media_type=mime, headers={"Cache-Control": "public", "ETag": f'"{imgs[position].tag}"'})

    async def post_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                         index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("image/"):
            raise MBError(400, "Incorrect ContentType.")
        raw = await request.body()
        try:
            data = base64.b64decode(re.sub(rb"\s+", b"", raw), validate=True)
        except (binascii.Error, ValueError):
            raise MBError(400, "The request body is not valid base64.") from None
        if not data:
            raise MBError(400, "The request body is empty.")
        imgs = srv.images(entry).setdefault(kind, [])
        image = MBImage(hashlib.md5(data).hexdigest(), 0, 0, data=data)
        _read_size(image)
        if index is not None:
            position = int(index)
            imgs[position:position + 1] = [image]
        elif kind in MULTI_IMAGE_TYPES:
            imgs.append(image)
        else:
            imgs[:1] = [image]
        sim.record("uploads", item_id=srv.item_id(entry.item), image_type=kind, index=index,
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type=content_type)
        return Response(status_code=204)

    def delete_image(srv: MBServerState, q: Query, request: Request, item_id: str, image_type: str,
                     index: str | None = None) -> Response:
        entry = srv.entry(item_id)
        kind = image_type_of(image_type)
        position = int(index) if index is not None else (q.int("imageIndex", 0) or 0)
        imgs = srv.images(entry).get(kind, [])
        removed = position < len(imgs)
        if removed:
            del imgs[position]
        sim.record("image_deletes", item_id=srv.item_id(entry.item), image_type=kind, index=position,
                   removed=removed)
        return Response(status_code=204)

    def ping(srv: MBServerState, q: Query, request: Request) -> Any:
        return flavor.product

    uuid_ish = r"([0-9a-fA-F-]{32,36}|\d+)"
    table: list[tuple[str, re.Pattern[str], Callable[..., Any], bool]] = []
    for method, pattern, handler, public in [
        ("GET", r"/System/Info/Public", lambda s, q, r: system_info(s, q, r, public=True), True),
        ("GET", r"/System/Info", system_info, False),
        ("GET", r"/System/Ping", ping, True),
        ("GET", r"/System/Configuration", configuration, False),
        ("GET", r"/Users", users, False),
        ("GET", r"/Library/VirtualFolders", virtual_folders, False),
        ("GET", r"/Items", items, False),
        ("GET", rf"/Items/{uuid_ish}", item, False),
        ("GET", rf"/Items/{uuid_ish}/Ancestors", ancestors, False),
        ("GET", rf"/Shows/{uuid_ish}/Seasons", seasons, False),
        ("GET", rf"/Shows/{uuid_ish}/Episodes", episodes, False),
        ("GET", rf"/Items/{uuid_ish}/Images", image_infos, False),
        ("GET", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", get_image, True),
        ("HEAD", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", get_image, True),
        ("POST", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", post_image, False),
        ("DELETE", rf"/Items/{uuid_ish}/Images/(\w+)(?:/(\d+))?", delete_image, False),
    ] + ([  # Emby still serves the per-user item routes that Jellyfin 10.9 dropped
        ("GET", rf"/Users/{uuid_ish}/Items", lambda s, q, r, user: items(s, q, r), False),
        ("GET", rf"/Users/{uuid_ish}/Items/{uuid_ish}", lambda s, q, r, user, iid: item(s, q, r, iid), False),
    ] if flavor.numeric_ids else []):
        table.append((method, re.compile(re.escape(flavor.prefix) + pattern + "/?$", re.IGNORECASE), handler, public))

    async def dispatch(request: Request) -> Response:
        path, method = request.url.path, request.method
        matched_path = False
        for route_method, regex, handler, public in table:
            match = regex.match(path)
            if not match:
                continue
            matched_path = True
            if route_method != method:
                continue
            query = Query(request)
            if not public and credential(request, query) != api_key:
                return Response(unauthorized_body, 401, media_type="text/plain" if unauthorized_body else None)
            try:
                result = handler(holder["srv"], query, request, *match.groups())
                if hasattr(result, "__await__"):
                    result = await result
            except MBError as exc:
                return problem(exc.status, exc.detail)
            if isinstance(result, Response):
                if method == "HEAD":
                    return Response(status_code=result.status_code, headers=dict(result.headers))
                return result
            return json_response(result, drop_nulls=True)
        return problem(405 if matched_path else 404, "Method not allowed." if matched_path else "Not found.")

    app = Starlette(routes=[Route("/{path:path}", dispatch, methods=["GET", "HEAD", "POST", "DELETE", "PUT"])])
    return install(app, sim)


def _index_of(item: Any, attr: str) -> int | None:
    if attr == "IndexNumber":
        return getattr(item, "episode_number", None) if isinstance(item, Episode) else getattr(item, "number", None)
    return getattr(item, "season_number", None)


def _read_size(image: MBImage) -> None:
    """Width/height of an uploaded image (for ``/Images`` listings), when Pillow can read it."""
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(image.data or b"")) as img:
            image.width, image.height = img.size
    except Exception:  # not an image Pillow knows: the real server would also report no size
        image.width = image.height = 0
