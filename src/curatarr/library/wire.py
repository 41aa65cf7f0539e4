"""Recognising unchanged elements of an *arr listing without decoding them, and the change digest.

The previous sync stored each element's position, length and digest. When the next ``length``
characters at the current element start hash to the digest expected there, they *are* that element
(a JSON value is prefix-free, and identical text is an identical value), so
:class:`~curatarr.connectors.json_stream.ArrayStream` yields it as :class:`Known` without decoding.
Anything else — a changed, new, moved or unknown element — is decoded as usual and the prediction
re-synchronises on its id. Decoding dominates the cost of a re-sync, so an unchanged library is read
several times faster. (The streaming itself lives with the *arr clients: ``connectors/json_stream``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import xxhash


def digest(*parts: str) -> str:
    """Change-detection digest (32 hex) of a source's own representation of an item.

    XXH3-128: a re-sync hashes every element of every listing (≈370 MB of JSON for 140k items), and
    XXH3 does that several times faster than SHA-1; change detection needs no cryptographic hash."""
    return xxhash.xxh3_128_hexdigest("\x00".join(parts).encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class Known:
    """An element recognised by its text alone (not decoded)."""

    key: str      # the id the predictor knows it by (a media id)
    digest: str


@dataclass(frozen=True, slots=True)
class Expected:
    key: str
    length: int
    digest: str


class Predictor:
    """Expects the elements of the previous response in their previous order (see module doc)."""

    def __init__(self, expected: list[Expected], digest_of: Callable[[str, str], str],
                 key_of: Callable[[Any], str | None]):
        self.expected = expected
        self.index = {e.key: k for k, e in enumerate(expected)}
        self.k = 0
        self.digest_of = digest_of   # (key, element text) -> digest, as the source computes it
        self.key_of = key_of         # decoded element -> key
        self.hits = 0

    def candidate(self) -> Expected | None:
        return self.expected[self.k] if self.k < len(self.expected) else None

    def accept(self, cand: Expected, text: str) -> Known | None:
        value = self.digest_of(cand.key, text)
        if value != cand.digest:
            return None
        self.k += 1
        self.hits += 1
        return Known(cand.key, value)

    def decoded(self, value: Any) -> None:
        k = self.index.get(self.key_of(value)) if isinstance(value, dict) else None
        if k is not None:
            self.k = k + 1
