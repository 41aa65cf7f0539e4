"""What a poster file's path says about it. Pure: no filesystem access.

Two layouts are understood (TPDb/MediUX sets, Drive mirrors, Kometa asset folders):

* flat: ``Owner/Title (Year) {tmdb-123}.jpg``, ``Owner/Title (Year) - Season 2.png``,
  ``Owner/Title (Year) - Specials.jpg``, ``Owner/Title (Year)_Season02.jpg``, ``Owner/Name Collection.jpg``;
* folder: ``Owner/Title (Year) {tvdb-5}/poster.jpg`` and ``…/Season02.jpg`` / ``…/Specials.jpg`` — the
  title, year and ids come from the media folder, the owner is the folder above it.

:func:`parse_poster_path` turns a path relative to its source root into :class:`PosterFacts`:

* ``None`` only when the file is not an image we index (by extension) or the name is empty;
* otherwise facts; a name we cannot use as a poster (episode title card, background, hidden file,
  nothing left of the title and no id) has ``problem`` set to the reason, and the matcher reports that
  reason instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})

PosterKind = Literal["item", "season", "collection"]


@dataclass(frozen=True, slots=True)
class PosterFacts:
    file: str                 # path relative to its source root, "/"-separated, as given
    owner: str | None         # the set folder holding the file; None at the root
    kind: PosterKind          # "item" (movie or show — a name cannot tell which), "season", "collection"
    title: str                # the title as written, with year, id tags and season suffix removed
    year: int | None = None
    tmdb: int | None = None
    tvdb: int | None = None
    imdb: str | None = None   # "tt0076759"
    season: int | None = None  # 0 = Specials; set only when kind == "season"
    problem: str | None = None  # why this name cannot be matched (None = a usable poster name)


# {tmdb-123} [tvdb=5] {imdb-tt0076759} {tmdbid-123}; the bare forms (tmdb_123, "tmdbid 123") are only
# trusted outside the title text, i.e. anywhere once the bracketed ones are gone and the token stands alone.
_ID_TAG = re.compile(r"[\[{(]\s*(tmdb|tvdb|imdb)(?:id)?\s*[-=:_ ]\s*(tt\d{1,12}|\d{1,18})\s*[\]})]", re.I)
_BARE_ID = re.compile(r"(?<![A-Za-z0-9])(tmdb|tvdb|imdb)(?:id)?[-_ ]?(tt\d{1,12}|\d{1,18})(?![A-Za-z0-9])", re.I)
_OTHER_TAG = re.compile(r"\{[^{}]*\}")  # Kometa {edition-…} and other curly tags carry no title text
_SEASON_SUFFIX = re.compile(
    r"(?:\s*[-–—]\s*|_|(?<=\))\s*)(?:season\s*0*(\d{1,4})|(specials?))\s*$", re.I)
_SEASON_ONLY = re.compile(r"^\s*(?:season\s*0*(\d{1,4})|(specials?))\s*$", re.I)
_POSTER_ONLY = re.compile(r"^\s*(?:poster|cover|folder|show)\s*$", re.I)
_EPISODE = re.compile(r"(?:^|[\s_-])S\d{1,4}\s*E\d{1,4}(?:$|[\s_-])", re.I)
_BACKGROUND = re.compile(r"(?:[\s_-]|^)(?:background|backdrop|fanart)\s*$", re.I)
_YEAR = re.compile(r"\((\d{4})\)")
_COLLECTION = re.compile(r"\bcollection\s*$", re.I)
_SPACES = re.compile(r"\s+")


def parse_poster_path(relpath: str) -> PosterFacts | None:
    """Facts of one poster file; None when it is not an image we index (by extension)."""
    # Plain string work instead of PurePosixPath: this runs once per file of 100,000-file trees.
    parts = [p for p in relpath.replace("\\", "/").split("/") if p not in ("", ".")]
    filename = parts[-1] if parts else ""
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem.strip() or f".{ext.lower()}" not in IMAGE_EXTENSIONS:
        return None
    parent = parts[-2] if len(parts) > 1 else None
    if stem.startswith("."):
        return PosterFacts(file=relpath, owner=parent, kind="item", title=stem, problem="hidden file")

    season: int | None = None
    name, owner, id_sources = stem, parent, (stem, parent or "")
    # Folder layout: the file name says only "poster" or "SeasonNN"; the media folder carries the rest.
    if len(stem) <= 11 and ((only := _SEASON_ONLY.match(stem)) or _POSTER_ONLY.match(stem)):
        if parent is None:
            return PosterFacts(file=relpath, owner=None, kind="item", title=stem,
                               problem="a folder-layout name outside a media folder")
        if only:
            season = 0 if only.group(2) else int(only.group(1))
        name, owner = parent, parts[-3] if len(parts) > 2 else None
        id_sources = (parent,)

    ids: dict[str, str] = {}
    for source in id_sources:
        lowered = source.lower()
        if "tmdb" not in lowered and "tvdb" not in lowered and "imdb" not in lowered:
            continue
        for key, value in _ID_TAG.findall(source):
            ids.setdefault(key.lower(), value)
        for key, value in _BARE_ID.findall(_ID_TAG.sub(" ", source)):
            ids.setdefault(key.lower(), value)
    text = name
    if ids or "{" in text:
        text = _OTHER_TAG.sub(" ", _BARE_ID.sub(" ", _ID_TAG.sub(" ", text)))
    text = " ".join(text.split())

    if _EPISODE.search(text):
        return _unusable(relpath, owner, text, "an episode title card, not a poster")
    if _BACKGROUND.search(text):
        return _unusable(relpath, owner, text, "a background, not a poster")

    if season is None and (m := _SEASON_SUFFIX.search(text)):
        season = 0 if m.group(2) else int(m.group(1))
        text = text[: m.start()].strip(" -–—_")

    year: int | None = None
    for m in _YEAR.finditer(text):
        value = int(m.group(1))
        if 1870 <= value <= 2100:
            year = value
            # Everything from the year on is not title: "Ultraman (1966) (1966)", "Movie (2020) 4K"
            text = text[: m.start()].strip(" -–—_")
            break
    kind: PosterKind = "season" if season is not None else "item"
    if kind == "item" and year is None and _COLLECTION.search(text):
        kind = "collection"
    tmdb, tvdb = _int(ids.get("tmdb")), _int(ids.get("tvdb"))
    imdb = ids.get("imdb", "").lower() or None
    if imdb is not None and not imdb.startswith("tt"):
        imdb = None
    problem = None
    if not text and tmdb is None and tvdb is None and imdb is None:
        problem = "no title left in the name"
    return PosterFacts(file=relpath, owner=owner, kind=kind, title=text, year=year, tmdb=tmdb, tvdb=tvdb,
                       imdb=imdb, season=season, problem=problem)


def _unusable(relpath: str, owner: str | None, title: str, problem: str) -> PosterFacts:
    return PosterFacts(file=relpath, owner=owner, kind="item", title=title, problem=problem)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None
