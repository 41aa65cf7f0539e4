"""Collections in automatic mode (Posterizarr only made them by hand; its users asked, #304).

Collections of a library (Plex: ``/library/sections/{id}/all?type=18`` and each collection's
children) or server-wide ones (Jellyfin/Emby ``BoxSet`` items, whose ``ProviderIds.Tmdb`` is the
TMDB collection id), as ``Capability.LIBRARY_COLLECTIONS`` says. Each collection becomes a
pseudo :class:`MediaItem` (kind ``movie``/``show`` after its library) with one ``collection``
spec written to ``Collections/<Library>/<Title>/poster.jpg`` (flat: ``Collections/<Title>_poster.jpg``).
Titles are sanitised (``AC/DC`` → ``ACDC``): a ``/`` never makes a sub-folder (Posterizarr #379).
The source is the TMDB collection's posters (the collection id comes from the BoxSet, or from a
member movie's ``belongs_to_collection``), else the server's own collection art (marker-checked).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from curatarr.assets.naming import collection_asset_name
from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import VIDEO_KINDS, Capability, MediaServer
from curatarr.posters.libraries import MediaItem, library_language
from curatarr.posters.plan import AssetSpec, render_language

COLLECTION_WORD = "Collection"
_TRAILING_WORD = re.compile(r"\s+collection\s*$", re.IGNORECASE)


def collection_relpath(title: str, library: str, *, layout: str = "folders", library_folders: bool = True) -> str:
    """Where a collection poster goes (raises ValueError for a title that sanitises to nothing)."""
    name = collection_asset_name(title)
    if layout == "flat":
        return f"Collections/{name}_poster.jpg"
    if library_folders and library:
        return f"Collections/{collection_asset_name(library)}/{name}/poster.jpg"
    return f"Collections/{name}/poster.jpg"


def collection_texts(title: str, language: str = "") -> dict[str, Any]:
    """Title + the "Collection" word; "The Matrix Collection" draws "The Matrix" above the word."""
    shown = _TRAILING_WORD.sub("", title).strip() or title
    texts: dict[str, Any] = {"title": shown, "collection_word": COLLECTION_WORD}
    code = render_language(language)
    if code:
        texts["language"] = code
    return texts


def collection_spec(cfg: Any, item: MediaItem) -> AssetSpec | None:
    try:
        key = collection_relpath(item.title, item.library, layout=cfg.layout, library_folders=cfg.library_folders)
    except ValueError:
        return None
    return AssetSpec(key, "collection", "movie", item.title, collection_texts(item.title, item.language),
                     server_image="poster", server_id=item.server_id)


def _pseudo_item(server: str, stype: str, library: str, kind: str, server_id: str, title: str, *,
                 tmdb_collection: str = "", members: Iterable[str] = (), labels: Iterable[str] = (),
                 language: str = "") -> MediaItem:
    ids = {"tmdb_collection": tmdb_collection} if tmdb_collection else {}
    member_ids = [m for m in members if m]
    if member_ids and kind == "movie":
        ids["tmdb_members"] = ",".join(member_ids)
    return MediaItem(server=server, server_type=stype, library=library, kind=kind, server_id=server_id,
                     title=title, year=None, asset_name=title, path="", ids=ids, labels=list(labels),
                     language=language, collection=True)


def iter_library_collections(client: MediaServer, server: str, *, exclude: Iterable[str] = ()) -> Iterator[MediaItem]:
    """Collections that belong to a library (Plex): every movie/show library not excluded."""
    excluded = {x.lower() for x in exclude}
    for library in client.media_libraries():
        if library.kind not in VIDEO_KINDS or library.title.lower() in excluded:
            continue
        language = library_language(library)
        for coll in client.media_collections(library):
            members = client.collection_members(coll.id) if library.kind == "movie" else []
            yield _pseudo_item(server, client.server_type, library.title, library.kind, coll.id, coll.title,
                               members=[m.ids.get("tmdb", "") for m in members], labels=coll.labels,
                               language=language)


def iter_server_collections(client: MediaServer, server: str,
                            libraries: dict[str, tuple[str, str]]) -> Iterator[MediaItem]:
    """Server-wide collections (Jellyfin/Emby BoxSets) whose members are in a library that was read
    (``libraries``: member id → (library, language)); a collection of excluded libraries only is skipped."""
    for box in client.media_collections():
        members = client.collection_members(box.id)
        home = next((libraries[m.id] for m in members if m.id in libraries), None)
        if home is None:
            continue
        kind = "show" if members and all(m.kind == "show" for m in members) else "movie"
        yield _pseudo_item(server, client.server_type, home[0], kind, box.id, box.title,
                           tmdb_collection=box.ids.get("tmdb", ""),
                           members=[m.ids.get("tmdb", "") for m in members if m.kind == "movie"], labels=box.labels,
                           language=home[1])


def read_collections(ctx, cfg, servers: list[tuple[str, str, MediaServer]], items: list[MediaItem]) -> list[MediaItem]:
    """Every collection of every server ((name, type, client) each; errors are per server, counted,
    never fatal)."""
    out: list[MediaItem] = []
    for name, _type, client in servers:
        try:
            if Capability.LIBRARY_COLLECTIONS in client.capabilities:
                found = list(iter_library_collections(client, name, exclude=cfg.exclude_libraries))
            else:
                libraries = {i.server_id: (i.library, i.language) for i in items if i.server == name}
                found = list(iter_server_collections(client, name, libraries))
        except ConnectorError as exc:
            ctx.result.error_item(name, f"could not read the collections: {exc}")
            ctx.result.count("errors")
            continue
        seen: set[str] = set()
        for coll in found:
            spec = collection_spec(cfg, coll)
            if spec is None or spec.key in seen:  # "AC/DC" and "ACDC" would share one file: first wins
                ctx.result.warn(f"collection {coll.title!r} of {name} skipped: its file name is empty or taken")
                continue
            seen.add(spec.key)
            out.append(coll)
    return out
