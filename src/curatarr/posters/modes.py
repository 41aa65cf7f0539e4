"""Run modes of the poster maker (job overrides) and how single-item triggers find their item."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from curatarr.posters.libraries import MediaItem, iter_server, mb_item, plex_item, with_details

# Every mode (job override "mode"); the runners live in modules/poster_maker.py and extra_modes.py.
MODES = ("normal", "single", "cleanup", "testing", "manual", "backup", "sync", "reset")


class ItemTarget(BaseModel):
    """What a webhook names: an item by server id (Tautulli rating keys) or by ids/title (Arr)."""

    model_config = ConfigDict(extra="ignore")

    server: str | None = None
    rating_key: str | None = None
    media_type: Literal["movie", "show", "season", "episode"] = "movie"
    title: str | None = None
    year: int | None = None
    tmdb: str | None = None
    tvdb: str | None = None
    imdb: str | None = None
    season: int | None = None
    episodes: list[int] = Field(default_factory=list)


def _matches(item: MediaItem, target: ItemTarget) -> bool:
    for key in ("tmdb", "tvdb", "imdb"):
        want = getattr(target, key)
        if want and item.ids.get(key) and str(item.ids[key]) == str(want):
            return True
    if target.title and item.title.lower() == target.title.lower():
        return target.year is None or item.year is None or item.year == target.year
    return False


def find_items(client: Any, server: str, server_type: str, target: ItemTarget, *, exclude=()) -> list[MediaItem]:
    """The library items a trigger names on one server ([] when the server does not have it yet)."""
    from curatarr.connectors.errors import NotFound

    if target.rating_key and server_type == "plex":
        try:
            raw = client.item(target.rating_key)
        except NotFound:
            return []
        if raw.type in ("season", "episode"):
            show_key = raw.parent_rating_key if raw.type == "season" else raw.grandparent_rating_key
            if target.season is None:
                target.season = raw.index if raw.type == "season" else raw.parent_index
            if raw.type == "episode" and not target.episodes and raw.index is not None:
                target.episodes = [raw.index]
            raw = client.item(show_key)
        for section in client.sections():
            if section.key == str(raw.section_key):
                if section.title.lower() in {x.lower() for x in exclude}:
                    return []
                item = plex_item(client, server, section.title, raw, language=(section.language or "").split("-")[0])
                return [item] if item else []
        return []
    if target.rating_key and server_type in ("jellyfin", "emby"):
        try:
            raw = client.item(target.rating_key)
        except NotFound:
            return []
        if raw.type in ("Season", "Episode") and raw.series_id:
            raw = client.item(raw.series_id)
        item = mb_item(client, server, server_type, "", raw)
        return [item] if item else []
    kind = "show" if target.media_type in ("show", "season", "episode") else "movie"
    return [with_details(client, i) for i in iter_server(client, server, server_type, exclude=exclude, details=False)
            if i.kind == kind and _matches(i, target)]
