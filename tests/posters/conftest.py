"""Poster maker fixtures: a tiny sample library served by Plex, Jellyfin, TMDB, Fanart.tv and TVDB
simulators (small images, real HTTP), and a runtime configured with them as instances."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from curatarr.sims.library import SampleLibrary

SERVICES = ("plex", "jellyfin", "tmdb", "fanart", "tvdb")
SUFFIX = {"tmdb": "/3", "fanart": "/v3", "tvdb": "/v4"}


def tiny_library() -> SampleLibrary:
    return SampleLibrary.generate(seed=7, movies=2, shows=1, artists=0, seasons=(1, 1), episodes=(2, 2))


class Sims:
    def __init__(self, library: SampleLibrary, services=SERVICES):
        from importlib import import_module

        from curatarr.sims.server import SimServer, api_key_for

        self.library = library
        self.servers, self.keys, self.apps = {}, {}, {}
        for name in services:
            key = api_key_for(name)
            kw = {"token": key} if name == "plex" else {"api_key": key}
            app = import_module(f"curatarr.sims.{name}").create_app(library, instance=name, small_images=True, **kw)
            self.apps[name], self.keys[name] = app, key
            self.servers[name] = SimServer(app, name=name).start()

    def sim(self, name):
        return self.apps[name].state.sim

    def instances(self, only=None) -> dict:
        out: dict = {}
        for name, server in self.servers.items():
            if only and name not in only:
                continue
            cfg = {"url": server.url + SUFFIX.get(name, ""), "api": self.keys[name], "enabled": True}
            if name == "tmdb":
                cfg["images_url"] = server.url + "/t/p"
            out.setdefault(name, {})[name] = cfg
        return out

    def reset(self):
        for app in self.apps.values():
            app.state.sim.reset()

    def stop(self):
        for server in self.servers.values():
            server.stop()


def serve(library: SampleLibrary, services=SERVICES):
    """Running simulators, stopped at the end (yield from it in a session/module fixture)."""
    sims = Sims(library, services)
    try:
        yield sims
    finally:
        sims.stop()


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
