"""Search semantics on a synced library: totals are exact in every join strategy, filters compose,
removed items stay out unless asked for."""

from __future__ import annotations

import pytest

from curatarr.library import search as search_mod
from curatarr.library.normalize import search_keys
from curatarr.library.search import InvalidQuery, SearchParams, search
from curatarr.library.service import library_for


def brute_force(rt, p: SearchParams) -> list[str]:
    """Expected ids, computed in Python from every row (no index, no shortcuts)."""
    from sqlalchemy import select

    from curatarr.db.models.library import MediaDetails, MediaItem
    from curatarr.library.normalize import normalize_query

    out = []
    with rt.db.session() as s:
        for m, details in s.execute(select(MediaItem, MediaDetails).join(MediaDetails, MediaDetails.item_pk == MediaItem.pk)):
            if m.role != p.role or m.removed_at is not None or (p.type and m.kind != p.type):
                continue
            if p.genres and not set(p.genres) & set(__import__("json").loads(m.genres or "[]")):
                continue
            if p.year_min is not None and (m.year is None or m.year < p.year_min):
                continue
            if p.query:
                alternates = __import__("json").loads(details.extra or "{}").get("alternate_titles", [])
                keys = search_keys(m.title, m.original_title, *alternates[:20])
                if not any(k.startswith(normalize_query(p.query)) for k in keys):
                    continue
            out.append(m.id)
    return sorted(out)


QUERIES = [dict(query="the"), dict(query="the", type="movie"), dict(query="a"), dict(genres=["Drama"]),
           dict(genres=["Drama", "Comedy"], type="movie"), dict(query="the", genres=["Drama"]),
           dict(query="the", year_min=2000), dict(query="matrix"), dict(query="zzzz")]


@pytest.mark.parametrize("narrow,broad", [(2000, 25_000), (3, 8), (0, 0)])
def test_totals_are_exact_in_every_join_strategy(synced, monkeypatch, narrow, broad):
    # Small thresholds push the demo library through the listed, IN-subquery and EXISTS paths.
    monkeypatch.setattr(search_mod, "NARROW", narrow)
    monkeypatch.setattr(search_mod, "BROAD", broad)
    lib = library_for(synced)
    for q in QUERIES:
        p = SearchParams(limit=500, **q).validate()
        result = lib.search(p)
        expected = brute_force(synced, p)
        assert result["total"] == len(expected), q
        assert sorted(i["id"] for i in result["items"]) == expected, q


def test_sort_orders_and_paging_are_stable(synced):
    lib = library_for(synced)
    for sort in search_mod.SORT_COLUMNS:
        for order in ("asc", "desc"):
            full = [i["id"] for i in lib.search(SearchParams(sort=sort, order=order, limit=500).validate())["items"]]
            paged = []
            for offset in range(0, len(full), 7):
                paged += [i["id"] for i in lib.search(SearchParams(sort=sort, order=order, limit=7,
                                                                   offset=offset).validate())["items"]]
            assert paged == full, (sort, order)
    by_rating = lib.search(SearchParams(sort="rating", order="desc", limit=500).validate())["items"]
    rated = [i["rating"] for i in by_rating if i["rating"] is not None]
    assert rated == sorted(rated, reverse=True)
    assert all(i["rating"] is None for i in by_rating[len(rated):])  # unknown values last


def test_removed_items_only_with_include_removed(synced):
    from curatarr.library.store import mark_removed

    lib = library_for(synced)
    target = lib.search(SearchParams(query="matrix", type="movie").validate())["items"][0]
    with synced.db.session() as s:
        mark_removed(s, [target["id"]])
    live = lib.search(SearchParams(query="matrix", type="movie").validate())
    assert target["id"] not in [i["id"] for i in live["items"]]
    genre = target["genres"][0]
    everything = lib.search(SearchParams(genres=[genre], include_removed=True, limit=500).validate())
    assert target["id"] in [i["id"] for i in everything["items"]]
    assert everything["total"] == lib.search(SearchParams(genres=[genre], limit=500).validate())["total"] + 1


@pytest.mark.parametrize("raw", [{"sort": "instance"}, {"order": "up"}, {"type": "book"}, {"has_poster": "maybe"},
                                 {"year_min": "abc"}, {"year_min": 2001, "year_max": 2000}])
def test_invalid_filters_are_refused(raw):
    with pytest.raises(InvalidQuery):
        SearchParams.from_dict(raw)


def test_from_dict_coerces_query_string_values():
    p = SearchParams.from_dict({"q": "x", "genre": "Drama,Comedy", "has_poster": "false", "year_min": "1990",
                                "instance": "radarr", "unknown": 1})
    assert (p.query, p.genres, p.has_poster, p.year_min, p.instances) == ("x", ["Drama", "Comedy"], False, 1990, ["radarr"])
