"""The media-server interface: what Curatarr asks of Plex, Jellyfin and Emby, in one vocabulary.

``PlexClient`` and ``MediaBrowserClient`` (Jellyfin and Emby) implement :class:`MediaServer`;
code above ``connectors/`` talks to a media server only through it and never asks which server it
is. What only some servers can do is a :class:`Capability` in ``client.capabilities``; a method
behind a capability the server lacks raises :class:`Unsupported`.

Items and libraries come back normalised (:class:`ServerItem`, :class:`ServerLibrary`), with
Plex's words for kinds: ``movie``, ``show``, ``season``, ``episode``, ``artist``, ``album``,
``collection`` (libraries: ``movie``, ``show``, ``artist``, ``photo``, ``other``). Artwork slots
are ``poster`` and ``background``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Iterator, Literal, Protocol, runtime_checkable

from curatarr.connectors.errors import ConnectorError

ArtworkSlot = Literal["poster", "background"]


class Capability(StrEnum):
    """What only some media servers can do."""

    #: Item ids are what Tautulli sends (Plex rating keys); a season/episode id names that season
    #: or episode of its show.
    RATING_KEYS = "rating_keys"
    #: Libraries are Plex library sections: the Posterizarr routes about Plex
    #: (``/api/plex/{instance}/libraries``, ``/api/plex-export/…``) are about these servers.
    PLEX_SECTIONS = "plex_sections"
    #: Kometa marks items whose poster carries its overlays with the ``Overlay`` label; a fresh
    #: poster upload removes it so Kometa re-applies them.
    OVERLAY_LABEL = "overlay_label"
    #: Empty trash, clean bundles, optimize the database (Plex maintenance: ``empty_trash()``,
    #: ``clean_bundles()``, ``optimize()``).
    MAINTENANCE = "maintenance"
    #: The server's library database can be downloaded (Plex ``/diagnostics/databases``:
    #: ``download_library_database(dest, max_bytes=…)``); its Metadata bundles are what poster
    #: cleanup works on.
    LIBRARY_DATABASE = "library_database"
    #: ``find_media`` can look items up by provider ids (Emby's ``AnyProviderIdEquals``).
    PROVIDER_ID_LOOKUP = "provider_id_lookup"
    #: Collections belong to one library (Plex); without it they are server-wide (BoxSets) and
    #: live where their members are.
    LIBRARY_COLLECTIONS = "library_collections"
    #: The server keeps every poster it was offered; one can be selected again (poster reset).
    POSTER_SELECT = "poster_select"
    #: A separate ``Thumb`` image that can follow the background (Jellyfin/Emby).
    THUMB_IMAGE = "thumb_image"
    #: Posterizarr's sync mode copies this server's art to the servers without it.
    SYNC_SOURCE = "sync_source"
    #: Items carry free-form labels that can be read (``ServerItem.labels`` in listings) and edited
    #: with ``add_labels``/``remove_labels``: Plex labels, Jellyfin/Emby tags (labelarr).
    ITEM_LABELS = "item_labels"


class Unsupported(ConnectorError):
    """The server cannot do what was asked (it lacks the capability)."""


@dataclass(frozen=True, slots=True)
class ServerLibrary:
    """A Plex section / Jellyfin-Emby library folder."""

    id: str
    title: str
    kind: str                          # movie | show | artist | photo | other
    language: str = ""                 # metadata language as the server names it (``pt-BR``; "" = default)
    locations: tuple[str, ...] = ()


@dataclass(slots=True)
class ServerItem:
    """One item of a media server."""

    id: str
    kind: str                          # movie | show | season | episode | artist | album | collection | other
    title: str
    year: int | None = None
    original_title: str = ""
    path: str | None = None            # a movie's file, a show's folder (what names its assets)
    ids: dict[str, str] = field(default_factory=dict)      # imdb / tmdb / tvdb … (lower-case)
    labels: list[str] = field(default_factory=list)        # Plex labels / Jellyfin-Emby tags
    index: int | None = None           # season number of a season, episode number of an episode
    parent_index: int | None = None    # season number of an episode
    show_id: str | None = None         # the show a season or episode belongs to
    library_id: str | None = None      # set when the server tells an item's library (Plex)
    parent_id: str | None = None       # Jellyfin/Emby ParentId (finds the library of a search hit)


@runtime_checkable
class MediaServer(Protocol):
    """A Plex, Jellyfin or Emby server (see the module docstring and docs/media-servers.md)."""

    @property
    def server_type(self) -> str: ...                 # plex | jellyfin | emby (data, never compared above connectors/)

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    def close(self) -> None: ...

    # ---- libraries and items
    def media_libraries(self) -> list[ServerLibrary]: ...

    def iter_media(self, library: ServerLibrary, kind: str | None = None) -> Iterator[ServerItem]:
        """The library's top-level items (movies or shows), or every season/episode of a show library."""
        ...

    def count_media(self, library: ServerLibrary) -> int | None: ...

    def media_item(self, item_id: str) -> ServerItem: ...

    def show_seasons(self, show_id: str) -> list[ServerItem]: ...

    def show_episodes(self, show_id: str) -> list[ServerItem]: ...

    def find_media(self, kind: str, *, title: str | None = None, provider_ids: dict[str, str] | None = None,
                   libraries: Iterable[ServerLibrary] = ()) -> list[ServerItem] | None:
        """A server-side lookup of movies/shows by title (in ``libraries`` where the server searches per
        library) or provider ids (``PROVIDER_ID_LOOKUP``); None when the server cannot look up that way."""
        ...

    # ---- collections
    def media_collections(self, library: ServerLibrary | None = None) -> list[ServerItem]: ...

    def collection_members(self, collection_id: str) -> list[ServerItem]: ...

    # ---- artwork
    def artwork(self, item_id: str, slot: ArtworkSlot = "poster") -> bytes: ...

    def upload_artwork(self, item_id: str, slot: ArtworkSlot, data: bytes, *, content_type: str | None = None,
                       thumb_too: bool = False) -> None: ...

    def poster_choices(self, item_id: str) -> list[Any]: ...   # POSTER_SELECT

    def select_poster(self, item_id: str, choice: Any) -> None: ...   # POSTER_SELECT

    # ---- labels (Plex labels, Jellyfin/Emby tags)
    def add_labels(self, item_id: Any, labels: Iterable[str]) -> Any: ...

    def remove_labels(self, item_id: Any, labels: Iterable[str]) -> Any: ...


#: Library kinds whose items get artwork (movies and shows).
VIDEO_KINDS = ("movie", "show")


__all__ = ["ArtworkSlot", "Capability", "MediaServer", "ServerItem", "ServerLibrary", "Unsupported", "VIDEO_KINDS"]
