"""The parts of PMS's API python-plexapi needs for searching and a few server views, which the core
Plex simulator did not serve. ``create_app`` adds :func:`client_routes` and filters its section
listings with :func:`apply_filters`.

* Section filters as PMS describes them: ``/library/sections/{key}/all?includeMeta=1`` (and
  ``/collections?includeMeta=1``) carry a ``<Meta>`` with one ``<Type>`` per listable type
  (``Filter``, ``Sort``, ``Field`` children) and the ``<FieldType>`` operators; plexapi validates
  every ``search(...)`` keyword against them.
* Tag filter choices ``/library/sections/{key}/{label|genre|collection|year}``: tag values get a
  stable numeric key (what plexapi then sends: ``label=123``); the listings accept keys or names.
* Listing filters: ``title`` (contains), ``label``/``genre``/``collection`` (any of; ``label!``
  excludes), ``year`` (``=``, ``>>``, ``<<``), ``unwatched`` (nothing was ever played), ``sort``
  (``titleSort``, ``addedAt``, ``year``, ``:desc``).
* ``/library/all`` (``library.search()``), ``/library/recentlyAdded``, ``/status/sessions`` and
  ``/activities`` (an idle server: empty), ``POST /library/collections`` (a new, non-smart
  collection of the ``uri``'s items; smart collections are refused with 400).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from curatarr.sims.library import stable_int
from curatarr.sims.plex_tree import BASE_TS, Node, PlexError, collection_node, plex_type

TAG_FIELDS = ("label", "genre", "collection")
TYPE_IDS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "track": 10, "collection": 18}
TYPE_TITLES = {"movie": "Movies", "show": "TV Shows", "season": "Seasons", "episode": "Episodes", "artist": "Artists",
               "album": "Albums", "collection": "Collections"}
OPERATORS = {"tag": (("=", "is"), ("!=", "is not")),
             "string": (("=", "contains"), ("!=", "does not contain"), ("==", "is"), ("!==", "is not")),
             "integer": (("=", "is"), ("!=", "is not"), (">>=", "is greater than"), ("<<=", "is less than")),
             "boolean": (("=", "is true"), ("!=", "is false")),
             "date": (("=", "is"), ("!=", "is not"), (">>=", "is after"), ("<<=", "is before"))}
FIELDS = (("title", "Title", "string"), ("label", "Label", "tag"), ("genre", "Genre", "tag"),
          ("collection", "Collection", "tag"), ("year", "Year", "integer"), ("unwatched", "Unplayed", "boolean"),
          ("addedAt", "Date Added", "date"))
SORTS = (("titleSort", "Title", "asc"), ("addedAt", "Date Added", "desc"), ("year", "Year", "desc"))
PARAM = re.compile(r"^([A-Za-z]+)([!<>=]*)$")


def tag_key(value: str) -> str:
    """The stable numeric key PMS gives a tag value (the same for every section)."""
    return str(stable_int("tag", value.lower()) % 1_000_000 + 1)


def tag_matches(values: list[str]) -> set[str]:
    """What a tag filter value may name: the tag's title (any case) or its key."""
    return {v.lower() for v in values} | {tag_key(v) for v in values}


def added_at(item: Any) -> int:
    return BASE_TS - stable_int("added", item.plex_rating_key) % 100_000_000


# ---- filtering ------------------------------------------------------------------------------------

