"""Duplicate grouping (pure): exact, fuzzy with blocking, intentional copies, deterministic group ids."""

from __future__ import annotations

import random

import pytest

from curatarr.library import duplicates as d
from curatarr.library import normalize as n


def row(id_, title, year, instance="radarr", source="radarr", kind="movie"):
    return d.DupRow(id=id_, instance=instance, source_type=source, kind=kind, norm_title=n.normalize_title(title),
                    fuzzy_title=n.spaced_title(title), first_token=n.first_token(title), year=year)


ROWS = [
    row("radarr:1", "The Matrix", 1999), row("radarr_4k:1", "The Matrix", 1999, instance="radarr_4k"),
    row("radarr:2", "Matrix", 1999),                      # fuzzy only ("the" dropped for comparison)
    row("radarr:3", "The Matrix", 2021),                  # another year: never a duplicate
    row("radarr:4", "Spider-Man", 2002), row("radarr:5", "Spiderman", 2002),  # exact (same key)
    row("radarr:6", "The Lord of the Rings: The Two Towers", 2002),
    row("radarr:7", "Lord of the Rings: Two Towers", 2002),
    row("sonarr:1", "The Matrix", 1999, instance="sonarr", source="sonarr", kind="series"),  # other kind
]


def ids(groups):
    return sorted(tuple(g.ids) for g in groups)


def test_exact_groups_same_title_and_year_per_kind():
    groups, dropped = d.find_groups(ROWS, 1.0)
    assert ids(groups) == [("radarr:1", "radarr_4k:1"), ("radarr:4", "radarr:5")]
    assert dropped == 0
    assert all(g.mode == "exact" and g.group_id.startswith("x-") and g.similarity == 1.0 for g in groups)


def test_fuzzy_adds_near_titles_and_keeps_exact_ones():
    groups, _ = d.find_groups(ROWS, 0.85)
    assert ids(groups) == [("radarr:1", "radarr:2", "radarr_4k:1"), ("radarr:4", "radarr:5"),
                           ("radarr:6", "radarr:7")]
    matrix = next(g for g in groups if "radarr:2" in g.ids)
    assert matrix.group_id.startswith("f85-") and matrix.mode == "fuzzy"
    assert 0.85 <= matrix.similarity <= 1.0


def test_higher_threshold_is_stricter():
    loose, _ = d.find_groups(ROWS, 0.7)
    strict, _ = d.find_groups(ROWS, 0.99)
    assert sum(len(g.ids) for g in strict) <= sum(len(g.ids) for g in loose)
    assert ("radarr:4", "radarr:5") in ids(strict)


def test_intentional_copies_are_excluded_but_not_two_copies_in_one_instance():
    exclude = d.parse_exclude_groups([["radarr", "radarr_4k"]])
    groups, dropped = d.find_groups(ROWS, 1.0, exclude)
    assert ids(groups) == [("radarr:4", "radarr:5")]  # same-instance duplicates stay
    assert dropped == 1


@pytest.mark.parametrize("raw,expected", [
    ([["a", "b"]], [frozenset({"a", "b"})]),
    ([{"instances": ["a", "b", "c"]}], [frozenset({"a", "b", "c"})]),
    (["a, b"], [frozenset({"a", "b"})]),
    ([["only-one"]], []),
    (None, []),
])
def test_parse_exclude_groups(raw, expected):
    assert d.parse_exclude_groups(raw) == expected


def test_group_ids_are_deterministic_and_parseable():
    a, _ = d.find_groups(ROWS, 0.85)
    b, _ = d.find_groups(list(reversed(ROWS)), 0.85)
    assert [g.group_id for g in a] == [g.group_id for g in b]
    assert d.similarity_of_group_id(a[0].group_id) == 0.85
    assert d.similarity_of_group_id("x-0123456789abcdef") == 1.0
    for bad in ("nope", "x-123", "f200-0123456789abcdef", "y-0123456789abcdef"):
        assert d.similarity_of_group_id(bad) is None


def test_similarity_outside_range_is_refused():
    with pytest.raises(ValueError):
        d.find_groups(ROWS, 1.5)


def test_large_blocks_use_the_matrix_path_with_same_result():
    rnd = random.Random(3)
    words = ["star", "wars", "trek", "gate", "love", "story", "night", "day"]
    rows = [row(f"r:{i}", "Star " + " ".join(rnd.choice(words) for _ in range(3)), 2000) for i in range(60)]
    assert len({r.first_token for r in rows}) == 1  # one block well above CDIST_MIN
    via_matrix, _ = d.find_groups(rows, 0.8)
    pairs = {(a, b) for a, b, _ in d._pairs([d._compare_form(r.fuzzy_title) for r in rows[:8]], 80.0)}
    slow = {(a, b) for a in range(8) for b in range(a + 1, 8)
            if d.fuzz.ratio(d._compare_form(rows[a].fuzzy_title), d._compare_form(rows[b].fuzzy_title)) >= 80}
    assert pairs == slow
    assert via_matrix  # repeated random titles do collide


def test_blocking_keeps_cost_near_linear():
    # 5,000 distinct first words over 50 years: no block is large, so nothing is compared pairwise globally.
    rows = [row(f"r:{i}", f"Title{i} Part", 1950 + i % 50) for i in range(5000)]
    groups, _ = d.find_groups(rows, 0.85)
    assert groups == []
