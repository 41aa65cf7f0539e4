"""Media library tables: one row per item of every *arr and media server, plus the small side tables
that make searching and linking index lookups instead of scans.

* ``media_items`` — movies, series and artists from Radarr/Sonarr/Lidarr (``role="arr"``) and from
  Plex/Jellyfin/Emby (``role="server"``). Public id = ``<instance>:<native id>`` (``radarr_main:1``);
  ``pk`` is an integer row key the side tables point at (fast joins). Rows are kept narrow — long
  text lives in ``media_details`` — so filtered scans and counts stay cheap. ``content_hash`` lets a
  re-sync skip unchanged items; ``removed_at`` marks items that vanished. The sort/filter indexes
  are partial (``WHERE removed_at IS NULL``): searches never look at removed rows.
* ``media_details`` — overview, ratings, alternate titles and other extras of an item (record view).
* ``media_children`` — seasons, episodes and albums under an item.
* ``media_titles`` — word-suffix search keys of every title, original and alternate title of the
  items that are not removed (``curatarr.library.normalize.search_keys``), prefixed with the role
  and kind letters (``am`` = *arr movie): free-text search is a range scan on ``key``.
* ``media_facets`` — one row per (genre|tag, value) of a live item, scoped like the search keys:
  filters and counts by index.
* ``media_links`` — *arr item ↔ media-server item, with how they were linked.
* ``media_edit_history`` — one row per field changed through the API (who, when, old → new).
* ``media_collections`` / ``media_collection_items`` — user-defined groups of items.
* ``media_sync_state`` — the last sync of each instance.

Key columns compared with ranges (``norm_title``, ``media_titles.key``) use the "C" collation on
PostgreSQL so byte order — and therefore prefix ranges — behave as on SQLite.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger, Boolean, Float, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


def key_string(length: int) -> String:
    """A String compared byte-wise on every backend (prefix ranges need it)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


ID_LEN = 191
ACTIVE = text("removed_at IS NULL")


def active_index(name: str, *columns: str) -> Index:
    """An index over the items that are not removed (every search carries ``removed_at IS NULL``)."""
    return Index(name, *columns, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def item_fk(name: str = "item_pk") -> ForeignKey:
    return ForeignKey("media_items.pk", ondelete="CASCADE")


class MediaItem(Base):
    __tablename__ = "media_items"
    __table_args__ = (
        UniqueConstraint("id", name="uq_media_items_id"),
        active_index("ix_media_items_role_sort", "role", "sort_title"),
        active_index("ix_media_items_role_kind_sort", "role", "kind", "sort_title"),
        active_index("ix_media_items_role_year", "role", "year"),
        active_index("ix_media_items_role_rating", "role", "rating"),
        active_index("ix_media_items_role_added", "role", "added_at"),
        active_index("ix_media_items_role_size", "role", "size_on_disk"),
        active_index("ix_media_items_role_runtime", "role", "runtime"),
        # Covering index of the filter columns: counts over big filtered sets read only this.
        active_index("ix_media_items_filters", "role", "kind", "instance", "status", "year", "rating", "monitored",
                     "has_file", "has_poster"),
        Index("ix_media_items_source_norm_year", "source_type", "norm_title", "year"),
        Index("ix_media_items_instance_native", "instance", "native_id"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(ID_LEN), nullable=False)
    instance: Mapped[str] = mapped_column(String(150), nullable=False)
    source_type: Mapped[str] = mapped_column(String(16), nullable=False)
    role: Mapped[str] = mapped_column(String(8), nullable=False)
    native_id: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    sort_title: Mapped[str] = mapped_column(String(500), nullable=False)
    norm_title: Mapped[str] = mapped_column(key_string(300), nullable=False)
    fuzzy_title: Mapped[str] = mapped_column(String(500), nullable=False)
    first_token: Mapped[str] = mapped_column(String(100), nullable=False)
    original_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tmdb_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    tvdb_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    imdb_id: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    musicbrainz_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    root_folder: Mapped[str | None] = mapped_column(String(500), nullable=True)
    folder_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    library: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    monitored: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    has_file: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    size_on_disk: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    quality: Mapped[str | None] = mapped_column(String(100), nullable=True)
    quality_profile_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    certification: Mapped[str | None] = mapped_column(String(20), nullable=True)
    studio: Mapped[str | None] = mapped_column(String(200), nullable=True)
    runtime: Mapped[int | None] = mapped_column(Integer, nullable=True)
    language: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rating: Mapped[float | None] = mapped_column(Float, nullable=True)
    rating_votes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    genres: Mapped[str | None] = mapped_column(Text, nullable=True)         # JSON list
    tags: Mapped[str | None] = mapped_column(Text, nullable=True)           # JSON list of labels
    poster_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    has_poster: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    season_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    child_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    child_file_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_fields: Mapped[str | None] = mapped_column(Text, nullable=True)    # JSON: local edits kept over syncs
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(40), nullable=False)
    # Where the item's JSON sat in its source's listing the last time it was written (position and
    # length): the next sync recognises it there without decoding (curatarr.library.wire).
    source_pos: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_len: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MediaDetails(Base):
    __tablename__ = "media_details"

    item_pk: Mapped[int] = mapped_column(Integer, item_fk(), primary_key=True, autoincrement=False)
    overview: Mapped[str | None] = mapped_column(Text, nullable=True)
    ratings: Mapped[str | None] = mapped_column(Text, nullable=True)        # JSON {source: {value, votes}}
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)          # JSON: alternate titles, guids…


