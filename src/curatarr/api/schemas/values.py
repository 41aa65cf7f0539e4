"""Value types response models share."""

from __future__ import annotations

# A measured or configured number that may be whole or fractional. Declared as a union so a whole
# number keeps printing as ``7`` (a plain ``float`` field would turn it into ``7.0`` on the wire).
Number = int | float


def binary_content(*media_types: str) -> dict[str, dict]:
    """OpenAPI ``content`` of an answer that is a file in one of ``media_types`` (images, fonts …)."""
    return {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}
