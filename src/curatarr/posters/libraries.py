"""Media items from Plex, Jellyfin and Emby servers — several at once — in one neutral shape,
read through the media-server interface (``connectors.media_server``).

Each item knows its server, library, asset name (the media folder name, as Kometa derives it),
provider ids, labels/tags (the skip label), and for shows its seasons and episodes with the
server's own ids, so assets can be uploaded back to the right object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from curatarr.assets.naming import asset_name_for_path
from curatarr.connectors.media_server import VIDEO_KINDS, MediaServer, ServerItem, ServerLibrary

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
    server_type: str      # the server's type name (MediaServer.server_type)
    library: str
    kind: str             # movie | show
    server_id: str        # the server's item id (Plex rating key / Jellyfin-Emby item id)
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


def library_language(lib: ServerLibrary) -> str:
    """A library's metadata language as ISO 639-1 (``pt-BR`` → ``pt``; "" when the library names none)."""
    return (getattr(lib, "language", "") or "").split("-")[0]


def _asset_name(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return asset_name_for_path(path)
    except ValueError:
        return None


def _season_refs(seasons: Iterable[ServerItem]) -> list[SeasonRef]:
    return [SeasonRef(int(s.index), s.id, s.title) for s in seasons if s.index is not None]


def _episode_refs(episodes: Iterable[ServerItem]) -> list[EpisodeRef]:
    return sorted((EpisodeRef(int(e.parent_index), int(e.index), e.title, e.id) for e in episodes
                   if e.index is not None and e.parent_index is not None), key=lambda e: (e.season, e.episode))


def media_item(client: MediaServer, server: str, library: str, raw: ServerItem, *, details: bool = True,
               language: str = "") -> MediaItem | None:
    """One server movie/show → MediaItem (None when no folder can be derived: Posterizarr's
    "Missing RootFolder")."""
    name = _asset_name(raw.path)
    if name is None:
        return None
    item = MediaItem(server=server, server_type=client.server_type, library=library,
                     kind="movie" if raw.kind == "movie" else "show", server_id=raw.id, title=raw.title,
                     year=raw.year, asset_name=name, path=raw.path or "", original_title=raw.original_title or "",
                     ids=dict(raw.ids), labels=list(raw.labels), language=language)
    return with_details(client, item) if details else item


def _library_children(client: MediaServer, library: ServerLibrary) -> tuple[dict[str, list[SeasonRef]],
                                                                            dict[str, list[EpisodeRef]]]:
    """Every season and episode of a show library in a few paged listings (not two requests per
    show): the difference between minutes and seconds on a 10,000-show library."""
    seasons: dict[str, list[ServerItem]] = {}
    episodes: dict[str, list[ServerItem]] = {}
    for s in client.iter_media(library, "season"):
        if s.index is not None and s.show_id:
            seasons.setdefault(s.show_id, []).append(s)
    for e in client.iter_media(library, "episode"):
        if e.index is not None and e.parent_index is not None and e.show_id:
            episodes.setdefault(e.show_id, []).append(e)
    return ({show: _season_refs(items) for show, items in seasons.items()},
            {show: _episode_refs(items) for show, items in episodes.items()})


def iter_server(client: MediaServer, server: str, *, exclude: Iterable[str] = (), only: Iterable[str] = (),
                details: bool = True) -> Iterator[MediaItem]:
    """Every movie and show of a server's movie/show libraries (``exclude``/``only``: library names)."""
    excluded = {x.lower() for x in exclude}
    wanted = {x.lower() for x in only}
    for library in client.media_libraries():
        if library.kind not in VIDEO_KINDS or library.title.lower() in excluded:
            continue
        if wanted and library.title.lower() not in wanted:
            continue
        seasons, episodes = _library_children(client, library) if details and library.kind == "show" else ({}, {})
        for raw in client.iter_media(library):
            item = media_item(client, server, library.title, raw, details=False, language=library_language(library))
            if item is not None:
                if item.kind == "show" and details:
                    item.seasons = seasons.get(item.server_id, [])
                    item.episodes = episodes.get(item.server_id, [])
                yield item


def with_details(client: MediaServer, item: MediaItem) -> MediaItem:
    """Fill a show's seasons and episodes (items listed with ``details=False``)."""
    if item.kind != "show" or item.seasons:
        return item
    item.seasons = _season_refs(client.show_seasons(item.server_id))
    item.episodes = _episode_refs(client.show_episodes(item.server_id))
    return item
