"""Poster files ↔ media items. Pure and typed; every decision carries its reason.

Contract (stable; the renamer, the index and the ``curatarr match`` CLI build on it):

* :class:`MediaCandidate` — one media item (a movie, a show with its seasons, or a collection).
* :class:`Matcher` — built once over all candidates (indexes them), then ``match(facts)`` per poster
  file answers a :class:`Match`: the candidate's position in the list given to the constructor (or
  None), the season (for season posters) and a human-readable reason ("tmdb id 11", "title+year",
  "no media item titled …").

This file starts as a scaffold (ids, then exact normalised title + year); the matching issue makes it
complete (alternate/original titles, articles, punctuation, diacritics, ``&``/``and``, region tokens,
±1 year when unique, collections, seasons) behind the same API.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal, Sequence

from curatarr.poster_library.facts import PosterFacts

MediaKind = Literal["movie", "show", "collection"]


@dataclass(frozen=True, slots=True)
class MediaCandidate:
    kind: MediaKind
    title: str
    year: int | None = None
    tmdb: int | None = None
    tvdb: int | None = None
    imdb: str | None = None
    alternate_titles: tuple[str, ...] = ()
    seasons: tuple[int, ...] = ()   # season numbers the show has (0 = Specials)


@dataclass(frozen=True, slots=True)
class Match:
    media: int | None          # index into the candidates given to Matcher(...), None = unmatched
    season: int | None         # set for a season poster matched to a show
    reason: str


def normalize_title(title: str) -> str:
    """Lower-case, accents stripped, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass
class Matcher:
    candidates: Sequence[MediaCandidate]
    _by_id: dict[tuple[str, object], int] = field(default_factory=dict, init=False)
    _by_title: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list), init=False)

    def __post_init__(self) -> None:
        for i, media in enumerate(self.candidates):
            for key in ("tmdb", "tvdb", "imdb"):
                value = getattr(media, key)
                if value is not None:
                    self._by_id.setdefault((f"{media.kind}:{key}", value), i)
            for title in (media.title, *media.alternate_titles):
                self._by_title[normalize_title(title)].append(i)

    def match(self, facts: PosterFacts) -> Match:
        kinds: tuple[MediaKind, ...]
        if facts.kind == "collection":
            kinds = ("collection",)
        elif facts.kind == "season":
            kinds = ("show",)
        else:
            kinds = ("movie", "show")
        for key in ("tmdb", "tvdb", "imdb"):
            value = getattr(facts, key)
            if value is None:
                continue
            for kind in kinds:
                if (i := self._by_id.get((f"{kind}:{key}", value))) is not None:
                    return Match(i, facts.season, f"{key} id {value}")
        for i in self._by_title.get(normalize_title(facts.title), []):
            media = self.candidates[i]
            if media.kind in kinds and (facts.year is None or media.year in (None, facts.year)):
                return Match(i, facts.season, "title+year" if facts.year else "title")
        return Match(None, None, f"no {'/'.join(kinds)} titled {facts.title!r}")
