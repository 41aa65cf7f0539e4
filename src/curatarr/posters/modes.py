"""Run modes of the poster maker (job overrides) and how single-item triggers find their item.

A trigger that names an item by ids/title (Sonarr/Radarr) is looked up with the server's own
search, not by listing whole libraries: Plex ``/library/sections/{key}/all?title=`` per section of
the right type (PMS cannot filter by external ids for new-agent items), Emby
``/Items?AnyProviderIdEquals=tmdb.…``, Jellyfin ``/Items?SearchTerm=`` (10.11 has no provider-id
filter); results are then matched on ids (title + year without ids). A handful of requests per
webhook whatever the library size. Only a trigger with ids but no title on Plex/Jellyfin falls
back to the library walk.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from curatarr.connectors.media_server import Capability, MediaServer, ServerItem, ServerLibrary
from curatarr.posters.libraries import MediaItem, iter_server, library_language, media_item, with_details

# Every mode (job override "mode"); the runners live in modules/poster_maker.py and extra_modes.py.
MODES = ("normal", "single", "cleanup", "testing", "manual", "backup", "sync", "reset")


class ItemTarget(BaseModel):
    """What a webhook names: an item by server id (Tautulli rating keys) or by ids/title (Arr)."""

    model_config = ConfigDict(extra="ignore")

    server: str | None = None
    rating_key: str | None = None
    media_type: Literal["movie", "show", "season", "episode"] = "movie"
    title: str | None = None
    year: int | None = None
    tmdb: str | None = None
    tvdb: str | None = None
    imdb: str | None = None
    season: int | None = None
    episodes: list[int] = Field(default_factory=list)


def _matches(item: MediaItem, target: ItemTarget) -> bool:
    for key in ("tmdb", "tvdb", "imdb"):
        want = getattr(target, key)
        if want and item.ids.get(key) and str(item.ids[key]) == str(want):
            return True
    if target.title and item.title.lower() == target.title.lower():
        return target.year is None or item.year is None or item.year == target.year
    return False


def find_items(client: MediaServer, server: str, target: ItemTarget, *, exclude=(), db: Any = None) -> list[MediaItem]:
    """The library items a trigger names on one server ([] when the server does not have it yet).
    With ``db``, an item an earlier run recorded under the trigger's ids is fetched by its server id
    first (upgrades and new episodes of known shows: found even when the titles differ)."""
    excluded = {x.lower() for x in exclude}
    if target.rating_key:
        return _by_server_id(client, server, target, excluded)
    kind = "show" if target.media_type in ("show", "season", "episode") else "movie"
    found = _known_lookup(db, client, server, target, kind, excluded) if db is not None else []
    if not found:
        found = _server_lookup(client, server, target, kind, excluded)
    if found is None:  # the server offers no lookup for what the trigger names: walk the libraries
        found = [i for i in iter_server(client, server, exclude=exclude, details=False)
                 if i.kind == kind and _matches(i, target)]
    return [with_details(client, i) for i in found]


def _by_server_id(client: MediaServer, server: str, target: ItemTarget, excluded: set[str]) -> list[MediaItem]:
    """The movie/show of a server id. Where ids are Tautulli rating keys, a season/episode id names
    that season/episode (the run is narrowed to it)."""
    from curatarr.connectors.errors import NotFound

    try:
        raw = client.media_item(target.rating_key)
    except NotFound:
        return []
    if raw.kind in ("season", "episode"):
        if Capability.RATING_KEYS in client.capabilities:
            if target.season is None:
                target.season = raw.index if raw.kind == "season" else raw.parent_index
            if raw.kind == "episode" and not target.episodes and raw.index is not None:
                target.episodes = [raw.index]
        if raw.show_id:
            raw = client.media_item(raw.show_id)
    library = None
    if raw.library_id is not None:  # the server tells the item's library: honour the exclusions
        library = next((lib for lib in client.media_libraries() if lib.id == raw.library_id), None)
        if library is None or library.title.lower() in excluded:
            return []
    item = media_item(client, server, library.title if library else "", raw,
                      language=library_language(library) if library else "")
    return [item] if item else []


def _known_lookup(db: Any, client: MediaServer, server: str, target: ItemTarget, kind: str,
                  excluded: set[str]) -> list[MediaItem]:
    from sqlalchemy import or_, select

    from curatarr.connectors.errors import NotFound
    from curatarr.db.models.posters import PosterAsset

    conditions = [column == str(value) for column, value in ((PosterAsset.tmdbid, target.tmdb),
                  (PosterAsset.tvdbid, target.tvdb), (PosterAsset.imdbid, target.imdb)) if value]
    if not conditions:
        return []
    with db.session() as s:
        known = s.execute(select(PosterAsset.server_id, PosterAsset.library).distinct().where(
            PosterAsset.server == server, PosterAsset.kind.in_(("poster", "background")), or_(*conditions))).all()
    languages: dict[str, str] = {}  # library → metadata language (the text language of its art)
    if known:
        languages = {lib.title: library_language(lib) for lib in client.media_libraries()}
    found = []
    for server_id, library in known:
        if not server_id or (library or "").lower() in excluded:
            continue
        try:
            raw = client.media_item(server_id)
        except NotFound:  # gone from the server since: the search below decides
            continue
        item = media_item(client, server, library, raw, details=False, language=languages.get(library, ""))
        if item is not None and item.kind == kind and _matches(item, target):
            found.append(item)
    return found


def title_queries(title: str) -> list[str]:
    """The title, then without a trailing ``(2005)`` / ``(US)`` that the *arr adds to tell remakes
    and regions apart (servers usually title the item without it)."""
    out = [title.strip()]
    stripped = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
    if stripped and stripped.lower() != out[0].lower():
        out.append(stripped)
    return out


def _library_of(raw: ServerItem, libraries: list[ServerLibrary]) -> ServerLibrary | None:
    """The library an item lives in: the one the server names, else by path under one of its
    locations, else by parent id."""
    if raw.library_id is not None:
        return next((lib for lib in libraries if lib.id == raw.library_id), None)
    path = (raw.path or "").replace("\\", "/")
    for lib in libraries:
        for location in lib.locations:
            root = location.replace("\\", "/").rstrip("/") + "/"
            if path.startswith(root):
                return lib
    return next((lib for lib in libraries if lib.id == raw.parent_id), libraries[0] if len(libraries) == 1 else None)


def _server_lookup(client: MediaServer, server: str, target: ItemTarget, kind: str,
                   excluded: set[str]) -> list[MediaItem] | None:
    """The server's own search: by provider ids where it can (Emby), else by title (the title, then
    without a trailing ``(2005)``); None when neither applies."""
    ids = {k: str(getattr(target, k)) for k in ("tmdb", "tvdb", "imdb") if getattr(target, k)}
    by_ids = Capability.PROVIDER_ID_LOOKUP in client.capabilities and bool(ids)
    if not by_ids and not target.title:
        return None
    libraries = [lib for lib in client.media_libraries() if lib.kind == kind]
    searched = [lib for lib in libraries if lib.title.lower() not in excluded]
    queries = [None] if by_ids else title_queries(target.title or "")
    for query in queries:
        found = []
        hits = client.find_media(kind, title=query, provider_ids=ids if by_ids else None, libraries=searched)
        for raw in hits or []:
            lib = _library_of(raw, libraries)
            if lib is None or lib.title.lower() in excluded:
                continue
            item = media_item(client, server, lib.title, raw, details=False, language=library_language(lib))
            if item is not None and _matches(item, target):
                found.append(item)
        if hits is None:
            return None
        if found:
            return found
    return []


# ---- the skip label on the server (POST /api/assets/skip) -------------------------------------------

def top_item_id(client: MediaServer, server_id: str) -> str:
    """The movie/show a server id belongs to (season and episode ids point to their show): the
    skip label is read from the movie/show, so that is where it must go."""
    raw = client.media_item(server_id)
    return raw.show_id or raw.id


def set_skip_label(client: MediaServer, server_id: str, label: str, skip: bool) -> str:
    """Add (``skip``) or remove the skip label/tag on the item's movie/show; returns that item's id.
    Raises the connector's errors (NotFound, Unreachable …) unchanged."""
    top = top_item_id(client, server_id)
    if skip:
        client.add_labels(top, [label])
    else:
        client.remove_labels(top, [label])
    return top
