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

from curatarr.posters.libraries import MediaItem, iter_server, library_language, mb_item, plex_item, with_details

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


def _show_key(raw: Any, server_type: str) -> str | None:
    """The id of the show a season or episode belongs to (None for a movie or show, or when the
    server names no show)."""
    if server_type == "plex":
        key = {"season": raw.parent_rating_key, "episode": raw.grandparent_rating_key}.get(raw.type)
        return str(key) if key else None
    return raw.series_id if raw.type in ("Season", "Episode") and raw.series_id else None


def find_items(client: Any, server: str, server_type: str, target: ItemTarget, *, exclude=(),
               db: Any = None) -> list[MediaItem]:
    """The library items a trigger names on one server ([] when the server does not have it yet).
    With ``db``, an item an earlier run recorded under the trigger's ids is fetched by its server id
    first (upgrades and new episodes of known shows: found even when the titles differ)."""
    from curatarr.connectors.errors import NotFound

    excluded = {x.lower() for x in exclude}
    if target.rating_key and server_type == "plex":
        try:
            raw = client.item(target.rating_key)
        except NotFound:
            return []
        if raw.type in ("season", "episode"):
            if target.season is None:
                target.season = raw.index if raw.type == "season" else raw.parent_index
            if raw.type == "episode" and not target.episodes and raw.index is not None:
                target.episodes = [raw.index]
            raw = client.item(_show_key(raw, server_type))
        for section in client.sections():
            if section.key == str(raw.section_key):
                if section.title.lower() in excluded:
                    return []
                item = plex_item(client, server, section.title, raw, language=library_language(section))
                return [item] if item else []
        return []
    if target.rating_key and server_type in ("jellyfin", "emby"):
        try:
            raw = client.item(target.rating_key)
        except NotFound:
            return []
        if show_key := _show_key(raw, server_type):
            raw = client.item(show_key)
        item = mb_item(client, server, server_type, "", raw)
        return [item] if item else []
    kind = "show" if target.media_type in ("show", "season", "episode") else "movie"
    found = _known_lookup(db, client, server, server_type, target, kind, excluded) if db is not None else []
    if not found:
        if server_type == "plex":
            found = _plex_lookup(client, server, target, kind, excluded)
        else:
            found = _mb_lookup(client, server, server_type, target, kind, excluded)
    if found is None:  # the server offers no lookup for what the trigger names: walk the libraries
        found = [i for i in iter_server(client, server, server_type, exclude=exclude, details=False)
                 if i.kind == kind and _matches(i, target)]
    return [with_details(client, i) for i in found]


def _known_lookup(db: Any, client: Any, server: str, server_type: str, target: ItemTarget, kind: str,
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
        libraries = client.sections() if server_type == "plex" else client.libraries()
        languages = {lib.title if server_type == "plex" else lib.name:
                     library_language(lib) for lib in libraries}
    found = []
    for server_id, library in known:
        if not server_id or (library or "").lower() in excluded:
            continue
        try:
            raw = client.item(server_id)
        except NotFound:  # gone from the server since: the search below decides
            continue
        if server_type == "plex":
            item = plex_item(client, server, library, raw, details=False, language=languages.get(library, ""))
        else:
            item = mb_item(client, server, server_type, library, raw, details=False,
                           language=languages.get(library, ""))
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


def _plex_lookup(client: Any, server: str, target: ItemTarget, kind: str,
                 excluded: set[str]) -> list[MediaItem] | None:
    if not target.title:
        return None
    sections = [s for s in client.sections() if s.type == kind and s.title.lower() not in excluded]
    for query in title_queries(target.title):
        found = []
        for section in sections:
            for raw in client.iter_items(section.key, title=query):
                item = plex_item(client, server, section.title, raw, details=False, language=library_language(section))
                if item is not None and _matches(item, target):
                    found.append(item)
        if found:
            return found
    return []


def _library_of(raw: Any, libraries: list) -> Any:
    """The library folder an item lives in: by path under one of its locations, else by parent id."""
    path = (raw.path or "").replace("\\", "/")
    for lib in libraries:
        for location in lib.locations:
            root = location.replace("\\", "/").rstrip("/") + "/"
            if path.startswith(root):
                return lib
    return next((lib for lib in libraries if lib.id == raw.parent_id), libraries[0] if len(libraries) == 1 else None)


def _mb_lookup(client: Any, server: str, server_type: str, target: ItemTarget, kind: str,
               excluded: set[str]) -> list[MediaItem] | None:
    ids = {k: str(getattr(target, k)) for k in ("tmdb", "tvdb", "imdb") if getattr(target, k)}
    types = ["Movie"] if kind == "movie" else ["Series"]
    by_ids = server_type == "emby" and bool(ids)
    if not by_ids and not target.title:
        return None
    collection = "movies" if kind == "movie" else "tvshows"
    libraries = [lib for lib in client.libraries() if lib.collection_type == collection]
    queries = [None] if by_ids else title_queries(target.title or "")
    for query in queries:
        found = []
        for raw in client.find_items(types, title=query, provider_ids=ids if by_ids else None) or []:
            lib = _library_of(raw, libraries)
            if lib is None or lib.name.lower() in excluded:
                continue
            item = mb_item(client, server, server_type, lib.name, raw, details=False, language=library_language(lib))
            if item is not None and _matches(item, target):
                found.append(item)
        if found:
            return found
    return []


# ---- the skip label on the server (POST /api/assets/skip) -------------------------------------------

def top_item_id(client: Any, server_type: str, server_id: str) -> str:
    """The movie/show a server id belongs to (season and episode ids point to their show): the
    skip label is read from the movie/show, so that is where it must go."""
    raw = client.item(server_id)
    return _show_key(raw, server_type) or (str(raw.rating_key) if server_type == "plex" else raw.id)


def set_skip_label(client: Any, server_type: str, server_id: str, label: str, skip: bool) -> str:
    """Add (``skip``) or remove the skip label/tag on the item's movie/show; returns that item's id.
    Raises the connector's errors (NotFound, Unreachable …) unchanged."""
    top = top_item_id(client, server_type, server_id)
    if server_type == "plex":
        if skip:
            client.add_labels(top, [label])
        else:
            client.remove_labels(top, [label])
    else:
        client.update_tags(top, add=[label] if skip else [], remove=[] if skip else [label])
    return top

