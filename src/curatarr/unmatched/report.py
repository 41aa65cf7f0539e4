"""The unmatched-assets comparison. Pure: media entries + collections + an :class:`AssetIndex` in, a
JSON-able report out. One pass over the entries, each looked up in the index's sets (linear time;
CHUB grouped its results with nested linear searches).

Ignore rules (each one counted under ``ignored`` so a run shows what it filtered):

* ``folders`` — an item whose own folder, or any folder above it (its root folder included), has one
  of these names (case-insensitive);
* ``titles`` — normalised titles (``curatarr.library.normalize``); ``"Title (2004)"`` ignores that
  year only, ``"Title"`` every year;
* ``tags`` — tag NAMES compared with the item's tag names (case-insensitive; CHUB compared tag ids
  with names, so it never ignored anything);
* ``profiles`` — quality-profile NAMES, compared with the name of the item's profile (CHUB compared
  with a field its cache never stored, so the option never worked);
* ``unmonitored`` — unmonitored movies and series, and unmonitored seasons of monitored series;
* ``collections`` — media-server collections by normalised name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any, Iterable

from curatarr.assets.naming import (MEDIA_EXTENSIONS, AssetTarget, asset_name_for_path, asset_relpath,
                                    collection_asset_name)
from curatarr.library.normalize import normalize_title, year_from_text
from curatarr.unmatched.assets import AssetIndex, Layout

KINDS = ("movies", "series", "seasons", "collections")
_SEPARATORS = re.compile(r"[\\/]")


@dataclass(slots=True)
class SeasonEntry:
    number: int
    monitored: bool | None = None
    file_count: int | None = None  # episodes on disk; None = unknown (counted)


@dataclass(slots=True)
class MediaEntry:
    """One movie or series of an *arr, as the media cache holds it."""

    instance: str
    kind: str                       # "movie" | "series"
    id: str                         # the media id (``radarr_main:12``)
    title: str
    year: int | None = None
    path: str | None = None
    tags: tuple[str, ...] = ()
    monitored: bool | None = None
    profile: str | None = None      # quality-profile name (resolved by the caller)
    seasons: list[SeasonEntry] = field(default_factory=list)
    ids: dict[str, Any] = field(default_factory=dict)  # tmdb / tvdb / imdb, for "make this poster" links


@dataclass(slots=True)
class CollectionEntry:
    instance: str                   # media-server instance
    id: str                         # native collection id
    name: str
    library: str | None = None


@dataclass(frozen=True)
class Rules:
    """What to leave out (see the module doc). Build with :meth:`of`, which normalises the lists once."""

    folders: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()                  # normalised titles, any year
    titles_year: frozenset[tuple[str, int]] = frozenset()  # (normalised title, year)
    tags: frozenset[str] = frozenset()
    profiles: frozenset[str] = frozenset()
    collections: frozenset[str] = frozenset()
    unmonitored: bool = False
    specials: bool = False          # count season 0
    empty_seasons: bool = False     # count seasons without any episode file

    @classmethod
    def of(cls, *, folders: Iterable[str] = (), titles: Iterable[str] = (), tags: Iterable[str] = (),
           profiles: Iterable[str] = (), collections: Iterable[str] = (), unmonitored: bool = False,
           specials: bool = False, empty_seasons: bool = False) -> "Rules":
        any_year, with_year = set(), set()
        for raw in titles:
            year = year_from_text(raw)
            key = normalize_title(raw)
            if not key:
                continue
            if year is not None and raw.rstrip().endswith(")"):
                with_year.add((key, year))
            else:
                any_year.add(key)
        return cls(folders=frozenset(f.strip().casefold() for f in folders if f.strip()),
                   titles=frozenset(any_year), titles_year=frozenset(with_year),
                   tags=frozenset(t.strip().casefold() for t in tags if t.strip()),
                   profiles=frozenset(p.strip().casefold() for p in profiles if p.strip()),
                   collections=frozenset(k for c in collections if (k := normalize_title(c))),
                   unmonitored=unmonitored, specials=specials, empty_seasons=empty_seasons)

    def ignore_reason(self, e: MediaEntry) -> str | None:
        if self.unmonitored and e.monitored is False:
            return "unmonitored"
        if self.folders and e.path and any(p.casefold() in self.folders for p in _parts(e.path)):
            return "folders"
        if self.titles or self.titles_year:
            key = normalize_title(e.title)
            if key in self.titles or (e.year is not None and (key, e.year) in self.titles_year):
                return "titles"
        if self.tags and any(t.casefold() in self.tags for t in e.tags):
            return "tags"
        if self.profiles and e.profile and e.profile.casefold() in self.profiles:
            return "profiles"
        return None

    def counts_season(self, s: SeasonEntry) -> bool:
        if s.number == 0 and not self.specials:
            return False
        if self.unmonitored and s.monitored is False:
            return False
        return self.empty_seasons or s.file_count is None or s.file_count > 0


def _parts(path: str) -> list[str]:
    """The folder names along a POSIX or Windows path (string splitting: pathlib costs ~10× more
    and this runs once per item)."""
    return [p for p in _SEPARATORS.split(path) if p and not p.endswith(":")]


def _tally() -> dict[str, Any]:
    return {"total": 0, "with_assets": 0, "unmatched": 0}


def _percent(tally: dict[str, Any]) -> None:
    total = tally["total"]
    tally["percent_complete"] = round(100.0 * tally["with_assets"] / total, 2) if total else None


@dataclass
class _Builder:
    index: AssetIndex
    rules: Rules
    layout: Layout
    summary: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: _tally() for k in KINDS})
    per_instance: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("unmonitored", "folders", "titles", "tags", "profiles", "collections"), 0))
    movies: list[dict[str, Any]] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)

    def _count(self, kind: str, instance: str, matched: bool, n: int = 1) -> None:
        for tally in (self.summary[kind], self.per_instance.setdefault(instance, {}).setdefault(kind, _tally())):
            tally["total"] += n
            tally["with_assets" if matched else "unmatched"] += n

    def _rel(self, kind: str, name: str, season: int | None = None) -> str:
        return asset_relpath(AssetTarget(kind=kind, name=name, season=season), layout=self.layout)  # type: ignore[arg-type]

    def media(self, e: MediaEntry) -> None:
        reason = self.rules.ignore_reason(e)
        if reason is not None:
            self.ignored[reason] += 1
            return
        name = _asset_name(e.path)
        has_poster = name is not None and self.index.has_poster(name)
        base = {"instance": e.instance, "id": e.id, "title": e.title, "year": e.year, "asset_name": name, **e.ids}
        if e.kind == "movie":
            self._count("movies", e.instance, has_poster)
            if not has_poster:
                self.movies.append({**base, "expected": [self._rel("poster", name)] if name else []})
            return
        self._count("series", e.instance, has_poster)
        missing = []
        for season in e.seasons:
            if not self.rules.counts_season(season):
                continue
            found = name is not None and self.index.has_season(name, season.number)
            self._count("seasons", e.instance, found)
            if not found:
                missing.append(season.number)
        if has_poster and not missing:
            return
        expected = ([self._rel("poster", name)] if not has_poster else []) + [
            self._rel("season", name, n) for n in missing] if name else []
        self.series.append({**base, "missing_poster": not has_poster, "missing_seasons": missing,
                            "expected": expected})

    def collection(self, c: CollectionEntry) -> None:
        if normalize_title(c.name) in self.rules.collections:
            self.ignored["collections"] += 1
            return
        try:
            name: str | None = collection_asset_name(c.name)
        except ValueError:
            name = None
        found = name is not None and self.index.has_poster(name)
        self._count("collections", c.instance, found)
        if not found:
            self.collections.append({"instance": c.instance, "id": c.id, "title": c.name, "library": c.library,
                                     "asset_name": name,
                                     "expected": [self._rel("collection", name)] if name else []})


def _asset_name(path: str | None) -> str | None:
    """:func:`curatarr.assets.naming.asset_name_for_path` on the common shape (a POSIX folder
    path) by string operations, the same function itself for anything else (tests compare both)."""
    if not path:
        return None
    if "\\" not in path:
        trimmed = path.rstrip("/")
        head, _, name = trimmed.rpartition("/")
        dot = name.rfind(".")
        if name and (dot <= 0 or name[dot:].lower() not in MEDIA_EXTENSIONS):
            return name
    try:
        return asset_name_for_path(path)
    except ValueError:
        return None


def build_report(media: Iterable[MediaEntry], collections: Iterable[CollectionEntry] | None, index: AssetIndex,
                 rules: Rules, *, layout: Layout = "folders") -> dict[str, Any]:
    """The report: ``summary`` (per kind and ``overall``: total, with_assets, unmatched,
    percent_complete), ``instances`` (the same per instance), ``ignored`` (per rule) and the
    ``unmatched`` lists. ``collections=None`` means they could not be read: their counts are null."""
    b = _Builder(index, rules, layout)
    for entry in media:
        b.media(entry)
    if collections is not None:
        for c in collections:
            b.collection(c)
    summary: dict[str, Any] = b.summary
    if collections is None:
        summary["collections"] = {"total": None, "with_assets": None, "unmatched": None}
    overall = _tally()
    for kind in KINDS:
        tally = summary[kind]
        if tally["total"] is None:
            tally["percent_complete"] = None
            continue
        _percent(tally)
        for key in ("total", "with_assets", "unmatched"):
            overall[key] += tally[key]
    _percent(overall)
    summary["overall"] = overall
    instances = []
    for name in sorted(b.per_instance):
        kinds = b.per_instance[name]
        for tally in kinds.values():
            _percent(tally)
        instances.append({"instance": name, **kinds})
    by_title = lambda row: (row["instance"], (row["title"] or "").casefold(), row.get("year") or 0)  # noqa: E731
    return {"summary": summary, "instances": instances, "ignored": b.ignored, "asset_files": index.files,
            "unmatched": {"movies": sorted(b.movies, key=by_title), "series": sorted(b.series, key=by_title),
                          "collections": sorted(b.collections, key=by_title)}}
