"""bcrypt password hashing. bcrypt only reads 72 bytes, so longer passwords are pre-hashed
(SHA-256, base64) instead of raising or being silently truncated."""

from __future__ import annotations

import base64
import hashlib

import bcrypt

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def _prepare(password: str) -> bytes:
    raw = password.encode("utf-8")
    if len(raw) > 72:
        raw = base64.b64encode(hashlib.sha256(raw).digest())
    return raw


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prepare(password), hashed.encode("ascii"))
    except ValueError:
        return False


# Verified when a username is unknown, so a failed login costs the same either way.
DUMMY_HASH = hash_password("curatarr-dummy-password")