def apply_filters(srv: Any, items: list[Any], request: Request) -> list[Any]:
    """The listing narrowed and ordered by the query's filters (a new list; ``items`` is untouched)."""
    out = items
    for name, raw in request.query_params.multi_items():
        match = PARAM.match(name)
        if not match or raw == "":
            continue
        field, op = match.groups()
        if field == "title" and op in ("", "!", "=", "!="):
            wanted = raw.lower()
            keep = op.startswith("!")
            out = [i for i in out if (wanted == srv.title(i).lower() if op.endswith("=") else wanted in srv.title(i).lower()) != keep]
        elif field in TAG_FIELDS:
            wanted = {v.lower() for v in raw.split(",")}
            exclude = op == "!"
            out = [i for i in out if bool(tag_matches(srv.tags(i, field)) & wanted) != exclude]
        elif field == "year" and raw.lstrip("-").isdigit():
            year = int(raw)
            test = {"": lambda y: y == year, "!": lambda y: y != year, ">>": lambda y: y > year,
                    "<<": lambda y: y < year}.get(op)
            if test is not None:
                out = [i for i in out if getattr(i, "year", None) is not None and test(i.year)]
        elif field == "unwatched" and raw in ("0", "1"):
            out = out if raw == "1" else []   # nothing in the simulator has ever been played
    sort = request.query_params.get("sort")
    if sort:
        key, _, direction = sort.split(",")[0].rpartition(".")[2].partition(":")
        funcs: dict[str, Callable[[Any], Any]] = {
            "titleSort": lambda i: (getattr(i, "sort_title", None) or srv.title(i)).lower(),
            "addedAt": added_at, "year": lambda i: getattr(i, "year", 0) or 0}
        if key in funcs:
            out = sorted(out, key=funcs[key], reverse=direction == "desc")
    limit = request.query_params.get("limit")
    if limit and limit.isdigit():
        out = out[:int(limit)]
    return out


# ---- Meta ---------------------------------------------------------------------------------------

def type_node(section: Any, libtype: str) -> Node:
    base = f"/library/sections/{section.key}"
    filters = [Node("Filter", {"filter": f, "filterType": "string", "key": f"{base}/{f}", "title": t + "s",
                               "type": "filter"}) for f, t, kind in FIELDS if kind == "tag"]
    filters += [Node("Filter", {"filter": "year", "filterType": "integer", "key": f"{base}/year", "title": "Year",
                                "type": "filter"}),
                Node("Filter", {"filter": "unwatched", "filterType": "boolean", "key": f"{base}/unwatched",
                                "title": "Unplayed", "type": "filter"})]
    sorts = [Node("Sort", {"key": k, "title": t, "defaultDirection": d, "descKey": f"{k}:desc",
                           "firstCharacterKey": f"{base}/firstCharacter" if k == "titleSort" else None})
             for k, t, d in SORTS]
    fields = [Node("Field", {"key": k, "title": t, "type": kind}) for k, t, kind in FIELDS]
    return Node("Type", {"key": f"{base}/all?type={TYPE_IDS[libtype]}", "type": libtype,
                         "title": TYPE_TITLES[libtype], "active": 1 if libtype == section.type else 0},
                filters + sorts + fields)


def meta_node(section: Any, libtypes: list[str]) -> Node:
    field_types = [Node("FieldType", {"type": kind}, [Node("Operator", {"key": k, "title": t}) for k, t in ops])
                   for kind, ops in OPERATORS.items()]
    return Node("Meta", {}, [type_node(section, t) for t in libtypes] + field_types)


# ---- routes -------------------------------------------------------------------------------------

