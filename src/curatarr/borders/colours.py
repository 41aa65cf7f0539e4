"""Border colours: hex strings only (``#abc`` or ``#aabbcc``, the ``#`` optional), normalised to
``#rrggbb``. CHUB turned an invalid colour into white without a word; here it is a config error."""

from __future__ import annotations

import re

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalise_colour(value: object) -> str:
    """``#rrggbb`` (lower case) for a valid hex colour; ValueError naming the value otherwise."""
    if not isinstance(value, str) or not _HEX.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a hex colour (use #rgb or #rrggbb)")
    digits = value.strip().lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def normalise_colours(values: object) -> list[str]:
    """A list of colours (a single string counts as a list of one: CHUB's issue #178)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[,\s]+", values) if v]
    if not isinstance(values, (list, tuple)):
        raise ValueError("colours must be a list of hex colours")
    return [normalise_colour(v) for v in values]


def rgb(colour: str) -> tuple[int, int, int]:
    digits = normalise_colour(colour)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
