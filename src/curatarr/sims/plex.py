"""Plex Media Server simulator (the slice of the PMS HTTP API that plexapi, CHUB, Kometa and
Posterizarr use; see reference/contracts.md §6).

* Auth: ``X-Plex-Token`` header or query parameter, else 401 (``/identity`` is public).
* XML by default; ``Accept: application/json`` returns the same tree as JSON, with library items
  under ``Metadata`` and sections under ``Directory`` (PMS's mapping rules).
* Paging: ``X-Plex-Container-Start`` / ``-Size`` as headers or query parameters; containers
  carry ``size`` / ``totalSize`` / ``offset``.
* Stateful: label/tag edits, uploaded or selected posters and arts, deleted posters and the
  maintenance calls show up in later responses and in ``/__sim__/state``.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator
from urllib.parse import quote, unquote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response

from curatarr.sims.base import SimApp
from curatarr.sims.images import render_artwork
from curatarr.sims.library import (
    Album,
    Artist,
    Artwork,
    Episode,
    Movie,
    SampleLibrary,
    Season,
    Show,
    stable_hex,
    stable_int,
)
from curatarr.sims.plex_xml import Node, render

TYPE_IDS = {"movie": 1, "show": 2, "season": 3, "episode": 4, "artist": 8, "album": 9, "track": 10}
TYPE_NAMES = {v: k for k, v in TYPE_IDS.items()}
SECTION_TYPES = {"movie": "movie", "show": "show", "artist": "artist"}
AGENTS = {"movie": ("tv.plex.agents.movie", "Plex Movie"),
          "show": ("tv.plex.agents.series", "Plex TV Series"),
          "artist": ("tv.plex.agents.music", "Plex Music")}
DEFAULT_SECTION_TITLES = {"movie": "Movies", "show": "TV Shows", "artist": "Music"}
BASE_TS = 1_717_300_000  # every timestamp is derived from this: responses are deterministic
POSTER_KINDS = {"movie": ("poster",), "show": ("poster",), "artist": ("poster",), "album": ("poster",),
                "season": ("season", "poster"), "episode": ("still",)}
TAG_PARAM = re.compile(r"^(?P<tag>[a-zA-Z]+)\[(?P<index>\d*)\]\.tag\.tag(?P<remove>-?)$")
TAG_ELEMENTS = {"label": "Label", "genre": "Genre", "collection": "Collection"}
PlexItem = Movie | Show | Season | Episode | Artist | Album


@dataclass
class PlexImage:
    """One entry of ``/posters`` or ``/arts``: an agent image (rendered from the sample artwork)
    or an upload (bytes kept in memory)."""

    rating_key: str
    provider: str
    artwork: Artwork | None = None
    data: bytes | None = None


@dataclass
class ImageSet:
    images: list[PlexImage] = field(default_factory=list)
    selected: int | None = None
    version: int = BASE_TS

    def current(self) -> PlexImage | None:
        return self.images[self.selected] if self.selected is not None else None


@dataclass
class ItemState:
    """What a user can change about an item through the API."""

    tags: dict[str, list[str]]
    title: str
    posters: ImageSet | None = None
    arts: ImageSet | None = None


@dataclass
class Section:
    key: int
    type: str
    title: str
    locations: list[str]
    items: list[PlexItem]


class PlexLibrary:
    """The server's view of the sample library: sections, rating-key index and item state."""

    def __init__(self, library: SampleLibrary, *, instance: str, section_titles: dict[str, str],
                 small_images: bool):
        self.library = library
        self.instance = instance
        self.small_images = small_images
        self.machine_id = stable_hex("plex", instance)
        titles = {**DEFAULT_SECTION_TITLES, **section_titles}
        roots: dict[str, list[str]] = {}
        for root in library.root_folders:
            roots.setdefault(root.media, []).append(root.path)
        self.sections: list[Section] = []
        for media, items in (("movie", library.movies), ("show", library.shows), ("artist", library.artists)):
            if items:
                self.sections.append(Section(len(self.sections) + 1, media, titles[media],
                                             roots.get(media) or sorted({i.root_folder for i in items}),
                                             list(items)))
        self.parents: dict[int, tuple[Section, PlexItem | None, PlexItem | None]] = {}
        self.index: dict[int, PlexItem] = {}
        for section in self.sections:
            for item in section.items:
                self._add(item, section, None, None)
        self.state: dict[int, ItemState] = {}
        self.trash_emptied: list[int] = []

    def _add(self, item: PlexItem, section: Section, parent: PlexItem | None, grand: PlexItem | None) -> None:
        self.index[item.plex_rating_key] = item
        self.parents[item.plex_rating_key] = (section, parent, grand)
        for child in children_of(item):
            self._add(child, section, item, parent)

    def section(self, key: int | str) -> Section | None:
        return next((s for s in self.sections if str(s.key) == str(key)), None)

    def item_state(self, rk: int) -> ItemState:
        state = self.state.get(rk)
        if state is None:
            item = self.index[rk]
            genres = list(getattr(item, "genres", []) or [])
            labels = [self.library.tags[t] for t in getattr(item, "tags", []) if t in self.library.tags]
            collection = getattr(item, "collection", None)
            state = self.state[rk] = ItemState(
                tags={"label": labels, "genre": genres, "collection": [collection.name] if collection else []},
                title=item_title(item))
        return state

    def images(self, rk: int, kind: str) -> ImageSet:
        """Posters (``kind="posters"``) or arts of an item, built from its sample artwork on first use."""
        state = self.item_state(rk)
        existing = state.posters if kind == "posters" else state.arts
        if existing is not None:
            return existing
        item = self.index[rk]
        type_ = plex_type(item)
        wanted = POSTER_KINDS[type_] if kind == "posters" else ("background",)
        agent = AGENTS[self.parents[rk][0].type][0]
        image_set = ImageSet(version=BASE_TS + stable_int(rk, kind) % 1_000_000)
        candidates = [a for a in getattr(item, "artworks", []) if a.kind in wanted]
        for art in candidates:
            image_set.images.append(PlexImage(f"metadata://{kind}/{agent}_{art.provider_id}", agent, artwork=art))
        if image_set.images:
            english = next((i for i, a in enumerate(candidates) if a.language == "en"), 0)
            image_set.selected = english
        if kind == "posters":
            state.posters = image_set
        else:
            state.arts = image_set
        return image_set

    def image_bytes(self, rk: int, image: PlexImage) -> tuple[bytes, str]:
        if image.data is not None:
            return image.data, sniff_mime(image.data)
        art = image.artwork
        assert art is not None
        return render_artwork(art, item_title(self.index[rk]), small=self.small_images), art.mime_type


def children_of(item: PlexItem) -> list[PlexItem]:
    if isinstance(item, Show):
        return list(item.seasons)
    if isinstance(item, Season):
        return list(item.episodes)
    if isinstance(item, Artist):
        return list(item.albums)
    return []


def plex_type(item: PlexItem) -> str:
    return {Movie: "movie", Show: "show", Season: "season", Episode: "episode",
            Artist: "artist", Album: "album"}[type(item)]


def item_title(item: PlexItem) -> str:
    if isinstance(item, Season):
        return "Specials" if item.number == 0 else f"Season {item.number}"
    if isinstance(item, Artist):
        return item.name
    return item.title


def sniff_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def iso_to_ts(value: str | None) -> int:
    if not value:
        return BASE_TS
    try:
        return int(time.mktime(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")))
    except ValueError:
        return int(time.mktime(time.strptime(value[:10], "%Y-%m-%d")))
