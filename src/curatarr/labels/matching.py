"""Pairing *arr items with media-server items by provider ids (tmdb / tvdb / imdb), never by title.

Both indexes are built from streamed listings and keep only ids, titles and the tag/label sets
labelarr needs, so a library of 100,000 items is a few small tuples each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from curatarr.connectors.media_server import ServerItem, ServerLibrary

# Which provider ids identify an item of each *arr, best first.
ARR_KEYS = {"radarr": (("tmdb", "tmdbId"), ("imdb", "imdbId")),
            "sonarr": (("tvdb", "tvdbId"), ("tmdb", "tmdbId"), ("imdb", "imdbId"))}
LIBRARY_KIND = {"radarr": "movie", "sonarr": "show"}


def provider_keys(app: str, wire: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, wire_name in ARR_KEYS[app]:
        value = wire.get(wire_name)
        if value not in (None, "", 0):
            out.append((key, str(value).lower()))
    return out


@dataclass(slots=True)
class ArrEntry:
    id: int
    title: str
    tags: set[int] = field(default_factory=set)


class ArrIndex:
    """Every item of one Radarr/Sonarr by provider id, with the tags labelarr maps."""

    def __init__(self, app: str):
        self.app = app
        self.by_key: dict[tuple[str, str], ArrEntry] = {}
        self.size = 0

    def build(self, client: Any, wanted_tags: set[int], check_cancelled: Callable[[], None] = lambda: None) -> "ArrIndex":
        for n, (item, _text) in enumerate(client.stream_items()):
            if n % 500 == 0:
                check_cancelled()
            if isinstance(item, dict) and "id" in item:
                self.add(item, wanted_tags)
        return self

    def add(self, item: dict[str, Any], wanted_tags: set[int]) -> ArrEntry:
        entry = ArrEntry(int(item["id"]), str(item.get("title") or f"#{item['id']}"),
                         {t for t in item.get("tags") or () if t in wanted_tags})
        self.size += 1
        for key in provider_keys(self.app, item):
            self.by_key.setdefault(key, entry)
        return entry

    def match(self, item: ServerItem) -> ArrEntry | None:
        for key, _wire in ARR_KEYS[self.app]:
            value = item.ids.get(key)
            if value:
                found = self.by_key.get((key, str(value).lower()))
                if found is not None:
                    return found
        return None


def libraries_for(server: Any, app: str, names: Iterable[str]) -> tuple[list[ServerLibrary], list[str]]:
    """The server's libraries of the app's kind (only ``names`` when given) and the names not found."""
    kind = LIBRARY_KIND[app]
    libraries = [lib for lib in server.media_libraries() if lib.kind == kind]
    wanted = [n for n in names if n]
    if not wanted:
        return libraries, []
    by_title = {lib.title.lower(): lib for lib in libraries}
    return [by_title[n.lower()] for n in wanted if n.lower() in by_title], \
        [n for n in wanted if n.lower() not in by_title]


def server_items(server: Any, libraries: Iterable[ServerLibrary],
                 check_cancelled: Callable[[], None] = lambda: None) -> Iterator[ServerItem]:
    for library in libraries:
        for n, item in enumerate(server.iter_media(library)):
            if n % 500 == 0:
                check_cancelled()
            yield item
