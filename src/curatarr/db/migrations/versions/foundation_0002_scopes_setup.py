"""foundation: API-key scopes and the first-run setup singleton

Existing API keys become ``operator`` (scripts and webhooks keep working; admin powers are
granted explicitly from now on). A database that already has users gets its ``auth_setup`` row,
so setup stays closed.

Revision ID: foundation_0002
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "foundation_0002"
down_revision = "foundation_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default="operator"))
    op.create_table(
        "auth_setup",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_auth_setup_singleton")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_setup")),
    )
    op.execute(
        "INSERT INTO auth_setup (id, completed_at) "
        "SELECT 1, MIN(created_at) FROM users HAVING COUNT(*) > 0"
    )


def downgrade() -> None:
    op.drop_table("auth_setup")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scope")
