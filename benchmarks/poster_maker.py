"""Poster maker benchmark on the simulators, with simulated provider latency.

    .venv/bin/python benchmarks/poster_maker.py                 # quick: 40 shows rendered, no-op over 400 shows
    .venv/bin/python benchmarks/poster_maker.py --noop-shows 10000   # the 10,000-show library (~200k assets)

Phase 1 (first run, rendering-bound): a normal run over ``--render-shows`` shows with the classic
templates at full size, once with one render worker (baseline) and once with all cores; prints
assets/s and the speed-up ratio.
Phase 2 (no-op): a library of ``--noop-shows`` shows is rendered once with a tiny template (the
pixels do not matter for this phase), then a second run measures the no-op time: it must make 0
downloads and 0 writes. Provider latency (``--latency-ms``, default 50) applies to every TMDB,
Fanart.tv and TVDB request, image downloads included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curatarr.runtime import Runtime  # noqa: E402
from curatarr.sims.library import SampleLibrary  # noqa: E402
from tests.posters.conftest import Sims, configure, run  # noqa: E402

TMDB_RATE = 50.0
TINY = {"id": "bench-tiny-{kind}", "family": "benchtiny", "kind": "{kind}", "canvas": {"width": 64, "height": 96},
        "layers": []}


def _sims(shows: int, latency: int) -> Sims:
    lib = SampleLibrary.generate(seed=11, movies=0, shows=shows, artists=0, seasons=(1, 4), episodes=(4, 10))
    sims = Sims(lib, services=("plex", "tmdb", "fanart", "tvdb"))
    for name in ("tmdb", "fanart", "tvdb"):
        if latency:
            sims.sim(name).faults.add("latency", ms=latency)
    return sims


def _runtime() -> tuple[Runtime, Path]:
    d = Path(tempfile.mkdtemp(prefix="bench-posters-"))
    return Runtime(d, console_logs=False), d


def _limits(rt, tmdb_rate: float) -> None:
    """TMDB allows ~50 requests/s; the connector's conservative default is 20."""
    rt.config.update({"instances": {"tmdb": {"tmdb": {"rate_limit": tmdb_rate}}}})


def _timed(rt, **kw):
    started = time.perf_counter()
    result = run(rt, **kw)
    return result, time.perf_counter() - started


def first_run(shows: int, latency: int) -> None:
    sims = _sims(shows, latency)
    try:
        rates = {}
        for workers in (1, os.cpu_count() or 1):
            rt, d = _runtime()
            try:
                configure(rt, sims, workers=workers, download_workers=16)
                _limits(rt, TMDB_RATE)
                result, seconds = _timed(rt)
                n = result.counts["writes"]
                rates[workers] = n / seconds
                print(f"first run, {workers} render worker(s): {n} assets in {seconds:.1f}s = {n / seconds:.1f} assets/s "
                      f"(downloads {result.counts['downloads']}, provider calls {result.counts.get('provider_calls', 0)})")
            finally:
                rt.close()
                shutil.rmtree(d, ignore_errors=True)
        cores = max(rates)
        print(f"ratio all cores / 1 worker: {rates[cores] / rates[1]:.2f}x")
    finally:
        sims.stop()


def noop_run(shows: int, latency: int) -> None:
    sims = _sims(shows, latency)
    rt, d = _runtime()
    try:
        from curatarr.artwork.service import artwork_service

        store = artwork_service(rt).store
        for kind in ("poster", "background", "season", "titlecard"):
            store.create({k: (v.format(kind=kind) if isinstance(v, str) else v) for k, v in TINY.items()})
        configure(rt, sims, template="benchtiny", download_workers=32)
        _limits(rt, TMDB_RATE)
        for name in ("tmdb", "fanart", "tvdb"):  # seeding is not what this phase measures
            sims.sim(name).faults.clear()
        seed, seed_s = _timed(rt)
        for name in ("tmdb", "fanart", "tvdb"):
            if latency:
                sims.sim(name).faults.add("latency", ms=latency)
        print(f"seed run (tiny template): {seed.counts['writes']} assets in {seed_s:.1f}s "
              f"({seed.counts['downloads']} downloads, {seed.counts.get('provider_calls', 0)} provider calls)")
        again, noop_s = _timed(rt)
        assets = again.counts["unchanged"]
        print(f"no-op run: {assets} assets in {noop_s:.1f}s, downloads {again.counts['downloads']}, "
              f"writes {again.counts['writes']}, provider calls {again.counts.get('provider_calls', 0)}")
        print(f"ratio no-op / seed run time (seed without latency): {noop_s / seed_s:.3f}; "
              f"per 50,000 assets: {noop_s / max(assets, 1) * 50000:.1f}s")
        assert again.counts["downloads"] == 0 and again.counts["writes"] == 0
    finally:
        rt.close()
        sims.stop()
        shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    import logging

    logging.raiseExceptions = False  # runtimes closed between phases leave closed log streams behind
    global TMDB_RATE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--render-shows", type=int, default=40)
    ap.add_argument("--noop-shows", type=int, default=400)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--skip-first", action="store_true")
    ap.add_argument("--tmdb-rate", type=float, default=50.0, help="TMDB requests/s (TMDB's limit is ~50)")
    args = ap.parse_args()
    TMDB_RATE = args.tmdb_rate
    if not args.skip_first:
        first_run(args.render_shows, args.latency_ms)
    noop_run(args.noop_shows, args.latency_ms)


if __name__ == "__main__":
    main()