class MediaChild(Base):
    __tablename__ = "media_children"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    item_pk: Mapped[int] = mapped_column(Integer, item_fk(), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)           # season | episode | album
    native_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    season_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    monitored: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    has_file: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    file_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size_on_disk: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    air_date: Mapped[str | None] = mapped_column(String(32), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class MediaTitleKey(Base):
    __tablename__ = "media_titles"
    __table_args__ = (PrimaryKeyConstraint("key", "item_pk", name="pk_media_titles"),
                      Index("ix_media_titles_item_pk_key", "item_pk", "key"),
                      {"sqlite_with_rowid": False})

    key: Mapped[str] = mapped_column(key_string(50), nullable=False)       # role + kind letter + search key
    item_pk: Mapped[int] = mapped_column(Integer, item_fk(), nullable=False)


class MediaFacet(Base):
    __tablename__ = "media_facets"
    __table_args__ = (PrimaryKeyConstraint("facet", "scope", "value", "item_pk", name="pk_media_facets"),
                      {"sqlite_with_rowid": False})

    facet: Mapped[str] = mapped_column(String(16), nullable=False)          # genre | tag
    scope: Mapped[str] = mapped_column(String(2), nullable=False)           # role + kind letter, as search keys
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    item_pk: Mapped[int] = mapped_column(Integer, item_fk(), nullable=False, index=True)


class MediaLink(Base):
    __tablename__ = "media_links"
    __table_args__ = (PrimaryKeyConstraint("arr_pk", "server_pk", name="pk_media_links"),)

    arr_pk: Mapped[int] = mapped_column(Integer, item_fk(), nullable=False)
    server_pk: Mapped[int] = mapped_column(Integer, item_fk(), nullable=False, index=True)
    method: Mapped[str] = mapped_column(String(16), nullable=False)         # tmdb|tvdb|imdb|mbid|title_year|path
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MediaEditHistory(Base):
    __tablename__ = "media_edit_history"
    __table_args__ = (Index("ix_media_edit_history_media_at", "media_id", "edited_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[str] = mapped_column(String(ID_LEN), nullable=False)  # no FK: history outlives items
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    edited_by: Mapped[str] = mapped_column(String(150), nullable=False)
    field: Mapped[str] = mapped_column(String(64), nullable=False)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)      # JSON
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)      # JSON
    written_to: Mapped[str] = mapped_column(String(16), nullable=False)    # arr | local


class MediaCollection(Base):
    __tablename__ = "media_collections"
    __table_args__ = (UniqueConstraint("name", name="uq_media_collections_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_tag: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MediaCollectionItem(Base):
    """Members by public media id (no FK: a collection keeps an item that is re-added later)."""

    __tablename__ = "media_collection_items"
    __table_args__ = (PrimaryKeyConstraint("collection_id", "media_id", name="pk_media_collection_items"),)

    collection_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("media_collections.id", ondelete="CASCADE"), nullable=False)
    media_id: Mapped[str] = mapped_column(String(ID_LEN), nullable=False, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MediaSyncState(Base):
    __tablename__ = "media_sync_state"

    instance: Mapped[str] = mapped_column(String(150), primary_key=True)
    source_type: Mapped[str] = mapped_column(String(16), nullable=False)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_full_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[str] = mapped_column(String(16), nullable=False)    # ok | error
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    item_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    added: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    removed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
