"""Read-side answers of ``/api/posters/*`` over the poster index: one poster, search, browse with
filters, stats, low resolution, added since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from curatarr.db.models.poster_library import PosterFile, PosterRename
from curatarr.errors import Invalid, NotFound
from curatarr.poster_library.matching import normalize_title

LOW_RES_WIDTH = 1000
TYPES = {"movie": "item", "show": "item", "item": "item", "season": "season", "collection": "collection"}
FILTERS = ("all", "matched", "unmatched", "low_res", "duplicates", "errors")


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def poster_dict(r: PosterFile) -> dict[str, Any]:
    """One poster: CHUB's ``poster_cache`` field names plus the index's own."""
    return {
        "id": r.id, "title": r.title, "normalized_title": r.norm_title, "year": r.year,
        "tmdb_id": r.tmdb, "tvdb_id": r.tvdb, "imdb_id": r.imdb, "season_number": r.season,
        "folder": r.owner, "owner": r.owner, "file": f"{r.source}/{r.relpath}", "source": r.source,
        "relpath": r.relpath, "kind": r.kind, "width": r.width, "height": r.height, "bytes": r.bytes,
        "format": r.format, "sha256": r.sha256, "phash": r.dhash, "error": r.error,
        "matched": r.match_media is not None,
        "match": ({"media_id": r.match_media, "title": r.match_title, "season": r.match_season,
                   "reason": r.match_reason} if r.match_reason is not None else None),
        "created_at": iso(r.first_seen_at), "first_seen_at": iso(r.first_seen_at), "updated_at": iso(r.updated_at),
        "thumbnail_url": f"/api/posters/{r.id}/thumbnail",
    }


def get_row(db, poster_id: int) -> PosterFile:
    with db.session() as s:
        row = s.get(PosterFile, poster_id)
        if row is None:
            raise NotFound(f"poster {poster_id} not found")
        s.expunge(row)
    return row


def get(db, poster_id: int) -> dict[str, Any]:
    return poster_dict(get_row(db, poster_id))


def _conditions(*, query: str | None = None, owner: str | None = None, type_: str | None = None,
                source: str | None = None, filter_: str = "all", min_width: int = LOW_RES_WIDTH,
                ids: set[int] | None = None) -> list:
    cond: list = []
    if query:
        words = normalize_title(query)
        like = f"%{words}%" if words else None
        raw = f"%{query.strip().replace('%', '').replace('_', '')}%"
        cond.append(or_(PosterFile.norm_title.like(like), PosterFile.relpath.like(raw)) if like
                    else PosterFile.relpath.like(raw))
    if owner:
        cond.append(PosterFile.owner == owner)
    if type_:
        if type_ not in TYPES:
            raise Invalid(f"type must be one of {', '.join(TYPES)}")
        cond.append(PosterFile.kind == TYPES[type_])
    if source:
        cond.append(PosterFile.source == source)
    if filter_ not in FILTERS:
        raise Invalid(f"filter must be one of {', '.join(FILTERS)}")
    if filter_ == "matched":
        cond.append(PosterFile.match_media.is_not(None))
    elif filter_ == "unmatched":
        cond += [PosterFile.match_media.is_(None), PosterFile.error.is_(None)]
    elif filter_ == "low_res":
        cond.append(PosterFile.width < min_width)
    elif filter_ == "errors":
        cond.append(PosterFile.error.is_not(None))
    elif filter_ == "duplicates":
        cond.append(PosterFile.id.in_(sorted(ids or set())))
    return cond


def page(db, *, limit: int, offset: int, order: str = "title", **filters: Any) -> dict[str, Any]:
    cond = _conditions(**filters)
    orders = {"title": (PosterFile.norm_title, PosterFile.id), "newest": (PosterFile.first_seen_at.desc(), PosterFile.id),
              "path": (PosterFile.source, PosterFile.relpath), "size": (PosterFile.bytes.desc(), PosterFile.id),
              "width": (PosterFile.width, PosterFile.id)}
    if order not in orders:
        raise Invalid(f"sort must be one of {', '.join(orders)}")
    with db.session() as s:
        where = and_(*cond) if cond else True
        total = s.execute(select(func.count()).select_from(PosterFile).where(where)).scalar_one()
        rows = s.execute(select(PosterFile).where(where).order_by(*orders[order]).limit(limit).offset(offset)).scalars().all()
        items = [poster_dict(r) for r in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def owners(db, source: str | None = None) -> list[dict[str, Any]]:
    with db.session() as s:
        q = select(PosterFile.owner, func.count()).group_by(PosterFile.owner).order_by(PosterFile.owner)
        if source:
            q = q.where(PosterFile.source == source)
        return [{"owner": o, "count": n} for o, n in s.execute(q)]


def sources_summary(db) -> list[dict[str, Any]]:
    with db.session() as s:
        rows = s.execute(select(PosterFile.source, func.count(), func.coalesce(func.sum(PosterFile.bytes), 0))
                         .group_by(PosterFile.source).order_by(PosterFile.source)).all()
    return [{"source": src, "count": n, "bytes": int(b)} for src, n, b in rows]


def stats(db, group_by: str | None, min_width: int = LOW_RES_WIDTH) -> dict[str, Any]:
    with db.session() as s:
        total, size, matched, errors, low, sized = s.execute(select(
            func.count(), func.coalesce(func.sum(PosterFile.bytes), 0),
            func.count(PosterFile.match_media), func.count(PosterFile.error),
            func.count().filter(PosterFile.width < min_width), func.count(PosterFile.width))).one()
        checked = s.execute(select(func.count()).where(PosterFile.match_reason.is_not(None))).scalar_one()
        by_type = {k or "unparsed": n for k, n in s.execute(select(PosterFile.kind, func.count()).group_by(PosterFile.kind))}
        written = s.execute(select(func.count()).select_from(PosterRename)).scalar_one()
    out: dict[str, Any] = {
        "poster_cache_count": total, "total_bytes": int(size), "sized": sized, "errors": errors,
        "low_resolution": low, "min_width": min_width,
        "matched_stats": {"matched": matched, "unmatched": checked - matched, "not_checked": total - checked - errors
                          if total - checked - errors > 0 else 0, "total": total},
        # Orphans are the unmatched_assets/cleanup area's count; the index does not compute it.
        "orphaned_count": None, "gdrive_stats": None, "renamed_files": written,
    }
    if group_by in (None, "type"):
        out["by_type"] = by_type
    if group_by in (None, "source"):
        out["by_source"] = {x["source"]: x["count"] for x in sources_summary(db)}
    if group_by not in (None, "type", "source"):
        raise Invalid("groupBy must be type or source")
    return out


def matched_stats(db) -> dict[str, Any]:
    with db.session() as s:
        rows = s.execute(select(PosterFile.kind, func.count(), func.count(PosterFile.match_media),
                                func.count(PosterFile.match_reason))
                         .where(PosterFile.error.is_(None)).group_by(PosterFile.kind)).all()
    by_kind = {k or "unparsed": {"total": n, "matched": m, "unmatched": c - m, "not_checked": n - c} for k, n, m, c in rows}
    total = sum(v["total"] for v in by_kind.values())
    matched = sum(v["matched"] for v in by_kind.values())
    return {"matched_posters_stats": {"total": total, "matched": matched,
                                      "unmatched": sum(v["unmatched"] for v in by_kind.values()),
                                      "percent": round(100 * matched / total, 1) if total else None,
                                      "by_kind": by_kind}}


def low_resolution(db, min_width: int, limit: int, offset: int) -> dict[str, Any]:
    with db.session() as s:
        where = and_(PosterFile.width.is_not(None), PosterFile.width < min_width)
        total = s.execute(select(func.count()).where(where)).scalar_one()
        rows = s.execute(select(PosterFile).where(where).order_by(PosterFile.width, PosterFile.id)
                         .limit(limit).offset(offset)).scalars().all()
        unsized = s.execute(select(func.count()).where(PosterFile.width.is_(None), PosterFile.error.is_(None))).scalar_one()
        items = [poster_dict(r) for r in rows]
    return {"items": items, "posters": items, "total": total, "min_width": min_width, "limit": limit, "offset": offset,
            "unsized": unsized}


def added_since(db, cutoff: datetime, limit: int, offset: int) -> dict[str, Any]:
    with db.session() as s:
        where = PosterFile.first_seen_at >= cutoff
        total = s.execute(select(func.count()).where(where)).scalar_one()
        rows = s.execute(select(PosterFile).where(where).order_by(PosterFile.first_seen_at.desc(), PosterFile.id)
                         .limit(limit).offset(offset)).scalars().all()
        items = [poster_dict(r) for r in rows]
    return {"items": items, "posters": items, "total": total, "cutoff": iso(cutoff), "limit": limit, "offset": offset}


def unmatched_ids(db, limit: int) -> list[int]:
    with db.session() as s:
        return list(s.execute(select(PosterFile.id).where(PosterFile.match_media.is_(None), PosterFile.error.is_(None),
                                                          PosterFile.kind.is_not(None))
                              .order_by(PosterFile.id).limit(limit)).scalars())
