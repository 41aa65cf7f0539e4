"""AuthService: users, logins, tokens, API keys — everything the auth API and dependency need."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from curatarr.auth.passwords import (
    DEFAULT_BCRYPT_ROUNDS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    dummy_hash,
    hash_password,
    verify_password,
)
from curatarr.auth.policy import ADMIN, DEFAULT_API_KEY_SCOPE, OPERATOR, READ, WEBHOOK_SCOPE, lower, normalise_scope
from curatarr.auth.tokens import TokenClaims, decode_token, issue_token
from curatarr.db import Database
from curatarr.db.base import utcnow
from curatarr.db.models.auth import ApiKey, AuthSetup, RevokedToken, User

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
    """Who is calling: a user (by JWT or Basic), an API key, or the webhook secret, and what they
    may do (``scope``: read | operator | admin, see :mod:`curatarr.auth.policy`)."""

    username: str
    method: str  # "jwt" | "api_key" | "basic" | "webhook_secret"
    jti: str | None = None
    api_key_id: int | None = None
    expires_at: datetime | None = None
    scope: str = READ  # the weakest unless someone says otherwise


def user_scope(user: User) -> str:
    """A user's scope: the first-run user is an admin; any other user an operator."""
    return ADMIN if user.is_admin else OPERATOR


def webhook_principal() -> Principal:
    return Principal("webhook", "webhook_secret", scope=WEBHOOK_SCOPE)


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


TOKEN_CACHE_SECONDS = 2.0
MAX_VERIFIED_TOKENS = 10_000


class AuthService:
    def __init__(self, db: Database, jwt_secret: str, token_hours: callable,
                 bcrypt_rounds: callable = lambda: DEFAULT_BCRYPT_ROUNDS):
        self.db = db
        self.jwt_secret = jwt_secret
        self._token_hours = token_hours  # callables so config changes apply without restart
        self._bcrypt_rounds = bcrypt_rounds
        # Verified bearer tokens, for TOKEN_CACHE_SECONDS: the UI polls several routes a second and
        # each check was a database round trip on a worker thread (issue #20, item 13). Every change
        # made through this service (revoke, password, reset, setup) empties it at once; a change made
        # by another process (``curatarr reset-auth``) applies within TOKEN_CACHE_SECONDS.
        self._verified: dict[str, tuple[float, Principal]] = {}
        self._verified_lock = threading.Lock()
        self._generation = 0  # bumped by every change: a check that overlapped one is not cached

    def forget_verified(self) -> None:
        """Drop every cached token check (users, keys or revocations changed)."""
        with self._verified_lock:
            self._generation += 1
            self._verified.clear()

    def cached_token(self, token: str) -> Principal | None:
        """The principal of ``token`` if it was verified in the last TOKEN_CACHE_SECONDS, else None."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        until, principal = entry
        if time.monotonic() >= until or (principal.expires_at is not None and principal.expires_at <= utcnow()):
            with self._verified_lock:
                self._verified.pop(token, None)
            return None
        return principal

    # ---- users -----------------------------------------------------------------------------------
    def user_count(self) -> int:
        with self.db.session() as s:
            return s.scalar(select(func.count()).select_from(User)) or 0

    def is_configured(self) -> bool:
        return self.user_count() > 0

    def setup(self, username: str, password: str) -> tuple[str, TokenClaims]:
        """Create the first-run admin. Exactly one of any number of concurrent calls wins: the
        ``auth_setup`` singleton row (primary key fixed at 1) is inserted in the same transaction as
        the user, so the database refuses every other one; no check-then-insert race."""
        validate_credentials(username, password)
        if self.is_configured():  # the cheap answer for the common case; the row below decides
            raise AuthError("setup has already been completed", 403, "AUTH_ALREADY_CONFIGURED")
        password_hash = hash_password(password, self._bcrypt_rounds())
        try:
            with self.db.session() as s:
                s.add(AuthSetup(id=AuthSetup.SINGLETON_ID))
                s.flush()  # claim the singleton before anything else is written
                s.add(User(username=username.strip(), password_hash=password_hash, is_admin=True))
        except IntegrityError:
            raise AuthError("setup has already been completed", 403, "AUTH_ALREADY_CONFIGURED") from None
        return self.issue(username.strip())

    def authenticate(self, username: str, password: str) -> User | None:
        if not isinstance(username, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
            return None
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
        if user is None:
            verify_password(password, dummy_hash(self._bcrypt_rounds()))  # same cost as a real check
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
            user.password_hash = hash_password(new, self._bcrypt_rounds())
            user.password_changed_at = utcnow()
        self.forget_verified()

    def reset(self) -> int:
        """Remove every user and API key so setup can run again (``curatarr reset-auth``)."""
        with self.db.session() as s:
            s.execute(delete(ApiKey))
            n = s.execute(delete(User)).rowcount or 0
            s.execute(delete(RevokedToken))
            s.execute(delete(AuthSetup))  # setup may run again
        self.forget_verified()
        return n

    # ---- tokens ----------------------------------------------------------------------------------
    def issue(self, username: str) -> tuple[str, TokenClaims]:
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
        fp = password_fingerprint(self.jwt_secret, user.password_hash) if user else None
        scope = user_scope(user) if user else READ
        return issue_token(self.jwt_secret, username, int(self._token_hours()), password_fp=fp, scope=scope)

    def verify_token(self, token: str) -> Principal | None:
        cached = self.cached_token(token)
        if cached is not None:
            return cached
        generation = self._generation
        principal = self._verify_token(token)
        if principal is not None:
            with self._verified_lock:
                if generation != self._generation:
                    return principal  # valid when checked; a change since may have ended it: not kept
                if len(self._verified) >= MAX_VERIFIED_TOKENS:
                    self._verified.clear()
                self._verified[token] = (time.monotonic() + TOKEN_CACHE_SECONDS, principal)
        return principal

    def _verify_token(self, token: str) -> Principal | None:
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
            # The token's scope, never more than the user has now (a demoted user's tokens shrink).
            scope = lower(claims.scope or user_scope(user), user_scope(user))
        return Principal(claims.username, "jwt", jti=claims.jti, expires_at=claims.expires_at, scope=scope)

    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self.db.session() as s:
            s.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
            if s.get(RevokedToken, jti) is None:
                s.add(RevokedToken(jti=jti, expires_at=expires_at))
        self.forget_verified()

    def verify_basic(self, username: str, password: str) -> Principal | None:
        user = self.authenticate(username, password)
        return Principal(user.username, "basic", scope=user_scope(user)) if user else None

    # ---- API keys --------------------------------------------------------------------------------
    def create_api_key(self, username: str, name: str, scope: str | None = None) -> tuple[ApiKey, str]:
        """A new key for ``username`` with ``scope`` (default: :data:`DEFAULT_API_KEY_SCOPE`); a key
        never gets more than its user has."""
        name = (name or "").strip()
        if not name or len(name) > 150:
            raise AuthError("name must be 1-150 characters", 422)
        try:
            scope = normalise_scope(scope, DEFAULT_API_KEY_SCOPE)
        except ValueError as exc:
            raise AuthError(str(exc), 422) from None
        key = API_KEY_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise AuthError("user not found", 404)
            if lower(scope, user_scope(user)) != scope:
                raise AuthError(f"a key cannot have more than its user's scope ({user_scope(user)})", 403)
            row = ApiKey(name=name, prefix=key[:10], key_hash=hash_api_key(key), user_id=user.id, scope=scope)
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
            scope = lower(row.scope, user_scope(user)) if user else READ
            return Principal(user.username if user else "api", "api_key", api_key_id=row.id, scope=scope)
