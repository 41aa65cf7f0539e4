"""LibraryService: the media library as the rest of Curatarr sees it (API handlers, modules, other
areas via ``rt.library``).

    lib = library_for(rt)
    page = lib.search(SearchParams(query="matrix", type="movie"))
    item = lib.get("radarr_main:1")                      # KeyError if unknown
    lib.find(tmdb_id=603, kind="movie")                  # items of every instance with that id

Reads are plain SQL through the runtime's database; writes to the *arr (delete, edit, refresh) live
in :mod:`curatarr.library.actions`.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, or_, select

from curatarr.db.base import iso
from curatarr.db.models.library import MediaChild, MediaDetails, MediaFacet, MediaItem, MediaLink
from curatarr.library import collections as coll
from curatarr.library import duplicates as dup
from curatarr.library import reports
from curatarr.library import stats as st
from curatarr.library.history import list_history
from curatarr.library.search import SearchParams, facets, kind_of, matching_ids, search
from curatarr.library.search_index import IndexHolder, SearchIndex, page_rows
from curatarr.library.store import library_session

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

# Fields incomplete-metadata can check, and the kinds each one applies to.
INCOMPLETE_FIELDS: dict[str, tuple[str, ...]] = {
    "rating": ("movie", "series", "artist"), "studio": ("movie", "series"), "language": ("movie", "series"),
    "genre": ("movie", "series", "artist"), "runtime": ("movie", "series"), "year": ("movie", "series"),
    "tmdb_id": ("movie",), "tvdb_id": ("series",), "imdb_id": ("movie", "series"),
    "musicbrainz_id": ("artist",), "certification": ("movie", "series"), "overview": ("movie", "series", "artist"),
    "poster": ("movie", "series", "artist"), "path": ("movie", "series", "artist"),
}
_FIELD_COLUMN = {"genre": MediaItem.genres, "poster": MediaItem.poster_url}


def _loads(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def poster_path(item_id: str) -> str:
    return f"/api/media/{item_id}/poster"


def item_summary(m: MediaItem) -> dict[str, Any]:
    """The list form of an item (search results, duplicates, exports)."""
    return {
        "id": m.id, "instance": m.instance, "source_type": m.source_type, "role": m.role, "type": m.kind,
        "title": m.title, "original_title": m.original_title, "year": m.year, "status": m.status,
        "monitored": m.monitored, "has_file": m.has_file, "quality": m.quality, "size_on_disk": m.size_on_disk,
        "rating": m.rating, "rating_votes": m.rating_votes, "certification": m.certification, "studio": m.studio,
        "runtime": m.runtime, "language": m.language, "genres": _loads(m.genres, []), "tags": _loads(m.tags, []),
        "tmdb_id": m.tmdb_id, "tvdb_id": m.tvdb_id, "imdb_id": m.imdb_id, "musicbrainz_id": m.musicbrainz_id,
        "path": m.path, "library": m.library, "has_poster": bool(m.has_poster),
        "poster": poster_path(m.id) if m.has_poster else None, "added_at": iso(m.added_at),
        "removed": m.removed_at is not None, "removed_at": iso(m.removed_at),
    }


def linked_pks(s, pks: list[int]) -> set[int]:
    """The pks among ``pks`` of items linked across roles (an *arr item a media server holds, a media
    server item an *arr manages): what "matched" means in this library (the media stats count the same)."""
    out: set[int] = set()
    for i in range(0, len(pks), 500):
        chunk = pks[i:i + 500]
        out.update(s.scalars(select(MediaLink.arr_pk).where(MediaLink.arr_pk.in_(chunk))))
        out.update(s.scalars(select(MediaLink.server_pk).where(MediaLink.server_pk.in_(chunk))))
    return out


class LibraryService:
    def __init__(self, rt: "Runtime"):
        self.rt = rt
        self._groups_lock = threading.Lock()
        self._groups: dict[str, dup.Group] = {}  # last computed duplicate groups by id (resolve lookups)
        self._index: IndexHolder | None = None
        self._index_lock = threading.Lock()   # creating the holder (not the duplicate-group cache's lock)

    @property
    def db(self):
        return self.rt.db

    def forget_duplicate_groups(self) -> None:
        """Drop the remembered groups (their items may be gone: resolve must not find them)."""
        with self._groups_lock:
            self._groups.clear()

    # ---- items ------------------------------------------------------------------------------
    @property
    def search_index(self) -> IndexHolder:
        """The in-memory search index of this runtime's database (rebuilt in the background when stale)."""
        holder = self._index
        if holder is None or holder.db is not self.db:
            with self._index_lock:
                if self._index is None or self._index.db is not self.db:
                    self._index = IndexHolder(self.db)
                holder = self._index
        return holder

    def search(self, params: SearchParams, *, with_facets: bool = False) -> dict[str, Any]:
        # The index answers when it is fresh and models the filter; SQL answers otherwise (same results).
        index = self.search_index.current() if SearchIndex.supports(params) else None
        with library_session(self.db) as s:
            mask = index.mask(params) if index is not None else None   # shared by the page and the facets
            if index is not None:
                pks, total = index.search(params, mask)
                rows = page_rows(s, pks)
            else:
                rows, total = search(s, params)
            linked = linked_pks(s, [r.pk for r in rows])
            items = [{**item_summary(r), "matched": r.pk in linked} for r in rows]
            out: dict[str, Any] = {"items": items, "total": total,
                                   "limit": params.limit, "offset": params.offset}
            if with_facets:
                out["facets"] = index.facets(params, mask=mask) if index is not None else facets(s, params)
        return out

    def missing_ids(self, ids: list[str]) -> list[str]:
        """The ids among ``ids`` that are not in the library."""
        found: set[str] = set()
        with library_session(self.db) as s:
            for i in range(0, len(ids), 500):
                found.update(s.scalars(select(MediaItem.id).where(MediaItem.id.in_(ids[i:i + 500]))))
        return [i for i in ids if i not in found]

    def matching_ids(self, params: SearchParams, cap: int) -> list[str]:
        """Ids of the items a filter matches (at most ``cap``) — bulk actions over "the current filter"."""
        with library_session(self.db) as s:
            return matching_ids(s, params, cap)

    def get(self, media_id: str) -> dict[str, Any]:
        with library_session(self.db) as s:
            m = s.scalar(select(MediaItem).where(MediaItem.id == media_id))
            if m is None:
                raise KeyError(media_id)
            out = item_summary(m)
            details = s.get(MediaDetails, m.pk)
            extra = _loads(details.extra if details else None, {})
            user = _loads(m.user_fields, {})
            out.update({
                "overview": details.overview if details else None,
                "ratings": _loads(details.ratings if details else None, {}),
                "alternate_titles": extra.pop("alternate_titles", []), "extra": extra,
                "edition": user.get("edition") or extra.get("edition"), "notes": user.get("notes"),
                "local_fields": user, "root_folder": m.root_folder, "quality_profile_id": m.quality_profile_id,
                "season_count": m.season_count, "child_count": m.child_count, "child_file_count": m.child_file_count,
                "first_seen_at": iso(m.first_seen_at), "updated_at": iso(m.updated_at),
                "normalized_title": m.norm_title, "poster_source": m.poster_url,
            })
            out["children"] = self._children(s, m.pk)
            out["links"] = self._links(s, m)
            out["matched"] = bool(out["links"])
        return out

    def record(self, media_id: str) -> MediaItem:
        """The ORM row (detached) — for actions that need every column."""
        with library_session(self.db) as s:
            m = s.scalar(select(MediaItem).where(MediaItem.id == media_id))
            if m is None:
                raise KeyError(media_id)
            s.expunge(m)
            return m

    def find(self, *, tmdb_id: int | None = None, tvdb_id: int | None = None, imdb_id: str | None = None,
             kind: str | None = None, title: str | None = None, year: int | None = None,
             role: str = "arr") -> list[dict[str, Any]]:
        """Items (not removed) by external id or normalised title (+year) — for other areas."""
        from curatarr.library.normalize import normalize_title

        conds = [MediaItem.removed_at.is_(None)]
        if role != "all":
            conds.append(MediaItem.role == role)
        if kind:
            conds.append(MediaItem.kind == kind_of(kind))
        ids = [c for c in ((MediaItem.tmdb_id, tmdb_id), (MediaItem.tvdb_id, tvdb_id), (MediaItem.imdb_id, imdb_id))
               if c[1]]
        if ids:
            conds.append(or_(*[col == value for col, value in ids]))
        elif title:
            conds.append(MediaItem.norm_title == normalize_title(title))
            if year:
                conds.append(MediaItem.year == year)
        else:
            return []
        with library_session(self.db) as s:
            return [item_summary(m) for m in s.scalars(select(MediaItem).where(*conds).order_by(MediaItem.id).limit(200))]

    def ids_under_paths(self, paths: list[str], *, recursive: bool = True, instances: list[str] | None = None,
                        cap: int = 5000) -> list[str]:
        """*arr items whose folder is one of ``paths`` or (``recursive``) below one of them. The paths
        are the *arr's own (they are compared as text, never opened on this machine)."""
        conds = []
        for p in paths:
            p = p.rstrip("/")
            conds.append(MediaItem.path == p)
            if recursive:
                escaped = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                conds.append(MediaItem.path.like(escaped + "/%", escape="\\"))
        where = [MediaItem.role == "arr", MediaItem.removed_at.is_(None), or_(*conds)]
        if instances:
            where.append(MediaItem.instance.in_(instances))
        with library_session(self.db) as s:
            return list(s.scalars(select(MediaItem.id).where(*where).order_by(MediaItem.id).limit(cap)))

    @staticmethod
    def _children(s, item_pk: int) -> list[dict[str, Any]]:
        rows = list(s.scalars(select(MediaChild).where(MediaChild.item_pk == item_pk)
                              .order_by(MediaChild.season_number, MediaChild.number, MediaChild.id)))
        seasons: dict[int, dict[str, Any]] = {}
        out: list[dict[str, Any]] = []
        episodes: list[dict[str, Any]] = []
        for c in rows:
            entry = {"id": c.id, "kind": c.kind, "title": c.title, "season_number": c.season_number,
                     "number": c.number, "monitored": c.monitored, "has_file": c.has_file,
                     "file_count": c.file_count, "total_count": c.total_count, "size_on_disk": c.size_on_disk,
                     "air_date": c.air_date, "external_id": c.external_id}
            if c.kind == "season":
                entry["episodes"] = []
                seasons[c.season_number or 0] = entry
                out.append(entry)
            elif c.kind == "episode":
                episodes.append(entry)
            else:
                out.append(entry)
        for ep in episodes:  # nest episodes under their season (a season-less episode stays top level)
            season = seasons.get(ep["season_number"] or 0)
            (season["episodes"] if season is not None else out).append(ep)
        return out

    @staticmethod
    def _links(s, m: MediaItem) -> list[dict[str, Any]]:
        if m.role == "arr":
            cond, other = MediaLink.arr_pk == m.pk, MediaLink.server_pk
        else:
            cond, other = MediaLink.server_pk == m.pk, MediaLink.arr_pk
        rows = s.execute(select(MediaItem, MediaLink.method).join(MediaLink, other == MediaItem.pk).where(cond)
                         .order_by(MediaItem.id))
        return [{"id": o.id, "instance": o.instance, "source_type": o.source_type, "title": o.title,
                 "library": o.library, "method": method, "removed": o.removed_at is not None} for o, method in rows]

    def genres(self, kind: str | None = None) -> list[str]:
        conds = [MediaFacet.facet == "genre"]
        if kind:
            conds.append(MediaFacet.item_pk.in_(select(MediaItem.pk).where(MediaItem.kind == kind_of(kind))))
        with library_session(self.db) as s:
            return list(s.scalars(select(MediaFacet.value).where(*conds).distinct().order_by(MediaFacet.value)))

    # ---- reports ----------------------------------------------------------------------------
    def stats(self, period: str = "all", kind: str | None = None) -> dict[str, Any]:
        with library_session(self.db) as s:
            return st.summary(s, period, kind)

    def stats_detailed(self, period: str = "all", kind: str | None = None) -> dict[str, Any]:
        with library_session(self.db) as s:
            return st.detailed(s, period, kind)

    def low_rated(self, max_rating: float = 5.0, *, kind: str | None = None, min_votes: int = 0,
                  limit: int = 50, offset: int = 0) -> dict[str, Any]:
        conds = [MediaItem.role == "arr", MediaItem.removed_at.is_(None), MediaItem.rating.is_not(None),
                 MediaItem.rating < max_rating]
        if kind:
            conds.append(MediaItem.kind == kind_of(kind))
        if min_votes:
            conds.append(MediaItem.rating_votes >= min_votes)
        with library_session(self.db) as s:
            total = s.scalar(select(func.count()).select_from(MediaItem).where(*conds)) or 0
            rows = s.scalars(select(MediaItem).where(*conds)
                             .order_by(MediaItem.rating.asc(), MediaItem.sort_title, MediaItem.id).limit(limit).offset(offset))
            return {"items": [item_summary(r) for r in rows], "total": int(total), "max_rating": max_rating,
                    "limit": limit, "offset": offset}

    def incomplete(self, fields: list[str], *, kind: str | None = None, limit: int = 50,
                   offset: int = 0) -> dict[str, Any]:
        unknown = [f for f in fields if f not in INCOMPLETE_FIELDS]
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(unknown)}; known: {', '.join(INCOMPLETE_FIELDS)}")
        kind = kind_of(kind)
        missing_any = []
        for f in fields:
            if f == "overview":
                empty = ~exists().where(MediaDetails.item_pk == MediaItem.pk, MediaDetails.overview.is_not(None),
                                        MediaDetails.overview != "")
                missing_any.append(and_(empty, MediaItem.kind.in_(INCOMPLETE_FIELDS[f])))
                continue
            column = _FIELD_COLUMN.get(f, getattr(MediaItem, f, None))
            empty = column.is_(None) if f in ("year", "runtime", "rating", "tmdb_id", "tvdb_id") else \
                or_(column.is_(None), column == "")
            # A field only counts as missing for the kinds that can have it.
            missing_any.append(and_(empty, MediaItem.kind.in_(INCOMPLETE_FIELDS[f])))
        conds = [MediaItem.role == "arr", MediaItem.removed_at.is_(None), or_(*missing_any)]
        if kind:
            conds.append(MediaItem.kind == kind)
        with library_session(self.db) as s:
            total = s.scalar(select(func.count()).select_from(MediaItem).where(*conds)) or 0
            rows = list(s.scalars(select(MediaItem).where(*conds).order_by(MediaItem.sort_title, MediaItem.id)
                                  .limit(limit).offset(offset)))
            overviews = {}
            if "overview" in fields and rows:
                overviews = dict(s.execute(select(MediaDetails.item_pk, MediaDetails.overview)
                                           .where(MediaDetails.item_pk.in_([r.pk for r in rows]))).all())
            items = []
            for r in rows:
                entry = item_summary(r)
                entry["missing"] = [f for f in fields if r.kind in INCOMPLETE_FIELDS[f]
                                    and (not overviews.get(r.pk) if f == "overview" else _is_missing(r, f))]
                items.append(entry)
        return {"items": items, "total": int(total), "fields": fields, "limit": limit, "offset": offset}

    # ---- duplicates -------------------------------------------------------------------------
    def _dup_rows(self, kind: str | None, instances: list[str] | None) -> list[dup.DupRow]:
        conds = [MediaItem.role == "arr", MediaItem.removed_at.is_(None)]
        if kind:
            conds.append(MediaItem.kind == kind)
        if instances:
            conds.append(MediaItem.instance.in_(instances))
        cols = (MediaItem.id, MediaItem.instance, MediaItem.source_type, MediaItem.kind, MediaItem.norm_title,
                MediaItem.fuzzy_title, MediaItem.first_token, MediaItem.year)
        with library_session(self.db) as s:
            return [dup.DupRow(*r) for r in s.execute(select(*cols).where(*conds).order_by(MediaItem.id))]

    def duplicate_groups(self, similarity: float = 1.0, *, kind: str | None = None,
                         instances: list[str] | None = None) -> tuple[list[dup.Group], int]:
        exclude = dup.parse_exclude_groups(self.rt.settings.general.duplicate_exclude_groups)
        groups, dropped = dup.find_groups(self._dup_rows(kind_of(kind), instances), similarity, exclude)
        with self._groups_lock:
            if len(self._groups) > 200_000:
                self._groups.clear()
            self._groups.update((g.group_id, g) for g in groups)
        return groups, dropped

    def duplicates(self, similarity: float = 1.0, *, kind: str | None = None, instances: list[str] | None = None,
                   limit: int = 100, offset: int = 0) -> dict[str, Any]:
        groups, dropped = self.duplicate_groups(similarity, kind=kind, instances=instances)
        page = groups[offset:offset + limit]
        self._attach_members(page)
        return {"duplicates": [g.as_dict() for g in page], "total": len(groups), "similarity": similarity,
                "excluded_intentional": dropped, "limit": limit, "offset": offset}

    def group(self, group_id: str) -> dup.Group:
        """A duplicate group by id (recomputed at the similarity its id records if not cached)."""
        with self._groups_lock:
            found = self._groups.get(group_id)
        if found is None:
            similarity = dup.similarity_of_group_id(group_id)
            if similarity is None:
                raise KeyError(group_id)
            groups, _ = self.duplicate_groups(similarity)
            found = next((g for g in groups if g.group_id == group_id), None)
            if found is None:
                raise KeyError(group_id)
        self._attach_members([found])
        return found

    def _attach_members(self, groups: list[dup.Group]) -> None:
        ids = [i for g in groups for i in g.ids]
        if not ids:
            return
        found: dict[str, dict[str, Any]] = {}
        with library_session(self.db) as s:
            for i in range(0, len(ids), 500):
                for m in s.scalars(select(MediaItem).where(MediaItem.id.in_(ids[i:i + 500]))):
                    found[m.id] = item_summary(m)
        for g in groups:
            g.members = [found[i] for i in g.ids if i in found]
            if g.members:
                g.norm_title = g.norm_title or ""
                g.members.sort(key=lambda m: (m["instance"], m["id"]))

    def forget_groups(self) -> None:
        with self._groups_lock:
            self._groups.clear()

    # ---- history / collections ---------------------------------------------------------------
    def history(self, media_id: str, limit: int = 100) -> list[dict[str, Any]]:
        with library_session(self.db) as s:
            if s.scalar(select(MediaItem).where(MediaItem.id == media_id)) is None and not list_history(s, media_id, 1):
                raise KeyError(media_id)
            return list_history(s, media_id, limit)

    def collections(self) -> list[dict[str, Any]]:
        with library_session(self.db) as s:
            return coll.list_collections(s)

    def all_collections(self) -> dict[str, Any]:
        """User collections (``source: "user"``) followed by the media servers' own collections
        (``source: "media_server"``, read live); servers that could not be read are in ``errors``."""
        from curatarr.library.server_collections import server_collections

        found = server_collections(self.rt)
        listed = self.collections() + found.collections
        return {"collections": listed, "total": len(listed), "errors": found.errors}

    def instance_stats(self, instance: str) -> dict[str, Any] | None:
        """Cached media counts of one instance (None when it was never synced)."""
        with library_session(self.db) as s:
            return reports.instance_counts(s, instance)

    def collection(self, collection_id: int) -> dict[str, Any]:
        with library_session(self.db) as s:
            return coll.get_collection(s, collection_id)

    def create_collection(self, **kwargs: Any) -> dict[str, Any]:
        with library_session(self.db) as s:
            return coll.create_collection(s, **kwargs)

    def update_collection(self, collection_id: int, **kwargs: Any) -> dict[str, Any]:
        with library_session(self.db) as s:
            return coll.update_collection(s, collection_id, **kwargs)

    def delete_collection(self, collection_id: int) -> None:
        with library_session(self.db) as s:
            coll.delete_collection(s, collection_id)

    def collection_from_tag(self, tag: str, name: str | None = None) -> dict[str, Any]:
        with library_session(self.db) as s:
            return coll.collection_from_tag(s, tag, name)

    def health_check(self) -> bool:
        return True


def _is_missing(m: MediaItem, field_name: str) -> bool:
    column = {"genre": "genres", "poster": "poster_url"}.get(field_name, field_name)
    value = getattr(m, column)
    if field_name == "genre":
        return not _loads(value, [])
    return value is None or value == ""


_LOCK = threading.Lock()


def library_for(rt: "Runtime") -> LibraryService:
    """The runtime's LibraryService (created on first use and kept in ``rt.library``)."""
    with _LOCK:
        service = rt.library
        if not isinstance(service, LibraryService):
            service = LibraryService(rt)
            rt.library = service
        return service
