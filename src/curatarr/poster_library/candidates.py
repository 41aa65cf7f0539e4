"""The media items posters are matched to, as :class:`MediaCandidate` s plus what the renamer needs
to place and upload a poster: the asset name (the item's folder name, or the collection's name),
and the item's copies on media servers (for uploads).

Movies and shows come from the media cache (``media_items`` of the *arr instances, seasons from
``media_children``, alternate titles from ``media_details``); collections are read live from the
media servers named in the renamer's ``instances`` (``library.server_collections``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import select

from curatarr.assets.naming import asset_name_for_path, collection_asset_name
from curatarr.db.models.library import MediaChild, MediaDetails, MediaItem, MediaLink
from curatarr.poster_library.matching import MediaCandidate

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

KIND = {"movie": "movie", "series": "show"}


@dataclass(frozen=True, slots=True)
class Placement:
    media_id: str                    # "radarr:12" for *arr items, "plex:coll:<id>" style for collections
    title: str
    kind: str                        # movie | show | collection
    instance: str
    asset_name: str | None           # None: the item has no folder (nothing can be written for it)
    library: str | None = None
    on_servers: tuple[tuple[str, str], ...] = ()   # (server instance, server item id)


@dataclass
class Candidates:
    media: list[MediaCandidate] = field(default_factory=list)
    places: list[Placement] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, media: MediaCandidate, place: Placement) -> None:
        self.media.append(media)
        self.places.append(place)


def _alternates(extra: str | None) -> tuple[str, ...]:
    if not extra:
        return ()
    try:
        titles = json.loads(extra).get("alternate_titles") or []
    except (ValueError, AttributeError):
        return ()
    return tuple(t for t in titles if isinstance(t, str) and t)


def arr_candidates(rt: "Runtime", instances: Iterable[str] | None, out: Candidates) -> None:
    """Movies and shows of the *arr instances (``None`` = all) from the media cache."""
    with rt.db.session() as s:
        q = (select(MediaItem.pk, MediaItem.id, MediaItem.instance, MediaItem.kind, MediaItem.title,
                    MediaItem.original_title, MediaItem.year, MediaItem.tmdb_id, MediaItem.tvdb_id, MediaItem.imdb_id,
                    MediaItem.path, MediaItem.library, MediaDetails.extra)
             .outerjoin(MediaDetails, MediaDetails.item_pk == MediaItem.pk)
             .where(MediaItem.role == "arr", MediaItem.removed_at.is_(None), MediaItem.kind.in_(list(KIND))))
        if instances is not None:
            q = q.where(MediaItem.instance.in_(list(instances)))
        items = s.execute(q.order_by(MediaItem.instance, MediaItem.pk)).all()
        pks = [r.pk for r in items]
        seasons: dict[int, set[int]] = defaultdict(set)
        links: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for i in range(0, len(pks), 900):
            chunk = pks[i:i + 900]
            for pk, number in s.execute(select(MediaChild.item_pk, MediaChild.season_number).where(
                    MediaChild.item_pk.in_(chunk), MediaChild.kind == "season")):
                if number is not None:
                    seasons[pk].add(number)
            for pk, inst, native in s.execute(
                    select(MediaLink.arr_pk, MediaItem.instance, MediaItem.native_id)
                    .join(MediaItem, MediaItem.pk == MediaLink.server_pk).where(MediaLink.arr_pk.in_(chunk))):
                links[pk].append((inst, native))
    for r in items:
        alternates = _alternates(r.extra)
        if r.original_title and r.original_title != r.title:
            alternates = (r.original_title, *alternates)
        try:
            name = asset_name_for_path(r.path) if r.path else None
        except ValueError:
            name = None
        kind = KIND[r.kind]
        out.add(MediaCandidate(kind=kind, title=r.title, year=r.year, tmdb=r.tmdb_id, tvdb=r.tvdb_id, imdb=r.imdb_id,
                               alternate_titles=alternates, seasons=tuple(sorted(seasons.get(r.pk, ())))),
                Placement(media_id=r.id, title=r.title, kind=kind, instance=r.instance, asset_name=name,
                          library=r.library, on_servers=tuple(links.get(r.pk, ()))))


def collection_candidates(rt: "Runtime", servers: dict[str, list[str]], out: Candidates) -> None:
    """Collections of the named media servers (``{instance: [library names] or [] for all]}``)."""
    if not servers:
        return
    from curatarr.library.server_collections import server_collections

    found = server_collections(rt)
    out.errors += [e for e in found.errors if e["instance"] in servers]
    seen: set[tuple[str, str]] = set()
    by_name: dict[str, int] = {}
    for c in found.collections:
        libraries = servers.get(c["instance"])
        if libraries is None or (libraries and c["library"] not in libraries):
            continue
        try:
            name = collection_asset_name(c["title"])
        except ValueError:
            continue
        key = (c["instance"], c["native_id"])
        if key in seen:
            continue
        seen.add(key)
        if name in by_name:  # the same collection on another server/library: one poster, more uploads
            i = by_name[name]
            out.places[i] = replace(out.places[i], on_servers=(*out.places[i].on_servers, key))
            continue
        by_name[name] = len(out.places)
        out.add(MediaCandidate(kind="collection", title=c["title"]),
                Placement(media_id=c["id"], title=c["title"], kind="collection", instance=c["instance"],
                          asset_name=name, library=c["library"], on_servers=((c["instance"], c["native_id"]),)))
