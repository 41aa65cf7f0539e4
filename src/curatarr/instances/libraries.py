"""Library sections of a media server instance (Plex, Jellyfin, Emby) for pickers and stats.

Answers ``[{title, type, key}]`` where ``type`` is the server's own section type normalised to
Plex's words (``movie``, ``show``, ``artist``, ``photo``, or ``other``: the media-server
interface's library kinds), so the UI can bucket a library renamed "Cinema" under Movies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curatarr.connectors.media_server import Capability, MediaServer
from curatarr.errors import Invalid, NotFound
from curatarr.instances.factory import build_connector, find_instance
from curatarr.instances.types import InstanceRef
from curatarr.security.urls import check_url

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


def _close(conn: Any) -> None:
    close = getattr(conn, "close", None)
    if callable(close):
        close()


def media_capabilities(ref: InstanceRef) -> frozenset[Capability] | None:
    """The capabilities of a media-server instance; None for other instances (builds its connector:
    no I/O)."""
    if ref.spec.category != "media_server":
        return None
    try:
        conn = build_connector(ref)
    except ValueError:  # a connector refusing its settings is no media server we can ask
        return None
    try:
        return frozenset(conn.capabilities) if isinstance(conn, MediaServer) else None
    finally:
        _close(conn)


def list_libraries(ref: InstanceRef, *, with_counts: bool = False) -> list[dict]:
    """The instance's libraries; raises ConnectorError (Unreachable, AuthFailed, …) on failure."""
    conn = build_connector(ref)
    try:
        if not isinstance(conn, MediaServer):
            raise ValueError(f"{ref.type} instances have no libraries")
        out = []
        for library in conn.media_libraries():
            entry: dict[str, Any] = {"title": library.title, "type": library.kind, "key": str(library.id)}
            if with_counts:
                entry["count"] = conn.count_media(library)
            out.append(entry)
        return out
    finally:
        _close(conn)


def plex_libraries(rt: "Runtime", name: str) -> dict:
    """``GET /api/plex/{instance}/libraries``: the sections of a Plex instance (Invalid for another
    type, UnsafeURL for a refused URL, connector errors as they come)."""
    ref = find_instance(rt, name)
    if ref is None:
        raise NotFound(f"no instance named {name!r}", code="INSTANCE_NOT_FOUND")
    if Capability.PLEX_SECTIONS not in (media_capabilities(ref) or ()):
        raise Invalid(f"instance {name!r} is a {ref.type} instance, not plex")
    check_url(ref.url)
    libraries = list_libraries(ref)
    return {"libraries": [{"title": lib["title"], "type": lib["type"], "key": lib["key"]} for lib in libraries],
            "instance": ref.name}
