"""Plex Media Server simulator: the slice of the PMS HTTP API that plexapi, CHUB, Kometa and
Posterizarr use (reference/contracts.md §6).

* Auth: ``X-Plex-Token`` header or query parameter, else 401 with PMS's HTML page
  (``/identity`` is public).
* XML by default; ``Accept: application/json`` returns the same tree as JSON, library items under
  ``Metadata`` and sections under ``Directory`` (PMS's mapping rules).
* Paging: ``X-Plex-Container-Start`` / ``-Size`` as headers or query parameters; containers carry
  ``size`` / ``totalSize`` / ``offset``. ``includeGuids=1`` adds ``<Guid>`` children to listings.
* Stateful: label/genre/collection edits (plexapi's ``label[0].tag.tag`` / ``label[].tag.tag-``
  wire format), uploaded (bytes or ``?url=``), selected and deleted posters/arts, title edits and
  the maintenance calls show up in later responses and under ``recorded`` in ``/__sim__/state``
  (``uploads`` carry the sha256 of the bytes).
* About 1 in 20 movies and shows uses a legacy agent (``com.plexapp.agents.imdb://…`` guid and
  no ``<Guid>`` children), as old libraries still do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable
from urllib.parse import quote, unquote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from curatarr.sims.base import Simulator, install, json_bytes
from curatarr.sims.images import render_artwork
from curatarr.sims.library import (
    Album, Artist, Artwork, Episode, Movie, SampleLibrary, Season, Show, stable_hex, stable_int,
)

TYPE_IDS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "track": 10}
# Which listing types each section type can answer (PMS: type=4 in a show section = all episodes).
SECTION_LISTS = {"movie": {1: "movie"}, "show": {2: "show", 3: "season", 4: "episode"},
                 "artist": {8: "artist", 9: "album"}}
AGENTS = {"movie": ("tv.plex.agents.movie", "Plex Movie"),
          "show": ("tv.plex.agents.series", "Plex TV Series"),
          "artist": ("tv.plex.agents.music", "Plex Music")}
DEFAULT_SECTION_TITLES = {"movie": "Movies", "show": "TV Shows", "artist": "Music"}
BASE_TS = 1_717_300_000  # every timestamp derives from this: responses are deterministic
POSTER_KINDS = {"movie": ("poster",), "show": ("poster",), "artist": ("poster",), "album": ("poster",),
                "season": ("season", "poster"), "episode": ("still",)}
HAS_ART = {"movie", "show", "artist"}  # sample artwork always includes a background for these
TAG_PARAM = re.compile(r"^(?P<tag>[a-zA-Z]+)\[(?P<index>\d*)\]\.tag\.tag(?P<remove>-?)$")
TAG_ELEMENTS = {"label": "Label", "genre": "Genre", "collection": "Collection"}
ITEM_TAGS = {"Video", "Directory", "Photo", "Track"}
VERSION = "1.41.3.9314-a0bfb8370"
PlexItem = Movie | Show | Season | Episode | Artist | Album


def _page(status: int, title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{status} {title}</h1></body></html>".encode()


class PlexError(Exception):
    def __init__(self, status: int, title: str):
        self.status, self.title = status, title


# ---- the tree every response is built from ----------------------------------------------------
@dataclass(slots=True)
class Node:
    tag: str
    attrs: dict[str, Any]
    children: list["Node"] = field(default_factory=list)


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                         "\t": "&#9;"})


def _xml_value(value: Any) -> str:
    return ("1" if value else "0") if isinstance(value, bool) else str(value).translate(_ESCAPE)


def to_xml(node: Node) -> bytes:
    # Plain string building (no element tree): pages of 1000+ items are the common case.
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']

    def emit(n: Node) -> None:
        attrs = "".join(f' {k}="{_xml_value(v)}"' for k, v in n.attrs.items() if v is not None)
        if not n.children:
            out.append(f"<{n.tag}{attrs}/>")
            return
        out.append(f"<{n.tag}{attrs}>")
        for child in n.children:
            emit(child)
        out.append(f"</{n.tag}>")
    emit(node)
    return "".join(out).encode("utf-8")


def to_json(node: Node, *, keep_directory: bool = False) -> dict[str, Any]:
    def obj(n: Node) -> dict[str, Any]:
        out = {k: v for k, v in n.attrs.items() if v is not None}
        for child in n.children:
            key = "Metadata" if child.tag in ITEM_TAGS and not keep_directory else child.tag
            out.setdefault(key, []).append(obj(child))
        return out
    return {"MediaContainer": obj(node)}


# ---- server state -----------------------------------------------------------------------------
@dataclass
class PlexImage:
    """One entry of ``/posters`` or ``/arts``: an agent image (rendered from sample artwork) or an
    upload (bytes kept in memory)."""

    rating_key: str
    provider: str
    artwork: Artwork | None = None
    data: bytes | None = None


@dataclass
class ImageSet:
    images: list[PlexImage] = field(default_factory=list)
    selected: int | None = None
    version: int = BASE_TS

    def current(self) -> PlexImage | None:
        return self.images[self.selected] if self.selected is not None else None


@dataclass
class ItemState:
    """What a user can change about an item through the API."""

    tags: dict[str, list[str]]
    title: str
    images: dict[str, ImageSet] = field(default_factory=dict)  # "posters" | "arts"


@dataclass
class Section:
    key: int
    type: str
    title: str
    locations: list[str]
    items: list[PlexItem]

    @property
    def uuid(self) -> str:
        h = stable_hex("section", self.key, self.title)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def instance_view(library: SampleLibrary, instance: str) -> SampleLibrary:
    """This instance's items. Item objects are never mutated here (changes live in
    :class:`ItemState`), so the library is shared rather than copied — copying 100k items costs
    seconds — except for 4K instances, whose ``for_instance`` view is a different subset."""
    name = instance.lower()
    return library.for_instance(instance) if "4k" in name or "uhd" in name else library


def plex_type(item: PlexItem) -> str:
    return {Movie: "movie", Show: "show", Season: "season", Episode: "episode",
            Artist: "artist", Album: "album"}[type(item)]


def children_of(item: PlexItem) -> list[PlexItem]:
    """Children that exist on disk: a media server only knows files (no missing episodes, and no
    season or show without a single file)."""
    if isinstance(item, Show):
        return [s for s in sorted(item.seasons, key=lambda s: s.number) if children_of(s)]
    if isinstance(item, Season):
        return [e for e in sorted(item.episodes, key=lambda e: e.episode_number) if e.has_file]
    return list(item.albums) if isinstance(item, Artist) else []


def on_disk(item: PlexItem) -> bool:
    return item.has_file if isinstance(item, (Movie, Episode)) else bool(children_of(item)) if isinstance(
        item, (Show, Season)) else True


def base_title(item: PlexItem) -> str:
    if isinstance(item, Season):
        return "Specials" if item.number == 0 else f"Season {item.number}"
    return item.name if isinstance(item, Artist) else item.title


def sniff_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "image/webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "image/jpeg"


class PlexServerState:
    """The server's view of the sample library: sections, rating-key index and item state."""

    def __init__(self, library: SampleLibrary, *, instance: str, section_titles: dict[str, str],
                 small_images: bool):
        self.library = library
        self.small_images = small_images
        self.machine_id = stable_hex("plex", instance)
        self.friendly_name = instance
        titles = {**DEFAULT_SECTION_TITLES, **section_titles}
        roots: dict[str, list[str]] = {}
        for root in library.root_folders:
            roots.setdefault(root.media, []).append(root.path)
        self.sections: list[Section] = []
        for media, items in (("movie", library.movies), ("show", library.shows), ("artist", library.artists)):
            items = [i for i in items if on_disk(i)]
            if items:
                ordered = sorted(items, key=lambda i: (getattr(i, "sort_title", None) or getattr(i, "sort_name", "")).lower())
                self.sections.append(Section(len(self.sections) + 1, media, titles[media],
                                             roots.get(media) or sorted({i.root_folder for i in items}), ordered))
        self.index: dict[int, PlexItem] = {}
        self.parents: dict[int, tuple[Section, PlexItem | None, PlexItem | None]] = {}
        self.kids: dict[int, list[PlexItem]] = {}
        self.listings: dict[tuple[int, str], list[PlexItem]] = {}
        for section in self.sections:
            for item in section.items:
                self._add(item, section, None, None)
        self.state: dict[int, ItemState] = {}

    def _add(self, item: PlexItem, section: Section, parent: PlexItem | None, grand: PlexItem | None) -> None:
        self.index[item.plex_rating_key] = item
        self.parents[item.plex_rating_key] = (section, parent, grand)
        kids = self.kids[item.plex_rating_key] = children_of(item)
        for child in kids:
            self._add(child, section, item, parent)

    def section(self, key: str) -> Section:
        found = next((s for s in self.sections if str(s.key) == key), None)
        if found is None:
            raise PlexError(404, "Not Found")
        return found

    def item(self, key: str | int) -> PlexItem:
        try:
            return self.index[int(key)]
        except (KeyError, ValueError):
            raise PlexError(404, "Not Found") from None

    @staticmethod
    def default_tags(item: PlexItem) -> dict[str, list[str]]:
        roll = stable_int("label", item.plex_rating_key) % 10  # a few items arrive labelled (Kometa does that)
        collection = getattr(item, "collection", None)
        return {"label": ["Overlay"] if roll == 0 else (["Favorite"] if roll == 1 else []),
                "genre": list(getattr(item, "genres", []) or []),
                "collection": [collection.name] if collection else []}

    def item_state(self, rk: int) -> ItemState:
        """The mutable state of an item, created on first write (untouched items cost nothing)."""
        state = self.state.get(rk)
        if state is None:
            item = self.index[rk]
            state = self.state[rk] = ItemState(tags=self.default_tags(item), title=base_title(item))
        return state

    def title(self, item: PlexItem) -> str:
        state = self.state.get(item.plex_rating_key)
        return state.title if state else base_title(item)

    def tags(self, item: PlexItem, tag: str) -> list[str]:
        state = self.state.get(item.plex_rating_key)
        return (state.tags if state else self.default_tags(item)).get(tag, [])

    def images(self, rk: int, kind: str) -> ImageSet:
        """Posters (``kind="posters"``) or arts of an item, built from its sample artwork on first use."""
        state = self.item_state(rk)
        if kind in state.images:
            return state.images[kind]
        item = self.index[rk]
        wanted = POSTER_KINDS[plex_type(item)] if kind == "posters" else ("background",)
        agent = AGENTS[self.parents[rk][0].type][0]
        image_set = ImageSet(version=self.default_version(rk, kind))
        candidates = [a for a in getattr(item, "artworks", []) if a.kind in wanted]
        for art in candidates:
            image_set.images.append(PlexImage(f"metadata://{kind}/{agent}_{art.provider_id}", agent, artwork=art))
        if candidates:
            image_set.selected = next((i for i, a in enumerate(candidates) if a.language == "en"), 0)
        state.images[kind] = image_set
        return image_set

    @staticmethod
    def default_version(rk: int, kind: str) -> int:
        return BASE_TS + stable_int(rk, kind) % 1_000_000

    def image_url(self, item: PlexItem, kind: str) -> str | None:
        """``thumb`` / ``art`` attribute; avoids materialising artwork lists for untouched items."""
        rk, type_ = item.plex_rating_key, plex_type(item)
        if kind == "arts" and type_ not in HAS_ART:
            _, parent, grand = self.parents[rk]
            owner = grand if isinstance(item, Episode) else parent
            return self.image_url(owner, "arts") if owner is not None else None
        state = self.state.get(rk)
        image_set = state.images.get(kind) if state else None
        if image_set is None:
            version = self.default_version(rk, kind)
        elif image_set.selected is None:
            return None
        else:
            version = image_set.version
        return f"/library/metadata/{rk}/{'thumb' if kind == 'posters' else 'art'}/{version}"

    def image_bytes(self, rk: int, image: PlexImage) -> tuple[bytes, str]:
        if image.data is not None:
            return image.data, sniff_mime(image.data)
        assert image.artwork is not None
        title = base_title(self.index[rk])
        return render_artwork(image.artwork, title, small=self.small_images), image.artwork.mime_type


