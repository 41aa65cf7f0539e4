"""JWT (HS256) issue and verification. The secret lives in data/jwt.secret (mode 0600)."""

from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt

from curatarr.fsutil import atomic_write_bytes

ALGORITHM = "HS256"


def load_or_create_secret(path: Path) -> str:
    if path.exists():
        value = path.read_text().strip()
        if value:
            return value
    value = secrets.token_urlsafe(64)
    atomic_write_bytes(path, value.encode(), mode=0o600)
    os.chmod(path, 0o600)
    return value


@dataclass(frozen=True)
class TokenClaims:
    username: str
    jti: str
    issued_at: datetime
    expires_at: datetime
    # Fingerprint of the password hash the token was issued under ("pwf"): a password change makes
    # every older token fail, however close in time (``iat`` only has whole seconds).
    password_fp: str | None = None
    # What the session may do ("scope": read | operator | admin); None in tokens issued before
    # scopes existed (the user's own scope applies then).
    scope: str | None = None


def issue_token(secret: str, username: str, hours: int, *, password_fp: str | None = None,
                scope: str | None = None) -> tuple[str, TokenClaims]:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    exp = now + timedelta(hours=hours)
    jti = uuid.uuid4().hex
    payload = {"sub": username, "iat": now, "exp": exp, "jti": jti}
    if password_fp:
        payload["pwf"] = password_fp
    if scope:
        payload["scope"] = scope
    token = jwt.encode(payload, secret, algorithm=ALGORITHM)
    return token, TokenClaims(username, jti, now, exp, password_fp, scope)


def decode_token(secret: str, token: str) -> TokenClaims | None:
    """Claims of a valid, unexpired token, else None (never raises for bad input)."""
    try:
        data = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "iat", "jti"]})
    except jwt.PyJWTError:
        return None
    return TokenClaims(
        username=str(data["sub"]),
        jti=str(data["jti"]),
        issued_at=datetime.fromtimestamp(data["iat"], timezone.utc),
        expires_at=datetime.fromtimestamp(data["exp"], timezone.utc),
        password_fp=str(data["pwf"]) if data.get("pwf") else None,
        scope=str(data["scope"]) if data.get("scope") else None,
    )
