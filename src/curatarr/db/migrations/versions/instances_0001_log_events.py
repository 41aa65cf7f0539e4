"""instances: per-instance log store

Revision ID: instances_0001
"""

import sqlalchemy as sa
from alembic import op

from curatarr.db.base import UTCDateTime

revision = "instances_0001"
down_revision = None
branch_labels = ("instances",)
depends_on = "foundation_0001"


def upgrade() -> None:
    op.create_table(
        "instance_log_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("instance_name", sa.String(150), nullable=False),
        sa.Column("levelno", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("logger", sa.String(200), nullable=False),
        sa.Column("source", sa.String(100), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_log_events")),
    )
    op.create_index(op.f("ix_instance_log_events_created_at"), "instance_log_events", ["created_at"])
    op.create_index("ix_instance_log_events_instance_id", "instance_log_events", ["instance_name", "id"])
    op.create_index("ix_instance_log_events_instance_level_id", "instance_log_events",
                    ["instance_name", "levelno", "id"])


def downgrade() -> None:
    op.drop_table("instance_log_events")
