"""Poster library tables: the index of every poster-set file (one row per source + relative path,
so a row's id survives re-scans) and the renamer's record of what it wrote where.

* ``poster_files`` — facts parsed from the path, size/mtime (incremental re-scans compare them),
  content hash (sha256), perceptual hash (64-bit dHash, hex) for near-duplicates, dimensions
  read from the image header, ``first_seen_at`` (never reset by re-scans), the file's problem if
  it is not a usable image (``error``), and the last match decision (``match_*``).
* ``poster_renames`` — one row per file the renamer wrote into the asset folder: the source's
  content hash at the time, so a changed source is re-copied and an unchanged one is left alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class PosterFile(Base):
    __tablename__ = "poster_files"
    __table_args__ = (
        UniqueConstraint("source", "relpath", name="uq_poster_files_source_relpath"),
        Index("ix_poster_files_norm_title", "norm_title"),
        Index("ix_poster_files_sha256", "sha256"),
        Index("ix_poster_files_first_seen", "first_seen_at"),
        Index("ix_poster_files_owner", "owner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(1000), nullable=False)     # the source folder (absolute)
    relpath: Mapped[str] = mapped_column(String(2000), nullable=False)    # "/"-separated, inside source
    owner: Mapped[str | None] = mapped_column(String(300), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)   # item | season | collection
    title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    norm_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tmdb: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tvdb: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    imdb: Mapped[str | None] = mapped_column(String(20), nullable=True)
    season: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    mtime_ns: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dhash: Mapped[str | None] = mapped_column(String(16), nullable=True)
    format: Mapped[str | None] = mapped_column(String(8), nullable=True)  # jpeg | png | webp (from the bytes)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    match_media: Mapped[str | None] = mapped_column(String(200), nullable=True)   # media id or collection id
    match_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    match_season: Mapped[int | None] = mapped_column(Integer, nullable=True)
    match_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class PosterRename(Base):
    __tablename__ = "poster_renames"

    target: Mapped[str] = mapped_column(String(2000), primary_key=True)   # absolute path written
    source_path: Mapped[str] = mapped_column(String(3000), nullable=False)
    source_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    poster_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    media: Mapped[str | None] = mapped_column(String(200), nullable=True)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
