"""Which config values are secrets, and how they are masked on the way out and kept on the way in.

A value is secret when its key names a credential (api keys, tokens, passwords, secrets) or a URL
that embeds one (Discord/Notifiarr webhooks, Apprise and Uptime Kuma push URLs). Only non-empty
strings are masked, so an empty field still shows as empty in the UI.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "********"

_SECRET_KEY = re.compile(
    r"(^api$|api_?key|apikey|token$|^token|_token|secret|password|passwd|^pin$|"
    r"^webhook(_url)?$|webhook_url|apprise|uptime_?kuma_?url|push_url|^urls?$)",
    re.IGNORECASE,
)
# Keys that look secret by name but are not.
_NOT_SECRET = frozenset({"token_expiry_hours", "password_min_length", "api_version"})
# Sections where a plain "url"/"urls" key is a credential-bearing target (not a server address).
_URL_IS_SECRET_SECTIONS = frozenset({"notifications"})


def is_secret_key(key: str, section: str | None = None) -> bool:
    if key in _NOT_SECRET:
        return False
    if key.lower() in ("url", "urls"):
        return section in _URL_IS_SECRET_SECTIONS
    return bool(_SECRET_KEY.search(key))


def mask_secrets(data: Any, section: str | None = None) -> Any:
    """Return a deep copy of ``data`` with every secret string replaced by ``********``.

    ``section`` is the top-level config section the data sits in (decides whether ``url`` is secret).
    """
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            sec = section if section is not None else str(key)
            if is_secret_key(str(key), section) and not isinstance(value, dict):
                out[key] = _mask_value(value, sec)
            else:
                out[key] = mask_secrets(value, sec)
        return out
    if isinstance(data, list):
        return [mask_secrets(v, section) for v in data]
    return data


def _mask_value(value: Any, section: str | None) -> Any:
    if isinstance(value, str):
        return MASK if value else value
    if isinstance(value, list):
        return [_mask_value(v, section) for v in value]
    if isinstance(value, dict):
        return mask_secrets(value, section)
    return value


def _match_stored_item(stored_list: list, index: int, item: Any) -> Any:
    """Find the stored counterpart of a list item: same ``name``/``id`` if it has one, else same index."""
    if isinstance(item, dict):
        for ident in ("id", "name"):
            if ident in item:
                for candidate in stored_list:
                    if isinstance(candidate, dict) and candidate.get(ident) == item[ident]:
                        return candidate
    return stored_list[index] if index < len(stored_list) else None


def unmask_secrets(incoming: Any, stored: Any) -> Any:
    """Replace every ``********`` in ``incoming`` with the value at the same place in ``stored``.

    Works through nested dicts and lists (list items are matched by ``id``/``name`` or position),
    so a client that sends back what it was shown never overwrites a real secret with the mask.
    A mask with no stored counterpart becomes an empty string rather than the literal mask.
    """
    if isinstance(incoming, str):
        if incoming == MASK:
            return stored if isinstance(stored, str) else ""
        return incoming
    if isinstance(incoming, dict):
        stored_dict = stored if isinstance(stored, dict) else {}
        return {k: unmask_secrets(v, stored_dict.get(k)) for k, v in incoming.items()}
    if isinstance(incoming, list):
        stored_list = stored if isinstance(stored, list) else []
        return [unmask_secrets(v, _match_stored_item(stored_list, i, v)) for i, v in enumerate(incoming)]
    return incoming