# ---- item elements ----------------------------------------------------------------------------
def _guids(item: PlexItem) -> tuple[str, list[str]]:
    """(item guid, child Guid ids). Legacy-agent items get no children."""
    if isinstance(item, Movie):
        if stable_int("legacy", item.plex_rating_key) % 20 == 7:
            ident = f"imdb://{item.imdb_id}" if item.imdb_id else f"themoviedb://{item.tmdb_id}"
            return f"com.plexapp.agents.{ident}?lang=en", []
        kids = ([f"imdb://{item.imdb_id}"] if item.imdb_id else []) + [f"tmdb://{item.tmdb_id}"]
        return f"plex://movie/{stable_hex('guid', item.tmdb_id)[:24]}", kids
    if isinstance(item, Show):
        if stable_int("legacy", item.plex_rating_key) % 20 == 7:
            return f"com.plexapp.agents.thetvdb://{item.tvdb_id}?lang=en", []
        kids = ([f"imdb://{item.imdb_id}"] if item.imdb_id else []) + [f"tmdb://{item.tmdb_id}", f"tvdb://{item.tvdb_id}"]
        return f"plex://show/{stable_hex('guid', item.tvdb_id)[:24]}", kids
    if isinstance(item, Episode):
        return f"plex://episode/{stable_hex('guid', item.tvdb_id)[:24]}", [f"tvdb://{item.tvdb_id}"]
    if isinstance(item, Artist):
        return f"plex://artist/{stable_hex('guid', item.musicbrainz_id)[:24]}", [f"mbid://{item.musicbrainz_id}"]
    if isinstance(item, Album):
        return f"plex://album/{stable_hex('guid', item.musicbrainz_id)[:24]}", [f"mbid://{item.musicbrainz_id}"]
    return f"plex://season/{stable_hex('guid', item.jellyfin_id)[:24]}", []


