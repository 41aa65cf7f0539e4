"""artwork: text-fit cache

Revision ID: artwork_0001
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "artwork_0001"
down_revision = None
branch_labels = ("artwork",)
depends_on = "foundation_0001"


def upgrade() -> None:
    op.create_table(
        "artwork_text_fit_cache",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_artwork_text_fit_cache")),
    )
    op.create_index(op.f("ix_artwork_text_fit_cache_created_at"), "artwork_text_fit_cache", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_artwork_text_fit_cache_created_at"), table_name="artwork_text_fit_cache")
    op.drop_table("artwork_text_fit_cache")
