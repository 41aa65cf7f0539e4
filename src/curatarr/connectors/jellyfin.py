"""Jellyfin and Emby client (both speak the MediaBrowser item/image API), on HttpService.

``MediaBrowserClient(base_url, api_key, flavor="jellyfin" | "emby")``:

* Jellyfin gets ``Authorization: MediaBrowser Client=…, Token="<key>"`` — the one scheme its
  OpenAPI declares and the only one still accepted once legacy authorization is off (Jellyfin 12);
  Emby gets ``X-Emby-Token``. Keys never go into URLs.
* Emby serves its API under ``/emby``; a base URL without it gets it appended (as Posterizarr does).
* Item ids are opaque strings (Jellyfin: 32-hex, Emby: integers).
* Image uploads send the **base64 text** of the image with an ``image/*`` content type, which is
  what both servers expect; ``Backdrop`` uploads append, other types replace.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Literal
from urllib.parse import urlsplit

import httpx

from curatarr import __version__
from curatarr.connectors.errors import BadResponse
from curatarr.connectors.http import HttpService, InstanceRecord, Pong, RetryPolicy, json_fields
from curatarr.connectors.media_server import ArtworkSlot, Capability, ServerItem, ServerLibrary, Unsupported

IMAGE_TYPES = ("Primary", "Art", "Backdrop", "Banner", "Logo", "Thumb", "Disc", "Box", "Screenshot", "Menu",
               "Chapter", "BoxRear", "Profile")
DEFAULT_FIELDS = ("ProviderIds", "Path", "OriginalTitle", "Tags", "ParentId", "Width", "Height")
DEFAULT_PAGE_SIZE = 500
Flavor = Literal["jellyfin", "emby"]
# CollectionType → the interface's library kind (Plex's section words).
LIBRARY_KINDS = {"movies": "movie", "tvshows": "show", "music": "artist", "homevideos": "photo", "photos": "photo",
                 "musicvideos": "other", "boxsets": "other", "books": "other", "mixed": "other"}
# Item Type ↔ the interface's item kind.
ITEM_KINDS = {"Movie": "movie", "Series": "show", "Season": "season", "Episode": "episode", "MusicArtist": "artist",
              "MusicAlbum": "album", "BoxSet": "collection"}
ITEM_TYPES = {kind: type_ for type_, kind in ITEM_KINDS.items()}
_CAPABILITIES = {"jellyfin": frozenset({Capability.THUMB_IMAGE, Capability.ITEM_LABELS}),
                 "emby": frozenset({Capability.THUMB_IMAGE, Capability.PROVIDER_ID_LOOKUP, Capability.ITEM_LABELS})}


@dataclass(frozen=True, slots=True)
class MBServerInfo:
    id: str
    name: str
    version: str
    product: str = ""


@dataclass(frozen=True, slots=True)
class MBLibrary:
    id: str
    name: str
    collection_type: str          # movies | tvshows | music | boxsets | mixed | ...
    locations: tuple[str, ...] = ()
    language: str = ""            # LibraryOptions.PreferredMetadataLanguage ("" = server default)


@dataclass(slots=True)
class MBItem:
    id: str
    type: str                     # Movie | Series | Season | Episode | MusicArtist | MusicAlbum ...
    name: str
    original_title: str = ""
    year: int | None = None
    path: str | None = None
    ids: dict[str, str] = field(default_factory=dict)   # lower-case provider: imdb / tmdb / tvdb ...
    tags: list[str] = field(default_factory=list)
    image_tags: dict[str, str] = field(default_factory=dict)
    backdrop_tags: list[str] = field(default_factory=list)
    index: int | None = None
    parent_index: int | None = None
    parent_id: str | None = None
    series_id: str | None = None
    series_name: str = ""
    season_id: str | None = None
    season_name: str = ""
    premiere_date: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class MBImageInfo:
    type: str
    index: int | None
    tag: str
    width: int | None = None
    height: int | None = None
    size: int | None = None
    path: str | None = None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_item(data: Any) -> MBItem:
    if not isinstance(data, dict) or not _str(data.get("Id")):
        raise BadResponse("item without an Id", service="mediabrowser")
    provider_ids = data.get("ProviderIds") if isinstance(data.get("ProviderIds"), dict) else {}
    image_tags = data.get("ImageTags") if isinstance(data.get("ImageTags"), dict) else {}
    return MBItem(
        id=data["Id"], type=str(data.get("Type") or ""), name=str(data.get("Name") or ""),
        original_title=str(data.get("OriginalTitle") or ""), year=_int(data.get("ProductionYear")),
        path=_str(data.get("Path")),
        ids={str(k).lower(): str(v) for k, v in provider_ids.items() if v not in (None, "")},
        tags=[t for t in data.get("Tags") or [] if isinstance(t, str)],
        image_tags={str(k): str(v) for k, v in image_tags.items() if v},
        backdrop_tags=[t for t in data.get("BackdropImageTags") or [] if isinstance(t, str)],
        index=_int(data.get("IndexNumber")), parent_index=_int(data.get("ParentIndexNumber")),
        parent_id=_str(data.get("ParentId")), series_id=_str(data.get("SeriesId")),
        series_name=str(data.get("SeriesName") or ""), season_id=_str(data.get("SeasonId")),
        season_name=str(data.get("SeasonName") or ""), premiere_date=_str(data.get("PremiereDate")),
        width=_int(data.get("Width")), height=_int(data.get("Height")),
    )


def server_item(item: MBItem) -> ServerItem:
    """An MBItem in the media-server interface's words."""
    show_id = {"Season": item.series_id or item.parent_id, "Episode": item.series_id}.get(item.type)
    return ServerItem(id=item.id, kind=ITEM_KINDS.get(item.type, item.type.lower()), title=item.name, year=item.year,
                      original_title=item.original_title or "", path=item.path, ids=dict(item.ids),
                      labels=list(item.tags), index=item.index, parent_index=item.parent_index, show_id=show_id,
                      parent_id=item.parent_id)


