"""What a poster file's path says about it. Pure: no filesystem access.

A poster-set file is named like ``Title (Year) {tmdb-123}.jpg``, ``Title (Year) - Season 2.png``,
``Title (Year) - Specials.jpg`` or ``Name Collection.jpg``, usually inside a set folder named after
its maker (the *owner*). :func:`parse_poster_path` turns a path relative to its source root into
:class:`PosterFacts`; the matcher (``matching``) decides which media item it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})

PosterKind = Literal["item", "season", "collection"]


@dataclass(frozen=True, slots=True)
class PosterFacts:
    file: str                 # path relative to its source root, "/"-separated, as given
    owner: str | None         # the set folder holding the file (its parent folder name); None at the root
    kind: PosterKind          # "item" (movie or show — a name cannot tell which), "season", "collection"
    title: str                # the title as written, with year, id tags and season suffix removed
    year: int | None = None
    tmdb: int | None = None
    tvdb: int | None = None
    imdb: str | None = None   # "tt0076759"
    season: int | None = None  # 0 = Specials; set only when kind == "season"


_ID_TAG = re.compile(r"[\[{]\s*(tmdb|tvdb|imdb)\s*[-=:]\s*([A-Za-z0-9]+)\s*[\]}]", re.I)
_SEASON = re.compile(r"\s*[-–]\s*(?:season\s*(\d{1,4})|(specials))\s*$", re.I)
_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_COLLECTION = re.compile(r"\bcollection\s*$", re.I)


def parse_poster_path(relpath: str) -> PosterFacts | None:
    """Facts of one poster file, or None when the path is not an image we index (by extension).

    First version (scaffold): ids from ``{tmdb-N}``/``[tvdb-N]``/``{imdb-tt…}`` tags in the name or,
    failing that, the parent folder; ``- Season N`` / ``- Specials`` suffixes; a trailing ``(YYYY)``;
    names ending in "Collection". The matching issue refines this behind the same signature.
    """
    path = PurePosixPath(relpath.replace("\\", "/"))
    if path.suffix.lower() not in IMAGE_EXTENSIONS or not path.stem.strip():
        return None
    owner = path.parent.name or None
    stem = path.stem
    ids: dict[str, str] = {}
    for source in (stem, owner or ""):
        for key, value in _ID_TAG.findall(source):
            ids.setdefault(key.lower(), value)
    stem = _ID_TAG.sub("", stem).strip()
    season: int | None = None
    kind: PosterKind = "item"
    if m := _SEASON.search(stem):
        season = 0 if m.group(2) else int(m.group(1))
        kind = "season"
        stem = stem[: m.start()].strip()
    year: int | None = None
    if m := _YEAR.search(stem):
        year = int(m.group(1))
        stem = stem[: m.start()].strip()
    if kind == "item" and _COLLECTION.search(stem):
        kind = "collection"
    return PosterFacts(
        file=relpath, owner=owner, kind=kind, title=stem, year=year,
        tmdb=_int(ids.get("tmdb")), tvdb=_int(ids.get("tvdb")),
        imdb=ids.get("imdb") if ids.get("imdb", "").startswith("tt") else None,
        season=season,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None
