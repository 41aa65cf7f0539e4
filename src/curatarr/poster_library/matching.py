"""Poster files ↔ media items. Pure and typed; every decision carries its reason.

Contract (stable; the renamer, the index and the ``curatarr match`` CLI build on it):

* :class:`MediaCandidate` — one media item (a movie, a show with its seasons, or a collection).
* :class:`Matcher` — built once over all candidates (indexes them in dicts), then ``match(facts)`` per
  poster file answers a :class:`Match`: the candidate's position in the list given to the constructor
  (or None), the season (for season posters) and a human-readable reason.

The rules, in order (see docs/posters.md "Matching"):

1. A name the parser could not use (``facts.problem``) is reported with that reason.
2. Which kinds a poster may land on: a season poster → shows only (never a movie); a collection
   poster → collections; any other poster → movies and shows (then collections when it has no year).
3. Ids first: tmdb/tvdb/imdb on the poster against the same kind's ids (tmdb ids of movies, shows and
   collections are separate number spaces). Several hits are narrowed by how many ids agree, then title.
4. Titles, strict to loose (``titles.title_keys``): exact key, then without a leading article / brand
   possessive, then without "and"/"plus". Each candidate is indexed under its title, original title
   and alternate titles. A candidate whose id of some type differs from the poster's id of that type
   is a different item (a remake) and is never taken by title.
5. Years: equal, or missing on either side. ±1 year only when exactly one item of the allowed kinds
   carries that title (festival vs release year); otherwise the item is not matched.
6. Ties: the region token (``(US)`` vs ``(UK)``), then the literal title with punctuation ("#Alive"
   vs "Alive"), then a tvdb id on the poster prefers shows. Still several → unmatched, "ambiguous".
7. A season poster lands only on a show having that season (when the show's seasons are known).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence

from curatarr.poster_library.facts import PosterFacts
from curatarr.poster_library.titles import TitleKeys, title_keys

MediaKind = Literal["movie", "show", "collection"]
ID_KEYS = ("imdb", "tmdb", "tvdb")
_LEVELS = (("exact", "title"), ("bare", "title without leading article"),
           ("loose", "title ignoring and/plus"))


@dataclass(frozen=True, slots=True)
class MediaCandidate:
    kind: MediaKind
    title: str
    year: int | None = None
    tmdb: int | None = None
    tvdb: int | None = None
    imdb: str | None = None
    alternate_titles: tuple[str, ...] = ()
    seasons: tuple[int, ...] = ()   # season numbers the show has (0 = Specials); empty = unknown
    original_title: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    media: int | None          # index into the candidates given to Matcher(...), None = unmatched
    season: int | None         # set for a season poster matched to a show
    reason: str
    candidates: tuple[int, ...] = ()  # the items an ambiguous poster could be (media is None then)


def normalize_title(title: str) -> str:
    """The exact matching key of a title (lower-case, accents folded, no punctuation or spaces)."""
    return title_keys(title).exact


def _label(media: MediaCandidate) -> str:
    return f"{media.title} ({media.year})" if media.year else media.title


@dataclass
class Matcher:
    candidates: Sequence[MediaCandidate]
    _by_id: dict[tuple[str, str, object], list[int]] = field(default_factory=lambda: defaultdict(list), init=False)
    _keys: dict[str, dict[str, list[int]]] = field(default_factory=dict, init=False)
    _titles: list[tuple[TitleKeys, ...]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._keys = {level: defaultdict(list) for level, _ in _LEVELS}
        for i, media in enumerate(self.candidates):
            for key in ID_KEYS:
                value = getattr(media, key)
                if value is not None:
                    self._by_id[(media.kind, key, _id_value(key, value))].append(i)
            names = dict.fromkeys(t for t in (media.title, media.original_title, *media.alternate_titles) if t)
            keys = tuple(title_keys(t, drop_collection=media.kind == "collection") for t in names)
            self._titles.append(keys)
            for level, _ in _LEVELS:
                index = self._keys[level]
                for k in dict.fromkeys(getattr(tk, level) for tk in keys):
                    if k:
                        index[k].append(i)

    # ---- public -------------------------------------------------------------------------------------
    def match(self, facts: PosterFacts) -> Match:
        if facts.problem:
            return Match(None, None, facts.problem)
        if facts.kind == "collection":
            kinds: tuple[MediaKind, ...] = ("collection",)
        elif facts.kind == "season":
            kinds = ("show",)
        else:
            kinds = ("movie", "show")
        found = self._by_ids(facts, kinds) or self._by_title(facts, kinds)
        if found.media is None and not found.candidates:
            # A yearless name is as likely a collection ("Hulu (US) Shows") as a movie; a collection name
            # may be a show called "... Collection". Try the other side before giving up.
            other: tuple[MediaKind, ...] = ()
            if facts.kind == "item" and facts.year is None:
                other = ("collection",)
            elif facts.kind == "collection":
                other = ("movie", "show")
            if other:
                second = self._by_ids(facts, other) or self._by_title(facts, other)
                if second.media is not None or second.candidates:
                    return second
            if facts.kind == "season" and self._by_title(facts, ("movie",)).media is not None:
                return Match(None, facts.season, f"no show titled {facts.title!r}; a movie has that title, "
                                                 "and a season poster never goes to a movie")
        return self._season_check(facts, found)

    def match_all(self, facts: Iterable[PosterFacts]) -> list[Match]:
        return [self.match(f) for f in facts]

    # ---- ids ----------------------------------------------------------------------------------------
    def _by_ids(self, facts: PosterFacts, kinds: tuple[MediaKind, ...]) -> Match | None:
        votes: dict[int, list[str]] = {}
        for key in ID_KEYS:
            value = getattr(facts, key)
            if value is None:
                continue
            for kind in kinds:
                for i in self._by_id.get((kind, key, _id_value(key, value)), ()):
                    votes.setdefault(i, []).append(f"{key} id {value}")
        if not votes:
            return None
        best = max(len(v) for v in votes.values())
        pool = [i for i, v in votes.items() if len(v) == best]
        if len(pool) > 1:
            pool = self._tie_break(facts, pool, title_keys(facts.title)) or pool
        if len(pool) > 1:
            names = ", ".join(_label(self.candidates[i]) for i in pool[:5])
            return Match(None, None, f"ambiguous: {' + '.join(votes[pool[0]])} belongs to {names}", tuple(pool))
        return Match(pool[0], facts.season, " + ".join(votes[pool[0]]))

    # ---- titles -------------------------------------------------------------------------------------
    def _by_title(self, facts: PosterFacts, kinds: tuple[MediaKind, ...]) -> Match:
        keys = title_keys(facts.title, drop_collection=kinds == ("collection",))
        wanted = set(kinds)
        miss = ""
        for level, how in _LEVELS:
            key = getattr(keys, level)
            hits = [i for i in dict.fromkeys(self._keys[level].get(key, ())) if self.candidates[i].kind in wanted]
            hits = [i for i in hits if not self._ids_conflict(facts, self.candidates[i])]
            if not hits:
                continue
            same_year = [i for i in hits if facts.year is None or self.candidates[i].year in (None, facts.year)]
            if not same_year:
                if len(hits) == 1 and abs(self.candidates[hits[0]].year - facts.year) == 1:
                    media = self.candidates[hits[0]]
                    return Match(hits[0], facts.season,
                                 f"{how}, year {facts.year} ≈ {media.year} (±1: the only item with this title)")
                years = sorted({self.candidates[i].year for i in hits})
                miss = miss or (f"{_label(self.candidates[hits[0]])} has that title but year "
                                f"{'/'.join(map(str, years))} ≠ {facts.year}")
                continue
            pool = self._tie_break(facts, same_year, keys) if len(same_year) > 1 else same_year
            if len(pool) == 1:
                year_note = "+year" if facts.year is not None and self.candidates[pool[0]].year else ""
                return Match(pool[0], facts.season, f"{how}{year_note}")
            pool = pool or same_year
            names = ", ".join(_label(self.candidates[i]) for i in pool[:5])
            return Match(None, None, f"ambiguous: {len(pool)} items match by {how}: {names}", tuple(pool))
        what = "/".join(kinds)
        return Match(None, None, miss or f"no {what} titled {facts.title!r}"
                     + (f" ({facts.year})" if facts.year else ""))

    def _ids_conflict(self, facts: PosterFacts, media: MediaCandidate) -> bool:
        for key in ID_KEYS:
            mine, theirs = getattr(facts, key), getattr(media, key)
            if mine is not None and theirs is not None and _id_value(key, mine) != _id_value(key, theirs):
                return True
        return False

    def _tie_break(self, facts: PosterFacts, pool: list[int], keys: TitleKeys) -> list[int]:
        """Narrow several equally good items; may return several (still ambiguous) or the input."""
        if facts.year is not None:
            exact_year = [i for i in pool if self.candidates[i].year == facts.year]
            pool = exact_year or pool
        if len(pool) > 1 and keys.region is not None:
            # "(UK)" picks the UK item; failing that, items without a region beat those of another region
            regional = [i for i in pool if any(tk.region == keys.region for tk in self._titles[i])]
            neutral = [i for i in pool if any(tk.region is None for tk in self._titles[i])]
            pool = regional or neutral or pool
        if len(pool) > 1:
            literal = [i for i in pool if any(tk.literal == keys.literal for tk in self._titles[i])]
            pool = literal or pool
        if len(pool) > 1 and facts.tvdb is not None:
            shows = [i for i in pool if self.candidates[i].kind == "show"]
            pool = shows or pool
        return pool

    # ---- seasons ------------------------------------------------------------------------------------
    def _season_check(self, facts: PosterFacts, found: Match) -> Match:
        if facts.kind != "season" or found.media is None:
            return found
        show = self.candidates[found.media]
        if show.seasons and facts.season not in show.seasons:
            have = ", ".join(str(s) for s in sorted(show.seasons))
            name = "Specials (season 0)" if facts.season == 0 else f"season {facts.season}"
            return Match(None, facts.season, f"{_label(show)} has no {name} (has {have}); found by {found.reason}")
        return found


def _id_value(key: str, value: object) -> object:
    if key == "imdb":
        return str(value).lower()
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value
