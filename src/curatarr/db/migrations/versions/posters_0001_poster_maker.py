"""posters: poster maker assets, uploads, provider cache, export runs

Revision ID: posters_0001
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "posters_0001"
down_revision = None
branch_labels = ("posters",)
depends_on = "foundation_0001"


def upgrade() -> None:
    op.create_table(
        "poster_assets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("asset_key", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("rootfolder", sa.String(500), nullable=False),
        sa.Column("library", sa.String(200), nullable=False),
        sa.Column("server", sa.String(100), nullable=False),
        sa.Column("server_id", sa.String(100), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("fallback", sa.String(16), nullable=False),
        sa.Column("text_truncated", sa.Boolean(), nullable=False),
        sa.Column("download_source", sa.Text(), nullable=False),
        sa.Column("fav_provider_link", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("tmdbid", sa.String(32), nullable=False),
        sa.Column("tvdbid", sa.String(32), nullable=False),
        sa.Column("imdbid", sa.String(32), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_assets")),
        sa.UniqueConstraint("asset_key", name=op.f("uq_poster_assets_asset_key")),
    )
    op.create_index(op.f("ix_poster_assets_kind"), "poster_assets", ["kind"])
    op.create_index(op.f("ix_poster_assets_library"), "poster_assets", ["library"])
    op.create_table(
        "poster_uploads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("server", sa.String(100), nullable=False),
        sa.Column("server_id", sa.String(100), nullable=False),
        sa.Column("image", sa.String(16), nullable=False),
        sa.Column("asset_key", sa.String(1000), nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_uploads")),
        sa.UniqueConstraint("server", "server_id", "image", name=op.f("uq_poster_uploads_server_server_id_image")),
    )
    op.create_table(
        "poster_provider_cache",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_poster_provider_cache")),
    )
    op.create_table(
        "poster_export_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("server_type", sa.String(16), nullable=False),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("library_records", sa.Integer(), nullable=False),
        sa.Column("episode_records", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_export_runs")),
    )
    op.create_index(op.f("ix_poster_export_runs_server_type"), "poster_export_runs", ["server_type"])


def downgrade() -> None:
    op.drop_index(op.f("ix_poster_export_runs_server_type"), table_name="poster_export_runs")
    op.drop_table("poster_export_runs")
    op.drop_table("poster_provider_cache")
    op.drop_table("poster_uploads")
    op.drop_index(op.f("ix_poster_assets_library"), table_name="poster_assets")
    op.drop_index(op.f("ix_poster_assets_kind"), table_name="poster_assets")
    op.drop_table("poster_assets")
