"""Artwork engine state: the persistent level of the text-fit cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class TextFitCacheEntry(Base):
    """One fitted text: SHA-256 of (text, fonts, box, params) plus a suffix such as ``:center`` →
    size, lines, truncated (JSON). The key outgrows 64 characters (artwork_0002 widened it)."""

    __tablename__ = "artwork_text_fit_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
