"""Poster maker fixtures: a tiny sample library served by Plex, Jellyfin, TMDB, Fanart.tv and TVDB
simulators (small images, real HTTP), and a runtime configured with them as instances."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from curatarr.sims.library import SampleLibrary
from tests._fixtures import sim_cluster

SERVICES = ("plex", "jellyfin", "tmdb", "fanart", "tvdb")


def tiny_library() -> SampleLibrary:
    return SampleLibrary.generate(seed=7, movies=2, shows=1, artists=0, seasons=(1, 1), episodes=(2, 2))


class Sims:
    """A running simulator cluster (every SimCluster attribute: ``servers``, ``apps``, ``library``,
    ``reset()`` …) with the short names the poster tests use."""

    def __init__(self, cluster):
        self.cluster = cluster

    def __getattr__(self, name: str):
        return getattr(self.cluster, name)

    @property
    def keys(self) -> dict[str, str]:
        return self.cluster.api_keys

    def sim(self, name: str):
        return self.cluster.sims[name]

    def instances(self, only=None) -> dict:
        """The ``instances`` config section for the running simulators (``only`` these names)."""
        from curatarr.demo import demo_instances

        return {service: picked for service, named in demo_instances(self.cluster).items()
                if (picked := {n: cfg for n, cfg in named.items() if not only or n in only})}


def serve(library: SampleLibrary, services=SERVICES):
    """Running simulators with small images, stopped at the end (yield from it in a session/module
    fixture)."""
    with sim_cluster(library, services, small_images=True) as cluster:
        yield Sims(cluster)


# serve() as a ``with`` block, for a test that needs simulators of its own (another library or server).
serving = contextmanager(serve)


def clean(sims: Sims):
    """The simulators with fresh state, reset again after the test (yield from it in a test fixture)."""
    sims.reset()
    yield sims
    sims.reset()


@pytest.fixture(scope="session")
def poster_sims():
    yield from serve(tiny_library())


@pytest.fixture
def sims(poster_sims):
    yield from clean(poster_sims)


def configure(rt, sims, servers=("plex",), **module_cfg):
    only = set(servers) | {"tmdb", "fanart", "tvdb"}
    # Collections and the server-art fallback are off unless a test asks: the older tests count
    # exactly the items' assets and the providers' languages (tests/posters/test_sources_*.py and
    # test_collections.py switch them on).
    base = {"workers": 1, "collections": False, "server_art_fallback": False}
    rt.config.update({"instances": sims.instances(only), "poster_maker": {**base, **module_cfg}})


def asset_rows(rt) -> dict:
    """Every PosterAsset row, by asset key."""
    from sqlalchemy import select

    from curatarr.db.models.posters import PosterAsset

    with rt.db.session() as s:
        return {r.asset_key: r for r in s.execute(select(PosterAsset)).scalars()}


def run(rt, overrides=None, dry_run=None):
    from curatarr.modules.base import standalone
    from curatarr.modules.poster_maker import PosterMaker

    module = PosterMaker()
    ctx, cfg = standalone(rt, module, overrides=overrides or {}, dry_run=dry_run)
    try:
        return module.run(ctx, cfg)
    finally:
        ctx.connectors.close()
