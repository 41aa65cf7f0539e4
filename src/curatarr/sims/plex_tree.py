"""The Plex simulator's library model and element rendering (the HTTP layer is
:mod:`curatarr.sims.plex`).

* :class:`Node` trees and their XML / JSON renderings (PMS's mapping rules: library items under
  ``Metadata``, sections under ``Directory``).
* :class:`PlexServerState`: sections, the rating-key index and what users changed (tags, titles,
  posters/arts); items themselves are never mutated.
* :func:`item_node` / :func:`section_node`: the ``Video``/``Directory`` elements, guids (1 in 20
  movies/shows uses a legacy agent) and ``Media``/``Part`` children.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curatarr.sims.images import render_artwork
from curatarr.sims.library import (
    Album, Artist, Artwork, Episode, Movie, SampleLibrary, Season, Show, stable_hex, stable_int,
)
from curatarr.sims.library_gen import collection_artworks

AGENTS = {"movie": ("tv.plex.agents.movie", "Plex Movie"),
          "show": ("tv.plex.agents.series", "Plex TV Series"),
          "artist": ("tv.plex.agents.music", "Plex Music")}
DEFAULT_SECTION_TITLES = {"movie": "Movies", "show": "TV Shows", "artist": "Music"}
BASE_TS = 1_717_300_000  # every timestamp derives from this: responses are deterministic
POSTER_KINDS = {"movie": ("poster",), "show": ("poster",), "artist": ("poster",), "album": ("poster",),
                "season": ("season", "poster"), "episode": ("still",), "collection": ("poster",)}
HAS_ART = {"movie", "show", "artist"}  # sample artwork always includes a background for these
TAG_ELEMENTS = {"label": "Label", "genre": "Genre", "collection": "Collection"}
ITEM_TAGS = {"Video", "Directory", "Photo", "Track"}


@dataclass(slots=True)
class PlexCollection:
    """A collection of a section (PMS metadata type 18). PMS makes one per distinct collection tag of
    the section's items; members are the items carrying the tag. Its poster comes from the TMDB
    collection's artwork, as PMS's agent fetches it (none for a collection made by a tag edit)."""

    plex_rating_key: int
    title: str
    section_key: int
    artworks: list = field(default_factory=list)


PlexItem = Movie | Show | Season | Episode | Artist | Album | PlexCollection

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
            Artist: "artist", Album: "album", PlexCollection: "collection"}[type(item)]


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
        self.collections: dict[int, PlexCollection] = {}
        self._collection_by_name: dict[tuple[int, str], PlexCollection] = {}  # (section key, lower-case title)
        # section key -> lower-case collection tag -> items carrying it, in section order; built on
        # first use and dropped by set_tags when a collection tag of the section changes
        self._members_by_tag: dict[int, dict[str, list[PlexItem]]] = {}
        self._next_collection_key = max(self.index, default=0) + 1
        for section in self.sections:
            for item in section.items:
                for name in self.default_tags(item)["collection"]:
                    self.ensure_collection(section, name, getattr(item, "collection", None))

    # ---- collections ------------------------------------------------------------------------------
    def ensure_collection(self, section: Section, name: str, source: Any = None) -> PlexCollection:
        """The section's collection called ``name`` (created on first use, as PMS does for a new tag)."""
        found = self._collection_by_name.get((section.key, name.lower()))
        if found is not None:
            return found
        arts = collection_artworks(source.tmdb_id, ("poster",)) if source is not None else []
        coll = PlexCollection(self._next_collection_key, name, section.key, arts)
        self._next_collection_key += 1
        self.collections[coll.plex_rating_key] = coll
        self._collection_by_name[(section.key, name.lower())] = coll
        self.index[coll.plex_rating_key] = coll
        self.parents[coll.plex_rating_key] = (section, None, None)
        self.kids[coll.plex_rating_key] = []
        return coll

    def section_collections(self, section: Section) -> list[PlexCollection]:
        return sorted((c for c in self.collections.values() if c.section_key == section.key),
                      key=lambda c: c.title.lower())

    def collection_members(self, coll: PlexCollection) -> list[PlexItem]:
        section = self.parents[coll.plex_rating_key][0]
        by_tag = self._members_by_tag.get(section.key)
        if by_tag is None:
            by_tag = self._members_by_tag[section.key] = {}
            for item in section.items:
                for name in {t.lower() for t in self.tags(item, "collection")}:
                    by_tag.setdefault(name, []).append(item)
        return list(by_tag.get(coll.title.lower(), []))

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
        if isinstance(item, PlexCollection):
            return {"label": [], "genre": [], "collection": []}
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

    def set_tags(self, rk: int, tag: str, values: list[str]) -> None:
        """Every tag edit goes through here: collection membership is cached per section."""
        self.item_state(rk).tags[tag] = values
        if tag == "collection":
            self._members_by_tag.pop(self.parents[rk][0].key, None)

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


def collection_node(srv: PlexServerState, coll: PlexCollection) -> Node:
    """A collection as PMS lists it (``type=18`` listings, ``/library/metadata/{rk}``)."""
    rk = coll.plex_rating_key
    section = srv.parents[rk][0]
    members = srv.collection_members(coll)
    years = [m.year for m in members if getattr(m, "year", None)]
    h = stable_hex("collection", section.key, coll.title)
    state = srv.state.get(rk)
    attrs: dict[str, Any] = {
        "ratingKey": str(rk), "key": f"/library/collections/{rk}/children",
        "guid": f"collection://{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}", "type": "collection",
        "title": srv.title(coll), "titleSort": srv.title(coll), "subtype": section.type, "summary": "",
        "index": rk, "librarySectionTitle": section.title, "librarySectionID": section.key,
        "librarySectionKey": f"/library/sections/{section.key}", "childCount": len(members),
        "minYear": min(years) if years else None, "maxYear": max(years) if years else None,
        "collectionMode": "-1", "collectionSort": "0", "smart": "0",
        "addedAt": BASE_TS - stable_int("added", rk) % 100_000_000,
        "updatedAt": max([BASE_TS, *(s.version for s in state.images.values())]) if state else BASE_TS,
        "thumb": (srv.image_url(coll, "posters") if coll.artworks or state
                  else f"/library/collections/{rk}/composite/{BASE_TS}"),
    }
    return Node("Directory", attrs, [Node("Label", {"tag": v}) for v in srv.tags(coll, "label")])


def item_node(srv: PlexServerState, item: PlexItem, *, guids: bool = True, detail: bool = False) -> Node:
    if isinstance(item, PlexCollection):
        return collection_node(srv, item)
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
