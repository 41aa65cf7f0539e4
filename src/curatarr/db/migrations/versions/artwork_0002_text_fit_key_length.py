"""artwork: text-fit cache keys up to 200 characters

The keys are a 64-character SHA-256 plus a suffix (``:center`` …): they never fitted ``String(64)``.
SQLite does not enforce the length, so the cache worked there; PostgreSQL refused every insert and
the cache silently never saved (issue #20, item 11).

Revision ID: artwork_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "artwork_0002"
down_revision = "artwork_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("artwork_text_fit_cache") as batch:
        batch.alter_column("key", existing_type=sa.String(64), type_=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM artwork_text_fit_cache WHERE length(key) > 64")
    with op.batch_alter_table("artwork_text_fit_cache") as batch:
        batch.alter_column("key", existing_type=sa.String(200), type_=sa.String(64), existing_nullable=False)
