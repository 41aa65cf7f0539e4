"""The matching table (matching_table.yaml) run as data: every row is one poster file against one
library; the expected item is named by its label so the table reads like the library it tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from curatarr.poster_library.facts import parse_poster_path
from curatarr.poster_library.matching import Matcher, MediaCandidate

TABLE = YAML(typ="safe").load((Path(__file__).parent / "matching_table.yaml").read_text(encoding="utf-8"))


def candidate(raw: dict) -> MediaCandidate:
    return MediaCandidate(kind=raw["kind"], title=str(raw["title"]), year=raw.get("year"), tmdb=raw.get("tmdb"),
                          tvdb=raw.get("tvdb"), imdb=raw.get("imdb"),
                          alternate_titles=tuple(raw.get("alternate_titles") or ()),
                          seasons=tuple(raw.get("seasons") or ()), original_title=raw.get("original_title"))


def label(c: MediaCandidate) -> str:
    return f"{c.title} ({c.year})" if c.year else c.title


LIBRARIES = {name: [candidate(r) for r in rows] for name, rows in TABLE["libraries"].items()}
MATCHERS = {name: Matcher(items) for name, items in LIBRARIES.items()}


def expected_index(items: list[MediaCandidate], row: dict) -> int | None:
    if row.get("match") is None:
        return None
    hits = [i for i, c in enumerate(items) if label(c) == str(row["match"]) and c.kind == row.get("kind", c.kind)]
    assert len(hits) == 1, f"table error: label {row['match']!r} names {len(hits)} items"
    return hits[0]


def test_table_is_big_enough_and_covers_chub_misses():
    assert len(TABLE["cases"]) >= 60
    assert sum(1 for r in TABLE["cases"] if r.get("chub-miss")) >= 10


@pytest.mark.parametrize("row", TABLE["cases"], ids=[r["file"] for r in TABLE["cases"]])
def test_matching_row(row):
    library = row.get("library", "main")
    items = LIBRARIES[library]
    facts = parse_poster_path(row["file"])
    assert facts is not None
    found = MATCHERS[library].match(facts)
    want = expected_index(items, row)
    got = label(items[found.media]) if found.media is not None else None
    assert found.media == want, f"{row['file']}: got {got!r} ({found.reason}), want {row.get('match')!r}"
    if "season" in row:
        assert found.season == row["season"], found
    elif want is not None:
        assert found.season is None, found
    assert found.reason, "every decision carries a reason"
    if "reason" in row:
        assert str(row["reason"]).lower() in found.reason.lower(), found.reason
