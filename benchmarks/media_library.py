"""Media library benchmark on the bench sample library (100,000 movies + 10,000 shows).

    .venv/bin/python benchmarks/media_library.py                 # full size (~10 min on 2 cores)
    .venv/bin/python benchmarks/media_library.py --movies 5000 --shows 500   # quick look
    .venv/bin/python benchmarks/media_library.py --database postgresql+psycopg://postgres@127.0.0.1/bench

What it measures (each step in a fresh subprocess, so its peak RSS is the step's own):

1. full sync — Radarr (100k movies) + a 4K Radarr (≈30% copies) + Sonarr (10k shows, ≈180k
   episodes, one /episode request per series) over real HTTP into an empty database;
2. incremental re-sync after 1% of the movies and shows changed — ratio to the full sync;
3. search — p50/p95 over a mix of free-text, filter, sort and paging queries; baseline: CHUB's
   ``LIKE '%q%'`` scan on the same database;
4. duplicates — exact and ``similarity=0.85`` (blocked rapidfuzz); baseline: all pairs of one
   kind, timed on a sample and extrapolated (n²).

The *arr data is what the simulators serve, built with their own resource builders, but served
from pre-serialised bytes by a small replay app: the simulators build resources on every request
(≈0.3–0.8 ms per movie, and /episode scans every episode), which would measure the simulator
instead of the library. Artwork lists are stubbed for the same reason (never fetched here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

API_KEY = "bench-key"


# ---- replay server ---------------------------------------------------------------------------------

class Replay:
    """Pre-serialised *arr responses for one instance, re-serialised per item when it changes."""

    def __init__(self, kind: str, sim: Any):
        self.kind, self.sim = kind, sim
        self.items: dict[int, bytes] = {}
        self.episodes: dict[int, bytes] = {}
        self._joined: bytes | None = None
        self.tags = json.dumps([sim.tag_resource(t) for t in sorted(sim.tags)]).encode()
        if kind == "radarr":
            for movie in sim.library.movies:
                self.items[movie.id] = self._dump(sim.movie_resource(movie))
        else:
            for show in sim.library.shows:
                self.refresh_show(show)

    @staticmethod
    def _dump(data: Any) -> bytes:
        return json.dumps(data, separators=(",", ":")).encode()

    def refresh_movie(self, movie: Any) -> None:
        self.items[movie.id] = self._dump(self.sim.movie_resource(movie))
        self._joined = None

    def refresh_show(self, show: Any) -> None:
        self.items[show.id] = self._dump(self.sim.series_resource(show))
        self.episodes[show.id] = self._dump([self.sim.episode_resource(show, ep) for ep in show.episodes()])
        self._joined = None

    def listing(self) -> bytes:
        if self._joined is None:
            self._joined = b"[" + b",".join(self.items[i] for i in sorted(self.items)) + b"]"
        return self._joined


def replay_app(replays: dict[str, Replay]):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def find(request: Request) -> Replay:
        return replays[request.path_params["instance"]]

    def ok(body: bytes) -> Response:
        return Response(body, media_type="application/json")

    async def listing(request: Request) -> Response:
        if request.headers.get("x-api-key") != API_KEY:
            return Response(status_code=401)
        rep = find(request)
        what = request.path_params["what"]
        if what == "tag":
            return ok(rep.tags)
        if what in ("movie", "series"):
            return ok(rep.listing())
        if what == "episode":
            return ok(rep.episodes.get(int(request.query_params["seriesId"]), b"[]"))
        return Response(status_code=404)

    return Starlette(routes=[Route("/{instance}/api/v3/{what}", listing)])


def build_library(movies: int, shows: int):
    from curatarr.sims import radarr as radarr_sim
    from curatarr.sims import sonarr as sonarr_sim
    from curatarr.sims.library import Artwork, SampleLibrary

    stub = Artwork(kind="poster", language="en", width=1000, height=1500, has_text=True, vote_average=5.0,
                   vote_count=1, likes=0, seed=1, provider_id="bench")
    for module in (radarr_sim, sonarr_sim):  # artwork is never fetched in this benchmark
        module.primary_artwork = lambda artworks, kind="poster": stub
    if movies == 100_000 and shows == 10_000:
        return SampleLibrary.bench()
    return SampleLibrary.generate(movies=movies, shows=shows, artists=0)


# ---- worker steps (run in a subprocess) --------------------------------------------------------------

def runtime_for(data_dir: str, database: str | None, config: dict | None):
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, database_url=database, console_logs=False)
    if config:
        rt.config.update(config)
    return rt


def step_sync(rt, full: bool) -> dict:
    from curatarr.library.sync import sync_instances

    started = time.perf_counter()
    report = sync_instances(rt, full=full)
    elapsed = time.perf_counter() - started
    assert report.ok, report.as_dict()
    return {"seconds": elapsed, "totals": report.totals(), "links": report.links.as_dict() if report.links else None}


def query_mix(rt, rnd: random.Random) -> list[dict]:
    from sqlalchemy import select

    from curatarr.db.models.library import MediaItem

    with rt.db.session() as s:
        titles = list(s.scalars(select(MediaItem.title).where(MediaItem.role == "arr").limit(200_000)))
    sample = rnd.sample(titles, 60)
    mix: list[dict] = []
    for title in sample[:20]:
        words = title.split()
        mix.append({"query": words[0][: rnd.randint(2, 6)]})                # short prefix
    for title in sample[20:35]:
        mix.append({"query": title})                                       # whole title
    for title in sample[35:45]:
        words = title.split()
        mix.append({"query": " ".join(words[-2:]) if len(words) > 1 else words[0]})  # later words
    mix += [{"query": "the"}, {"query": "star", "type": "movie"}, {"query": "love", "sort": "rating", "order": "desc"}]
    mix += [{"type": "movie"}, {"type": "series", "sort": "added", "order": "desc"},
            {"genres": ["Drama"]}, {"genres": ["Comedy", "Horror"], "sort": "year"},
            {"year_min": 1990, "year_max": 1999}, {"rating_min": 8.0, "sort": "rating", "order": "desc"},
            {"tags": ["4k"]}, {"status": ["ended"], "type": "series"}, {"instances": ["radarr_4k"]},
            {"type": "movie", "offset": 5000}, {"monitored": False}, {"has_file": False, "type": "movie"},
            {"query": "the", "year_min": 2000, "year_max": 2010, "type": "movie"},
            {"genres": ["Drama"], "rating_min": 7, "sort": "rating", "order": "desc"},
            {"sort": "size", "order": "desc"}, {"sort": "runtime"}]
    for title in sample[45:60]:
        mix.append({"query": title.split()[0][:4], "type": rnd.choice(["movie", "series"])})
    return mix


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def step_search(rt) -> dict:
    from sqlalchemy import func, select

    from curatarr.db.models.library import MediaItem
    from curatarr.library.search import SearchParams
    from curatarr.library.service import library_for

    from curatarr.library.search import search as sql_search
    from curatarr.library.store import library_session

    lib = library_for(rt)
    mix = query_mix(rt, random.Random(7))
    index = lib.search_index.wait_fresh(600)   # built in the background after start-up / a sync
    for q in mix:  # warm caches (page cache, statement cache) once
        lib.search(SearchParams(**q).validate())
    ours: list[float] = []
    for q in mix:
        ours += timed(lambda q=q: lib.search(SearchParams(**q).validate()), 3)
    assert lib.search_index.current() is index  # every timed search used the fresh index

    def sql_only(q: dict) -> None:  # the fallback while the index is stale (right after a write)
        with library_session(rt.db) as s:
            sql_search(s, SearchParams(**q).validate())

    sql: list[float] = []
    for q in mix:
        sql += timed(lambda q=q: sql_only(q), 3)

    def naive(text: str) -> None:  # CHUB: LIKE '%q%' on the title column, then a count
        like = f"%{text.lower()}%"
        with rt.db.session() as s:
            cond = (MediaItem.role == "arr") & func.lower(MediaItem.title).like(like)
            list(s.scalars(select(MediaItem).where(cond).order_by(MediaItem.title).limit(50)))
            s.scalar(select(func.count()).select_from(MediaItem).where(cond))

    texts = [q["query"] for q in mix if q.get("query")]
    baseline: list[float] = []
    for text in texts:
        baseline += timed(lambda t=text: naive(t), 3)
    ours_text: list[float] = []
    for text in texts:
        ours_text += timed(lambda t=text: lib.search(SearchParams(query=t).validate()), 3)
    return {"queries": len(mix), "p50_ms": pct(ours, 50), "p95_ms": pct(ours, 95), "max_ms": max(ours),
            "index_build_s": index.built_seconds, "sql_p50_ms": pct(sql, 50), "sql_p95_ms": pct(sql, 95),
            "text_p50_ms": pct(ours_text, 50), "text_p95_ms": pct(ours_text, 95),
            "baseline_text_p50_ms": pct(baseline, 50), "baseline_text_p95_ms": pct(baseline, 95)}


def step_duplicates(rt) -> dict:
    from rapidfuzz import fuzz, process

    from curatarr.library.duplicates import _compare_form
    from curatarr.library.service import library_for

    lib = library_for(rt)
    t = time.perf_counter()
    exact, _ = lib.duplicate_groups(1.0)
    exact_s = time.perf_counter() - t
    t = time.perf_counter()
    fuzzy, _ = lib.duplicate_groups(0.85)
    fuzzy_s = time.perf_counter() - t
    rows = [r for r in lib._dup_rows("movie", None)]
    sample = [_compare_form(r.fuzzy_title) for r in random.Random(3).sample(rows, min(4000, len(rows)))]
    t = time.perf_counter()
    process.cdist(sample, sample, scorer=fuzz.ratio, score_cutoff=85, workers=1)
    sample_s = time.perf_counter() - t
    all_pairs_s = sample_s * (len(rows) / len(sample)) ** 2
    return {"exact_seconds": exact_s, "exact_groups": len(exact), "fuzzy_seconds": fuzzy_s,
            "fuzzy_groups": len(fuzzy), "rows": len(rows), "all_pairs_estimate_seconds": all_pairs_s}


def worker(args: argparse.Namespace) -> None:
    config = json.loads(args.config) if args.config else None
    rt = runtime_for(args.data_dir, args.database, config)
    base_rss = peak_rss_mb()
    profiler = None
    if os.environ.get("CURATARR_BENCH_PROFILE") == args.worker:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        if args.worker == "full":
            out = step_sync(rt, full=True)
        elif args.worker == "incremental":
            out = step_sync(rt, full=False)
        elif args.worker == "search":
            out = step_search(rt)
        else:
            out = step_duplicates(rt)
    finally:
        rt.close()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(os.path.join(tempfile.gettempdir(), f"media-bench-{args.worker}.prof"))
    out["peak_rss_mb"] = peak_rss_mb()
    out["start_rss_mb"] = base_rss
    print("RESULT " + json.dumps(out))


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). ``getrusage`` would also count the parent's peak: Linux
    folds the pre-exec high-water mark into it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(step: str, data_dir: str, database: str | None, config: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", step, "--data-dir", data_dir]
    if database:
        cmd += ["--database", database]
    if config:
        cmd += ["--config", json.dumps(config)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"step {step} failed")
    return json.loads(line[len("RESULT "):])


# ---- driver -------------------------------------------------------------------------------------------

def change_one_percent(replays: dict[str, Replay], rnd: random.Random) -> dict[str, int]:
    changed = {}
    for name, rep in replays.items():
        if rep.kind == "radarr":
            movies = rep.sim.library.movies
            picked = rnd.sample(movies, max(1, len(movies) // 100))
            for m in picked:
                m.monitored = not m.monitored
                m.genres = list(m.genres) + ["Bench"]
                rep.refresh_movie(m)
        else:
            shows = rep.sim.library.shows
            picked = rnd.sample(shows, max(1, len(shows) // 100))
            for s in picked:
                ep = next(s.episodes(), None)
                if ep is not None:
                    ep.has_file = not ep.has_file
                    ep.title = ep.title + " (bench)"
                s.monitored = not s.monitored
                rep.refresh_show(s)
        changed[name] = len(picked)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--movies", type=int, default=100_000)
    parser.add_argument("--shows", type=int, default=10_000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite in a temp dir)")
    parser.add_argument("--no-4k", action="store_true", help="leave out the 4K Radarr copy")
    parser.add_argument("--keep", action="store_true", help="keep the data dir (its path is printed)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--config", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    from curatarr.sims.radarr import RadarrSimulator
    from curatarr.sims.server import SimServer
    from curatarr.sims.sonarr import SonarrSimulator

    t = time.perf_counter()
    library = build_library(args.movies, args.shows)
    print(f"sample library: {args.movies:,} movies, {args.shows:,} shows ({time.perf_counter() - t:.0f}s to build)")
    t = time.perf_counter()
    instances = [("radarr", RadarrSimulator)] + ([] if args.no_4k else [("radarr_4k", RadarrSimulator)]) + \
                [("sonarr", SonarrSimulator)]
    replays = {name: Replay(name.split("_")[0], cls(library, api_key=API_KEY, instance=name)) for name, cls in instances}
    sizes = {n: len(r.listing()) / 1e6 for n, r in replays.items()}
    print(f"replay payloads built in {time.perf_counter() - t:.0f}s: " +
          ", ".join(f"{n} {len(r.items):,} items / {sizes[n]:.0f} MB" for n, r in replays.items()))
    server = SimServer(replay_app(replays), name="replay").start()
    config = {"instances": {}}
    for name in replays:
        kind = name.split("_")[0]
        config["instances"].setdefault(kind, {})[name] = {"url": f"{server.url}/{name}", "api": API_KEY}
    data_dir = tempfile.mkdtemp(prefix="curatarr-bench-")
    try:
        full = run_worker("full", data_dir, args.database, config)
        changed = change_one_percent(replays, random.Random(11))
        for rep in replays.values():  # re-join the changed listings now: the replay server's own work,
            rep.listing()             # not the library's (the full sync also got pre-joined bytes)
        incremental = run_worker("incremental", data_dir, args.database)
        search = run_worker("search", data_dir, args.database)
        dups = run_worker("duplicates", data_dir, args.database)
    finally:
        server.stop()
        if args.keep:
            print(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    report(args, full, incremental, changed, search, dups)


def report(args, full: dict, inc: dict, changed: dict, search: dict, dups: dict) -> None:
    tf = full["totals"]
    ti = inc["totals"]
    print()
    print(f"database: {args.database or 'SQLite (temp dir)'}")
    print(f"full sync:        {full['seconds']:8.1f} s   peak RSS {full['peak_rss_mb']:6.0f} MB "
          f"(process after start-up {full['start_rss_mb']:.0f} MB)   "
          f"{tf['seen']:,} items, {tf['children_fetched']:,} series' episodes read")
    print(f"incremental sync: {inc['seconds']:8.1f} s   peak RSS {inc['peak_rss_mb']:6.0f} MB "
          f"(process after start-up {inc['start_rss_mb']:.0f} MB)   "
          f"changed {sum(changed.values()):,} → updated {ti['updated']:,}, unchanged {ti['unchanged']:,} "
          f"({ti['recognised']:,} recognised without decoding)")
    print(f"  ratio incremental / full = {inc['seconds'] / full['seconds']:.3f}  (target < 0.10)")
    print(f"search ({search['queries']} queries × 3): p50 {search['p50_ms']:.1f} ms   p95 {search['p95_ms']:.1f} ms   "
          f"max {search['max_ms']:.1f} ms  (target p95 < 50 ms)")
    print(f"  search index built in {search['index_build_s']:.1f} s (background, after a change); SQL-only path "
          f"(used while it is stale): p50 {search['sql_p50_ms']:.1f} ms   p95 {search['sql_p95_ms']:.1f} ms")
    print(f"  free text only: p50 {search['text_p50_ms']:.1f} / p95 {search['text_p95_ms']:.1f} ms; "
          f"baseline LIKE '%q%' scan: p50 {search['baseline_text_p50_ms']:.1f} / p95 {search['baseline_text_p95_ms']:.1f} ms"
          f"  → ratio p95 {search['text_p95_ms'] / max(search['baseline_text_p95_ms'], 1e-9):.2f}")
    print(f"duplicates exact: {dups['exact_seconds']:.2f} s ({dups['exact_groups']:,} groups)")
    print(f"duplicates similarity=0.85: {dups['fuzzy_seconds']:.2f} s ({dups['fuzzy_groups']:,} groups; "
          f"target < 10 s); all-pairs baseline over {dups['rows']:,} movies ≈ {dups['all_pairs_estimate_seconds']:.0f} s"
          f"  → ratio {dups['fuzzy_seconds'] / max(dups['all_pairs_estimate_seconds'], 1e-9):.4f}")


if __name__ == "__main__":
    main()
