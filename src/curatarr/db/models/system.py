"""System-wide tables: instance health snapshots (filled by the periodic probe)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class HealthSnapshot(Base):
    __tablename__ = "system_health_snapshots"
    __table_args__ = (Index("ix_system_health_snapshots_instance_at", "instance_name", "snapshot_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    service: Mapped[str] = mapped_column(String(32), nullable=False)
    instance_name: Mapped[str] = mapped_column(String(150), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_time_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
