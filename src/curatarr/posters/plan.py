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


def texts_for(kind: str, title: str, *, season: int | None = None, season_name: str = "", episode: int | None = None,
              episode_title: str = "", year: int | None = None) -> dict[str, Any]:
    """The text inputs of a template for one asset."""
    if kind == "season":
        name = season_name or ("Specials" if season == 0 else f"Season {season}")
        return {"title": title, "season_name": name, "season_number": season, "year": year}
    if kind == "titlecard":
        return {"title": title, "episode_title": episode_title, "season_number": season, "episode_number": episode}
    return {"title": title, "year": year}