def _resolution(quality: str | None) -> str:
    q = (quality or "").lower()
    return "4k" if "2160" in q else "1080" if "1080" in q else "720" if "720" in q else "sd"


def _media(media_id: int, path: str, size: int, quality: str | None) -> Node:
    container = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "mkv"
    part = Node("Part", {"id": media_id, "key": f"/library/parts/{media_id}/{BASE_TS}/file.{container}",
                         "file": path, "size": size, "container": container})
    return Node("Media", {"id": media_id, "videoResolution": _resolution(quality), "container": container}, [part])


def item_node(srv: PlexServerState, item: PlexItem, *, guids: bool = True, detail: bool = False) -> Node:
    rk = item.plex_rating_key
    type_ = plex_type(item)
    section, parent, grand = srv.parents[rk]
    guid, guid_ids = _guids(item)
    attrs: dict[str, Any] = {"ratingKey": str(rk), "key": f"/library/metadata/{rk}", "guid": guid,
                             "type": type_, "title": srv.title(item)}
    kids: list[Node] = []
    if isinstance(item, (Movie, Show)):
        attrs.update(titleSort=item.sort_title, originalTitle=item.original_title, year=item.year,
                     contentRating=item.certification, summary=item.overview,
                     addedAt=BASE_TS - stable_int("added", rk) % 100_000_000)
    if isinstance(item, Movie):
        attrs["studio"] = item.studio
        attrs["duration"] = item.runtime * 60_000
        if "2160" in item.quality and stable_int("edition", rk) % 3 == 0:
            attrs["editionTitle"] = "4K Remaster"
        if item.has_file and item.file_name:
            kids.append(_media(rk * 10, f"{item.path}/{item.file_name}", item.size_on_disk, item.quality))
    elif isinstance(item, Show):
        attrs.update(key=f"/library/metadata/{rk}/children", studio=item.network,
                     childCount=len(srv.kids[rk]), leafCount=sum(len(srv.kids[s.plex_rating_key]) for s in srv.kids[rk]))
        kids.append(Node("Location", {"path": item.path}))
    elif isinstance(item, Season):
        attrs.update(key=f"/library/metadata/{rk}/children", parentRatingKey=str(parent.plex_rating_key),
                     parentKey=f"/library/metadata/{parent.plex_rating_key}", parentTitle=srv.title(parent),
                     parentGuid=_guids(parent)[0], index=item.number, leafCount=len(srv.kids[rk]),
                     parentThumb=srv.image_url(parent, "posters"))
    elif isinstance(item, Episode):
        attrs.update(parentRatingKey=str(parent.plex_rating_key), parentKey=f"/library/metadata/{parent.plex_rating_key}",
                     parentTitle=srv.title(parent), parentIndex=item.season_number, index=item.episode_number,
                     grandparentRatingKey=str(grand.plex_rating_key), grandparentTitle=srv.title(grand),
                     grandparentKey=f"/library/metadata/{grand.plex_rating_key}",
                     grandparentThumb=srv.image_url(grand, "posters"),
                     originallyAvailableAt=item.air_date, duration=item.runtime * 60_000)
        if item.has_file and item.path:
            kids.append(_media(rk * 10, item.path, item.size, item.quality))
    elif isinstance(item, Artist):
        attrs.update(key=f"/library/metadata/{rk}/children", titleSort=item.sort_name, summary=item.overview,
                     childCount=len(item.albums))
        kids.append(Node("Location", {"path": item.path}))
    elif isinstance(item, Album):
        attrs.update(key=f"/library/metadata/{rk}/children", parentRatingKey=str(parent.plex_rating_key),
                     parentTitle=srv.title(parent), year=item.year, leafCount=item.track_count,
                     originallyAvailableAt=item.release_date[:10])
    attrs["thumb"] = srv.image_url(item, "posters")
    attrs["art"] = srv.image_url(item, "arts")
    state = srv.state.get(rk)
    attrs["updatedAt"] = max([BASE_TS, *(s.version for s in state.images.values())]) if state else BASE_TS
    if detail:
        attrs.update(librarySectionID=section.key, librarySectionKey=f"/library/sections/{section.key}",
                     librarySectionTitle=section.title)
    tags = state.tags if state else srv.default_tags(item)
    for tag, element in TAG_ELEMENTS.items():
        kids.extend(Node(element, {"tag": value}) for value in tags.get(tag, []))
    if guids or detail:
        kids.extend(Node("Guid", {"id": g}) for g in guid_ids)
    return Node("Directory" if type_ in ("show", "season", "artist", "album") else "Video", attrs, kids)


