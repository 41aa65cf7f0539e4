"""A YAML document's size as it will be once expanded, computed from parse events before it is built.

An alias (``*a``) costs one event in the text but, once the document is turned into plain data, a
copy of everything its anchor holds: nine levels of ten aliases each are a billion nodes from a few
hundred bytes ("billion laughs"). Walking the parser's events and adding up each anchor's expanded
size is linear in the text, so a bomb is refused in milliseconds, before any loader or ``to_plain``
expands it — while ordinary anchors and aliases keep working.
"""

from __future__ import annotations

import io

# Expanded nodes (scalars and collections, aliases counted as what they stand for): ~100k keys and
# values is far beyond any real config.yml or template.
MAX_NODES = 500_000


class YamlTooComplex(ValueError):
    """The document expands to more nodes than any real Curatarr file."""


def expanded_size(text: str, *, limit: int = MAX_NODES) -> int:
    """The number of nodes ``text`` expands to (stops counting early past ``limit``, raising
    :class:`YamlTooComplex`). Syntax errors propagate from the parser."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent)

    anchors: dict[str, int] = {}
    frames: list[list] = []  # [anchor, size] of every open mapping/sequence
    total = 0

    def add(n: int) -> None:
        nonlocal total
        if frames:
            frames[-1][1] += n
        else:
            total += n
        if total + sum(f[1] for f in frames) > limit:
            raise YamlTooComplex(f"the YAML expands to more than {limit} values (aliases included)")

    for event in YAML(typ="safe", pure=True).parse(io.StringIO(text)):
        if isinstance(event, ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = 1
            add(1)
        elif isinstance(event, AliasEvent):
            add(anchors.get(event.anchor, 1))
        elif isinstance(event, CollectionStartEvent):
            frames.append([event.anchor, 1])
        elif isinstance(event, CollectionEndEvent) and frames:
            anchor, size = frames.pop()
            if anchor:
                anchors[anchor] = size
            add(size)
    return total


def check_yaml_limits(text: str, *, limit: int = MAX_NODES) -> None:
    """Raise :class:`YamlTooComplex` when ``text`` expands to more than ``limit`` nodes. A syntax
    error is left for the real loader that follows, which reports it with its position."""
    try:
        expanded_size(text, limit=limit)
    except YamlTooComplex:
        raise
    except Exception:
        return
