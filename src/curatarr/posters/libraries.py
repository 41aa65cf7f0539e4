"""Media items from Plex, Jellyfin and Emby servers — several at once — in one neutral shape.

Each item knows its server, library, asset name (the media folder name, as Kometa derives it),
provider ids, labels/tags (the skip label), and for shows its seasons and episodes with the
server's own ids, so assets can be uploaded back to the right object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from curatarr.assets.naming import asset_name_for_path

SKIP_LABEL = "skip_posterizarr"


@dataclass(frozen=True, slots=True)
class EpisodeRef:
    season: int
    episode: int
    title: str
    server_id: str


@dataclass(frozen=True, slots=True)
class SeasonRef:
    number: int
    server_id: str
    name: str = ""


@dataclass(slots=True)
class MediaItem:
    server: str           # instance name
    server_type: str      # plex | jellyfin | emby
    library: str
    kind: str             # movie | show
    server_id: str        # Plex rating key / Jellyfin item id
    title: str
    year: int | None
    asset_name: str       # media folder name on disk
    path: str
    original_title: str = ""
    ids: dict[str, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    seasons: list[SeasonRef] = field(default_factory=list)
    episodes: list[EpisodeRef] = field(default_factory=list)
    language: str = ""    # library language (ISO 639-1): RTL / CJK faces in the renderer
    collection: bool = False  # a Plex collection / Jellyfin-Emby BoxSet (see posters.collections)

    @property
    def key(self) -> str:
        return f"{self.server}:{self.server_id}"

    def skipped(self, label: str = SKIP_LABEL) -> bool:
        wanted = label.lower()
        return any(str(x).lower() == wanted for x in self.labels)


def library_language(lib: Any) -> str:
    """A Plex section's / Jellyfin-Emby library's metadata language as ISO 639-1 (``pt-BR`` → ``pt``;
    "" when the library names none)."""
    return (getattr(lib, "language", "") or "").split("-")[0]


def _asset_name(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return asset_name_for_path(path)
    except ValueError:
        return None


# ---- Plex ------------------------------------------------------------------------------------------

def plex_item(client: Any, server: str, library: str, raw: Any, *, details: bool = True,
              language: str = "") -> MediaItem | None:
    """One Plex movie/show → MediaItem (None when no folder can be derived: Posterizarr's
    "Missing RootFolder")."""
    path = (raw.files[0] if raw.files else None) if raw.type == "movie" else (raw.locations[0] if raw.locations else None)
    name = _asset_name(path)
    if name is None:
        return None
    item = MediaItem(server=server, server_type="plex", library=library, kind="movie" if raw.type == "movie" else "show",
                     server_id=str(raw.rating_key), title=raw.title, year=raw.year, asset_name=name, path=path or "",
                     original_title=raw.original_title or "", ids=dict(raw.ids), labels=list(raw.labels),
                     language=language)
    if item.kind == "show" and details:
        item.seasons = [SeasonRef(int(s.index), str(s.rating_key), s.title) for s in client.children(raw.rating_key)
                        if s.index is not None]
        item.episodes = sorted(
            (EpisodeRef(int(e.parent_index), int(e.index), e.title, str(e.rating_key))
             for e in client.all_leaves(raw.rating_key) if e.index is not None and e.parent_index is not None),
            key=lambda e: (e.season, e.episode))
    return item


def _plex_children(client: Any, section_key: str) -> tuple[dict[str, list[SeasonRef]], dict[str, list[EpisodeRef]]]:
    """Every season and episode of a show section in a few paged listings (not two requests per
    show): the difference between minutes and seconds on a 10,000-show library."""
    seasons: dict[str, list[SeasonRef]] = {}
    episodes: dict[str, list[EpisodeRef]] = {}
    for s in client.iter_items(section_key, libtype="season", include_guids=False):
        if s.index is not None and s.parent_rating_key:
            seasons.setdefault(str(s.parent_rating_key), []).append(SeasonRef(int(s.index), str(s.rating_key), s.title))
    for e in client.iter_items(section_key, libtype="episode", include_guids=False):
        if e.index is not None and e.parent_index is not None and e.grandparent_rating_key:
            episodes.setdefault(str(e.grandparent_rating_key), []).append(
                EpisodeRef(int(e.parent_index), int(e.index), e.title, str(e.rating_key)))
    return seasons, episodes


def _mb_children(client: Any, library_id: str) -> tuple[dict[str, list[SeasonRef]], dict[str, list[EpisodeRef]]]:
    seasons: dict[str, list[SeasonRef]] = {}
    episodes: dict[str, list[EpisodeRef]] = {}
    for s in client.iter_items(library_id, ["Season"]):
        if s.index is not None and (s.series_id or s.parent_id):
            seasons.setdefault(s.series_id or s.parent_id, []).append(SeasonRef(int(s.index), s.id, s.name))
    for e in client.iter_items(library_id, ["Episode"]):
        if e.index is not None and e.parent_index is not None and e.series_id:
            episodes.setdefault(e.series_id, []).append(EpisodeRef(int(e.parent_index), int(e.index), e.name, e.id))
    return seasons, episodes


def iter_plex(client: Any, server: str, *, exclude: Iterable[str] = (), only: Iterable[str] = (),
              details: bool = True) -> Iterator[MediaItem]:
    excluded = {x.lower() for x in exclude}
    wanted = {x.lower() for x in only}
    for section in client.sections():
        if section.type not in ("movie", "show") or section.title.lower() in excluded:
            continue
        if wanted and section.title.lower() not in wanted:
            continue
        seasons, episodes = _plex_children(client, section.key) if details and section.type == "show" else ({}, {})
        for raw in client.iter_items(section.key):
            item = plex_item(client, server, section.title, raw, details=False, language=library_language(section))
            if item is not None:
                if item.kind == "show" and details:
                    item.seasons = seasons.get(item.server_id, [])
                    item.episodes = sorted(episodes.get(item.server_id, []), key=lambda e: (e.season, e.episode))
                yield item


# ---- Jellyfin / Emby ---------------------------------------------------------------------------------

def mb_item(client: Any, server: str, server_type: str, library: str, raw: Any, *, details: bool = True,
            language: str = "") -> MediaItem | None:
    name = _asset_name(raw.path)
    if name is None:
        return None
    item = MediaItem(server=server, server_type=server_type, library=library,
                     kind="movie" if raw.type == "Movie" else "show", server_id=raw.id, title=raw.name,
                     year=raw.year, asset_name=name, path=raw.path or "", original_title=raw.original_title or "",
                     ids=dict(raw.ids), labels=list(raw.tags), language=language)
    if item.kind == "show" and details:
        item.seasons = [SeasonRef(int(s.index), s.id, s.name) for s in client.seasons(raw.id) if s.index is not None]
        item.episodes = sorted(
            (EpisodeRef(int(e.parent_index), int(e.index), e.name, e.id)
             for e in client.episodes(raw.id) if e.index is not None and e.parent_index is not None),
            key=lambda e: (e.season, e.episode))
    return item


def iter_mediabrowser(client: Any, server: str, server_type: str, *, exclude: Iterable[str] = (),
                      only: Iterable[str] = (), details: bool = True) -> Iterator[MediaItem]:
    excluded = {x.lower() for x in exclude}
    wanted = {x.lower() for x in only}
    for lib in client.libraries():
        if lib.collection_type not in ("movies", "tvshows") or lib.name.lower() in excluded:
            continue
        if wanted and lib.name.lower() not in wanted:
            continue
        types = ["Movie"] if lib.collection_type == "movies" else ["Series"]
        seasons, episodes = _mb_children(client, lib.id) if details and lib.collection_type == "tvshows" else ({}, {})
        for raw in client.iter_items(lib.id, types):
            item = mb_item(client, server, server_type, lib.name, raw, details=False, language=library_language(lib))
            if item is not None:
                if item.kind == "show" and details:
                    item.seasons = seasons.get(item.server_id, [])
                    item.episodes = sorted(episodes.get(item.server_id, []), key=lambda e: (e.season, e.episode))
                yield item


def iter_server(client: Any, server: str, server_type: str, **kw: Any) -> Iterator[MediaItem]:
    if server_type == "plex":
        return iter_plex(client, server, **kw)
    return iter_mediabrowser(client, server, server_type, **kw)


def with_details(client: Any, item: MediaItem) -> MediaItem:
    """Fill a show's seasons and episodes (items listed with ``details=False``)."""
    if item.kind != "show" or item.seasons:
        return item
    if item.server_type == "plex":
        item.seasons = [SeasonRef(int(s.index), str(s.rating_key), s.title) for s in client.children(item.server_id)
                        if s.index is not None]
        leaves = [(e.parent_index, e.index, e.title, e.rating_key) for e in client.all_leaves(item.server_id)]
    else:
        item.seasons = [SeasonRef(int(s.index), s.id, s.name) for s in client.seasons(item.server_id)
                        if s.index is not None]
        leaves = [(e.parent_index, e.index, e.name, e.id) for e in client.episodes(item.server_id)]
    item.episodes = sorted((EpisodeRef(int(s), int(e), t, str(k)) for s, e, t, k in leaves
                            if s is not None and e is not None), key=lambda e: (e.season, e.episode))
    return item
