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
* Collections (type 18): one per distinct collection tag of a section (a tag edit makes a new one),
  listed by ``/library/sections/{key}/all?type=18`` (plexapi's ``section.collections()``), members
  under ``/library/collections/{rk}/children``; posters like any item (``/library/metadata/{rk}/…``).
* About 1 in 20 movies and shows uses a legacy agent (``com.plexapp.agents.imdb://…`` guid and
  no ``<Guid>`` children), as old libraries still do.

This module is the HTTP layer (routes, auth, paging, XML/JSON choice); the library model and
element rendering live in :mod:`curatarr.sims.plex_tree`.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, unquote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from curatarr.sims.base import Simulator, install, json_bytes
from curatarr.sims.library import SampleLibrary, Show
from curatarr.sims.plex_data import PlexDataDir
from curatarr.sims.plex_client_routes import apply_filters, client_routes, wants_meta
# The library model and element rendering live in plex_tree; names re-exported for importers.
from curatarr.sims.plex_tree import (  # noqa: F401
    AGENTS, BASE_TS, DEFAULT_SECTION_TITLES, HAS_ART, ITEM_TAGS, POSTER_KINDS, TAG_ELEMENTS, ImageSet,
    ItemState, Node, PlexCollection, PlexError, PlexImage, PlexItem, PlexServerState, Section, base_title, children_of,
    instance_view, item_node, on_disk, plex_type, section_node, sniff_mime, to_json, to_xml,
)
from curatarr.sims.plex_tree import _guids

TYPE_IDS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "track": 10, "collection": 18}
# Which listing types each section type can answer (PMS: type=4 in a show section = all episodes).
SECTION_LISTS = {"movie": {1: "movie"}, "show": {2: "show", 3: "season", 4: "episode"},
                 "artist": {8: "artist", 9: "album"}}
TAG_PARAM = re.compile(r"^(?P<tag>[a-zA-Z]+)\[(?P<index>\d*)\]\.tag\.tag(?P<remove>-?)$")
VERSION = "1.41.3.9314-a0bfb8370"


