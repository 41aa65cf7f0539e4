"""What the report compares: the movies and series of the media cache (two streamed queries: items,
then their seasons), which instances were never read into the cache, and the media servers'
collections (read live through the media-server interface — the cache does not keep them)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable, Iterator

from sqlalchemy import select

from curatarr.db.models.library import MediaChild, MediaItem, MediaSyncState
from curatarr.library.store import library_session
from curatarr.unmatched.report import CollectionEntry, MediaEntry, SeasonEntry

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

ARR_KINDS = ("movie", "series")
_BATCH = 5_000


def never_synced(rt: "Runtime", names: Iterable[str]) -> list[str]:
    """The instances among ``names`` that the media cache has never read successfully."""
    wanted = list(names)
    if not wanted:
        return []
    with rt.db.session() as s:
        done = set(s.scalars(select(MediaSyncState.instance).where(
            MediaSyncState.instance.in_(wanted), MediaSyncState.last_sync_at.is_not(None))))
    return [n for n in wanted if n not in done]


def _tags(raw: str | None) -> tuple[str, ...]:
    if not raw or raw == "[]":  # most items carry no tag: skip the JSON decoder
        return ()
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def media_entries(rt: "Runtime", instances: list[str], profile_names: dict[str, dict[int, str]]) -> Iterator[MediaEntry]:
    """Every live movie and series of ``instances`` with its seasons. ``profile_names`` maps
    instance → {quality-profile id: name} (empty when no rule needs the names)."""
    if not instances:
        return
    live = (MediaItem.role == "arr", MediaItem.removed_at.is_(None), MediaItem.kind.in_(ARR_KINDS),
            MediaItem.instance.in_(instances))
    with library_session(rt.db) as s:
        seasons: dict[int, list[SeasonEntry]] = {}
        rows = s.execute(select(MediaChild.item_pk, MediaChild.season_number, MediaChild.monitored,
                                MediaChild.file_count)
                         .join(MediaItem, MediaItem.pk == MediaChild.item_pk)
                         .where(MediaChild.kind == "season", MediaItem.kind == "series", *live)
                         .execution_options(yield_per=_BATCH))
        for pk, number, monitored, file_count in rows:
            seasons.setdefault(pk, []).append(SeasonEntry(int(number or 0), monitored, file_count))
        items = s.execute(select(MediaItem.pk, MediaItem.id, MediaItem.instance, MediaItem.kind, MediaItem.title,
                                 MediaItem.year, MediaItem.path, MediaItem.tags, MediaItem.monitored,
                                 MediaItem.quality_profile_id, MediaItem.tmdb_id, MediaItem.tvdb_id, MediaItem.imdb_id)
                          .where(*live).execution_options(yield_per=_BATCH))
        for pk, media_id, instance, kind, title, year, path, tags, monitored, profile_id, tmdb, tvdb, imdb in items:
            names = profile_names.get(instance) or {}
            found = sorted(seasons.get(pk, ()), key=lambda x: x.number)
            yield MediaEntry(instance=instance, kind=kind, id=media_id, title=title, year=year, path=path,
                             tags=_tags(tags), monitored=monitored,
                             profile=names.get(profile_id) if profile_id is not None else None, seasons=found,
                             ids={k: v for k, v in (("tmdb", tmdb), ("tvdb", tvdb), ("imdb", imdb)) if v})


def server_collection_entries(rt: "Runtime", instances: set[str] | None) -> tuple[list[CollectionEntry], list[dict]]:
    """The media servers' collections (of ``instances``; None = every enabled server) and the
    servers that could not be read."""
    from curatarr.library.server_collections import server_collections

    found = server_collections(rt)
    entries = [CollectionEntry(instance=c["instance"], id=str(c["native_id"]), name=c["title"], library=c["library"])
               for c in found.collections if instances is None or c["instance"] in instances]
    errors = [e for e in found.errors if instances is None or e["instance"] in instances]
    return entries, errors
