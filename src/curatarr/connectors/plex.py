"""Plex Media Server client: a thin typed client over PMS's XML API, built on HttpService.

Why not python-plexapi: it talks through ``requests`` with its own exception types and retry-less
calls, and its objects reload themselves lazily on attribute access (hidden requests that escape
our timeouts, retries and error vocabulary). What Curatarr needs is small — sections, paged items
with guids/paths/labels, children, posters/arts, label edits and maintenance — so this client
speaks the wire format directly (the same one plexapi sends; python-plexapi is the fidelity
oracle for our simulator in the tests). Every failure is one of ``connectors.errors``; the token
travels in the ``X-Plex-Token`` header, never in a URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal
from urllib.parse import quote

import httpx
from lxml import etree

from curatarr.connectors.errors import BadResponse, ConnectorError, Unreachable
from curatarr.connectors.http import HttpService, InstanceRecord, Pong, RetryPolicy
from curatarr.connectors.media_server import ArtworkSlot, Capability, ServerItem, ServerLibrary, Unsupported
from curatarr.security.urls import UnsafeURL, check_url

SERVICE = "plex"
TYPE_IDS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "track": 10,
            "collection": 18}
ITEM_TAGS = ("Video", "Directory", "Track", "Photo")
DEFAULT_PAGE_SIZE = 500
ImageKind = Literal["poster", "art"]
# Legacy agents name the id source in the scheme: com.plexapp.agents.<agent>://<id>[/...][?lang=..]
_LEGACY_AGENTS = {"imdb": "imdb", "themoviedb": "tmdb", "thetvdb": "tvdb", "tvdb": "tvdb", "tmdb": "tmdb"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)


@dataclass(frozen=True, slots=True)
class PlexServerInfo:
    name: str
    machine_identifier: str
    version: str
    platform: str = ""


@dataclass(frozen=True, slots=True)
class PlexSection:
    key: str
    type: str                      # movie | show | artist | photo
    title: str
    agent: str = ""
    language: str = ""
    uuid: str = ""
    locations: tuple[str, ...] = ()


@dataclass(slots=True)
class PlexItem:
    """One library item (movie, show, season, episode, artist, album) as Curatarr uses it."""

    rating_key: str
    type: str
    title: str
    year: int | None = None
    original_title: str = ""
    edition_title: str = ""
    guid: str = ""
    ids: dict[str, str] = field(default_factory=dict)   # imdb / tmdb / tvdb / mbid, from Guid children or legacy guid
    labels: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)      # Media/Part@file (movies, episodes)
    locations: list[str] = field(default_factory=list)  # Location@path (shows, artists)
    thumb: str | None = None
    art: str | None = None
    index: int | None = None
    parent_index: int | None = None
    parent_rating_key: str | None = None
    grandparent_rating_key: str | None = None
    parent_title: str = ""
    grandparent_title: str = ""
    section_key: str | None = None
    child_count: int | None = None
    leaf_count: int | None = None
    added_at: int | None = None
    updated_at: int | None = None


@dataclass(frozen=True, slots=True)
class PlexImage:
    """An entry of ``/posters`` or ``/arts``."""

    rating_key: str                # e.g. upload://posters/<sha1>, metadata://posters/<agent>_<id>
    key: str                       # URL path (or absolute URL) of the image
    selected: bool
    provider: str = ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_guid_ids(guid: str, guid_ids: Iterable[str] = ()) -> dict[str, str]:
    """``{"imdb": "tt…", "tmdb": "603", "tvdb": "169"}`` from ``<Guid id>`` values, else from a
    legacy agent guid (``com.plexapp.agents.imdb://tt0133093?lang=en``)."""
    ids: dict[str, str] = {}
    for value in guid_ids:
        scheme, sep, rest = value.partition("://")
        if sep and rest and scheme not in ids:
            ids[scheme] = rest
    if not ids and guid.startswith("com.plexapp.agents."):
        scheme, sep, rest = guid[len("com.plexapp.agents."):].partition("://")
        source = _LEGACY_AGENTS.get(scheme)
        ident = rest.split("?", 1)[0].split("/", 1)[0]
        if sep and source and ident:
            ids[source] = ident
    return ids


def parse_item(el: Any, section_key: str | None = None) -> PlexItem:
    a = el.attrib
    item = PlexItem(
        rating_key=a.get("ratingKey", ""), type=a.get("type", ""), title=a.get("title", ""),
        year=_int(a.get("year")), original_title=a.get("originalTitle", ""), edition_title=a.get("editionTitle", ""),
        guid=a.get("guid", ""), thumb=a.get("thumb"), art=a.get("art"), index=_int(a.get("index")),
        parent_index=_int(a.get("parentIndex")), parent_rating_key=a.get("parentRatingKey"),
        grandparent_rating_key=a.get("grandparentRatingKey"), parent_title=a.get("parentTitle", ""),
        grandparent_title=a.get("grandparentTitle", ""),
        section_key=a.get("librarySectionID") or section_key, child_count=_int(a.get("childCount")),
        leaf_count=_int(a.get("leafCount")), added_at=_int(a.get("addedAt")), updated_at=_int(a.get("updatedAt")),
    )
    guid_ids = []
    for child in el:
        tag, ca = child.tag, child.attrib
        if tag == "Guid" and ca.get("id"):
            guid_ids.append(ca["id"])
        elif tag == "Label" and ca.get("tag"):
            item.labels.append(ca["tag"])
        elif tag == "Location" and ca.get("path"):
            item.locations.append(ca["path"])
        elif tag == "Media":
            item.files.extend(p.get("file") for p in child.iter("Part") if p.get("file"))
    item.ids = parse_guid_ids(item.guid, guid_ids)
    return item


def server_item(item: PlexItem) -> ServerItem:
    """A PlexItem in the media-server interface's words."""
    if item.type in ("movie", "episode"):
        path = item.files[0] if item.files else None
    else:
        path = item.locations[0] if item.locations else None
    show_id = {"season": item.parent_rating_key, "episode": item.grandparent_rating_key}.get(item.type)
    return ServerItem(id=str(item.rating_key), kind=item.type, title=item.title, year=item.year,
                      original_title=item.original_title or "", path=path, ids=dict(item.ids),
                      labels=list(item.labels), index=item.index, parent_index=item.parent_index,
                      show_id=str(show_id) if show_id else None,
                      library_id=str(item.section_key) if item.section_key else None)


class PlexClient:
    """Typed access to one Plex Media Server."""

    def __init__(self, base_url: str, token: str, *, timeout: httpx.Timeout | float | None = None,
                 retry: RetryPolicy | None = None, client: httpx.Client | None = None,
                 page_size: int = DEFAULT_PAGE_SIZE, client_identifier: str = "curatarr"):
        headers = {"X-Plex-Token": token, "Accept": "application/xml", "X-Plex-Product": "Curatarr",
                   "X-Plex-Client-Identifier": client_identifier}
        kwargs: dict[str, Any] = {"service": SERVICE, "headers": headers, "client": client}
        if timeout is not None:
            kwargs["timeout"] = timeout
        if retry is not None:
            kwargs["retry"] = retry
        self.http = HttpService(base_url, **kwargs)
        self.page_size = max(1, page_size)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "PlexClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- the media-server interface (connectors.media_server.MediaServer) ----------------------
    server_type = SERVICE
    capabilities = frozenset({Capability.RATING_KEYS, Capability.PLEX_SECTIONS, Capability.OVERLAY_LABEL,
                              Capability.MAINTENANCE, Capability.LIBRARY_COLLECTIONS, Capability.POSTER_SELECT,
                              Capability.SYNC_SOURCE, Capability.LIBRARY_DATABASE, Capability.ITEM_LABELS})

    def media_libraries(self) -> list[ServerLibrary]:
        return [ServerLibrary(id=s.key, title=s.title, kind=s.type or "other", language=s.language,
                              locations=s.locations) for s in self.sections()]

    def iter_media(self, library: ServerLibrary, kind: str | None = None) -> Iterator[ServerItem]:
        """The section's movies/shows (with guids), or every season/episode of a show section (without:
        a few paged listings instead of two requests per show)."""
        if kind is None:
            return (server_item(i) for i in self.iter_items(library.id))
        return (server_item(i) for i in self.iter_items(library.id, libtype=kind, include_guids=False))

    def count_media(self, library: ServerLibrary) -> int | None:
        return sum(1 for _ in self.iter_items(library.id, include_guids=False))

    def media_item(self, item_id: str) -> ServerItem:
        return server_item(self.item(item_id))

    def show_seasons(self, show_id: str) -> list[ServerItem]:
        return [server_item(s) for s in self.children(show_id)]

    def show_episodes(self, show_id: str) -> list[ServerItem]:
        return [server_item(e) for e in self.all_leaves(show_id)]

    def find_media(self, kind: str, *, title: str | None = None, provider_ids: dict[str, str] | None = None,
                   libraries: Iterable[ServerLibrary] = ()) -> list[ServerItem] | None:
        """``/library/sections/{key}/all?title=`` per library (PMS cannot filter new-agent items by
        external ids, so without a title there is no lookup: None)."""
        if not title:
            return None
        found = []
        for library in libraries:
            for raw in self.iter_items(library.id, title=title):
                item = server_item(raw)
                item.library_id = library.id
                found.append(item)
        return found

    def media_collections(self, library: ServerLibrary | None = None) -> list[ServerItem]:
        if library is None:
            raise Unsupported("Plex collections belong to a library section", service=SERVICE)
        return [server_item(c) for c in self.collections(library.id)]

    def collection_members(self, collection_id: str) -> list[ServerItem]:
        return [server_item(m) for m in self.collection_items(collection_id)]

    def artwork(self, item_id: str, slot: ArtworkSlot = "poster") -> bytes:
        return self.download(f"/library/metadata/{item_id}/{'art' if slot == 'background' else 'thumb'}")

    def upload_artwork(self, item_id: str, slot: ArtworkSlot, data: bytes, *, content_type: str | None = None,
                       thumb_too: bool = False) -> None:
        """Raw bytes; Plex selects the upload. (Plex has no separate thumb: ``thumb_too`` is ignored.)"""
        self.upload_image(item_id, "art" if slot == "background" else "poster", data=data)

    def poster_choices(self, item_id: str) -> list[PlexImage]:
        return self.images(item_id)

    def select_poster(self, item_id: str, choice: PlexImage | str) -> None:
        self.select_image(item_id, choice)

    # ---- plumbing ---------------------------------------------------------------------------
    def _xml(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.http.request(method, path, **kwargs)
        try:
            root = etree.fromstring(resp.content, _PARSER)
        except etree.XMLSyntaxError:
            raise BadResponse("response is not valid XML", service=SERVICE, status=resp.status_code) from None
        if root is None or root.tag != "MediaContainer":
            raise BadResponse("response is not a MediaContainer", service=SERVICE, status=resp.status_code)
        return root

    def _items(self, root: Any) -> list[PlexItem]:
        section_key = root.get("librarySectionID")
        return [parse_item(el, section_key) for el in root if el.tag in ITEM_TAGS and el.get("ratingKey")]

    def _paged(self, path: str, params: dict[str, Any]) -> Iterator[PlexItem]:
        start = 0
        while True:
            headers = {"X-Plex-Container-Start": str(start), "X-Plex-Container-Size": str(self.page_size)}
            root = self._xml("GET", path, params=params, headers=headers)
            elements = [el for el in root if el.tag in ITEM_TAGS]
            section_key = root.get("librarySectionID")
            for el in elements:
                if el.get("ratingKey"):
                    yield parse_item(el, section_key)
            start += len(elements)
            total = _int(root.get("totalSize"))
            if not elements or total is None or start >= total:
                return

    # ---- server -----------------------------------------------------------------------------
    def server_info(self) -> PlexServerInfo:
        """``GET /`` (needs a valid token, so it doubles as the health probe)."""
        root = self._xml("GET", "/")
        return PlexServerInfo(name=root.get("friendlyName", ""), machine_identifier=root.get("machineIdentifier", ""),
                              version=root.get("version", ""), platform=root.get("platform", ""))

    health = server_info

    def sections(self) -> list[PlexSection]:
        root = self._xml("GET", "/library/sections")
        return [PlexSection(key=d.get("key", ""), type=d.get("type", ""), title=d.get("title", ""),
                            agent=d.get("agent", ""), language=d.get("language", ""), uuid=d.get("uuid", ""),
                            locations=tuple(loc.get("path") for loc in d.iter("Location") if loc.get("path")))
                for d in root if d.tag == "Directory"]

    # ---- items ------------------------------------------------------------------------------
    def iter_items(self, section_key: str | int, *, libtype: str | None = None, title: str | None = None,
                   include_guids: bool = True) -> Iterator[PlexItem]:
        """Every item of a section (of ``libtype``, e.g. ``"episode"`` in a show section), paged."""
        params: dict[str, Any] = {"includeGuids": int(include_guids)}
        if libtype:
            params["type"] = TYPE_IDS[libtype]
        if title:
            params["title"] = title
        return self._paged(f"/library/sections/{section_key}/all", params)

    def items(self, section_key: str | int, **kwargs: Any) -> list[PlexItem]:
        return list(self.iter_items(section_key, **kwargs))

    def item(self, rating_key: str | int) -> PlexItem:
        items = self._items(self._xml("GET", f"/library/metadata/{rating_key}"))
        if not items:
            raise BadResponse("metadata response holds no item", service=SERVICE)
        return items[0]

    def children(self, rating_key: str | int) -> list[PlexItem]:
        """Seasons of a show (without the "All episodes" entry), episodes of a season, albums of an artist."""
        return list(self._paged(f"/library/metadata/{rating_key}/children", {"excludeAllLeaves": 1}))

    def all_leaves(self, rating_key: str | int) -> list[PlexItem]:
        """Every episode of a show."""
        return list(self._paged(f"/library/metadata/{rating_key}/allLeaves", {}))

    def collections(self, section_key: str | int) -> list[PlexItem]:
        """The collections of a section (``type=18``; what plexapi's ``section.collections()`` asks)."""
        return self.items(section_key, libtype="collection")

    def collection_items(self, rating_key: str | int) -> list[PlexItem]:
        """The members of a collection (with their provider ids)."""
        return list(self._paged(f"/library/collections/{rating_key}/children", {"includeGuids": 1}))

    def search(self, query: str) -> list[PlexItem]:
        return self._items(self._xml("GET", "/search", params={"query": query}))

    # ---- images -----------------------------------------------------------------------------
    def images(self, rating_key: str | int, kind: ImageKind = "poster") -> list[PlexImage]:
        root = self._xml("GET", f"/library/metadata/{rating_key}/{kind}s")
        return [PlexImage(rating_key=p.get("ratingKey", ""), key=p.get("key", ""),
                          selected=p.get("selected") in ("1", "true"), provider=p.get("provider", ""))
                for p in root if p.tag == "Photo"]

    def upload_image(self, rating_key: str | int, kind: ImageKind = "poster", *, data: bytes | None = None,
                     url: str | None = None) -> None:
        """Upload a poster/art from ``data`` (raw bytes) or have Plex fetch ``url``; Plex selects it."""
        if (data is None) == (url is None):
            raise ValueError("give exactly one of data or url")
        path = f"/library/metadata/{rating_key}/{kind}s"
        if url is not None:
            try:
                check_url(url, resolve=False)
            except UnsafeURL as exc:
                raise ConnectorError(f"image URL refused: {exc}", service=SERVICE) from None
            self.http.request("POST", path, params={"url": url})
        else:
            self.http.request("POST", path, content=data, headers={"Content-Type": "application/octet-stream"})

    def upload_poster(self, rating_key: str | int, *, data: bytes | None = None, url: str | None = None) -> None:
        self.upload_image(rating_key, "poster", data=data, url=url)

    def upload_art(self, rating_key: str | int, *, data: bytes | None = None, url: str | None = None) -> None:
        self.upload_image(rating_key, "art", data=data, url=url)

    def select_image(self, rating_key: str | int, image: PlexImage | str, kind: ImageKind = "poster") -> None:
        wanted = image.rating_key if isinstance(image, PlexImage) else image
        self.http.request("PUT", f"/library/metadata/{rating_key}/{kind}", params={"url": wanted})

    def download(self, path: str) -> bytes:
        """Bytes of an image path from this server (``item.thumb``, ``PlexImage.key``)."""
        if path.startswith(("http://", "https://")):
            raise ValueError("only paths on this Plex server can be downloaded")
        return self.http.request("GET", path, headers={"Accept": "image/*"}).content

    # ---- labels -----------------------------------------------------------------------------
    def _edit(self, item: PlexItem, params: dict[str, str]) -> None:
        if not item.section_key or item.type not in TYPE_IDS:
            item = self.item(item.rating_key)
        base = {"type": str(TYPE_IDS[item.type]), "id": item.rating_key}
        self.http.request("PUT", f"/library/sections/{item.section_key}/all", params={**base, **params})

    def add_labels(self, item: PlexItem | str | int, labels: Iterable[str]) -> list[str]:
        """Add labels (PMS replaces the whole set, so the current ones are re-sent); returns the new set."""
        current = self.item(item.rating_key if isinstance(item, PlexItem) else item)
        merged = list(current.labels)
        for label in labels:
            if label.strip() and label.lower() not in (m.lower() for m in merged):
                merged.append(label.strip())
        if len(merged) == len(current.labels):
            return merged
        params = {"label.locked": "1", **{f"label[{i}].tag.tag": v for i, v in enumerate(merged)}}
        self._edit(current, params)
        return merged

    def remove_labels(self, item: PlexItem | str | int, labels: Iterable[str]) -> None:
        wanted = [label for label in labels if label]
        if not wanted:
            return
        target = item if isinstance(item, PlexItem) else self.item(item)
        value = ",".join(quote(label, safe="") for label in wanted)  # each quoted, then the whole is encoded
        self._edit(target, {"label.locked": "1", "label[].tag.tag-": value})

    # ---- maintenance ------------------------------------------------------------------------
    def empty_trash(self, section_key: str | int | None = None) -> None:
        """Empty the trash of one section, or of every section (what plexapi's library.emptyTrash does)."""
        keys = [section_key] if section_key is not None else [s.key for s in self.sections()]
        for key in keys:
            self.http.request("PUT", f"/library/sections/{key}/emptyTrash")

    def clean_bundles(self) -> None:
        self.http.request("PUT", "/library/clean/bundles", params={"async": 1})

    def optimize(self) -> None:
        self.http.request("PUT", "/library/optimize", params={"async": 1})

    def download_library_database(self, dest: Path, *, max_bytes: int, timeout: float = 600.0) -> int:
        """Save ``/diagnostics/databases`` (a zip of the library database, what plexapi's
        ``downloadDatabases`` fetches) at ``dest``, streamed, refusing more than ``max_bytes``;
        returns the bytes written. The caller checks and unpacks it."""
        headers = {**self.http.headers, "Accept": "application/zip, application/octet-stream"}
        written = 0
        try:
            with self.http.client.stream("GET", self.http.url("/diagnostics/databases"), headers=headers,
                                         timeout=httpx.Timeout(timeout, connect=10.0)) as resp:
                if resp.status_code != 200:
                    resp.read()
                    try:
                        self.http._check(resp)  # AuthFailed / NotFound / RateLimited … like every other call
                    except ConnectorError:
                        raise
                    except Exception as exc:  # the retry wrapper of 5xx/429: its error, unretried
                        raise getattr(exc, "error", exc) from None
                    raise BadResponse(f"database download answered HTTP {resp.status_code}", service=SERVICE,
                                      status=resp.status_code)
                with open(dest, "wb") as out:
                    for chunk in resp.iter_bytes(1 << 20):
                        written += len(chunk)
                        if written > max_bytes:
                            raise BadResponse("the database download is larger than allowed", service=SERVICE)
                        out.write(chunk)
        except httpx.TimeoutException:
            raise Unreachable("the database download timed out", service=SERVICE) from None
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot download the database ({exc.__class__.__name__})", service=SERVICE) from None
        return written

    def refresh_section(self, section_key: str | int, path: str | None = None) -> None:
        self.http.request("GET", f"/library/sections/{section_key}/refresh", params={"path": path} if path else None)

    # ---- built from an instance record, probed by ping() (the same for every connector) -------
    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> "PlexClient":
        return cls(ref.url, ref.api, **options)

    def ping(self) -> Pong:
        """The health probe: ``GET /`` (needs the token); server name and version when it says."""
        resp = self.http.probe("GET", "/")
        try:
            root = etree.fromstring(resp.content, _PARSER)
        except (etree.XMLSyntaxError, ValueError):
            root = None
        attrs = root.attrib if root is not None and root.tag == "MediaContainer" else {}
        return Pong(SERVICE, resp.status_code, name=attrs.get("friendlyName", ""), version=attrs.get("version", ""))
