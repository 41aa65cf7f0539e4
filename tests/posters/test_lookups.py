"""Provider look-ups and the on-disk check that make a no-op run cheap: offline mode (decide from the
cache or say the network is needed), the cache across runs, a run where only some items need the
network, and the folder listing that replaces a stat per asset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from curatarr.db.base import utcnow
from curatarr.db.models.posters import PosterProviderCache
from curatarr.modules.base import RunContext
from curatarr.modules.poster_maker import PosterMaker
from curatarr.posters.providers import NeedsNetwork
from curatarr.posters.writer import FolderListing
from tests.posters.conftest import configure, run


def _lookups(runtime, **cfg):
    module = PosterMaker()
    config = module.parse_config({**runtime.config.get_section("poster_maker"), **cfg})
    ctx = RunContext.standalone(runtime, "poster_maker")
    return module._lookups(ctx, config), ctx


def _tmdb_requests(sims) -> int:
    return len([r for r in sims.sim("tmdb").requests if not r.path.startswith("/t/p/")])


def test_offline_lookups_use_the_cache_or_say_the_network_is_needed(runtime, sims):
    configure(runtime, sims)
    show = sims.library.shows[0]
    ids = {"tmdb": str(show.tmdb_id), "tvdb": str(show.tvdb_id)}
    lookups, ctx = _lookups(runtime)
    try:
        with lookups.offline(), pytest.raises(NeedsNetwork):
            lookups.candidates("tmdb", "show", "poster", ids)
        assert _tmdb_requests(sims) == 0 and lookups.calls == 0
        online = lookups.candidates("tmdb", "show", "poster", ids)
        assert online and lookups.calls == 1 and _tmdb_requests(sims) == 1
        assert lookups.is_offline is False
    finally:
        lookups.close()
        ctx.connectors.close()

    again, ctx = _lookups(runtime)   # a later run: memory empty, the database cache answers
    try:
        with again.offline():
            assert again.candidates("tmdb", "show", "poster", ids) == online
            assert again.is_offline is True
        assert again.calls == 0 and _tmdb_requests(sims) == 1
    finally:
        again.close()
        ctx.connectors.close()

    with runtime.db.session() as s:   # answers older than provider_cache_hours are not used
        s.execute(update(PosterProviderCache).values(fetched_at=utcnow() - timedelta(hours=25)))
        s.commit()
    for hours in (24, 0):   # expired; no cache at all
        stale, ctx = _lookups(runtime, provider_cache_hours=hours)
        try:
            with stale.offline(), pytest.raises(NeedsNetwork):
                stale.candidates("tmdb", "show", "poster", ids)
        finally:
            stale.close()
            ctx.connectors.close()
    fresh, ctx = _lookups(runtime, provider_cache_hours=26)
    try:
        with fresh.offline():
            assert fresh.candidates("tmdb", "show", "poster", ids) == online
    finally:
        fresh.close()
        ctx.connectors.close()


def test_a_run_where_only_one_show_needs_the_network_still_writes_nothing(runtime, sims):
    configure(runtime, sims)
    first = run(runtime)
    show = sims.library.shows[0]
    with runtime.db.session() as s:   # the show's cached TMDB answers expired (or were never kept)
        s.execute(delete(PosterProviderCache).where(PosterProviderCache.key.like(f"tmdb:tv:{show.tmdb_id}%")))
        s.commit()
    sims.reset()
    second = run(runtime)
    asked = {r.path for r in sims.sim("tmdb").requests}
    assert second.counts["provider_calls"] > 0
    assert asked and all(f"/tv/{show.tmdb_id}" in path for path in asked)   # only that show was asked for
    assert second.counts["writes"] == 0 and second.counts["downloads"] == 0
    assert second.counts["unchanged"] == first.counts["writes"]


def test_folder_listing_answers_like_the_file_system(tmp_path):
    (tmp_path / "TV Shows" / "Show (2001)").mkdir(parents=True)
    (tmp_path / "TV Shows" / "Show (2001)" / "poster.jpg").write_bytes(b"x")
    (tmp_path / "flat.jpg").write_bytes(b"x")
    listing = FolderListing(tmp_path, keep=2)
    assert listing.exists("TV Shows/Show (2001)/poster.jpg")
    assert not listing.exists("TV Shows/Show (2001)/S01E01.jpg")
    assert not listing.exists("Movies/Gone (1999)/poster.jpg")   # a folder that does not exist
    assert listing.exists("flat.jpg")
    for n in range(3):  # more folders than it keeps: the oldest listings are read again when asked
        assert not listing.exists(f"Other/{n}/poster.jpg")
    assert len(listing._names) == 2
    assert listing.exists("TV Shows/Show (2001)/poster.jpg")