def _page(status: int, title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{status} {title}</h1></body></html>".encode()


# ---- HTTP layer --------------------------------------------------------------------------------
def create_app(library: SampleLibrary, *, token: str = "plex-token", instance: str = "plex",
               section_titles: dict[str, str] | None = None, small_images: bool = False,
               plex_data_dir: str | Path | None = None, live_wal: bool = False) -> Starlette:
    """A Plex Media Server simulator for ``library`` (see module docstring).

    ``section_titles`` renames sections per type (``{"movie": "Cinema"}``), as users do;
    ``small_images`` renders artwork at 1/10 size (fast tests); ``plex_data_dir`` gives the server a
    data folder with real files there (:mod:`curatarr.sims.plex_data`; ``live_wal`` holds its
    database open in WAL mode, as a running PMS does).
    """
    sim = Simulator("plex", instance=instance, library=library, api_key=token,
                    unauthorized=lambda: (401, {"Content-Type": "text/html"}, _page(401, "Unauthorized")))
    holder: dict[str, PlexServerState] = {}
    data = PlexDataDir(plex_data_dir, live_wal=live_wal) if plex_data_dir else None

    def rebuild() -> None:
        holder["srv"] = PlexServerState(instance_view(library, instance), instance=instance,
                                        section_titles=section_titles or {}, small_images=small_images)
        if data is not None:
            data.build(holder["srv"], lambda item: _guids(item)[0])

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
        if type_id == TYPE_IDS["collection"]:  # collections change with tag edits: never cached
            items: list[PlexItem] = list(srv.section_collections(section))
        elif wanted is None:
            return []
        else:
            items = srv.listings.get((section.key, wanted))
        if items is None:  # the tree never changes: expand once, then page from the cached list
            items = list(section.items)
            while items and plex_type(items[0]) != wanted:
                items = [c for i in items for c in srv.kids[i.plex_rating_key]]
            srv.listings[(section.key, wanted)] = items
        return apply_filters(srv, items, request)  # title, tags, year, unwatched, sort, limit

    async def section_all(request: Request, srv: PlexServerState, key: str) -> Response:
        section = srv.section(key)
        if request.method == "PUT":
            return edit(request, srv, section)
        if wants_meta(request):  # plexapi reads the section's filter description first
            return await section_meta_all(request, srv, key)
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
            for name in replace.get("collection", []):  # a new collection tag makes a new collection
                srv.ensure_collection(section, name[1])
            for tag in sorted(set(replace) | set(remove)):
                before = list(state.tags.get(tag, []))
                after = [v for _, v in sorted(replace[tag])] if tag in replace else list(before)
                dropped = {v.lower() for v in remove.get(tag, [])}
                after = [v for i, v in enumerate(after) if v.lower() not in dropped
                         and v.lower() not in (x.lower() for x in after[:i])]
                srv.set_tags(item.plex_rating_key, tag, after)
                sim.record("tag_changes", rating_key=item.plex_rating_key, section=section.key, tag=tag,
                           before=before, after=after,
                           added=[v for v in after if v not in before], removed=[v for v in before if v not in after])
        return Response(b"", 200)

    async def maintenance(request: Request, srv: PlexServerState, key: str | None = None, *, action: str) -> Response:
        section = None if key in (None, "all") else srv.section(key)
        effect: dict[str, Any] = {}
        if data is not None:  # the calls act on the data folder, as PMS's do
            if action == "emptyTrash":
                effect["trashed_removed"] = data.empty_trash(section.key if section else None)
            elif action == "cleanBundles":
                effect["bundles_removed"] = data.clean_bundles()
            elif action == "optimize":
                data.optimize()
        sim.record("maintenance", action=action, section=section.key if section else key,
                   query=dict(request.query_params), **effect)
        return Response(b"", 200)

    async def databases(request: Request, srv: PlexServerState) -> Response:
        if data is None:
            raise PlexError(404, "Not Found")
        sim.record("downloads", what="databases")
        return Response(data.database_zip(), media_type="application/zip", headers={
            "Content-Disposition": 'attachment; filename="Plex Media Server Databases.zip"'})

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
        kids = (srv.collection_members(item) if isinstance(item, PlexCollection)
                else srv.kids[item.plex_rating_key])
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

    def collection_of(srv: PlexServerState, rk: str) -> PlexCollection:
        item = srv.item(rk)
        if not isinstance(item, PlexCollection):
            raise PlexError(404, "Not Found")
        return item

    async def collection_children(request: Request, srv: PlexServerState, rk: str) -> Response:
        coll = collection_of(srv, rk)
        section = srv.parents[coll.plex_rating_key][0]
        return container(request, srv.collection_members(coll), srv,
                         {**section_attrs(section), "key": rk, "title2": srv.title(coll)}, guids=True)

    async def collection_metadata(request: Request, srv: PlexServerState, keys: str) -> Response:
        colls = [collection_of(srv, k) for k in keys.split(",")]
        section = srv.parents[colls[0].plex_rating_key][0]
        return container(request, colls, srv, section_attrs(section), guids=True, detail=True)

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
        data_bytes = await fetch(url) if url else await request.body()
        if not data_bytes:
            raise PlexError(400, "Bad Request")
        image_set = srv.images(item.plex_rating_key, kind)
        key = f"upload://{kind}/{hashlib.sha1(data_bytes).hexdigest()}"
        existing = next((i for i, img in enumerate(image_set.images) if img.rating_key == key), None)
        if existing is None:
            image_set.images.append(PlexImage(key, "local", data=data_bytes))
            existing = len(image_set.images) - 1
        image_set.selected = existing
        image_set.version += 1
        if data is not None:
            data.uploaded(item.plex_rating_key, kind, bytes(data_bytes))
        sim.record("uploads", rating_key=item.plex_rating_key, image=kind[:-1], source="url" if url else "body",
                   url=url, sha256=hashlib.sha256(data_bytes).hexdigest(), size=len(data_bytes),
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
        if data is not None:
            data.selected(item.plex_rating_key, kind, wanted)
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

    client_extra, section_meta_all = client_routes(sim, endpoint, container, respond, listing_for, SECTION_LISTS)
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
        Route("/diagnostics/databases", endpoint(databases)),
        Route("/search", endpoint(search)),
        Route("/hubs/search", endpoint(hub_search)),
        Route("/library/metadata/{keys}", endpoint(metadata)),
        Route("/library/metadata/{rk}/children", endpoint(children)),
        Route("/library/metadata/{rk}/allLeaves", endpoint(all_leaves)),
        Route("/library/metadata/{rk}/file", endpoint(partial(serve_image, kind="posters"))),
        Route("/library/collections/{rk}/children", endpoint(collection_children)),
        Route("/library/collections/{keys}", endpoint(collection_metadata)),
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
    app = Starlette(routes=routes + client_extra)
    return install(app, sim)
