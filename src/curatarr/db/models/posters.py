"""Poster maker state: one row per asset we manage (Posterizarr's ImageChoices plus the inputs
that produced the file), uploads to media servers, cached provider look-ups, library export runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class PosterAsset(Base):
    """One asset file (or a failed attempt at one). ``asset_key`` is its path inside the asset root."""

    __tablename__ = "poster_assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asset_key: Mapped[str] = mapped_column(String(1000), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    type: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    rootfolder: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    library: Mapped[str] = mapped_column(String(200), nullable=False, default="", index=True)
    server: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    server_id: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    language: Mapped[str] = mapped_column(String(16), nullable=False, default="false")
    fallback: Mapped[str] = mapped_column(String(16), nullable=False, default="false")
    text_truncated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    low_resolution: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # source enlarged > 1.5×
    download_source: Mapped[str] = mapped_column(Text, nullable=False, default="false")
    fav_provider_link: Mapped[str] = mapped_column(Text, nullable=False, default="false")
    provider: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    manual: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tmdbid: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    tvdbid: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    imdbid: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    input_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    file_hash: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="written")
    skipped: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class PosterUpload(Base):
    """What we last uploaded to one image slot of one server item (hash check: never re-upload)."""

    __tablename__ = "poster_uploads"
    __table_args__ = (UniqueConstraint("server", "server_id", "image"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    server: Mapped[str] = mapped_column(String(100), nullable=False)
    server_id: Mapped[str] = mapped_column(String(100), nullable=False)
    image: Mapped[str] = mapped_column(String(16), nullable=False)  # poster | background
    asset_key: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    file_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PosterProviderCache(Base):
    """One provider look-up (all image lists of one show or movie), JSON, with its fetch time."""

    __tablename__ = "poster_provider_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PosterExportRun(Base):
    """A snapshot of the libraries a run read (Posterizarr's Plex / other-media exports)."""

    __tablename__ = "poster_export_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    server_type: Mapped[str] = mapped_column(String(16), nullable=False, index=True)  # plex | other
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    library_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    episode_records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
