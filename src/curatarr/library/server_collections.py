"""The media servers' own collections (Plex collections, Jellyfin/Emby BoxSets), read through the
media-server interface.

The library cache keeps the servers' movies and shows but not their collections, so they are read
live: one listing per library on servers whose collections belong to a library
(``Capability.LIBRARY_COLLECTIONS``), one server-wide listing otherwise. A server that cannot be
read is reported in ``errors`` instead of failing the whole answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.media_server import VIDEO_KINDS, Capability, MediaServer

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.library.collections")


@dataclass(slots=True)
class ServerCollections:
    """Every collection found, plus the servers that could not be read ({instance, error})."""

    collections: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def collection_entry(instance: str, server_type: str, library: str | None, coll_id: str, title: str,
                     labels: list[str]) -> dict[str, Any]:
    """One server collection in the answer of ``GET /api/media/collections`` (CHUB's
    ``collections_cache`` fields ``title``, ``instance_name``, ``library_name`` are kept)."""
    return {"id": f"{instance}:{coll_id}", "source": "media_server", "name": title, "title": title,
            "instance": instance, "instance_name": instance, "server_type": server_type,
            "library": library, "library_name": library, "native_id": coll_id, "labels": list(labels),
            # Counting members costs one request per collection; the listing does not tell it.
            "item_count": None}


def _read_server(client: MediaServer, instance: str) -> list[dict[str, Any]]:
    if Capability.LIBRARY_COLLECTIONS not in client.capabilities:
        return [collection_entry(instance, client.server_type, None, c.id, c.title, c.labels)
                for c in client.media_collections()]
    out: list[dict[str, Any]] = []
    for library in client.media_libraries():
        if library.kind not in VIDEO_KINDS:
            continue
        out += [collection_entry(instance, client.server_type, library.title, c.id, c.title, c.labels)
                for c in client.media_collections(library)]
    return out


def server_collections(rt: "Runtime") -> ServerCollections:
    """The collections of every enabled media-server instance, sorted by instance and title."""
    from curatarr.instances.factory import build_connector, list_instances

    found = ServerCollections()
    for ref in list_instances(rt, enabled_only=True):
        if ref.spec.category != "media_server":
            continue
        client = None
        try:
            client = build_connector(ref)
            found.collections += _read_server(client, ref.name)
        except (ConnectorError, ValueError) as exc:  # ValueError: the connector refused its settings
            log.info("collections of %s not read: %s", ref.name, exc)
            found.errors.append({"instance": ref.name, "error": str(exc)})
        finally:
            close = getattr(client, "close", None)
            if callable(close):
                close()
    found.collections.sort(key=lambda c: (c["instance"], (c["library"] or "").lower(), c["title"].lower()))
    return found