def client_routes(sim: Any, endpoint: Callable, container: Callable, respond: Callable,
                  listing_for: Callable, section_lists: dict[str, dict[int, str]]) -> list[Route]:
    """Routes for ``create_app`` (its ``endpoint``/``container``/``respond``/``listing_for`` helpers)."""

    async def section_meta_all(request: Request, srv: Any, key: str) -> Response:
        """Only reached with ``includeMeta=1`` (see :func:`wants_meta`): the listing plus its Meta."""
        section = srv.section(key)
        items = listing_for(srv, section, request)
        libtypes = list(section_lists[section.type].values())
        return container(request, items, srv, {"librarySectionID": section.key, "title1": section.title},
                         guids=False, extra=[meta_node(section, libtypes)])

    async def section_collections(request: Request, srv: Any, key: str) -> Response:
        section = srv.section(key)
        colls = srv.section_collections(section)
        extra = [meta_node(section, ["collection"])] if request.query_params.get("includeMeta") == "1" else []
        return container(request, colls, srv, {"librarySectionID": section.key, "title1": section.title},
                         guids=False, extra=extra)

    def choices(field: str) -> Callable:
        async def handler(request: Request, srv: Any, key: str) -> Response:
            section = srv.section(key)
            values: dict[str, str] = {}
            for item in section.items:
                for value in ([str(item.year)] if field == "year" and getattr(item, "year", None) else
                              srv.tags(item, field) if field in TAG_FIELDS else []):
                    values.setdefault(value.lower(), value)
            dirs = [Node("Directory", {"key": v if field == "year" else tag_key(v), "title": v, "type": "tag",
                                       "fastKey": f"/library/sections/{section.key}/all?{field}="
                                                  f"{v if field == 'year' else tag_key(v)}"})
                    for v in sorted(values.values(), key=str.lower)]
            return respond(request, Node("MediaContainer", {"size": len(dirs), "title1": section.title}, dirs))
        return handler

    async def library_all(request: Request, srv: Any) -> Response:
        raw_type = request.query_params.get("type")
        wanted = next((t for t, i in TYPE_IDS.items() if raw_type == str(i)), None) if raw_type else None
        items = [i for s in srv.sections for i in s.items if wanted is None or plex_type(i) == wanted]
        items = apply_filters(srv, items, request)
        return container(request, items, srv, {"title1": "All"}, guids=request.query_params.get("includeGuids") == "1",
                         detail=True)

    async def recently_added(request: Request, srv: Any) -> Response:
        items = sorted((i for s in srv.sections for i in s.items), key=added_at, reverse=True)[:50]
        return container(request, items, srv, {"title1": "Recently Added"}, guids=True, detail=True)

    async def empty(request: Request, srv: Any) -> Response:
        return respond(request, Node("MediaContainer", {"size": 0}))

    async def create_collection(request: Request, srv: Any) -> Response:
        params = request.query_params
        if params.get("smart") == "1":
            raise PlexError(400, "Bad Request")   # smart collections are not simulated
        title, uri = params.get("title") or "", params.get("uri") or ""
        keys = uri.rpartition("/library/metadata/")[2]
        if not title or not keys:
            raise PlexError(400, "Bad Request")
        section = srv.section(params.get("sectionId") or "")
        items = [srv.item(k) for k in keys.split(",") if k.strip()]
        coll = srv.ensure_collection(section, title)
        for item in items:
            if srv.parents[item.plex_rating_key][0] is not section:
                raise PlexError(400, "Bad Request")
            before = list(srv.tags(item, "collection"))
            if title.lower() not in (t.lower() for t in before):
                srv.set_tags(item.plex_rating_key, "collection", before + [title])
                sim.record("tag_changes", rating_key=item.plex_rating_key, section=section.key, tag="collection",
                           before=before, after=before + [title], added=[title], removed=[])
        sim.record("collections", action="create", rating_key=coll.plex_rating_key, title=title,
                   items=[i.plex_rating_key for i in items])
        return respond(request, Node("MediaContainer", {"size": 1}, [collection_node(srv, coll)]))

    routes = [Route("/library/sections/{key}/collections", endpoint(section_collections))]
    for field in (*TAG_FIELDS, "year"):
        routes.append(Route(f"/library/sections/{{key}}/{field}", endpoint(choices(field))))
    routes += [
        Route("/library/all", endpoint(library_all)),
        Route("/library/recentlyAdded", endpoint(recently_added)),
        Route("/status/sessions", endpoint(empty)),
        Route("/activities", endpoint(empty)),
        Route("/library/collections", endpoint(create_collection), methods=["POST"]),
    ]
    return routes, section_meta_all


def wants_meta(request: Request) -> bool:
    return request.query_params.get("includeMeta") == "1"
