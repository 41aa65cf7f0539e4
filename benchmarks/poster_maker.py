"""Poster maker benchmark on the simulators, with simulated provider latency.

    .venv/bin/python benchmarks/poster_maker.py      # quick: 300-show library, 60 s budgets, no-op on 100 shows
    .venv/bin/python benchmarks/poster_maker.py --library-shows 10000 --budget 240 --noop-shows 2700  # issue #7
    .venv/bin/python benchmarks/poster_maker.py --skip-first --library-shows 10000 --noop-shows 10000 \
        --keep /tmp/bench-10000   # the whole library's no-op; the seed (~30 min) is kept and reused

Plex, TMDB, Fanart.tv and TVDB simulators run in this process (real HTTP) and serve a generated
sample library; ``--latency-ms`` (default 50) is added to every TMDB, Fanart.tv and TVDB request,
image downloads included, and TMDB is limited to ``--tmdb-rate`` requests/s (its real ~50/s ceiling;
Fanart.tv and TVDB keep the connectors' defaults). The simulators serve stock pictures (see
``curatarr.sims.images.use_stock_images``) so that serving an image costs what a CDN costs its client.

Phase 1, first run: the ``classic`` templates at full size on full-size source images over the
``--library-shows`` library, for ``--budget`` seconds of the choosing-and-rendering phase (then the
run is cancelled), once with one render worker (baseline) and once with all cores. Prints assets/s,
provider requests/s (API and image downloads, counted at the simulators) and how busy the render
workers were (sum of render times / (wall time x workers)): near 1 = rendering is the limit; and
CPU seconds per asset (the machine may be shared: wall-clock rates then understate the code).

Phase 2, no-op: the first ``--noop-shows`` shows of the same generated library (a prefix) are
rendered once with a tiny template, all cores, no latency and no rate limit (seeding: the pixels do
not matter here), then normal runs with latency and rate limits (the module's default look-up
threads, then 32) must make 0 downloads, 0 writes and 0 provider requests; prints their time,
seconds per 50,000 assets and the ratio to the seed run (the baseline). ``--keep DIR`` seeds into
DIR once and reuses it on later runs of the same library size (the seed of a big library takes far
longer than the runs it prepares).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curatarr.artwork.batch import default_workers  # noqa: E402
from curatarr.modules.base import Cancelled, RunContext  # noqa: E402
from curatarr.runtime import Runtime  # noqa: E402
from curatarr.sims.images import use_stock_images  # noqa: E402
from curatarr.sims.library import SampleLibrary  # noqa: E402
from tests.posters.conftest import Sims, configure  # noqa: E402

PROVIDERS = ("tmdb", "fanart", "tvdb")
IMAGE_PATHS = ("/t/p/", "/fanart/", "/banners/")  # image downloads (TMDB, Fanart.tv, TVDB image hosts)
TINY = {"id": "bench-tiny-{kind}", "family": "benchtiny", "kind": "{kind}", "canvas": {"width": 64, "height": 96},
        "layers": []}


class CountingLog(deque):
    """The simulator's bounded request log, also counting every request (API vs image download)."""

    def __init__(self, maxlen: int):
        super().__init__(maxlen=maxlen)
        self.api = self.images = 0

    def append(self, entry) -> None:  # type: ignore[override]
        if entry.path.startswith(IMAGE_PATHS):
            self.images += 1
        else:
            self.api += 1
        super().append(entry)


class BenchSims(Sims):
    """tests.posters.conftest.Sims with a choice of image size and counted provider requests."""

    def __init__(self, library: SampleLibrary, *, small_images: bool):
        from importlib import import_module

        from curatarr.sims.server import SimServer, api_key_for

        self.library = library
        self.servers, self.keys, self.apps = {}, {}, {}
        for name in ("plex", *PROVIDERS):
            key = api_key_for(name)
            kw = {"token": key} if name == "plex" else {"api_key": key}
            app = import_module(f"curatarr.sims.{name}").create_app(library, instance=name,
                                                                    small_images=small_images, **kw)
            self.apps[name], self.keys[name] = app, key
            app.state.sim.requests = CountingLog(app.state.sim.requests.maxlen)
            self.servers[name] = SimServer(app, name=name).start()

    def latency(self, ms: int) -> None:
        for name in PROVIDERS:
            self.sim(name).faults.clear()
            if ms:
                self.sim(name).faults.add("latency", ms=ms)

    def requests(self) -> tuple[int, int]:
        """(API requests, image downloads) served so far by the providers."""
        logs = [self.sim(n).requests for n in PROVIDERS]
        return sum(x.api for x in logs), sum(x.images for x in logs)


