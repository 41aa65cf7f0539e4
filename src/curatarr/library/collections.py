"""User-defined collections of library items (CRUD, and "from tag": every item carrying an *arr tag)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from curatarr.db.base import iso, utcnow
from curatarr.db.models.library import MediaCollection, MediaCollectionItem, MediaFacet, MediaItem


class CollectionError(ValueError):
    """Bad collection input (→ 422); ``status`` 409 for a duplicate name."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def _as_dict(session: Session, c: MediaCollection, *, with_items: bool = False) -> dict[str, Any]:
    count = session.scalar(select(func.count()).where(MediaCollectionItem.collection_id == c.id)) or 0
    out = {"id": c.id, "name": c.name, "description": c.description, "source_tag": c.source_tag,
           "item_count": int(count), "created_at": iso(c.created_at), "updated_at": iso(c.updated_at)}
    if with_items:
        out["media_ids"] = list(session.scalars(select(MediaCollectionItem.media_id)
                                                .where(MediaCollectionItem.collection_id == c.id)
                                                .order_by(MediaCollectionItem.media_id)))
    return out


def list_collections(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(MediaCollectionItem.collection_id, func.count())
                                  .group_by(MediaCollectionItem.collection_id)).all())
    return [{"id": c.id, "source": "user", "name": c.name, "description": c.description, "source_tag": c.source_tag,
             "item_count": int(counts.get(c.id, 0)), "created_at": iso(c.created_at), "updated_at": iso(c.updated_at)}
            for c in session.scalars(select(MediaCollection).order_by(MediaCollection.name))]


def get_collection(session: Session, collection_id: int) -> dict[str, Any]:
    c = session.get(MediaCollection, collection_id)
    if c is None:
        raise KeyError(f"no collection {collection_id}")
    return _as_dict(session, c, with_items=True)


def _known_ids(session: Session, media_ids: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(media_ids))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        found.update(session.scalars(select(MediaItem.id).where(MediaItem.id.in_(wanted[i:i + 500]))))
    missing = [m for m in wanted if m not in found]
    if missing:
        raise CollectionError(f"unknown media ids: {', '.join(missing[:10])}")
    return wanted


def _set_items(session: Session, c: MediaCollection, media_ids: list[str]) -> None:
    session.execute(delete(MediaCollectionItem).where(MediaCollectionItem.collection_id == c.id))
    now = utcnow()
    for media in media_ids:
        session.add(MediaCollectionItem(collection_id=c.id, media_id=media, added_at=now))


def create_collection(session: Session, name: str, description: str | None = None,
                      media_ids: list[str] | None = None, source_tag: str | None = None) -> dict[str, Any]:
    name = (name or "").strip()
    if not name:
        raise CollectionError("name must not be empty")
    if session.scalar(select(MediaCollection.id).where(MediaCollection.name == name)) is not None:
        raise CollectionError(f"a collection named {name!r} already exists", status=409)
    ids = _known_ids(session, media_ids or [])
    now = utcnow()
    c = MediaCollection(name=name, description=description, source_tag=source_tag, created_at=now, updated_at=now)
    session.add(c)
    try:
        session.flush()
    except IntegrityError:
        raise CollectionError(f"a collection named {name!r} already exists", status=409) from None
    _set_items(session, c, ids)
    session.flush()
    return _as_dict(session, c, with_items=True)


def update_collection(session: Session, collection_id: int, *, name: str | None = None,
                      description: str | None = None, media_ids: list[str] | None = None,
                      add_ids: list[str] | None = None, remove_ids: list[str] | None = None) -> dict[str, Any]:
    c = session.get(MediaCollection, collection_id)
    if c is None:
        raise KeyError(f"no collection {collection_id}")
    if name is not None:
        name = name.strip()
        if not name:
            raise CollectionError("name must not be empty")
        clash = session.scalar(select(MediaCollection.id).where(MediaCollection.name == name,
                                                                MediaCollection.id != collection_id))
        if clash is not None:
            raise CollectionError(f"a collection named {name!r} already exists", status=409)
        c.name = name
    if description is not None:
        c.description = description
    if media_ids is not None:
        _set_items(session, c, _known_ids(session, media_ids))
    if add_ids:
        current = set(session.scalars(select(MediaCollectionItem.media_id)
                                      .where(MediaCollectionItem.collection_id == c.id)))
        now = utcnow()
        for media in _known_ids(session, add_ids):
            if media not in current:
                session.add(MediaCollectionItem(collection_id=c.id, media_id=media, added_at=now))
    if remove_ids:
        session.execute(delete(MediaCollectionItem).where(MediaCollectionItem.collection_id == c.id,
                                                          MediaCollectionItem.media_id.in_(list(remove_ids))))
    c.updated_at = utcnow()
    session.flush()
    return _as_dict(session, c, with_items=True)


def delete_collection(session: Session, collection_id: int) -> None:
    c = session.get(MediaCollection, collection_id)
    if c is None:
        raise KeyError(f"no collection {collection_id}")
    session.execute(delete(MediaCollectionItem).where(MediaCollectionItem.collection_id == c.id))
    session.delete(c)


def collection_from_tag(session: Session, tag: str, name: str | None = None) -> dict[str, Any]:
    """A collection of every (not removed) *arr item carrying ``tag`` (case-insensitive, as *arr labels are)."""
    tag = (tag or "").strip()
    if not tag:
        raise CollectionError("tag must not be empty")
    ids = list(session.scalars(
        select(MediaItem.id).join(MediaFacet, MediaItem.pk == MediaFacet.item_pk)
        .where(MediaFacet.facet == "tag", func.lower(MediaFacet.value) == tag.lower(), MediaItem.role == "arr",
               MediaItem.removed_at.is_(None))
        .order_by(MediaItem.id)))
    out = create_collection(session, name or f"Tag: {tag}", description=f"Items tagged {tag!r}", media_ids=ids,
                            source_tag=tag)
    out["collection_id"] = out["id"]
    return out