def image_type(value: str) -> str:
    """The canonical spelling of an image type (``primary`` -> ``Primary``); ValueError if unknown."""
    found = next((t for t in IMAGE_TYPES if t.lower() == str(value).lower()), None)
    if found is None:
        raise ValueError(f"unknown image type {value!r}; use one of {', '.join(IMAGE_TYPES)}")
    return found


def sniff_image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/gif" if data.startswith(b"GIF8") else "image/jpeg"


class MediaBrowserClient:
    """Typed access to one Jellyfin or Emby server."""

    def __init__(self, base_url: str, api_key: str, flavor: Flavor = "jellyfin", *,
                 timeout: httpx.Timeout | float | None = None, retry: RetryPolicy | None = None,
                 client: httpx.Client | None = None, page_size: int = DEFAULT_PAGE_SIZE,
                 device_id: str = "curatarr"):
        if flavor not in ("jellyfin", "emby"):
            raise ValueError("flavor must be 'jellyfin' or 'emby'")
        self.flavor = flavor
        base = base_url.rstrip("/")
        if flavor == "emby" and not urlsplit(base).path.lower().endswith("/emby"):
            base += "/emby"
        if flavor == "jellyfin":
            headers = {"Authorization": f'MediaBrowser Client="Curatarr", Device="Curatarr", '
                                        f'DeviceId="{device_id}", Version="{__version__}", Token="{api_key}"'}
        else:
            headers = {"X-Emby-Token": api_key}
        headers["Accept"] = "application/json"
        kwargs: dict[str, Any] = {"service": flavor, "headers": headers, "client": client}
        if timeout is not None:
            kwargs["timeout"] = timeout
        if retry is not None:
            kwargs["retry"] = retry
        self.http = HttpService(base, **kwargs)
        self.page_size = max(1, page_size)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "MediaBrowserClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- the media-server interface (connectors.media_server.MediaServer) ----------------------
    @property
    def server_type(self) -> str:
        return self.flavor

    @property
    def capabilities(self) -> frozenset[Capability]:
        return _CAPABILITIES[self.flavor]

    def media_libraries(self) -> list[ServerLibrary]:
        return [ServerLibrary(id=lib.id, title=lib.name, kind=LIBRARY_KINDS.get(lib.collection_type.lower(), "other"),
                              language=lib.language, locations=lib.locations) for lib in self.libraries()]

    def iter_media(self, library: ServerLibrary, kind: str | None = None) -> Iterator[ServerItem]:
        """The library's movies/shows/artists, or every season/episode below a show library."""
        wanted = ITEM_TYPES.get(kind or library.kind)
        if wanted is None:
            return iter(())
        return (server_item(i) for i in self.iter_items(library.id, [wanted]))

    def count_media(self, library: ServerLibrary) -> int | None:
        wanted = ITEM_TYPES.get(library.kind) if library.kind in ("movie", "show", "artist") else None
        return sum(1 for _ in self.iter_items(library.id, [wanted], fields=())) if wanted else None

    def media_item(self, item_id: str) -> ServerItem:
        return server_item(self.item(item_id))

    def show_seasons(self, show_id: str) -> list[ServerItem]:
        return [server_item(s) for s in self.seasons(show_id)]

    def show_episodes(self, show_id: str) -> list[ServerItem]:
        return [server_item(e) for e in self.episodes(show_id)]

    def find_media(self, kind: str, *, title: str | None = None, provider_ids: dict[str, str] | None = None,
                   libraries: Iterable[ServerLibrary] = ()) -> list[ServerItem] | None:
        """One server-wide search (see :meth:`find_items`); hits carry ``parent_id`` and ``path`` to
        tell their library."""
        found = self.find_items([ITEM_TYPES["movie" if kind == "movie" else "show"]], title=title,
                                provider_ids=provider_ids)
        return None if found is None else [server_item(i) for i in found]

    def media_collections(self, library: ServerLibrary | None = None) -> list[ServerItem]:
        """Every BoxSet of the server (they belong to no library)."""
        return [server_item(b) for b in self.collections()]

    def collection_members(self, collection_id: str) -> list[ServerItem]:
        return [server_item(m) for m in self.collection_items(collection_id)]

    def artwork(self, item_id: str, slot: ArtworkSlot = "poster") -> bytes:
        if slot == "background":
            return self.image(item_id, "Backdrop", 0)
        return self.image(item_id, "Primary")

    def upload_artwork(self, item_id: str, slot: ArtworkSlot, data: bytes, *, content_type: str | None = None,
                       thumb_too: bool = False) -> None:
        """Primary, or the main Backdrop (replaced, not appended) and with ``thumb_too`` the Thumb."""
        if slot == "background":
            self.replace_backdrop(item_id, data, content_type)
            if thumb_too:
                self.upload_image(item_id, "Thumb", data, content_type)
        else:
            self.upload_image(item_id, "Primary", data, content_type)

    def poster_choices(self, item_id: str) -> list[Any]:
        raise Unsupported("Jellyfin/Emby keep no list of posters to select from", service=self.flavor)

    def select_poster(self, item_id: str, choice: Any) -> None:
        raise Unsupported("Jellyfin/Emby keep no list of posters to select from", service=self.flavor)

    def add_labels(self, item_id: str, labels: Iterable[str]) -> list[str]:
        """Labels are tags here."""
        return self.update_tags(item_id, add=labels)

    def remove_labels(self, item_id: str, labels: Iterable[str]) -> list[str]:
        return self.update_tags(item_id, remove=labels)

    def _get(self, path: str, params: dict[str, Any] | None = None, expect: type = dict) -> Any:
        data = self.http.get_json(path, params=params)
        if not isinstance(data, expect):
            raise BadResponse(f"expected a JSON {expect.__name__} from {path.split('?')[0]}", service=self.flavor)
        return data

    # ---- server -----------------------------------------------------------------------------
    def system_info(self) -> MBServerInfo:
        """``GET /System/Info`` (needs a valid key, so it doubles as the health probe)."""
        data = self._get("/System/Info")
        return MBServerInfo(id=str(data.get("Id") or ""), name=str(data.get("ServerName") or ""),
                            version=str(data.get("Version") or ""), product=str(data.get("ProductName") or ""))

    health = system_info

    def users(self) -> list[dict[str, Any]]:
        return self._get("/Users", expect=list)

    def libraries(self) -> list[MBLibrary]:
        folders = self._get("/Library/VirtualFolders", expect=list)
        return [MBLibrary(id=str(f.get("ItemId") or ""), name=str(f.get("Name") or ""),
                          collection_type=str(f.get("CollectionType") or "mixed"),
                          locations=tuple(p for p in f.get("Locations") or [] if isinstance(p, str)),
                          language=str((f.get("LibraryOptions") or {}).get("PreferredMetadataLanguage") or ""))
                for f in folders if isinstance(f, dict)]

    # ---- items ------------------------------------------------------------------------------
    def _paged(self, path: str, params: dict[str, Any]) -> Iterator[MBItem]:
        start = 0
        while True:
            page = self._get(path, params={**params, "StartIndex": start, "Limit": self.page_size})
            items = page.get("Items")
            if not isinstance(items, list):
                raise BadResponse("query result without Items", service=self.flavor)
            for raw in items:
                yield parse_item(raw)
            start += len(items)
            total = _int(page.get("TotalRecordCount"))
            if not items or total is None or start >= total:
                return

    def iter_items(self, parent_id: str | None = None, types: Iterable[str] = (), *, recursive: bool = True,
                   fields: Iterable[str] = DEFAULT_FIELDS, search: str | None = None,
                   any_provider_ids: str | None = None) -> Iterator[MBItem]:
        """Items below a library (or everywhere), with ProviderIds and Path, paged. ``any_provider_ids``
        is Emby's ``AnyProviderIdEquals`` filter (``tmdb.603,imdb.tt…``)."""
        params: dict[str, Any] = {"Recursive": "true" if recursive else "false", "Fields": ",".join(fields)}
        if parent_id:
            params["ParentId"] = parent_id
        if types:
            params["IncludeItemTypes"] = ",".join(types)
        if search:
            params["SearchTerm"] = search
        if any_provider_ids:
            params["AnyProviderIdEquals"] = any_provider_ids
        return self._paged("/Items", params)

    def items(self, parent_id: str | None = None, types: Iterable[str] = (), **kwargs: Any) -> list[MBItem]:
        return list(self.iter_items(parent_id, types, **kwargs))

    def collections(self) -> list[MBItem]:
        """Every collection (``BoxSet``); ``ids["tmdb"]`` is the TMDB collection id when known."""
        return self.items(None, ["BoxSet"])

    def collection_items(self, boxset_id: str) -> list[MBItem]:
        """The members of a collection."""
        return self.items(boxset_id, recursive=False)

    def item(self, item_id: str) -> MBItem:
        return parse_item(self._get(f"/Items/{item_id}"))

    def find_items(self, types: Iterable[str], *, title: str | None = None, provider_ids: dict[str, str] | None = None,
                   fields: Iterable[str] = DEFAULT_FIELDS) -> list[MBItem] | None:
        """A server-side lookup instead of a library walk: Emby filters by provider id
        (``AnyProviderIdEquals=tmdb.603,imdb.tt…``); both filter by ``SearchTerm``. Returns None when
        neither applies (Jellyfin 10.11 has no provider-id filter and no title was given)."""
        pairs = [f"{k}.{v}" for k, v in (provider_ids or {}).items() if v]
        if self.flavor == "emby" and pairs:
            return self.items(None, types, fields=fields, any_provider_ids=",".join(pairs))
        if title:
            return self.items(None, types, fields=fields, search=title)
        return None

    def update_tags(self, item_id: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
        """Add/remove tags (case-insensitive); returns the new set. ``POST /Items/{id}`` replaces the
        item's metadata with the body, so the full item is read first and sent back with the new
        ``Tags`` (a partial body fails on Jellyfin); Emby keeps tags in ``TagItems``, so both are set."""
        body = self._get(f"/Items/{item_id}")
        current = [t for t in body.get("Tags") or [] if isinstance(t, str)]
        if not current and isinstance(body.get("TagItems"), list):
            current = [str(t.get("Name")) for t in body["TagItems"] if isinstance(t, dict) and t.get("Name")]
        dropped = {t.lower() for t in remove if t}
        tags = [t for t in current if t.lower() not in dropped]
        for tag in add:
            if tag.strip() and tag.strip().lower() not in (t.lower() for t in tags):
                tags.append(tag.strip())
        if tags == current:
            return tags
        body["Tags"] = tags
        if self.flavor == "emby":
            body["TagItems"] = [{"Name": t} for t in tags]
        self.http.request("POST", f"/Items/{item_id}", json=body)
        return tags

    def seasons(self, series_id: str, fields: Iterable[str] = DEFAULT_FIELDS) -> list[MBItem]:
        return list(self._paged(f"/Shows/{series_id}/Seasons", {"Fields": ",".join(fields)}))

    def episodes(self, series_id: str, season_id: str | None = None,
                 fields: Iterable[str] = DEFAULT_FIELDS) -> list[MBItem]:
        params: dict[str, Any] = {"Fields": ",".join(fields)}
        if season_id:
            params["SeasonId"] = season_id
        return list(self._paged(f"/Shows/{series_id}/Episodes", params))

    # ---- images -----------------------------------------------------------------------------
    def images(self, item_id: str) -> list[MBImageInfo]:
        out = []
        for raw in self._get(f"/Items/{item_id}/Images", expect=list):
            if isinstance(raw, dict) and raw.get("ImageType"):
                out.append(MBImageInfo(type=str(raw["ImageType"]), index=_int(raw.get("ImageIndex")),
                                       tag=str(raw.get("ImageTag") or ""), width=_int(raw.get("Width")),
                                       height=_int(raw.get("Height")), size=_int(raw.get("Size")),
                                       path=_str(raw.get("Path"))))
        return out

    @staticmethod
    def _image_path(item_id: str, kind: str, index: int | None) -> str:
        path = f"/Items/{item_id}/Images/{image_type(kind)}"
        return f"{path}/{int(index)}" if index is not None else path

    def image(self, item_id: str, kind: str = "Primary", index: int | None = None) -> bytes:
        return self.http.request("GET", self._image_path(item_id, kind, index), headers={"Accept": "image/*"}).content

    def upload_image(self, item_id: str, kind: str, data: bytes, content_type: str | None = None) -> None:
        """Upload ``data`` as the item's ``kind`` image (base64 body, ``image/*`` content type)."""
        if not data:
            raise ValueError("image data is empty")
        mime = content_type or sniff_image_type(data)
        if not mime.startswith("image/"):
            raise ValueError("content type must be an image/* type")
        self.http.request("POST", self._image_path(item_id, kind, None), content=base64.b64encode(data),
                          headers={"Content-Type": mime})

    def delete_image(self, item_id: str, kind: str, index: int | None = None) -> None:
        self.http.request("DELETE", self._image_path(item_id, kind, index))

    def replace_backdrop(self, item_id: str, data: bytes, content_type: str | None = None) -> None:
        """Backdrop POSTs append, so replacing the main backdrop = delete index 0, then upload."""
        if any(i.type == "Backdrop" for i in self.images(item_id)):
            self.delete_image(item_id, "Backdrop", 0)
        self.upload_image(item_id, "Backdrop", data, content_type)

    # ---- built from an instance record, probed by ping() (the same for every connector) -------
    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> "MediaBrowserClient":
        """The instance's type is the flavor (``jellyfin`` | ``emby``)."""
        return cls(ref.url, ref.api, ref.type, **options)

    def ping(self) -> Pong:
        """The health probe: ``GET /System/Info`` (needs the key); server name and version."""
        resp = self.http.probe("GET", "/System/Info")
        info = json_fields(resp)
        return Pong(self.flavor, resp.status_code, name=str(info.get("ServerName") or ""),
                    version=str(info.get("Version") or ""))
