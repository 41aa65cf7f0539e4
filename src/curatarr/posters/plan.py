"""What to (re)generate. Pure.

An asset is regenerated when its inputs change — the chosen source image, the template (its content
hash) or the texts drawn on it — or when its file is gone; not merely when the file is missing (as
Posterizarr does). An unchanged library therefore plans nothing: no downloads and no writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

# ImageChoices "Type" per asset kind and item kind (Posterizarr's vocabulary).
CHOICE_TYPES = {("poster", "movie"): "Movie", ("poster", "show"): "Show", ("background", "movie"): "Movie Background",
                ("background", "show"): "Show Background", ("season", "show"): "Season",
                ("titlecard", "show"): "Episode", ("collection", "movie"): "Collection"}
COUNT_KEYS = {"poster": "posters", "background": "backgrounds", "season": "seasons", "titlecard": "titlecards",
              "collection": "collections"}


@dataclass(frozen=True)
class AssetSpec:
    """One asset the library asks for."""

    key: str                  # path inside the asset root ("Movies/Alien (1979)/poster.jpg")
    kind: str                 # poster | background | season | titlecard | collection
    item_kind: str            # movie | show
    title: str                # ImageChoices title
    texts: dict = field(default_factory=dict, hash=False)
    season: int | None = None
    episode: int | None = None
    server_image: str | None = None  # poster | background: slot to upload into
    server_id: str = ""       # id of the server object the asset belongs to (item, season or episode)

    @property
    def choice_type(self) -> str:
        return CHOICE_TYPES.get((self.kind, self.item_kind), self.kind.title())


def input_hash(source: str, template_id: str, template_hash: str, texts: dict[str, Any]) -> str:
    """Hash of everything that decides the pixels of an asset."""
    blob = json.dumps({"source": source, "template": [template_id, template_hash], "texts": texts},
                      sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def needs_render(new_hash: str, stored_hash: str | None, file_exists: bool, *, force: bool = False) -> bool:
    """True when the asset must be (re)rendered."""
    return force or not file_exists or new_hash != (stored_hash or "")


def needs_upload(file_hash: str, uploaded_hash: str | None) -> bool:
    """Upload only art the server does not already have from us (hash check)."""
    return bool(file_hash) and file_hash != (uploaded_hash or "")


def language_order(kind: str, orders: dict[str, list[str]]) -> list[str]:
    """The language order for ``kind``; an empty per-kind order inherits the poster order."""
    base = [x.lower() for x in orders.get("poster") or ["xx", "en", "de"]]
    own = orders.get(kind) or []
    return [x.lower() for x in own] or base


# Scripts a title font rarely covers: such a title is replaced by the original title (Posterizarr
# §1.8 step 3) — CJK (with kana and hangul), Cyrillic, Devanagari, Thai, Ethiopic, Georgian,
# Armenian, Bengali.
_SUBSTITUTE_RANGES = ((0x0400, 0x052F), (0x0530, 0x058F), (0x0900, 0x097F), (0x0980, 0x09FF), (0x0E00, 0x0E7F),
                      (0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F), (0x1200, 0x139F), (0x2D80, 0x2DDF),
                      (0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                      (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


def needs_original_title(title: str) -> bool:
    return any(lo <= ord(ch) <= hi for ch in title for lo, hi in _SUBSTITUTE_RANGES)


def display_title(title: str, original_title: str = "", *, always: bool = False) -> str:
    """The title drawn on an asset: the original title when ``always`` (``use_original_title``) or
    when the title is in one of the scripts above; the title otherwise (or without an original)."""
    original = (original_title or "").strip()
    if original and (always or needs_original_title(title)):
        return original
    return title


def render_language(language: str | None) -> str | None:
    """The library language when it changes the pixels — an RTL language (the template's
    ``rtl_font``) or a CJK one (the matching Noto CJK face) — else None, so that the input hash of
    every other library stays as it was."""
    from curatarr.artwork.fonts import CJK_BY_LANGUAGE, RTL_LANGUAGES

    code = (language or "").lower()
    if code[:2] in RTL_LANGUAGES or code in CJK_BY_LANGUAGE or code[:2] in CJK_BY_LANGUAGE:
        return code
    return None


def texts_for(kind: str, title: str, *, season: int | None = None, season_name: str = "", episode: int | None = None,
              episode_title: str = "", year: int | None = None) -> dict[str, Any]:
    """The text inputs of a template for one asset."""
    if kind == "season":
        name = season_name or ("Specials" if season == 0 else f"Season {season}")
        return {"title": title, "season_name": name, "season_number": season, "year": year}
    if kind == "titlecard":
        return {"title": title, "episode_title": episode_title, "season_number": season, "episode_number": episode}
    return {"title": title, "year": year}
