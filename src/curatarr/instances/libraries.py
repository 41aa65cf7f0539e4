"""Library sections of a media server instance (Plex, Jellyfin, Emby) for pickers and stats.

Answers ``[{title, type, key}]`` where ``type`` is the server's own section type normalised to
Plex's words (``movie``, ``show``, ``artist``, ``photo``, or ``other``), so the UI can bucket a
library renamed "Cinema" under Movies.
"""

from __future__ import annotations

from typing import Any

from curatarr.instances.factory import build_connector
from curatarr.instances.types import InstanceRef

# Jellyfin/Emby CollectionType → Plex section type.
_MB_TYPES = {"movies": "movie", "tvshows": "show", "music": "artist", "homevideos": "photo", "photos": "photo",
             "musicvideos": "other", "boxsets": "other", "books": "other", "mixed": "other"}


def _close(conn: Any) -> None:
    close = getattr(conn, "close", None)
    if callable(close):
        close()


# Jellyfin/Emby item types counted per library type (top-level items, like the *arr counts).
_MB_COUNT_TYPES = {"movie": ("Movie",), "show": ("Series",), "artist": ("MusicArtist",)}


def _plex_count(conn: Any, key: str) -> int | None:
    counter = getattr(conn, "section_count", None)  # cheap totalSize query when the connector has one
    if callable(counter):
        return counter(key)
    return sum(1 for _ in conn.iter_items(key, include_guids=False))


def _plex_sections(conn: Any, with_counts: bool) -> list[dict]:
    out = []
    for section in conn.sections():
        entry = {"title": section.title, "type": section.type or "other", "key": str(section.key)}
        if with_counts:
            entry["count"] = _plex_count(conn, entry["key"])
        out.append(entry)
    return out


def _mediabrowser_libraries(conn: Any, with_counts: bool) -> list[dict]:
    out = []
    for lib in conn.libraries():
        kind = (lib.collection_type or "").lower()
        entry = {"title": lib.name, "type": _MB_TYPES.get(kind, "other"), "key": str(lib.id)}
        if with_counts:
            types = _MB_COUNT_TYPES.get(entry["type"])
            entry["count"] = sum(1 for _ in conn.iter_items(lib.id, types, fields=())) if types else None
        out.append(entry)
    return out


def list_libraries(ref: InstanceRef, *, with_counts: bool = False) -> list[dict]:
    """The instance's libraries; raises ConnectorError (Unreachable, AuthFailed, …) on failure."""
    conn = build_connector(ref)
    try:
        if ref.type == "plex":
            return _plex_sections(conn, with_counts)
        if ref.type in ("jellyfin", "emby"):
            return _mediabrowser_libraries(conn, with_counts)
        raise ValueError(f"{ref.type} instances have no libraries")
    finally:
        _close(conn)
