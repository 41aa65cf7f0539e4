"""Search the library: filters, free text, sort, paging, facets — all index lookups.

Free text is a range scan on ``media_titles.key`` (word-suffix keys of the title, original title and
alternate titles of live items, prefixed with role and kind letters): ``"matrix rel"`` in movies →
keys in [``ammatrixrel``, ``ammatrixrem``) → "The Matrix Reloaded". Ids work too: ``tt0133093``, ``tmdb:603``,
``tvdb:81189``, or a media id ``radarr_main:1``. Genre and tag filters use ``media_facets``;
everything else is a column of ``media_items`` with a partial index per sort order.

How a text match joins the rest depends on its size, measured with a capped probe first: up to
``NARROW`` matching keys become a literal list of row keys (a few primary-key lookups); up to
``BROAD`` an ``IN (subquery)`` (primary-key lookups for every match); beyond that the matches are
dense, so the sort index is walked with an ``EXISTS`` probe per row (the page needs only
~limit/selectivity rows). A text-only search (optionally with a type) counts from the keys alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from curatarr.db.models.library import MediaFacet, MediaItem, MediaLink, MediaTitleKey
from curatarr.library.normalize import normalize_query, prefix_upper_bound
from curatarr.library.records import KIND_KEY_PREFIX, ROLE_KEY_PREFIX

# Every sort order has a partial index (role, column) over live items.
SORT_COLUMNS = {
    "title": MediaItem.sort_title, "year": MediaItem.year, "rating": MediaItem.rating,
    "added": MediaItem.added_at, "runtime": MediaItem.runtime, "size": MediaItem.size_on_disk,
}
NARROW = 2000   # matching search keys up to which a text match becomes a literal list of row keys
BROAD = 25_000  # above this many, rows are probed while the sort index is walked (dense matches)
KIND_ALIASES = {"movie": "movie", "movies": "movie", "film": "movie", "series": "series", "show": "series",
                "shows": "series", "tv": "series", "artist": "artist", "artists": "artist", "music": "artist"}
ROLES = ("arr", "server", "all")
_IMDB = re.compile(r"^tt\d{5,10}$", re.I)
_EXT_ID = re.compile(r"^(tmdb|tvdb|imdb|mbid)[:\-](\S+)$", re.I)


_BOOL_FIELDS = {"has_poster", "monitored", "has_file", "linked", "include_removed"}
_NUMBER_FIELDS = {"year_min", "year_max", "rating_min", "rating_max", "limit", "offset"}


class InvalidQuery(ValueError):
    """A filter or sort the library cannot apply (→ 422)."""


def kind_of(value: str | None) -> str | None:
    if value in (None, "", "all"):
        return None
    kind = KIND_ALIASES.get(str(value).strip().lower())
    if kind is None:
        raise InvalidQuery(f"unknown type {value!r}; use movie, series or artist")
    return kind


@dataclass
class SearchParams:
    query: str | None = None
    type: str | None = None
    status: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    instances: list[str] = field(default_factory=list)
    year_min: int | None = None
    year_max: int | None = None
    rating_min: float | None = None
    rating_max: float | None = None
    has_poster: bool | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    linked: bool | None = None
    role: str = "arr"
    include_removed: bool = False
    ids: list[str] = field(default_factory=list)
    sort: str = "title"
    order: str = "asc"
    limit: int = 50
    offset: int = 0

    def validate(self) -> "SearchParams":
        self.type = kind_of(self.type)
        if self.sort not in SORT_COLUMNS:
            raise InvalidQuery(f"unknown sort field {self.sort!r}; use one of {', '.join(SORT_COLUMNS)}")
        if self.order not in ("asc", "desc"):
            raise InvalidQuery("order must be asc or desc")
        if self.role not in ROLES:
            raise InvalidQuery(f"role must be one of {', '.join(ROLES)}")
        for low, high, name in ((self.year_min, self.year_max, "year"), (self.rating_min, self.rating_max, "rating")):
            if low is not None and high is not None and low > high:
                raise InvalidQuery(f"{name}_min is greater than {name}_max")
        return self

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "SearchParams":
        """From a JSON filter (export, bulk fix-metadata); accepts the query-string names too."""
        raw = dict(raw or {})
        aliases = {"q": "query", "tag": "tags", "genre": "genres", "instance": "instances"}
        data: dict[str, Any] = {}
        for key, value in raw.items():
            key = aliases.get(key, key)
            if key not in cls.__dataclass_fields__:
                continue
            if key in ("status", "tags", "genres", "instances", "ids") and isinstance(value, str):
                value = [v for v in value.split(",") if v]
            elif key in _BOOL_FIELDS and isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0", ""):
                    raise InvalidQuery(f"{key} must be true or false")
                value = None if value == "" else value.lower() in ("true", "1")
            elif key in _NUMBER_FIELDS and isinstance(value, str):
                try:
                    value = None if value == "" else (float(value) if key.startswith("rating") else int(value))
                except ValueError:
                    raise InvalidQuery(f"{key} must be a number") from None
            data[key] = value
        try:
            return cls(**data).validate()
        except TypeError as exc:
            raise InvalidQuery(str(exc)) from None


@dataclass
class Posting:
    """A filter answered from a posting table (search keys or facets): the condition on items, and
    what is needed to count its matches without touching the items table."""

    condition: ColumnElement[bool]
    table: Any = None                          # MediaTitleKey | MediaFacet (None for id look-ups)
    where: ColumnElement[bool] | None = None   # rows of ``table`` that match
    listed: int | None = None                  # number of matching items, when they were listed


def _roles(role: str) -> list[str]:
    return ["arr", "server"] if role == "all" else [role]


def _scopes(role: str, kind: str | None) -> list[str]:
    return [ROLE_KEY_PREFIX[r] + KIND_KEY_PREFIX[k] for r in _roles(role) for k in ([kind] if kind else KIND_KEY_PREFIX)]


def _posting(session: Session, table: Any, where: ColumnElement[bool]) -> Posting:
    """Three ways to join matches to items, by how many there are (a capped probe decides)."""
    probe = select(table.item_pk).where(where).limit(NARROW + 1).subquery()
    found = session.scalar(select(func.count()).select_from(probe)) or 0
    if found <= NARROW:
        # Listed (no DISTINCT in SQL: SQLite would scan the whole table for it, not the ranges).
        pks = sorted(set(session.scalars(select(table.item_pk).where(where))))
        return Posting(MediaItem.pk.in_(pks) if pks else false(), table, where, len(pks))
    probe = select(table.item_pk).where(where).limit(BROAD + 1).subquery()
    if (session.scalar(select(func.count()).select_from(probe)) or 0) <= BROAD:
        return Posting(MediaItem.pk.in_(select(table.item_pk).where(where)), table, where)
    return Posting(exists().where(table.item_pk == MediaItem.pk, where), table, where)


def is_id_query(text: str) -> bool:
    """An IMDb id, ``source:id`` or a media id (``radarr:…``): matched by id, not by title. The
    search index leaves such queries to SQL, so both paths must agree on what one is."""
    return bool(_IMDB.match(text) or _EXT_ID.match(text) or (":" in text and " " not in text))


def _id_match(text: str) -> Posting:
    """The posting of an id query (see :func:`is_id_query`)."""
    if _IMDB.match(text):
        return Posting(MediaItem.imdb_id == text.lower())
    m = _EXT_ID.match(text)
    if m:
        source, value = m.group(1).lower(), m.group(2)
        if source == "imdb":
            return Posting(MediaItem.imdb_id == value)
        if source == "mbid":
            return Posting(MediaItem.musicbrainz_id == value)
        if not value.isdigit():
            raise InvalidQuery(f"{source} ids are numbers")
        return Posting((MediaItem.tmdb_id if source == "tmdb" else MediaItem.tvdb_id) == int(value))
    return Posting(MediaItem.id == text)


def _text_match(session: Session, text: str, role: str, kind: str | None = None) -> Posting | None:
    text = text.strip()
    if not text:
        return None
    if is_id_query(text):
        return _id_match(text)
    prefix = normalize_query(text)
    if not prefix:
        return None
    ranges = [and_(MediaTitleKey.key >= scope + prefix, MediaTitleKey.key < prefix_upper_bound(scope + prefix))
              for scope in _scopes(role, kind)]
    return _posting(session, MediaTitleKey, or_(*ranges) if len(ranges) > 1 else ranges[0])


def _facet_match(session: Session, facet: str, values: list[str], role: str, kind: str | None) -> Posting:
    where = and_(MediaFacet.facet == facet, MediaFacet.scope.in_(_scopes(role, kind)),
                 MediaFacet.value.in_(list(values)))
    return _posting(session, MediaFacet, where)


@dataclass
class Resolved:
    """The posting filters of one search, looked up once (page, count and facets share them)."""

    text: Posting | None = None
    genres: Posting | None = None
    tags: Posting | None = None

    @classmethod
    def of(cls, session: Session, p: SearchParams) -> "Resolved":
        live = not p.include_removed  # postings hold live items only
        return cls(
            text=_text_match(session, p.query, p.role, p.type) if p.query else None,
            genres=_facet_match(session, "genre", p.genres, p.role, p.type) if p.genres and live else None,
            tags=_facet_match(session, "tag", p.tags, p.role, p.type) if p.tags and live else None)

    def postings(self) -> list[Posting]:
        return [x for x in (self.text, self.genres, self.tags) if x is not None]


def conditions(p: SearchParams, session: Session | None = None,
               resolved: Resolved | None = None) -> list[ColumnElement[bool]]:
    """Filters of ``p`` as SQL conditions (text and facet filters need ``session`` or ``resolved``)."""
    if resolved is None and session is not None:
        resolved = Resolved.of(session, p)
    resolved = resolved or Resolved()
    conds: list[ColumnElement[bool]] = []
    if p.role != "all":
        conds.append(MediaItem.role == p.role)
    if not p.include_removed:
        conds.append(MediaItem.removed_at.is_(None))
    for posting in resolved.postings():
        conds.append(posting.condition)
    if p.ids:
        conds.append(MediaItem.id.in_(list(p.ids)))
    if p.type:
        conds.append(MediaItem.kind == p.type)
    if p.status:
        conds.append(MediaItem.status.in_(list(p.status)))
    if p.instances:
        conds.append(MediaItem.instance.in_(list(p.instances)))
    for column, values, posting in ((MediaItem.genres, p.genres, resolved.genres), (MediaItem.tags, p.tags, resolved.tags)):
        if values and posting is None:
            # Removed items have no facet rows (include_removed): match the JSON list column instead.
            conds.append(or_(*[column.contains(json.dumps(v)) for v in values]))
    if p.year_min is not None:
        conds.append(MediaItem.year >= p.year_min)
    if p.year_max is not None:
        conds.append(MediaItem.year <= p.year_max)
    if p.rating_min is not None:
        conds.append(MediaItem.rating >= p.rating_min)
    if p.rating_max is not None:
        conds.append(MediaItem.rating <= p.rating_max)
    for column, wanted in ((MediaItem.has_poster, p.has_poster), (MediaItem.monitored, p.monitored),
                           (MediaItem.has_file, p.has_file)):
        if wanted is not None:
            conds.append(column.is_(True) if wanted else or_(column.is_(False), column.is_(None)))
    if p.linked is not None:
        arr_link = exists().where(MediaLink.arr_pk == MediaItem.pk)
        server_link = exists().where(MediaLink.server_pk == MediaItem.pk)
        link = {"arr": arr_link, "server": server_link}.get(p.role, or_(arr_link, server_link))
        conds.append(link if p.linked else ~link)
    return conds


def _only_posting(p: SearchParams, resolved: Resolved) -> Posting | None:
    """The single posting filter when nothing else narrows the search (role, liveness and type are
    part of the posting scopes): its matches can then be counted from the posting table alone."""
    postings = resolved.postings()
    if len(postings) != 1 or postings[0].table is None:
        return None
    others = (p.ids or p.status or p.instances or p.include_removed
              or any(v is not None for v in (p.year_min, p.year_max, p.rating_min, p.rating_max, p.has_poster,
                                             p.monitored, p.has_file, p.linked)))
    return None if others else postings[0]


def _order(p: SearchParams, session: Session | None = None) -> list[Any]:
    """Sort column then row key, in one direction, so the (role, column) index yields rows in order.
    Unknown values (NULL) come last on descending sorts on every database."""
    column = SORT_COLUMNS[p.sort]
    if p.order == "desc":
        primary = column.desc()
        if p.sort != "title" and session is not None and session.get_bind().dialect.name == "postgresql":
            primary = primary.nulls_last()
        return [primary, MediaItem.pk.desc()]
    return [column.asc(), MediaItem.pk.asc()]


def search(session: Session, p: SearchParams) -> tuple[list[MediaItem], int]:
    resolved = Resolved.of(session, p)
    conds = conditions(p, session, resolved)
    where = and_(*conds) if conds else None
    stmt = select(MediaItem)
    if where is not None:
        stmt = stmt.where(where)
    rows = list(session.scalars(stmt.order_by(*_order(p, session)).limit(p.limit).offset(p.offset)))
    only = _only_posting(p, resolved)
    if only is not None:
        total = only.listed if only.listed is not None else session.scalar(
            select(func.count(only.table.item_pk.distinct())).where(only.where))
    else:
        count = select(func.count()).select_from(MediaItem)
        total = session.scalar(count.where(where) if where is not None else count)
    return rows, int(total or 0)


def iter_matching(session: Session, p: SearchParams, batch: int = 1000) -> Iterator[MediaItem]:
    """Every item matching ``p`` in sort order, read page by page (export, bulk actions)."""
    conds = conditions(p, session)
    stmt = select(MediaItem)
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(*_order(p, session))
    offset = 0
    while True:
        rows = list(session.scalars(stmt.limit(batch).offset(offset)))
        if not rows:
            return
        yield from rows
        offset += len(rows)
        session.expunge_all()
        if len(rows) < batch:
            return


def matching_ids(session: Session, p: SearchParams, cap: int) -> list[str]:
    conds = conditions(p, session)
    stmt = select(MediaItem.id)
    if conds:
        stmt = stmt.where(and_(*conds))
    return list(session.scalars(stmt.order_by(MediaItem.id).limit(cap)))


def facets(session: Session, p: SearchParams, top: int = 30) -> dict[str, list[dict[str, Any]]]:
    """Counts per type, instance, status, decade, genre and tag within the filtered set."""
    conds = conditions(p, session)
    where = and_(*conds) if conds else True
    out: dict[str, list[dict[str, Any]]] = {}
    for name, column in (("type", MediaItem.kind), ("instance", MediaItem.instance), ("status", MediaItem.status)):
        rows = session.execute(select(column, func.count()).where(where).group_by(column)
                               .order_by(func.count().desc()).limit(top))
        out[name] = [{"value": v, "count": c} for v, c in rows if v is not None]
    decade = (MediaItem.year // 10) * 10  # floor division: "/" is true division in SQLAlchemy 2
    rows = session.execute(select(decade, func.count()).where(where, MediaItem.year.is_not(None))
                           .group_by(decade).order_by(decade))
    out["decade"] = [{"value": int(v), "count": c} for v, c in rows if v is not None]
    pks = select(MediaItem.pk).where(where)
    for facet in ("genre", "tag"):
        rows = session.execute(select(MediaFacet.value, func.count())
                               .where(MediaFacet.facet == facet, MediaFacet.item_pk.in_(pks))
                               .group_by(MediaFacet.value).order_by(func.count().desc()).limit(top))
        out[facet] = [{"value": v, "count": c} for v, c in rows]
    return out
