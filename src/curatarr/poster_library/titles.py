"""Title keys for matching: the same function turns a media title and a poster title into comparable keys.

Three keys per title, from strict to loose (each is a string with no spaces or punctuation, so
"Spider-Man" = "Spider Man" = "spiderman", "M*A*S*H" = "mash", "9-1-1" = "911"):

* ``exact`` — diacritics folded (Amélie → amelie, ß → ss), ``&`` read as "and", region tokens such as
  ``(US)`` removed (kept aside in ``region``), every non-letter/digit dropped;
* ``bare``  — ``exact`` without a leading article (The/A/An and Der/Die/Das/Le/La/Les/L'/El/Il/Lo/Los/
  Las/Gli/Un/Une/Una/Ein/Eine/De/Het/Een/O/Os) and without a brand possessive (Marvel's, DC's, …);
* ``loose`` — ``bare`` without the words "and"/"plus" (so "Fast & Furious" = "Fast and Furious" and
  "Apple TV+" = "Apple TV Plus").

Whole keys are compared, never prefixes: a title starting with an article or punctuation has the
same chance as any other (CHUB's 3-character prefix index missed "The Matrix", "X-Men", "9-1-1").
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

REGIONS = ("us", "uk", "gb", "au", "ca", "nz", "fr", "nl", "de", "jp", "kr", "ie", "es", "it", "mx", "br", "in")
_REGION = re.compile(r"\(\s*(" + "|".join(REGIONS) + r")\s*\)", re.I)
_ELISION = re.compile(r"^\s*[ld]['’]\s*", re.I)  # L'Avventura, D'Artagnan: the article is glued on
_APOSTROPHES = str.maketrans("", "", "'’`´")
_WORDS = re.compile(r"[^\W_]+")
ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "le", "la", "les", "el", "il", "lo", "los",
                      "las", "gli", "un", "une", "una", "ein", "eine", "de", "het", "een", "o", "os"})
# Leading possessives that one source writes and another omits ("Marvel's Agents of S.H.I.E.L.D.").
BRANDS = (("marvels",), ("dcs",), ("disneys",), ("tom", "clancys"), ("tyler", "perrys"), ("stephen", "kings"),
          ("dr", "seuss"), ("tim", "burtons"))
_LOOSE_DROP = frozenset({"and", "plus"})
# Letters NFKD does not split into base + accent.
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                           "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "ı": "i",
                           "·": "", "•": ""})


@dataclass(frozen=True, slots=True)
class TitleKeys:
    exact: str
    bare: str
    loose: str
    region: str | None   # "us" for "The Office (US)"
    literal: str         # casefolded text with punctuation kept ("#alive" ≠ "alive"), for tie-breaks


def fold(text: str) -> str:
    """Casefolded, HTML entities decoded, diacritics removed."""
    if "&" in text and ";" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


@lru_cache(maxsize=65536)
def title_keys(title: str, *, drop_collection: bool = False) -> TitleKeys:
    """The keys of one title. ``drop_collection`` removes a trailing "Collection" word (collections)."""
    text = fold(title)
    region = None
    if "(" in text and (m := _REGION.search(text)):
        region = m.group(1).lower()
        region = "uk" if region == "gb" else region
        text = _REGION.sub(" ", text)
    literal = " ".join(text.split())
    elided = _ELISION.sub("", text)
    words = _WORDS.findall(text.replace("&", " and ").translate(_APOSTROPHES))
    if drop_collection and len(words) > 1 and words[-1] == "collection":
        words = words[:-1]
    exact = "".join(words)
    rest = words
    if elided != text:
        rest = _WORDS.findall(elided.replace("&", " and ").translate(_APOSTROPHES))
        if drop_collection and len(rest) > 1 and rest[-1] == "collection":
            rest = rest[:-1]
    elif len(words) > 1 and words[0] in ARTICLES:
        rest = words[1:]
    for brand in BRANDS:
        n = len(brand)
        if len(rest) > n and tuple(rest[:n]) == brand:
            rest = rest[n:]
            break
    bare = "".join(rest) or exact
    loose = "".join(w for w in rest if w not in _LOOSE_DROP) or bare
    return TitleKeys(exact=exact, bare=bare, loose=loose, region=region, literal=literal)
