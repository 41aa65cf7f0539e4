"""The in-memory search index gives exactly the SQL path's answers (ids, order, totals, facets), and is
never used while stale."""

from __future__ import annotations

import pytest

from curatarr.library.search import SearchParams, facets, search
from curatarr.library.search_index import SearchIndex, generation
from curatarr.library.service import library_for
from curatarr.library.store import mark_removed

FILTERS = [
    {}, {"query": "the"}, {"query": "the", "type": "movie"}, {"query": "a"}, {"query": "The Ma"},
    {"query": "zzzz-no-such"}, {"query": "  "}, {"query": "!!"}, {"type": "series"}, {"type": "artist"},
    {"genres": ["Drama"]}, {"genres": ["Drama", "Comedy"], "type": "movie"}, {"genres": ["No Such Genre"]},
    {"tags": ["4k"]}, {"query": "the", "genres": ["Drama"]}, {"status": ["ended"], "type": "series"},
    {"status": ["released", "no-such-status"]}, {"instances": ["radarr_4k"]}, {"instances": ["nope"]},
    {"year_min": 1990, "year_max": 1999}, {"year_min": 2000}, {"rating_min": 7.5}, {"rating_max": 5},
    {"has_poster": True}, {"has_poster": False}, {"monitored": False}, {"has_file": False, "type": "movie"},
    {"has_file": True}, {"role": "server"}, {"role": "all", "query": "the"}, {"role": "server", "type": "movie"},
    {"query": "the", "year_min": 2000, "year_max": 2010, "type": "movie"},
]
SORTS = [("title", "asc"), ("title", "desc"), ("year", "asc"), ("year", "desc"), ("rating", "asc"),
         ("rating", "desc"), ("added", "asc"), ("added", "desc"), ("runtime", "asc"), ("size", "desc")]


def sql_answer(rt, p: SearchParams) -> tuple[list[str], int]:
    with rt.db.session() as s:
        rows, total = search(s, p)
        return [r.id for r in rows], total


def index_answer(rt, index: SearchIndex, p: SearchParams) -> tuple[list[str], int]:
    from curatarr.library.search_index import page_rows

    pks, total = index.search(p)
    with rt.db.session() as s:
        return [r.id for r in page_rows(s, pks)], total


@pytest.fixture
def fresh_index(synced):
    return library_for(synced).search_index.wait_fresh()


def test_index_matches_sql_for_every_filter(synced, fresh_index):
    # One test over the whole table (a synced library per case would cost more than the comparisons).
    nonempty = 0
    for raw in FILTERS:
        p = SearchParams(**raw, limit=500).validate()
        assert SearchIndex.supports(p), raw
        expected = sql_answer(synced, p)
        assert index_answer(synced, fresh_index, p) == expected, raw
        nonempty += expected[1] > 0
    assert nonempty > len(FILTERS) // 2  # the table exercises real matches, not only empty sets


def test_index_matches_sql_for_every_sort_and_page(synced, fresh_index):
    for sort, order in SORTS:
        for offset, limit in ((0, 25), (25, 25), (7, 3), (10_000, 10)):
            for raw in ({}, {"type": "movie"}, {"query": "the"}):
                p = SearchParams(**raw, sort=sort, order=order, offset=offset, limit=limit).validate()
                expected = sql_answer(synced, p)
                assert index_answer(synced, fresh_index, p) == expected, (raw, sort, order, offset, limit)
                assert expected[1] > 0


def test_index_facets_match_sql(synced, fresh_index):
    for raw in ({}, {"type": "movie"}, {"query": "the"}, {"genres": ["Drama"]}):
        p = SearchParams(**raw).validate()
        with synced.db.session() as s:
            expected = facets(s, p)
        got = fresh_index.facets(p)
        for name in expected:
            # Same counts per value (SQL leaves the order of equal counts open).
            assert sorted((f["value"], f["count"]) for f in got[name]) == \
                   sorted((f["value"], f["count"]) for f in expected[name]), name
        assert got["type"]


@pytest.mark.parametrize("raw", [{"include_removed": True}, {"ids": ["radarr:1"]}, {"linked": True},
                                 {"query": "tt0133093"}, {"query": "tmdb:603"}, {"query": "radarr:1"}])
def test_filters_the_index_does_not_model_go_to_sql(raw):
    assert not SearchIndex.supports(SearchParams(**raw).validate())


def test_a_write_makes_the_index_stale_until_rebuilt(synced, fresh_index):
    lib = library_for(synced)
    holder = lib.search_index
    before = generation(synced.db.engine)
    victim = lib.search(SearchParams(query="the", type="movie", limit=1).validate())["items"][0]["id"]
    with synced.db.session() as s:
        mark_removed(s, [victim])
    assert generation(synced.db.engine) == before + 1
    assert holder.current() is None or holder.current().generation == before + 1
    # While stale the service answers from SQL: the removed item is already gone.
    page = lib.search(SearchParams(query="the", type="movie", limit=500).validate())
    assert victim not in [i["id"] for i in page["items"]]
    rebuilt = holder.wait_fresh()
    assert rebuilt.generation == before + 1 and rebuilt is not fresh_index
    ids, total = index_answer(synced, rebuilt, SearchParams(query="the", type="movie", limit=500).validate())
    assert victim not in ids and total == page["total"]


def test_a_read_does_not_bump_the_generation(synced, fresh_index):
    before = generation(synced.db.engine)
    library_for(synced).search(SearchParams(query="the").validate())
    assert generation(synced.db.engine) == before
    assert library_for(synced).search_index.current() is fresh_index


def test_writes_by_another_process_are_detected(synced, fresh_index):
    """A write on a different engine (another process, e.g. ``curatarr run``) does not bump this
    engine's generation; the periodic fingerprint check notices it."""
    from sqlalchemy import create_engine, text

    holder = library_for(synced).search_index
    assert holder.verify_now() is True
    other = create_engine(synced.db.engine.url)
    with other.begin() as conn:
        conn.execute(text("UPDATE media_items SET removed_at = CURRENT_TIMESTAMP WHERE pk = "
                          "(SELECT min(pk) FROM media_items WHERE removed_at IS NULL)"))
    other.dispose()
    before = generation(synced.db.engine)
    assert holder.verify_now() is False
    assert generation(synced.db.engine) == before + 1 and holder.current() is None
    assert holder.wait_fresh().generation == before + 1


def test_index_matches_sql_on_each_database(db_runtime, sims):
    """PostgreSQL sorts text by its own collation and NULLs last ascending: the index follows it."""
    from curatarr.library.sync import sync_instances
    from tests.library.conftest import configure

    configure(db_runtime, sims, ["radarr", "radarr_4k", "sonarr", "plex"])
    assert sync_instances(db_runtime).ok
    index = library_for(db_runtime).search_index.wait_fresh()
    checked = 0
    for raw in FILTERS[:12] + [{"role": "server"}, {"genres": ["Drama"], "year_min": 1990}]:
        for sort, order in SORTS:
            p = SearchParams(**raw, sort=sort, order=order, limit=40).validate()
            expected = sql_answer(db_runtime, p)
            assert index_answer(db_runtime, index, p) == expected, (raw, sort, order)
            checked += expected[1] > 0
    assert checked > 50
