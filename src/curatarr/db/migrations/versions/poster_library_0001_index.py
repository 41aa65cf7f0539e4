"""poster_library: poster-set file index and the renamer's written-file record

Revision ID: poster_library_0001
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "poster_library_0001"
down_revision = None
branch_labels = ("poster_library",)
depends_on = "foundation_0001"


def upgrade() -> None:
    op.create_table(
        "poster_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("relpath", sa.String(2000), nullable=False),
        sa.Column("owner", sa.String(300), nullable=True),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("norm_title", sa.String(500), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("tmdb", sa.BigInteger(), nullable=True),
        sa.Column("tvdb", sa.BigInteger(), nullable=True),
        sa.Column("imdb", sa.String(20), nullable=True),
        sa.Column("season", sa.Integer(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("dhash", sa.String(16), nullable=True),
        sa.Column("format", sa.String(8), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("match_media", sa.String(200), nullable=True),
        sa.Column("match_title", sa.String(500), nullable=True),
        sa.Column("match_season", sa.Integer(), nullable=True),
        sa.Column("match_reason", sa.Text(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_files")),
        sa.UniqueConstraint("source", "relpath", name="uq_poster_files_source_relpath"),
    )
    op.create_index("ix_poster_files_norm_title", "poster_files", ["norm_title"])
    op.create_index("ix_poster_files_sha256", "poster_files", ["sha256"])
    op.create_index("ix_poster_files_first_seen", "poster_files", ["first_seen_at"])
    op.create_index("ix_poster_files_owner", "poster_files", ["owner"])
    op.create_table(
        "poster_renames",
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("source_path", sa.String(3000), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("poster_id", sa.Integer(), nullable=True),
        sa.Column("media", sa.String(200), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("target", name=op.f("pk_poster_renames")),
    )


def downgrade() -> None:
    op.drop_table("poster_renames")
    for name in ("ix_poster_files_owner", "ix_poster_files_first_seen", "ix_poster_files_sha256",
                 "ix_poster_files_norm_title"):
        op.drop_index(name, table_name="poster_files")
    op.drop_table("poster_files")
