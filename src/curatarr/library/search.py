"""Search the library: filters, free text, sort, paging, facets — all index lookups.

Free text is a range scan on ``media_titles.key`` (word-suffix keys of the title, original title and
alternate titles): ``"matrix rel"`` → keys in [``matrixrel``, ``matrixrem``) → "The Matrix Reloaded".
Ids work too: ``tt0133093``, ``tmdb:603``, ``tvdb:81189``, or a media id ``radarr_main:1``.
Genre and tag filters use ``media_facets``; everything else is a column of ``media_items``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from curatarr.db.models.library import MediaFacet, MediaItem, MediaLink, MediaTitleKey
from curatarr.library.normalize import normalize_query, prefix_upper_bound

SORT_COLUMNS = {
    "title": MediaItem.sort_title, "year": MediaItem.year, "rating": MediaItem.rating,
    "added": MediaItem.added_at, "runtime": MediaItem.runtime, "size": MediaItem.size_on_disk,
    "instance": MediaItem.instance, "updated": MediaItem.updated_at, "status": MediaItem.status,
}
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


def _title_condition(text: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if _IMDB.match(text):
        return MediaItem.imdb_id == text.lower()
    m = _EXT_ID.match(text)
    if m:
        kind, value = m.group(1).lower(), m.group(2)
        if kind == "imdb":
            return MediaItem.imdb_id == value
        if kind == "mbid":
            return MediaItem.musicbrainz_id == value
        if not value.isdigit():
            raise InvalidQuery(f"{kind} ids are numbers")
        return (MediaItem.tmdb_id if kind == "tmdb" else MediaItem.tvdb_id) == int(value)
    if ":" in text and " " not in text:
        return MediaItem.id == text
    prefix = normalize_query(text)
    if not prefix:
        return None
    keys = select(MediaTitleKey.item_id).where(MediaTitleKey.key >= prefix,
                                               MediaTitleKey.key < prefix_upper_bound(prefix))
    return MediaItem.id.in_(keys)


def conditions(p: SearchParams) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if p.role != "all":
        conds.append(MediaItem.role == p.role)
    if not p.include_removed:
        conds.append(MediaItem.removed_at.is_(None))
    if p.query:
        cond = _title_condition(p.query)
        if cond is not None:
            conds.append(cond)
    if p.ids:
        conds.append(MediaItem.id.in_(list(p.ids)))
    if p.type:
        conds.append(MediaItem.kind == p.type)
    if p.status:
        conds.append(MediaItem.status.in_(list(p.status)))
    if p.instances:
        conds.append(MediaItem.instance.in_(list(p.instances)))
    for facet, values in (("genre", p.genres), ("tag", p.tags)):
        if values:
            conds.append(MediaItem.id.in_(
                select(MediaFacet.item_id).where(MediaFacet.facet == facet, MediaFacet.value.in_(list(values)))))
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
        link = exists().where(or_(MediaLink.arr_id == MediaItem.id, MediaLink.server_id == MediaItem.id))
        if p.role == "arr":
            link = exists().where(MediaLink.arr_id == MediaItem.id)
        elif p.role == "server":
            link = exists().where(MediaLink.server_id == MediaItem.id)
        conds.append(link if p.linked else ~link)
    return conds


def _order(p: SearchParams) -> list[Any]:
    column = SORT_COLUMNS[p.sort]
    primary = column.desc() if p.order == "desc" else column.asc()
    if p.sort in ("title",):
        return [primary, MediaItem.id.asc()]
    # NULLs last either way, then title for a stable, readable order.
    return [column.is_(None), primary, MediaItem.sort_title.asc(), MediaItem.id.asc()]


def search(session: Session, p: SearchParams) -> tuple[list[MediaItem], int]:
    conds = conditions(p)
    where = and_(*conds) if conds else None
    stmt = select(MediaItem)
    count = select(func.count()).select_from(MediaItem)
    if where is not None:
        stmt, count = stmt.where(where), count.where(where)
    rows = list(session.scalars(stmt.order_by(*_order(p)).limit(p.limit).offset(p.offset)))
    total = session.scalar(count) or 0
    return rows, int(total)


def iter_matching(session: Session, p: SearchParams, batch: int = 1000) -> Iterator[MediaItem]:
    """Every item matching ``p`` in sort order, read in keyset-free pages (export, bulk actions)."""
    conds = conditions(p)
    stmt = select(MediaItem)
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(*_order(p))
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
    conds = conditions(p)
    stmt = select(MediaItem.id)
    if conds:
        stmt = stmt.where(and_(*conds))
    return list(session.scalars(stmt.order_by(MediaItem.id).limit(cap)))


def facets(session: Session, p: SearchParams, top: int = 30) -> dict[str, list[dict[str, Any]]]:
    """Counts per type, instance, status, decade, genre and tag within the filtered set."""
    conds = conditions(p)
    where = and_(*conds) if conds else True
    out: dict[str, list[dict[str, Any]]] = {}
    for name, column in (("type", MediaItem.kind), ("instance", MediaItem.instance), ("status", MediaItem.status)):
        rows = session.execute(select(column, func.count()).where(where).group_by(column)
                               .order_by(func.count().desc()).limit(top))
        out[name] = [{"value": v, "count": c} for v, c in rows if v is not None]
    decade = (MediaItem.year / 10) * 10
    rows = session.execute(select(decade, func.count()).where(where, MediaItem.year.is_not(None))
                           .group_by(decade).order_by(decade))
    out["decade"] = [{"value": int(v), "count": c} for v, c in rows if v is not None]
    ids = select(MediaItem.id).where(where)
    for facet in ("genre", "tag"):
        rows = session.execute(select(MediaFacet.value, func.count())
                               .where(MediaFacet.facet == facet, MediaFacet.item_id.in_(ids))
                               .group_by(MediaFacet.value).order_by(func.count().desc()).limit(top))
        out[facet] = [{"value": v, "count": c} for v, c in rows]
    return out
