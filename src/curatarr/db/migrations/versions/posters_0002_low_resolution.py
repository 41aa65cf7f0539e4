"""posters: low-resolution flag on asset records

A source enlarged more than 1.5× to fill its canvas looks soft; the poster maker records that on
the asset (``low_resolution``) so the action center can list it (issue 18, item 9).

Revision ID: posters_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "posters_0002"
down_revision = "posters_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("poster_assets") as batch:
        batch.add_column(sa.Column("low_resolution", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("poster_assets") as batch:
        batch.drop_column("low_resolution")
