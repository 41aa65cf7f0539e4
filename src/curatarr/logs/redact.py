"""A logging filter that removes secrets from every record before any handler writes it.

Two nets: patterns for credential shapes (API keys in query strings, bearer tokens, JWTs, Plex
tokens, Discord webhook URLs, URL user-info passwords) and the literal secret values currently in
config.yml, so even a secret in an unexpected place is caught.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Iterable

MASK = "********"

_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?i)([?&](?:api_?key|apikey|token|x-plex-token|secret|access_token|client_secret|password)=)[^&\s'\"]+"), r"\1" + MASK),
    (re.compile(r"(?i)(authorization\s*[:=]\s*['\"]?(?:bearer|basic|mediabrowser\s+token=)\s*\"?)[^\s'\",]+"), r"\1" + MASK),
    (re.compile(r"(?i)((?:x-api-key|x-plex-token|x-emby-token|x-mediabrowser-token|x-webhook-secret)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"), r"\1" + MASK),
    (re.compile(r"(?i)(['\"]?(?:api_?key|apikey|api|token|access_token|refresh_token|client_secret|jwt_secret|webhook_secret|password|password_hash|secret)['\"]?\s*[:=]\s*['\"]?)(?!\*{8})[^\s'\",}&]{4,}"), r"\1" + MASK),
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), MASK),
    (re.compile(r"(?i)(discord(?:app)?\.com/api/webhooks/\d+/)[A-Za-z0-9_-]+"), r"\1" + MASK),
    (re.compile(r"(?i)(/api/webhooks/\d+/)[A-Za-z0-9_-]{16,}"), r"\1" + MASK),
    (re.compile(r"(?i)(/api/push/)[A-Za-z0-9_-]{4,}"), r"\1" + MASK),
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+(@)"), r"\1" + MASK + r"\2"),
    (re.compile(r"\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}"), MASK),
    (re.compile(r"\bcur_[A-Za-z0-9_-]{20,}"), MASK),
]


def redact_text(text: str, literals: Iterable[str] = ()) -> str:
    for secret in literals:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactionFilter(logging.Filter):
    """Attach to every handler. Rewrites ``record.msg`` with args merged and secrets removed."""

    def __init__(self) -> None:
        super().__init__()
        self._literals: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def set_literals(self, values: Iterable[str]) -> None:
        # Longest first so a secret containing another is replaced whole.
        cleaned = sorted({v for v in values if isinstance(v, str) and len(v) >= 4 and v != MASK}, key=len, reverse=True)
        with self._lock:
            self._literals = tuple(cleaned)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        clean = redact_text(message, self._literals)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._literals)
        record.msg, record.args = clean, ()
        return True


def secret_values(config: dict) -> list[str]:
    """Every secret string in a config dict (by the same key rules as API masking)."""
    from curatarr.config.secrets import is_secret_key

    found: list[str] = []

    def walk(node, section: str | None, secret: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                sec = section if section is not None else str(k)
                walk(v, sec, secret or is_secret_key(str(k), section))
        elif isinstance(node, list):
            for v in node:
                walk(v, section, secret)
        elif secret and isinstance(node, str):
            found.append(node)

    walk(config, None, False)
    return found
