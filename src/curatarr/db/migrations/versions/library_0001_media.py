"""library: media items (+ details), children, search keys, facets, links, edit history, collections, sync state

Revision ID: library_0001
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "library_0001"
down_revision = None
branch_labels = ("library",)
depends_on = "foundation_0001"

ACTIVE = sa.text("removed_at IS NULL")


def _key(length: int):
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _item_fk(table: str, column: str = "item_pk") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["media_items.pk"], name=op.f(f"fk_{table}_{column}_media_items"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "media_items",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(191), nullable=False),
        sa.Column("instance", sa.String(150), nullable=False),
        sa.Column("source_type", sa.String(16), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("native_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("sort_title", sa.String(500), nullable=False),
        sa.Column("norm_title", _key(300), nullable=False),
        sa.Column("fuzzy_title", sa.String(500), nullable=False),
        sa.Column("first_token", sa.String(100), nullable=False),
        sa.Column("original_title", sa.String(500), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("tmdb_id", sa.Integer(), nullable=True),
        sa.Column("tvdb_id", sa.Integer(), nullable=True),
        sa.Column("imdb_id", sa.String(20), nullable=True),
        sa.Column("musicbrainz_id", sa.String(64), nullable=True),
        sa.Column("path", sa.String(1000), nullable=True),
        sa.Column("root_folder", sa.String(500), nullable=True),
        sa.Column("folder_key", sa.String(300), nullable=True),
        sa.Column("library", sa.String(200), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("monitored", sa.Boolean(), nullable=True),
        sa.Column("has_file", sa.Boolean(), nullable=True),
        sa.Column("size_on_disk", sa.BigInteger(), nullable=True),
        sa.Column("quality", sa.String(100), nullable=True),
        sa.Column("quality_profile_id", sa.Integer(), nullable=True),
        sa.Column("certification", sa.String(20), nullable=True),
        sa.Column("studio", sa.String(200), nullable=True),
        sa.Column("runtime", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(64), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("rating_votes", sa.Integer(), nullable=True),
        sa.Column("genres", sa.Text(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=True),
        sa.Column("poster_url", sa.String(1000), nullable=True),
        sa.Column("has_poster", sa.Boolean(), nullable=False),
        sa.Column("season_count", sa.Integer(), nullable=True),
        sa.Column("child_count", sa.Integer(), nullable=True),
        sa.Column("child_file_count", sa.Integer(), nullable=True),
        sa.Column("user_fields", sa.Text(), nullable=True),
        sa.Column("added_at", UTCDateTime(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("source_pos", sa.Integer(), nullable=True),
        sa.Column("source_len", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_media_items")),
        sa.UniqueConstraint("id", name="uq_media_items_id"),
    )
    for name, cols in (("ix_media_items_role_sort", ["role", "sort_title"]),
                       ("ix_media_items_role_kind_sort", ["role", "kind", "sort_title"]),
                       ("ix_media_items_role_year", ["role", "year"]),
                       ("ix_media_items_role_rating", ["role", "rating"]),
                       ("ix_media_items_role_added", ["role", "added_at"]),
                       ("ix_media_items_role_size", ["role", "size_on_disk"]),
                       ("ix_media_items_role_runtime", ["role", "runtime"]),
                       ("ix_media_items_filters", ["role", "kind", "instance", "status", "year", "rating", "monitored",
                                                   "has_file", "has_poster"])):
        op.create_index(name, "media_items", cols, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    op.create_index("ix_media_items_source_norm_year", "media_items", ["source_type", "norm_title", "year"])
    op.create_index("ix_media_items_instance_native", "media_items", ["instance", "native_id"])
    op.create_index(op.f("ix_media_items_tmdb_id"), "media_items", ["tmdb_id"])
    op.create_index(op.f("ix_media_items_tvdb_id"), "media_items", ["tvdb_id"])
    op.create_index(op.f("ix_media_items_imdb_id"), "media_items", ["imdb_id"])

    op.create_table(
        "media_details",
        sa.Column("item_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("overview", sa.Text(), nullable=True),
        sa.Column("ratings", sa.Text(), nullable=True),
        sa.Column("extra", sa.Text(), nullable=True),
        _item_fk("media_details"),
        sa.PrimaryKeyConstraint("item_pk", name=op.f("pk_media_details")),
    )

    op.create_table(
        "media_children",
        sa.Column("id", sa.String(191), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("native_id", sa.String(100), nullable=True),
        sa.Column("season_number", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("monitored", sa.Boolean(), nullable=True),
        sa.Column("has_file", sa.Boolean(), nullable=True),
        sa.Column("file_count", sa.Integer(), nullable=True),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("size_on_disk", sa.BigInteger(), nullable=True),
        sa.Column("air_date", sa.String(32), nullable=True),
        sa.Column("external_id", sa.String(64), nullable=True),
        _item_fk("media_children"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_children")),
    )
    op.create_index(op.f("ix_media_children_item_pk"), "media_children", ["item_pk"])

    op.create_table(
        "media_titles",
        sa.Column("key", _key(50), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        _item_fk("media_titles"),
        sa.PrimaryKeyConstraint("key", "item_pk", name="pk_media_titles"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_media_titles_item_pk_key", "media_titles", ["item_pk", "key"])

    op.create_table(
        "media_facets",
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(2), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        _item_fk("media_facets"),
        sa.PrimaryKeyConstraint("facet", "scope", "value", "item_pk", name="pk_media_facets"),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_media_facets_item_pk"), "media_facets", ["item_pk"])

    op.create_table(
        "media_links",
        sa.Column("arr_pk", sa.Integer(), nullable=False),
        sa.Column("server_pk", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _item_fk("media_links", "arr_pk"),
        _item_fk("media_links", "server_pk"),
        sa.PrimaryKeyConstraint("arr_pk", "server_pk", name="pk_media_links"),
    )
    op.create_index(op.f("ix_media_links_server_pk"), "media_links", ["server_pk"])

    op.create_table(
        "media_edit_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(191), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=False),
        sa.Column("edited_by", sa.String(150), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("written_to", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_edit_history")),
    )
    op.create_index("ix_media_edit_history_media_at", "media_edit_history", ["media_id", "edited_at"])
    op.create_index(op.f("ix_media_edit_history_edited_at"), "media_edit_history", ["edited_at"])

    op.create_table(
        "media_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source_tag", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_collections")),
        sa.UniqueConstraint("name", name="uq_media_collections_name"),
    )
    op.create_table(
        "media_collection_items",
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(191), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["collection_id"], ["media_collections.id"],
                                name=op.f("fk_media_collection_items_collection_id_media_collections"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("collection_id", "media_id", name="pk_media_collection_items"),
    )
    op.create_index(op.f("ix_media_collection_items_media_id"), "media_collection_items", ["media_id"])

    op.create_table(
        "media_sync_state",
        sa.Column("instance", sa.String(150), nullable=False),
        sa.Column("source_type", sa.String(16), nullable=False),
        sa.Column("last_sync_at", UTCDateTime(), nullable=True),
        sa.Column("last_full_sync_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.String(16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("instance", name=op.f("pk_media_sync_state")),
    )


def downgrade() -> None:
    for table in ("media_sync_state", "media_collection_items", "media_collections", "media_edit_history",
                  "media_links", "media_facets", "media_titles", "media_children", "media_details", "media_items"):
        op.drop_table(table)
