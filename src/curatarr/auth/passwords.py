"""bcrypt password hashing. bcrypt only reads 72 bytes, so longer passwords are pre-hashed
(SHA-256, base64) instead of raising or being silently truncated.

The cost (``auth.bcrypt_rounds``) only applies to new hashes: bcrypt stores the cost inside each
hash, so verification works for a hash made at any cost.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

import bcrypt

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
DEFAULT_BCRYPT_ROUNDS = 12  # bcrypt's own default
MIN_BCRYPT_ROUNDS = 4  # the lowest cost bcrypt accepts
MAX_BCRYPT_ROUNDS = 31  # the highest cost bcrypt accepts


def _prepare(password: str) -> bytes:
    raw = password.encode("utf-8")
    if len(raw) > 72:
        raw = base64.b64encode(hashlib.sha256(raw).digest())
    return raw


def hash_password(password: str, rounds: int = DEFAULT_BCRYPT_ROUNDS) -> str:
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prepare(password), hashed.encode("ascii"))
    except ValueError:
        return False


@lru_cache(maxsize=4)
def dummy_hash(rounds: int = DEFAULT_BCRYPT_ROUNDS) -> str:
    """A hash verified when a username is unknown, at the configured cost, so a failed login costs
    the same either way (made once per cost, on first use)."""
    return hash_password("curatarr-dummy-password", rounds)
