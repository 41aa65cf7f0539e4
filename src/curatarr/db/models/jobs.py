"""Jobs area: the job queue + history, and the scheduler's memory of what it already fired.

A job is one run of one module, whatever started it (a user, a schedule, a webhook, a retry, the
CLI). Its row is the queue entry while ``queued``, the live record while ``running`` and the
history afterwards. Final states are honest: success, error, cancelled, interrupted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_priority_id", "status", "priority", "id"),
        Index("ix_jobs_module_id", "module", "id"),
        Index("ix_jobs_module_status", "module", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    module: Mapped[str] = mapped_column(String(64), nullable=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False, default="manual")  # manual|schedule|webhook|retry|cli|api|system
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    priority: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    overrides: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # retry backoff
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # {done,total,item,phase}
    percent: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    log_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)  # "host:pid" running it
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    retry_of: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ScheduleState(Base):
    """Per module: the last due time a schedule rule fired for (so each due time fires once, also
    across restarts, and missed runs are caught up at most once)."""

    __tablename__ = "schedule_state"

    module: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
