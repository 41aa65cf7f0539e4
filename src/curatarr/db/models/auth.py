"""Users, API keys and revoked tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from curatarr.db.base import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ApiKey(Base):
    """An API key for scripts and webhooks. Only a SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # read | operator | admin (curatarr.auth.policy); keys made before scopes existed became "operator".
    scope: Mapped[str] = mapped_column(String(16), nullable=False, default="read", server_default="operator")


class AuthSetup(Base):
    """One row once first-run setup has happened: its fixed primary key lets the database refuse a
    second setup that races the first (inserted in the same transaction as the first user)."""

    __tablename__ = "auth_setup"
    __table_args__ = (CheckConstraint("id = 1", name="singleton"),)
    SINGLETON_ID = 1

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class RevokedToken(Base):
    """JWT ids revoked by logout; rows are pruned once the token would have expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
