"""Sync against the simulators (real HTTP): every instance type, stable ids, incremental writes,
removals marked, failures isolated, links to media-server items."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import aliased

from curatarr.db.models.library import MediaChild, MediaFacet, MediaItem, MediaLink, MediaSyncState, MediaTitleKey
from curatarr.library.search import SearchParams, search
from curatarr.library.sync import sync_instances, sync_items
from tests.library.conftest import configure


def pk_of(session, media_id):
    return session.scalar(select(MediaItem.pk).where(MediaItem.id == media_id))


def linked_ids(session, server_id):
    """Media ids of the *arr items linked to a server item → {id: method}."""
    arr = aliased(MediaItem)
    rows = session.execute(select(arr.id, MediaLink.method).join(MediaLink, MediaLink.arr_pk == arr.pk)
                           .where(MediaLink.server_pk == pk_of(session, server_id)))
    return dict(rows.all())


def count(rt, *conds, model=MediaItem):
    with rt.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*conds))


def test_full_sync_reads_every_instance_type(synced, sims):
    lib = sims.library
    rt = synced
    assert count(rt, MediaItem.instance == "radarr") == len(lib.movies)
    assert count(rt, MediaItem.instance == "sonarr", MediaItem.kind == "series") == len(lib.shows)
    assert count(rt, MediaItem.instance == "lidarr", MediaItem.kind == "artist") == len(lib.artists)
    assert 0 < count(rt, MediaItem.instance == "radarr_4k") < len(lib.movies)
    assert count(rt, MediaItem.instance == "plex") > 0 and count(rt, MediaItem.instance == "jellyfin") > 0
    with rt.db.session() as s:
        matrix = s.scalar(select(MediaItem).where(MediaItem.id == "radarr:1"))
        assert matrix.title == lib.movies[0].title and matrix.tmdb_id == lib.movies[0].tmdb_id
        assert matrix.role == "arr" and matrix.kind == "movie" and matrix.has_poster
        assert matrix.rating is not None and 0 < matrix.rating <= 10  # a real rating, not "R"
        assert matrix.certification == lib.movies[0].certification
        show = lib.shows[0]
        episodes = s.scalar(select(func.count()).where(MediaChild.item_pk == pk_of(s, f"sonarr:{show.id}"),
                                                       MediaChild.kind == "episode"))
        seasons = s.scalar(select(func.count()).where(MediaChild.item_pk == pk_of(s, f"sonarr:{show.id}"),
                                                      MediaChild.kind == "season"))
        assert episodes == sum(len(se.episodes) for se in show.seasons)
        assert seasons == len(show.seasons)
        artist = lib.artists[0]
        albums = s.scalar(select(func.count()).where(MediaChild.item_pk == pk_of(s, f"lidarr:{artist.id}"),
                                                     MediaChild.kind == "album"))
        assert albums == len(artist.albums)
        assert s.scalar(select(func.count()).select_from(MediaTitleKey)) > 0
        assert s.scalar(select(func.count()).select_from(MediaFacet).where(MediaFacet.facet == "genre")) > 0
        states = {st.instance: st for st in s.scalars(select(MediaSyncState))}
        assert set(states) == set(sims.urls) and all(st.last_status == "ok" for st in states.values())


def test_stable_ids_are_instance_and_native_id(synced, sims):
    with synced.db.session() as s:
        ids = set(s.scalars(select(MediaItem.id).where(MediaItem.instance == "radarr")))
    assert ids == {f"radarr:{m.id}" for m in sims.library.movies}
    with synced.db.session() as s:
        plex_ids = set(s.scalars(select(MediaItem.native_id).where(MediaItem.instance == "plex", MediaItem.kind == "movie")))
    assert plex_ids <= {str(m.plex_rating_key) for m in sims.library.movies}


def test_second_sync_writes_nothing(synced):
    statements: list[str] = []

    def capture(conn, cursor, statement, *args):
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and "media_sync_state" not in statement:
            statements.append(statement)

    event.listen(synced.db.engine, "before_cursor_execute", capture)
    try:
        report = sync_instances(synced)
    finally:
        event.remove(synced.db.engine, "before_cursor_execute", capture)
    totals = report.totals()
    assert totals["added"] == totals["updated"] == totals["removed"] == totals["children_fetched"] == 0
    assert totals["unchanged"] == totals["seen"] > 0
    arr = [r for r in report.instances if r.type in ("radarr", "sonarr", "lidarr")]
    assert all(r.recognised == r.seen for r in arr)  # unchanged *arr items were not even decoded
    assert statements == []
    assert report.links is None  # nothing changed: links were not recomputed


def test_changes_are_picked_up_and_removals_marked(synced, sims):
    radarr = sims.sims["radarr"].library
    movie = radarr.movies[1]
    movie.monitored = not movie.monitored
    movie.genres.append("Western")
    gone = radarr.movies[2]
    r = httpx.delete(f"{sims.urls['radarr']}/api/v3/movie/{gone.id}", headers={"X-Api-Key": sims.api_keys["radarr"]})
    assert r.status_code == 200
    show = sims.sims["sonarr"].library.shows[0]
    show.seasons[0].episodes[0].title = "Renamed pilot"
    show.seasons[0].episodes[0].has_file = not show.seasons[0].episodes[0].has_file

    report = sync_instances(synced, ["radarr", "sonarr"])
    by = {r.instance: r for r in report.instances}
    assert by["radarr"].updated == 1 and by["radarr"].removed == 1 and by["radarr"].added == 0
    assert by["sonarr"].updated >= 1 and by["sonarr"].children_fetched == by["sonarr"].updated
    with synced.db.session() as s:
        changed = s.scalar(select(MediaItem).where(MediaItem.id == f"radarr:{movie.id}"))
        assert changed.monitored == movie.monitored and "Western" in changed.genres
        assert s.scalar(select(MediaFacet.item_pk).where(MediaFacet.value == "Western")) == changed.pk
        removed = s.scalar(select(MediaItem).where(MediaItem.id == f"radarr:{gone.id}"))
        assert removed is not None and removed.removed_at is not None
        assert s.scalar(select(func.count()).where(MediaTitleKey.item_pk == removed.pk)) == 0  # not searchable
        ep = s.scalar(select(MediaChild).where(MediaChild.item_pk == pk_of(s, f"sonarr:{show.id}"),
                                               MediaChild.title == "Renamed pilot"))
        assert ep is not None
    # removed items drop out of search but stay queryable with include_removed
    with synced.db.session() as s:
        _, total = search(s, SearchParams(instances=["radarr"]).validate())
        _, with_removed = search(s, SearchParams(instances=["radarr"], include_removed=True).validate())
    assert with_removed == total + 1


def test_failing_instance_keeps_its_items_and_others_sync(synced, sims):
    before = count(synced, MediaItem.instance == "radarr", MediaItem.removed_at.is_(None))
    sims.sims["radarr"].faults.add(kind="status", status=500, path="/api/v3/movie")
    report = sync_instances(synced, ["radarr", "lidarr"])
    by = {r.instance: r for r in report.instances}
    assert not by["radarr"].ok and "500" in by["radarr"].error
    assert by["lidarr"].ok
    assert count(synced, MediaItem.instance == "radarr", MediaItem.removed_at.is_(None)) == before
    with synced.db.session() as s:
        assert s.get(MediaSyncState, "radarr").last_status == "error"


def test_links_arr_items_to_media_server_items(synced, sims):
    lib = sims.library
    movie = lib.movies[0]
    with synced.db.session() as s:
        methods = linked_ids(s, f"plex:{movie.plex_rating_key}")
        assert f"radarr:{movie.id}" in methods and methods[f"radarr:{movie.id}"] in ("tmdb", "imdb")
        assert f"radarr:{movie.id}" in linked_ids(s, f"jellyfin:{movie.jellyfin_id}")
        # every 4K copy of this movie links to the same Plex item
        copies = s.scalars(select(MediaItem.id).where(MediaItem.tmdb_id == movie.tmdb_id, MediaItem.role == "arr",
                                                      MediaItem.kind == "movie")).all()
        assert set(copies) <= set(methods)


def test_unknown_instance_name_is_refused(lib_rt):
    with pytest.raises(KeyError):
        sync_instances(lib_rt, ["nope"])


def test_sync_items_rereads_single_items(synced, sims):
    movie = sims.sims["radarr"].library.movies[3]
    movie.studio = "Changed Studio"
    out = sync_items(synced, [f"radarr:{movie.id}", "radarr:999999"])
    assert out["updated"] == [f"radarr:{movie.id}"]
    assert out["removed"] == ["radarr:999999"]
    with synced.db.session() as s:
        assert s.scalar(select(MediaItem.studio).where(MediaItem.id == f"radarr:{movie.id}")) == "Changed Studio"


def test_sync_and_search_on_each_database(db_runtime, sims):
    configure(db_runtime, sims, ["radarr", "radarr_4k", "sonarr", "plex"])
    first = sync_instances(db_runtime)
    assert first.ok and first.totals()["added"] > 0
    second = sync_instances(db_runtime)
    assert second.totals()["added"] == second.totals()["updated"] == 0
    with db_runtime.db.session() as s:
        rows, total = search(s, SearchParams(query="matrix", type="movie").validate())
        assert total >= 1 and any(r.title == "The Matrix" for r in rows)
        rows, _ = search(s, SearchParams(query="leon").validate())  # accents folded: "Léon: The Professional"
        assert any(r.title == "Léon: The Professional" for r in rows)
        rows, _ = search(s, SearchParams(query="order special", type="series").validate())  # mid-title words
        assert [r.title for r in rows] == ["Law & Order: Special Victims Unit"]
        rows, total = search(s, SearchParams(sort="rating", order="desc", limit=5).validate())
        ratings = [r.rating for r in rows]
        assert ratings == sorted(ratings, reverse=True) and total > 5
