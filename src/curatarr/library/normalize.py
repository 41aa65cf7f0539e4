"""Title normalisation for the media library — pure functions, table-tested.

Three shapes of a title are used:

* :func:`normalize_title` — the *matching key*: what two sources must agree on for "same title".
  Letters and digits only (any script), accents folded, lower case, no spaces, a parenthesised year
  and ``{tmdb-…}``/``[tvdb-…]`` id tags dropped. Leading articles are kept ("The Matrix" →
  ``thematrix``), as in DAPS/CHUB (reference: ecosystem.md §1.3), so remakes and their
  article-less namesakes stay apart; the year separates remakes.
* :func:`title_words` — the same folding but split into words; used for fuzzy comparison and for
  search keys.
* :func:`search_keys` — one key per word *position* (the word and everything after it, joined),
  so a B-tree range scan on ``key >= q AND key < q_next`` finds every title with a word starting
  with the query: "matrix rel" finds "The Matrix Reloaded". No full-text engine needed.

Deliberate differences from DAPS' ``normalize_titles``: ``&`` reads as ``and`` (so "Fast & Furious"
matches "Fast and Furious"), square-bracket id tags are dropped like curly ones, and non-Latin
letters are kept (a Japanese or Russian title normalises to itself instead of to nothing).
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

# Id tags as Kometa/Radarr/Sonarr write them into folder names: {tmdb-123} [tvdb-456] {imdb-tt1}
_ID_TAG = re.compile(r"[\{\[]\s*(?:tmdb|tvdb|imdb|tvmaze|mbid|musicbrainz|edition)[-=:][^\}\]]*[\}\]]", re.I)
_ID_TAG_VALUE = re.compile(r"[\{\[]\s*(tmdb|tvdb|imdb)[-=:]\s*([^\}\]\s]+)\s*[\}\]]", re.I)
_PAREN_YEAR = re.compile(r"\((?:18|19|20|21)\d\d\)")
_COUNTRY_TAG = re.compile(r"\((?:US|UK|AU|CA|NZ|FR|NL)\)")
_DC_PREFIX = re.compile(r"^DC['’]s\s+", re.I)
_AMP = re.compile(r"\s*&\s*")
# Words: runs of letters/digits in any script. Apostrophes, dots and the like are dropped, not
# split on ("Marvel's" → "marvels", "S.H.I.E.L.D." → "shield", "WALL·E" → "walle", "M*A*S*H" →
# "mash"), matching how *arr cleanTitle and DAPS treat them.
_APOSTROPHES = re.compile(r"['’`´.*·•]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_YEAR = re.compile(r"(?<!\d)((?:18|19|20|21)\d\d)(?!\d)")

ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "le", "la", "les", "l", "el", "los", "las",
                      "il", "lo", "gli", "i", "de", "het", "een"})
SEARCH_KEY_LENGTH = 48  # longer keys add nothing to a prefix search
MAX_SEARCH_WORDS = 12   # key positions per title (very long titles rarely get searched mid-way)


def fold(text: str | None) -> str:
    """HTML-unescaped, compatibility-decomposed, accent-free, case-folded text."""
    if not text:
        return ""
    text = html.unescape(str(text))
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def _clean(title: str | None) -> str:
    if not title:
        return ""
    text = html.unescape(str(title))
    text = _ID_TAG.sub(" ", text)
    text = _PAREN_YEAR.sub(" ", text)
    text = _COUNTRY_TAG.sub(" ", text)
    text = _DC_PREFIX.sub("", text.strip())
    text = _AMP.sub(" and ", text)
    return text


def title_words(title: str | None) -> list[str]:
    """Folded words of a title (ids, parenthesised year and punctuation removed)."""
    return _WORD.findall(_APOSTROPHES.sub("", fold(_clean(title))))


def normalize_title(title: str | None) -> str:
    """The matching key: ``"Star Wars: Episode IV - A New Hope (1977)"`` → ``starwarsepisodeivanewhope``."""
    return "".join(title_words(title))


def spaced_title(title: str | None) -> str:
    """Folded words joined by single spaces (the form fuzzy comparison uses)."""
    return " ".join(title_words(title))


def first_token(title: str | None) -> str:
    """The first significant word (leading article skipped): the block key of fuzzy duplicates."""
    words = title_words(title)
    for i, word in enumerate(words):
        if word not in ARTICLES or i == len(words) - 1:
            return word
    return ""


def normalize_query(query: str | None) -> str:
    """A free-text query in the shape of a search key (``"The Mat"`` → ``themat``)."""
    return "".join(_WORD.findall(_APOSTROPHES.sub("", fold(_AMP.sub(" and ", query or "")))))[:SEARCH_KEY_LENGTH]


def search_keys(*titles: str | None) -> set[str]:
    """Word-suffix keys of every title: ``"The Matrix"`` → ``{"thematrix", "matrix"}``."""
    keys: set[str] = set()
    for title in titles:
        words = title_words(title)
        for i in range(min(len(words), MAX_SEARCH_WORDS)):
            key = "".join(words[i:])[:SEARCH_KEY_LENGTH]
            if key:
                keys.add(key)
    return keys


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (for range scans)."""
    if not prefix:
        raise ValueError("empty prefix")
    last = prefix[-1]
    if ord(last) >= 0x10FFFF:
        return prefix + "\U0010ffff"
    return prefix[:-1] + chr(ord(last) + 1)


def folder_name(path: str | None) -> str:
    """The last component of a path (POSIX or Windows), or the folder holding a media file."""
    if not path:
        return ""
    raw = str(path).rstrip("/\\")
    p = PureWindowsPath(raw) if ("\\" in raw and "/" not in raw) else PurePosixPath(raw)
    if p.suffix and len(p.suffix) <= 5 and p.suffix[1:].isalnum() and not p.suffix[1:].isdigit():
        p = p.parent
    return p.name


def folder_key(path: str | None) -> str:
    """Normalised folder name of a path with its year kept: ``/m/Dune (2021) {tmdb-1}`` → ``dune2021``.

    Two sources that mount the same disk at different roots (``/data/movies`` vs ``/movies``) agree
    on this key, which is what linking by path needs.
    """
    name = folder_name(path)
    if not name:
        return ""
    text = _ID_TAG.sub(" ", html.unescape(name))
    text = _AMP.sub(" and ", text)
    return "".join(_WORD.findall(_APOSTROPHES.sub("", fold(text))))


def ids_from_folder(path: str | None) -> dict[str, str]:
    """Id tags written into a folder name: ``{tmdb-603}`` → ``{"tmdb": "603"}``."""
    out: dict[str, str] = {}
    for kind, value in _ID_TAG_VALUE.findall(folder_name(path)):
        out.setdefault(kind.lower(), value)
    return out


def year_from_text(text: str | None) -> int | None:
    """A plausible four-digit year inside ``text`` (the last one, as folder names end with it)."""
    found = _YEAR.findall(str(text or ""))
    return int(found[-1]) if found else None