def section_node(section: Section) -> Node:
    agent, scanner = AGENTS[section.type]
    return Node("Directory", {
        "allowSync": True, "art": f"/:/resources/{section.type}-fanart.jpg",
        "composite": f"/library/sections/{section.key}/composite/{BASE_TS}", "filters": True,
        "refreshing": False, "thumb": f"/:/resources/{section.type}.png", "key": str(section.key),
        "type": section.type, "title": section.title, "agent": agent, "scanner": scanner,
        "language": "en-US", "uuid": section.uuid, "updatedAt": BASE_TS, "createdAt": BASE_TS - 37_000_000,
        "scannedAt": BASE_TS, "content": True, "directory": True, "contentChangedAt": 123456, "hidden": 0,
    }, [Node("Location", {"id": section.key * 10 + i, "path": p}) for i, p in enumerate(section.locations)])


# ---- HTTP layer --------------------------------------------------------------------------------
def create_app(library: SampleLibrary, *, token: str = "plex-token", instance: str = "plex",
               section_titles: dict[str, str] | None = None, small_images: bool = False) -> Starlette:
    """A Plex Media Server simulator for ``library`` (see module docstring).

    ``section_titles`` renames sections per type (``{"movie": "Cinema"}``), as users do;
    ``small_images`` renders artwork at 1/10 size (fast tests).
    """
    sim = Simulator("plex", instance=instance, library=library, api_key=token,
                    unauthorized=lambda: (401, {"Content-Type": "text/html"}, _page(401, "Unauthorized")))
    holder: dict[str, PlexServerState] = {}

    def rebuild() -> None:
        holder["srv"] = PlexServerState(instance_view(library, instance), instance=instance,
                                        section_titles=section_titles or {}, small_images=small_images)

    rebuild()
    sim.reset_hooks.append(rebuild)
    sim.state_hooks.append(lambda: {"labels": {str(rk): s.tags["label"] for rk, s in holder["srv"].state.items()
                                               if s.tags["label"]}})

    def respond(request: Request, node: Node, *, keep_directory: bool = False) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return Response(json_bytes(to_json(node, keep_directory=keep_directory)), media_type="application/json")
        return Response(to_xml(node), media_type="text/xml;charset=utf-8")

    def endpoint(handler: Callable[..., Any], *, public: bool = False) -> Callable[[Request], Any]:
        async def wrapped(request: Request) -> Response:
            supplied = request.headers.get("x-plex-token") or request.query_params.get("X-Plex-Token")
            if not public and supplied != token:
                return Response(_page(401, "Unauthorized"), 401, media_type="text/html")
            try:
                return await handler(request, holder["srv"], **request.path_params)
            except PlexError as exc:
                return Response(_page(exc.status, exc.title), exc.status, media_type="text/html")
        return wrapped

    def paging(request: Request) -> tuple[int, int | None]:
        def read(name: str) -> int | None:
            raw = request.query_params.get(name) or request.headers.get(name)
            if raw in (None, ""):
                return None
            if not raw.isdigit():
                raise PlexError(400, "Bad Request")
            return int(raw)
        return read("X-Plex-Container-Start") or 0, read("X-Plex-Container-Size")

    def container(request: Request, items: list[PlexItem], srv: PlexServerState, attrs: dict[str, Any],
                  *, guids: bool, detail: bool = False, extra: list[Node] | None = None) -> Response:
        start, size = paging(request)
        page = items[start:] if size is None else items[start:start + size]
        kids = (extra or []) + [item_node(srv, i, guids=guids, detail=detail) for i in page]
        node = Node("MediaContainer", {"size": len(kids), "totalSize": len(items) + len(extra or []),
                                       "offset": start, "allowSync": True,
                                       "identifier": "com.plexapp.plugins.library",
                                       "mediaTagPrefix": "/system/bundle/media/flags/",
                                       "mediaTagVersion": BASE_TS, **attrs}, kids)
        return respond(request, node)

    def section_attrs(section: Section) -> dict[str, Any]:
        return {"librarySectionID": section.key, "librarySectionTitle": section.title,
                "librarySectionUUID": section.uuid, "title1": section.title}

    # -- server and sections --
    async def root(request: Request, srv: PlexServerState) -> Response:
        dirs = [Node("Directory", {"count": 1, "key": k, "title": k}) for k in ("library", "search", "identity")]
        return respond(request, Node("MediaContainer", {
            "size": len(dirs), "allowCameraUpload": False, "allowMediaDeletion": True, "allowSharing": True,
            "allowSync": True, "backgroundProcessing": True, "certificate": True, "friendlyName": srv.friendly_name,
            "machineIdentifier": srv.machine_id, "multiuser": True, "myPlex": True, "myPlexSigninState": "ok",
            "myPlexSubscription": True, "myPlexUsername": "curatarr@example.invalid", "platform": "Linux",
            "platformVersion": "6.8.0", "transcoderActiveVideoSessions": 0, "updatedAt": BASE_TS,
            "version": VERSION}, dirs), keep_directory=True)

    async def identity(request: Request, srv: PlexServerState) -> Response:
        return respond(request, Node("MediaContainer", {"size": 0, "apiVersion": "1.1.1", "claimed": True,
                                                        "machineIdentifier": srv.machine_id, "version": VERSION}))

    async def library_root(request: Request, srv: PlexServerState) -> Response:
        dirs = [Node("Directory", {"key": k, "title": t}) for k, t in
                (("sections", "Library Sections"), ("recentlyAdded", "Recently Added Content"), ("onDeck", "On Deck"))]
        return respond(request, Node("MediaContainer", {"size": len(dirs), "allowSync": False,
                                                        "identifier": "com.plexapp.plugins.library",
                                                        "title1": "Plex Library"}, dirs), keep_directory=True)

    async def sections(request: Request, srv: PlexServerState) -> Response:
        dirs = [section_node(s) for s in srv.sections]
        return respond(request, Node("MediaContainer", {"size": len(dirs), "allowSync": False,
                                                        "title1": "Plex Library"}, dirs), keep_directory=True)

    def listing_for(srv: PlexServerState, section: Section, request: Request) -> list[PlexItem]:
        raw_type = request.query_params.get("type")
        try:
            type_id = int(raw_type) if raw_type else next(iter(SECTION_LISTS[section.type]))
        except ValueError:
            raise PlexError(400, "Bad Request") from None
        wanted = SECTION_LISTS[section.type].get(type_id)
        if wanted is None:
            return []
        items = srv.listings.get((section.key, wanted))
        if items is None:  # the tree never changes: expand once, then page from the cached list
            items = list(section.items)
            while items and plex_type(items[0]) != wanted:
                items = [c for i in items for c in srv.kids[i.plex_rating_key]]
            srv.listings[(section.key, wanted)] = items
        title = request.query_params.get("title")
        if title:
            items = [i for i in items if title.lower() in srv.title(i).lower()]
        label = request.query_params.get("label")
        if label:
            items = [i for i in items if label.lower() in (t.lower() for t in srv.tags(i, "label"))]
        return items

    async def section_all(request: Request, srv: PlexServerState, key: str) -> Response:
        section = srv.section(key)
        if request.method == "PUT":
            return edit(request, srv, section)
        items = listing_for(srv, section, request)
        attrs = {**section_attrs(section), "title2": "All", "viewGroup": plex_type(items[0]) if items else section.type}
        return container(request, items, srv, attrs, guids=request.query_params.get("includeGuids") == "1")

    def edit(request: Request, srv: PlexServerState, section: Section) -> Response:
        params = request.query_params
        try:
            ids = [int(v) for v in params.get("id", "").split(",") if v.strip()]
            type_id = int(params["type"]) if params.get("type") else None
        except ValueError:
            raise PlexError(400, "Bad Request") from None
        if not ids:
            raise PlexError(400, "Bad Request")
        items = [srv.item(i) for i in ids]
        for item in items:
            if srv.parents[item.plex_rating_key][0] is not section or (
                    type_id is not None and TYPE_IDS[plex_type(item)] != type_id):
                raise PlexError(400, "Bad Request")
        replace: dict[str, list[tuple[int, str]]] = {}
        remove: dict[str, list[str]] = {}
        for name, value in params.multi_items():
            match = TAG_PARAM.match(name)
            if not match:
                continue
            if match["remove"]:
                remove.setdefault(match["tag"], []).extend(unquote(v) for v in value.split(",") if v)
            else:
                replace.setdefault(match["tag"], []).append((int(match["index"] or 0), value))
        for item in items:
            state = srv.item_state(item.plex_rating_key)
            if "title.value" in params and params["title.value"]:
                state.title = params["title.value"]
                sim.record("edits", rating_key=item.plex_rating_key, field="title", value=state.title)
            for tag in sorted(set(replace) | set(remove)):
                before = list(state.tags.get(tag, []))
                after = [v for _, v in sorted(replace[tag])] if tag in replace else list(before)
                dropped = {v.lower() for v in remove.get(tag, [])}
                after = [v for i, v in enumerate(after) if v.lower() not in dropped
                         and v.lower() not in (x.lower() for x in after[:i])]
                state.tags[tag] = after
                sim.record("tag_changes", rating_key=item.plex_rating_key, section=section.key, tag=tag,
                           before=before, after=after,
                           added=[v for v in after if v not in before], removed=[v for v in before if v not in after])
        return Response(b"", 200)

    async def maintenance(request: Request, srv: PlexServerState, key: str | None = None, *, action: str) -> Response:
        section = None if key in (None, "all") else srv.section(key)
        sim.record("maintenance", action=action, section=section.key if section else key,
                   query=dict(request.query_params))
        return Response(b"", 200)

    async def search(request: Request, srv: PlexServerState) -> Response:
        query = (request.query_params.get("query") or "").lower()
        found = [i for s in srv.sections for i in s.items if query and query in srv.title(i).lower()]
        return container(request, found, srv, {"title1": "Search"}, guids=True, detail=True)

    async def hub_search(request: Request, srv: PlexServerState) -> Response:
        query = (request.query_params.get("query") or "").lower()
        hubs = []
        for section in srv.sections:
            found = [i for i in section.items if query and query in srv.title(i).lower()]
            if found:
                hubs.append(Node("Hub", {"type": section.type, "hubIdentifier": section.type, "size": len(found),
                                         "title": section.title, "more": False},
                                 [item_node(srv, i, detail=True) for i in found]))
        return respond(request, Node("MediaContainer", {"size": len(hubs)}, hubs))

    # -- items --
    async def metadata(request: Request, srv: PlexServerState, keys: str) -> Response:
        items = [srv.item(k) for k in keys.split(",")]
        section = srv.parents[items[0].plex_rating_key][0]
        return container(request, items, srv, section_attrs(section), guids=True, detail=True)

    async def children(request: Request, srv: PlexServerState, rk: str) -> Response:
        item = srv.item(rk)
        section = srv.parents[item.plex_rating_key][0]
        kids = srv.kids[item.plex_rating_key]
        extra = []
        if isinstance(item, Show) and request.query_params.get("excludeAllLeaves") != "1":
            # PMS lists an "All episodes" pseudo-season first (no ratingKey); clients must skip it.
            extra.append(Node("Directory", {"leafCount": sum(len(srv.kids[s.plex_rating_key]) for s in kids),
                                            "thumb": srv.image_url(item, "posters"),
                                            "key": f"/library/metadata/{rk}/allLeaves", "title": "All episodes"}))
        attrs = {**section_attrs(section), "key": rk, "parentTitle": srv.title(item), "title2": srv.title(item),
                 "viewGroup": plex_type(kids[0]) if kids else ""}
        return container(request, kids, srv, attrs, guids=True, extra=extra)

    async def all_leaves(request: Request, srv: PlexServerState, rk: str) -> Response:
        item = srv.item(rk)
        kids = srv.kids[item.plex_rating_key]
        leaves = [e for s in kids for e in srv.kids[s.plex_rating_key]] if isinstance(item, Show) else kids
        section = srv.parents[item.plex_rating_key][0]
        return container(request, leaves, srv, {**section_attrs(section), "key": rk}, guids=True)

    async def image_list(request: Request, srv: PlexServerState, rk: str, kind: str) -> Response:
        item = srv.item(rk)
        image_set = srv.images(item.plex_rating_key, kind)
        photos = []
        for i, image in enumerate(image_set.images):
            url = f"/library/metadata/{rk}/file?url={quote(image.rating_key, safe='')}"
            photos.append(Node("Photo", {"key": url, "ratingKey": image.rating_key, "selected": i == image_set.selected,
                                         "thumb": url, "provider": image.provider}))
        return respond(request, Node("MediaContainer", {"size": len(photos), "identifier": "com.plexapp.plugins.library",
                                                        "mediaTagPrefix": "/system/bundle/media/flags/"}, photos))

    async def fetch(url: str) -> bytes:
        try:
            async with httpx.AsyncClient(timeout=10, follow_redirects=True) as client:
                resp = await client.get(url)
        except (httpx.HTTPError, ValueError):
            raise PlexError(400, "Bad Request") from None
        if resp.status_code != 200 or not resp.content:
            raise PlexError(400, "Bad Request")
        return resp.content

    async def upload(request: Request, srv: PlexServerState, rk: str, kind: str) -> Response:
        item = srv.item(rk)
        url = request.query_params.get("url")
        data = await fetch(url) if url else await request.body()
        if not data:
            raise PlexError(400, "Bad Request")
        image_set = srv.images(item.plex_rating_key, kind)
        key = f"upload://{kind}/{hashlib.sha1(data).hexdigest()}"
        existing = next((i for i, img in enumerate(image_set.images) if img.rating_key == key), None)
        if existing is None:
            image_set.images.append(PlexImage(key, "local", data=data))
            existing = len(image_set.images) - 1
        image_set.selected = existing
        image_set.version += 1
        sim.record("uploads", rating_key=item.plex_rating_key, image=kind[:-1], source="url" if url else "body",
                   url=url, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                   content_type=request.headers.get("content-type"))
        return Response(b"", 200)

    async def select(request: Request, srv: PlexServerState, rk: str, kind: str) -> Response:
        item = srv.item(rk)
        wanted = request.query_params.get("url") or ""
        image_set = srv.images(item.plex_rating_key, kind)
        index = next((i for i, img in enumerate(image_set.images) if img.rating_key == wanted), None)
        if index is None:
            if wanted.startswith(("http://", "https://")):
                return await upload(request, srv, rk, kind)
            raise PlexError(404, "Not Found")
        image_set.selected = index
        image_set.version += 1
        sim.record("selections", rating_key=item.plex_rating_key, image=kind[:-1], selected=wanted)
        return Response(b"", 200)

    async def delete_image(request: Request, srv: PlexServerState, rk: str, kind: str) -> Response:
        item = srv.item(rk)
        image_set = srv.images(item.plex_rating_key, kind)
        image_set.selected = None
        sim.record("image_deletes", rating_key=item.plex_rating_key, image=kind[:-1])
        return Response(b"", 200)

    async def serve_image(request: Request, srv: PlexServerState, rk: str, kind: str, ts: str = "") -> Response:
        item = srv.item(rk)
        image_set = srv.images(item.plex_rating_key, kind)
        wanted = request.query_params.get("url")
        if wanted:
            image = next((img for img in image_set.images if img.rating_key == wanted), None)
            if image is None:
                other = srv.images(item.plex_rating_key, "arts" if kind == "posters" else "posters")
                image = next((img for img in other.images if img.rating_key == wanted), None)
        else:
            image = image_set.current()
        if image is None:
            raise PlexError(404, "Not Found")
        data, mime = srv.image_bytes(item.plex_rating_key, image)
        return Response(data, media_type=mime)

    routes = [
        Route("/", endpoint(root)),
        Route("/identity", endpoint(identity, public=True)),
        Route("/library", endpoint(library_root)),
        Route("/library/sections", endpoint(sections)),
        Route("/library/sections/", endpoint(sections)),
        Route("/library/sections/{key}/all", endpoint(section_all), methods=["GET", "PUT"]),
        Route("/library/sections/{key}/emptyTrash", endpoint(partial(maintenance, action="emptyTrash")), methods=["PUT"]),
        Route("/library/sections/{key}/refresh", endpoint(partial(maintenance, action="refresh")), methods=["GET", "PUT"]),
        Route("/library/clean/bundles", endpoint(partial(maintenance, action="cleanBundles")), methods=["PUT"]),
        Route("/library/optimize", endpoint(partial(maintenance, action="optimize")), methods=["PUT"]),
        Route("/search", endpoint(search)),
        Route("/hubs/search", endpoint(hub_search)),
        Route("/library/metadata/{keys}", endpoint(metadata)),
        Route("/library/metadata/{rk}/children", endpoint(children)),
        Route("/library/metadata/{rk}/allLeaves", endpoint(all_leaves)),
        Route("/library/metadata/{rk}/file", endpoint(partial(serve_image, kind="posters"))),
    ]
    for kind, single in (("posters", "thumb"), ("arts", "art")):
        routes += [
            Route(f"/library/metadata/{{rk}}/{kind}", endpoint(partial(image_list, kind=kind))),
            Route(f"/library/metadata/{{rk}}/{kind}", endpoint(partial(upload, kind=kind)), methods=["POST"]),
            Route(f"/library/metadata/{{rk}}/{kind[:-1]}", endpoint(partial(select, kind=kind)), methods=["PUT"]),
            Route(f"/library/metadata/{{rk}}/{single}", endpoint(partial(delete_image, kind=kind)), methods=["DELETE"]),
            Route(f"/library/metadata/{{rk}}/{single}", endpoint(partial(serve_image, kind=kind))),
            Route(f"/library/metadata/{{rk}}/{single}/{{ts}}", endpoint(partial(serve_image, kind=kind))),
        ]
    app = Starlette(routes=routes)
    return install(app, sim)
