"""Instances area: the per-instance log store (log events tagged with the instance they concern).

Queried by instance name, newest first, optionally from a minimum level up — an index lookup,
never a scan of log files.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class InstanceLogEvent(Base):
    __tablename__ = "instance_log_events"
    __table_args__ = (
        Index("ix_instance_log_events_instance_id", "instance_name", "id"),
        Index("ix_instance_log_events_instance_level_id", "instance_name", "levelno", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    instance_name: Mapped[str] = mapped_column(String(150), nullable=False)
    levelno: Mapped[int] = mapped_column(Integer, nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    logger: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)  # module or job that logged it
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(Text, nullable=False)
