"""Which source image the poster maker uses. Pure; tested by ``../shared/acceptance/image_choice.yaml``.

Rules (Posterizarr's, made explicit):
- a manual asset wins over every provider;
- images carrying another tool's marker (e.g. "created with posterizarr") are never reused, and images
  below the minimum size are dropped;
- providers are searched favourite first, then the others in the configured order; inside a provider
  the language order decides (``xx`` = textless), and the provider's own (vote) order breaks ties —
  language order beats vote order;
- a language outside the order is never used: ``[xx]`` alone means textless only, everywhere;
- seasons may fall back to the show's poster (and title cards to backgrounds) when allowed;
- ``fallback`` is true whenever the choice did not come from the favourite provider (or came from a
  show/background fallback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

TEXTLESS = "xx"
# Providers whose blank image language means "unknown" rather than textless (Plex's own art).
BLANK_LANGUAGE_UNKNOWN = frozenset({"plex"})
OUR_MARKER = "created with curatarr"


def normalise_language(provider: str, lang: str | None) -> str:
    """Provider language codes → one vocabulary: ISO 639-1, ``xx`` for textless, ``unknown``.

    TMDB sends null for textless; Fanart.tv "00" (posters) or "" (backgrounds); TVDB null.
    """
    if lang is None:
        return TEXTLESS if provider in ("tmdb", "tvdb", "fanart") else "unknown"
    code = str(lang).strip().lower()
    if code in ("", "00", "xx", "null", "none"):
        # a media server's blank language says "not known", not "textless"
        return TEXTLESS if provider not in BLANK_LANGUAGE_UNKNOWN or code == "xx" else "unknown"
    return code


@dataclass(frozen=True)
class Candidate:
    id: str
    provider: str
    language: str  # normalised
    width: int = 0
    height: int = 0
    url: str | None = None
    marker: str | None = None
    votes: float = 0.0

    @classmethod
    def from_raw(cls, provider: str, lang: str | None, **kw) -> "Candidate":
        return cls(provider=provider, language=normalise_language(provider, lang), **kw)


@dataclass(frozen=True)
class Choice:
    candidate: Candidate | None
    fallback: bool
    reason: str
    manual: bool = False
    considered: int = 0

    @property
    def id(self) -> str | None:
        return self.candidate.id if self.candidate else None


@dataclass
class ChoiceRules:
    language_order: Sequence[str]
    favourite: str = "tmdb"
    provider_order: Sequence[str] = field(default_factory=lambda: ("tmdb", "fanart", "tvdb", "plex", "jellyfin", "emby"))
    min_width: int = 0
    min_height: int = 0


def _usable(c: Candidate, rules: ChoiceRules) -> bool:
    if c.marker and OUR_MARKER not in c.marker.lower():
        return False
    if c.width < rules.min_width or c.height < rules.min_height:
        return False
    return True


def _providers(candidates: Sequence[Candidate], rules: ChoiceRules) -> list[str]:
    order = [rules.favourite] + [p for p in rules.provider_order if p != rules.favourite]
    for c in candidates:  # providers not in the configured order come last, as they appear
        if c.provider not in order:
            order.append(c.provider)
    return order


def pick(candidates: Iterable[Candidate], rules: ChoiceRules) -> Choice:
    """The best usable candidate by provider then language order, or a Choice with no candidate."""
    pool = [c for c in candidates if _usable(c, rules)]
    languages = [normalise_language("tmdb", l) if l in (None, "", "00") else str(l).lower() for l in rules.language_order]
    for provider in _providers(pool, rules):
        mine = [c for c in pool if c.provider == provider]
        for lang in languages:
            for c in mine:
                if c.language == lang:
                    return Choice(c, fallback=provider != rules.favourite,
                                  reason=f"{provider}/{lang}", considered=len(pool))
    return Choice(None, fallback=False, reason="no candidate in a wanted language", considered=len(pool))


def choose(candidates: Iterable[Candidate], rules: ChoiceRules, *, manual: Candidate | None = None,
           parent_candidates: Iterable[Candidate] | None = None, parent_fallback: bool = False) -> Choice:
    """Full decision for one asset: manual first, then providers, then the parent fallback
    (show poster for a season, background for a title card)."""
    if manual is not None:
        return Choice(manual, fallback=False, reason="manual asset", manual=True)
    first = pick(candidates, rules)
    if first.candidate is not None or not parent_fallback or parent_candidates is None:
        return first
    second = pick(parent_candidates, rules)
    if second.candidate is None:
        return first
    return Choice(second.candidate, fallback=True, reason=f"parent fallback: {second.reason}", considered=second.considered)