class RenderMeter:
    """Wraps the poster maker's ``render_many`` to add up how long the workers spent rendering."""

    def __init__(self):
        import curatarr.modules.poster_maker as pm

        self.module, self.original = pm, pm.render_many
        self.busy_ms = 0.0
        self.rendered = 0

    def __enter__(self) -> "RenderMeter":
        def metered(jobs, workers=None, **kw):
            for result in self.original(jobs, workers=workers, **kw):
                self.busy_ms += result.ms
                self.rendered += 1
                yield result

        self.module.render_many = metered
        return self

    def __exit__(self, *exc) -> None:
        self.module.render_many = self.original


def _library(shows: int) -> SampleLibrary:
    return SampleLibrary.generate(seed=11, movies=0, shows=shows, artists=0, seasons=(1, 4), episodes=(4, 10))


def _runtime(keep: Path | None = None) -> tuple[Runtime, Path]:
    d = keep or Path(tempfile.mkdtemp(prefix="bench-posters-"))
    d.mkdir(parents=True, exist_ok=True)
    return Runtime(d, console_logs=False), d


def _limits(rt, tmdb_rate: float | None) -> None:
    """TMDB allows ~50 requests/s (the connector's conservative default is 20); None = no limit
    on any provider (seeding only)."""
    if tmdb_rate is None:
        rt.config.update({"instances": {p: {p: {"rate_limit": 0}} for p in PROVIDERS}})
    else:
        rt.config.update({"instances": {"tmdb": {"tmdb": {"rate_limit": tmdb_rate}}}})


