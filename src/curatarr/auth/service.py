"""AuthService: users, logins, tokens, API keys — everything the auth API and dependency need."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, select

from curatarr.auth.passwords import (
    DUMMY_HASH,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_password,
)
from curatarr.auth.tokens import TokenClaims, decode_token, issue_token
from curatarr.db import Database
from curatarr.db.base import utcnow
from curatarr.db.models.auth import ApiKey, RevokedToken, User

API_KEY_PREFIX = "cur_"


class AuthError(Exception):
    """A rejected auth operation; ``status`` is the HTTP status to answer with, ``code`` the
    machine-readable error code (CHUB's ``AUTH_*`` codes)."""

    def __init__(self, message: str, status: int = 400, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or ("VALIDATION_ERROR" if status == 422 else "NOT_FOUND" if status == 404 else "AUTH_ERROR")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (by JWT or Basic), an API key, or the webhook secret."""

    username: str
    method: str  # "jwt" | "api_key" | "basic" | "webhook_secret"
    jti: str | None = None
    api_key_id: int | None = None
    expires_at: datetime | None = None


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def password_fingerprint(secret: str, password_hash: str) -> str:
    """Keyed digest of a user's password hash, carried in tokens so a password change revokes them
    (keyed with the JWT secret, so the readable token payload reveals nothing about the hash)."""
    return hmac.new(secret.encode("utf-8"), password_hash.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def validate_credentials(username: str, password: str) -> None:
    if not isinstance(username, str) or not username.strip() or len(username) > 150:
        raise AuthError("username must be 1-150 characters", 422, "AUTH_SETUP_INVALID")
    if any(ord(c) < 32 for c in username):
        raise AuthError("username contains control characters", 422, "AUTH_SETUP_INVALID")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"password must be at least {MIN_PASSWORD_LENGTH} characters", 422, "AUTH_PASSWORD_TOO_SHORT")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(f"password must be at most {MAX_PASSWORD_LENGTH} characters", 422)


class AuthService:
    def __init__(self, db: Database, jwt_secret: str, token_hours: callable):
        self.db = db
        self.jwt_secret = jwt_secret
        self._token_hours = token_hours  # callable so config changes apply without restart

    # ---- users -----------------------------------------------------------------------------------
    def user_count(self) -> int:
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(User)) or 0

    def is_configured(self) -> bool:
        return self.user_count() > 0

    def setup(self, username: str, password: str) -> tuple[str, TokenClaims]:
        validate_credentials(username, password)
        with self.db.session() as s:
            if s.scalar(select(func.count()).select_from(User)):
                raise AuthError("setup has already been completed", 403, "AUTH_ALREADY_CONFIGURED")
            s.add(User(username=username.strip(), password_hash=hash_password(password), is_admin=True))
        return self.issue(username.strip())

    def authenticate(self, username: str, password: str) -> User | None:
        if not isinstance(username, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
            return None
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
        if user is None:
            verify_password(password, DUMMY_HASH)  # same cost as a real check
            return None
        return user if verify_password(password, user.password_hash) else None

    def login(self, username: str, password: str) -> tuple[str, TokenClaims]:
        if not self.is_configured():
            raise AuthError("no user exists yet; run setup first", 403, "AUTH_NOT_CONFIGURED")
        user = self.authenticate(username, password)
        if user is None:
            raise AuthError("invalid username or password", 401, "AUTH_INVALID_CREDENTIALS")
        return self.issue(user.username)

    def change_password(self, username: str, current: str, new: str) -> None:
        if self.authenticate(username, current) is None:
            raise AuthError("current password is wrong", 400, "AUTH_INVALID_CREDENTIALS")
        validate_credentials(username, new)
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise AuthError("user not found", 404)
            user.password_hash = hash_password(new)
            user.password_changed_at = utcnow()

    def reset(self) -> int:
        """Remove every user and API key so setup can run again (``curatarr reset-auth``)."""
        with self.db.session() as s:
            s.execute(delete(ApiKey))
            n = s.execute(delete(User)).rowcount or 0
            s.execute(delete(RevokedToken))
        return n

    # ---- tokens ----------------------------------------------------------------------------------
    def issue(self, username: str) -> tuple[str, TokenClaims]:
        with self.db.session() as s:
            password_hash = s.scalar(select(User.password_hash).where(User.username == username))
        fp = password_fingerprint(self.jwt_secret, password_hash) if password_hash else None
        return issue_token(self.jwt_secret, username, int(self._token_hours()), password_fp=fp)

    def verify_token(self, token: str) -> Principal | None:
        claims = decode_token(self.jwt_secret, token)
        if claims is None:
            return None
        with self.db.session() as s:
            if s.get(RevokedToken, claims.jti) is not None:
                return None
            user = s.scalar(select(User).where(User.username == claims.username))
            if user is None:
                return None
            # A password change invalidates tokens issued before it (and a user re-created by
            # reset-auth + setup does not inherit the old user's tokens).
            if claims.password_fp is not None:
                current = password_fingerprint(self.jwt_secret, user.password_hash)
                if not hmac.compare_digest(claims.password_fp, current):
                    return None
            elif claims.issued_at.timestamp() + 1 < user.password_changed_at.timestamp():
                return None
        return Principal(claims.username, "jwt", jti=claims.jti, expires_at=claims.expires_at)

    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self.db.session() as s:
            s.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
            if s.get(RevokedToken, jti) is None:
                s.add(RevokedToken(jti=jti, expires_at=expires_at))

    def verify_basic(self, username: str, password: str) -> Principal | None:
        user = self.authenticate(username, password)
        return Principal(user.username, "basic") if user else None

    # ---- API keys --------------------------------------------------------------------------------
    def create_api_key(self, username: str, name: str) -> tuple[ApiKey, str]:
        name = (name or "").strip()
        if not name or len(name) > 150:
            raise AuthError("name must be 1-150 characters", 422)
        key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise AuthError("user not found", 404)
            row = ApiKey(name=name, prefix=key[:10], key_hash=hash_api_key(key), user_id=user.id)
            s.add(row)
            s.flush()
            s.refresh(row)
        return row, key

    def list_api_keys(self) -> list[ApiKey]:
        with self.db.session() as s:
            return list(s.scalars(select(ApiKey).order_by(ApiKey.id)))

    def delete_api_key(self, key_id: int) -> bool:
        with self.db.session() as s:
            return (s.execute(delete(ApiKey).where(ApiKey.id == key_id)).rowcount or 0) > 0

    def verify_api_key(self, key: str) -> Principal | None:
        if not key or len(key) > 200:
            return None
        digest = hash_api_key(key)
        with self.db.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
            if row is None or not hmac.compare_digest(row.key_hash, digest):
                return None
            user = s.get(User, row.user_id)
            now = datetime.now(timezone.utc)
            if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
                row.last_used_at = now
            return Principal(user.username if user else "api", "api_key", api_key_id=row.id)