def _cpu() -> tuple[float, float]:
    """(CPU seconds of this process, of its finished child processes — the render workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _run(rt, budget: float | None = None):
    """One normal poster maker run; cancelled ``budget`` s after choosing-and-rendering starts.
    Returns (counts, total seconds, seconds spent choosing and rendering, CPU seconds (this
    process, finished child processes) when choosing and rendering started)."""
    from curatarr.modules.poster_maker import PosterMaker

    stop = threading.Event()
    marks: dict[str, float] = {}
    cpu_marks: dict[str, tuple[float, float]] = {}

    def progress(state: dict) -> None:
        now = time.perf_counter()
        if str(state.get("phase")) not in marks:
            marks[str(state.get("phase"))] = now
            cpu_marks[str(state.get("phase"))] = _cpu()
        start = marks.get("choosing and rendering")
        if budget is not None and start is not None and now - start >= budget:
            stop.set()

    module = PosterMaker()
    cfg = module.parse_config(rt.config.get_section("poster_maker"))
    ctx = RunContext(rt, job_id=None, module="poster_maker", cancel_event=stop, on_progress=progress)
    started = time.perf_counter()
    try:
        module.run(ctx, cfg)
    except Cancelled:
        pass
    finally:
        ctx.connectors.close()
    ended = time.perf_counter()
    return (ctx.result.build().counts, ended - started, ended - marks.get("choosing and rendering", started),
            cpu_marks.get("choosing and rendering", _cpu()))


def _print_cpu(workers: int, assets: int, own_cpu: float, workers_cpu: float) -> None:
    """CPU seconds per asset: what the run would reach if it had the cores to itself (the machine
    is shared, so wall-clock rates understate it)."""
    per = (own_cpu + workers_cpu) / max(assets, 1)
    where = ("render worker processes " + f"{workers_cpu / max(assets, 1):.2f}s, " if workers > 1 else "")
    line = (f"  CPU while choosing+rendering: {per:.2f}s per asset written ({where}this process: choosing, "
            f"HTTP client, simulators{'' if workers > 1 else ', rendering'} {own_cpu / max(assets, 1):.2f}s)")
    if workers > 1:
        line += f"; on {workers} idle cores ≈ {workers / per:.2f} assets/s"
    print(line, flush=True)


def first_run(lib: SampleLibrary, budget: float, latency: int, tmdb_rate: float) -> None:
    sims = BenchSims(lib, small_images=False)
    sims.latency(latency)
    try:
        rates: dict[int, float] = {}
        for workers in (1, default_workers()):
            rt, d = _runtime()
            try:
                configure(rt, sims, workers=workers, download_workers=16)
                _limits(rt, tmdb_rate)
                api0, img0 = sims.requests()
                with RenderMeter() as meter:
                    counts, total_s, render_s, cpu0 = _run(rt, budget)
                own_cpu, workers_cpu = (x - y for x, y in zip(_cpu(), cpu0))
                api, img = (x - y for x, y in zip(sims.requests(), (api0, img0)))
                n = counts.get("writes", 0)
                rates[workers] = n / render_s
                busy = meter.busy_ms / 1000 / (render_s * workers)
                print(f"first run, {workers} render worker(s): {n} assets in {render_s:.1f}s of choosing+rendering "
                      f"(+{total_s - render_s:.1f}s reading the library) = {n / render_s:.2f} assets/s; provider "
                      f"requests {api + img} = {(api + img) / render_s:.1f}/s ({api} API, {img} image downloads); "
                      f"render workers busy {busy:.0%} of the wall time", flush=True)
                _print_cpu(workers, n, own_cpu, workers_cpu)
            finally:
                rt.close()
                shutil.rmtree(d, ignore_errors=True)
        cores = max(rates)
        print(f"ratio {cores} workers / 1 worker (baseline): {rates[cores] / rates[1]:.2f}x", flush=True)
    finally:
        sims.stop()


def noop_run(lib: SampleLibrary, latency: int, tmdb_rate: float, keep: Path | None = None,
             thread_counts: list[int] | None = None) -> None:
    import json

    sims = BenchSims(lib, small_images=True)
    rt, d = _runtime(keep)
    seeded = d / "bench-seed.json"  # --keep: the seed run's figures, written once it finished
    try:
        from curatarr.artwork.service import artwork_service
        from curatarr.artwork.templates import Kind

        configure(rt, sims, template="benchtiny", workers=default_workers(), download_workers=32)
        if seeded.is_file() and json.loads(seeded.read_text())["shows"] == len(lib.shows):
            seed_s = json.loads(seeded.read_text())["seconds"]
            print(f"seed run: reused from {d} ({seed_s:.1f}s when it ran)", flush=True)
        else:
            store = artwork_service(rt).store
            for kind in (k.value for k in Kind):
                store.create({k: (v.format(kind=kind) if isinstance(v, str) else v) for k, v in TINY.items()})
            _limits(rt, None)  # seeding is not what this phase measures: no latency, no rate limit
            sims.latency(0)
            seed, seed_s, _, _ = _run(rt)
            api, img = sims.requests()
            print(f"seed run ({len(lib.shows)} shows, tiny template, no latency/limits, {default_workers()} workers): "
                  f"{seed.get('writes', 0)} assets in {seed_s:.1f}s = "
                  f"{seed_s / max(seed.get('writes', 1), 1) * 1000:.1f} ms/asset "
                  f"({api} API requests, {img} image downloads)", flush=True)
            if keep is not None:
                seeded.write_text(json.dumps({"shows": len(lib.shows), "seconds": seed_s}))
        _limits(rt, tmdb_rate)
        sims.latency(latency)
        from curatarr.modules.poster_maker import PosterMakerConfig

        default_threads = PosterMakerConfig.model_fields["download_workers"].default
        for threads in thread_counts or (default_threads, 32):  # the module's default first: what users run
            rt.config.update({"poster_maker": {"download_workers": threads}})
            before = sims.requests()
            profiler = None
            if os.environ.get("CURATARR_BENCH_PROFILE") == "noop" and threads == default_threads:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            again, noop_s, choosing_s, _ = _run(rt)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(os.path.join(tempfile.gettempdir(), "poster-bench-noop.prof"))
            api2, img2 = (x - y for x, y in zip(sims.requests(), before))
            assets = again.get("unchanged", 0)
            print(f"no-op run ({threads} look-up threads): {assets} assets in {noop_s:.1f}s (reading the library "
                  f"{noop_s - choosing_s:.1f}s, choosing {choosing_s:.1f}s), downloads "
                  f"{again.get('downloads', 0)}, writes {again.get('writes', 0)}, provider requests {api2 + img2}",
                  flush=True)
            print(f"  ratio no-op / seed run time (baseline; seed without latency): {noop_s / seed_s:.3f}; "
                  f"no-op per 50,000 assets: {noop_s / max(assets, 1) * 50000:.1f}s", flush=True)
            assert again.get("downloads", 0) == 0 and again.get("writes", 0) == 0 and api2 + img2 == 0
    finally:
        rt.close()
        sims.stop()
        if keep is None:
            shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    import logging

    logging.raiseExceptions = False  # runtimes closed between phases leave closed log streams behind
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--library-shows", type=int, default=300, help="shows in the library (10000 for issue #7)")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds of choosing+rendering per first run")
    ap.add_argument("--noop-shows", type=int, default=100, help="shows (a prefix of the library) for the no-op phase")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--tmdb-rate", type=float, default=50.0, help="TMDB requests/s (TMDB's limit is ~50)")
    ap.add_argument("--skip-first", action="store_true")
    ap.add_argument("--skip-noop", action="store_true")
    ap.add_argument("--keep", type=Path, help="no-op phase: seed into this folder once and reuse it on later runs")
    ap.add_argument("--noop-threads", type=int, nargs="*", help="look-up thread counts to time (default: the "
                                                                 "module's default, then 32)")
    args = ap.parse_args()
    use_stock_images(True)
    started = time.perf_counter()
    lib = _library(args.library_shows)
    print(f"library: {len(lib.shows)} shows generated in {time.perf_counter() - started:.1f}s; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}", flush=True)
    if not args.skip_first:
        first_run(lib, args.budget, args.latency_ms, args.tmdb_rate)
    if not args.skip_noop:
        noop_run(lib if args.noop_shows >= len(lib.shows) else _library(args.noop_shows), args.latency_ms,
                 args.tmdb_rate, args.keep, args.noop_threads)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
