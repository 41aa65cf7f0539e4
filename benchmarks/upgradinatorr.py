"""upgradinatorr over big Radarr libraries: peak memory stays bounded as the library grows.

    .venv/bin/python benchmarks/upgradinatorr.py                    # 10,000 and 50,000 movies
    .venv/bin/python benchmarks/upgradinatorr.py --sizes 2000 10000  # quick look

For each size, a replay Radarr (a subprocess, so its memory is not counted) serves N movies
(pre-serialised, ~1.5 KB each as Radarr sends them), a paged ``wanted/missing`` (every third movie
has no file), tags, commands that complete at once, the editor and the queue. In this process:

1. **upgrade mode** — one upgradinatorr pass (``InstanceRun`` with the real ``RadarrClient``,
   ``count`` 10): the movie listing is streamed, only the 10 candidates are kept;
2. **missing mode** — the same over ``wanted/missing`` read 250 records a page;
3. **baseline** — what CHUB does: the whole listing parsed into memory at once
   (``httpx.get(...).json()``), then filtered.

Peak memory is ``tracemalloc``'s peak of Python allocations during the step. The ratio that
matters is peak(largest size) / peak(smallest size): ~1 for a bounded pass, ~size ratio for the
baseline.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

API_KEY = "bench-key"


# ---- the replay Radarr (runs in a subprocess) -----------------------------------------------------

def movie(i: int) -> dict[str, Any]:
    return {"id": i, "title": f"Bench Movie {i}", "originalTitle": f"Bench Movie {i}", "year": 1950 + i % 70,
            "tmdbId": 100_000 + i, "imdbId": f"tt{1_000_000 + i}", "monitored": i % 7 != 0,
            "status": "released" if i % 11 else "announced", "hasFile": i % 3 != 0, "tags": [1] if i % 13 == 0 else [],
            "path": f"/data/movies/Bench Movie {i} ({1950 + i % 70})", "rootFolderPath": "/data/movies",
            "qualityProfileId": 1, "sizeOnDisk": 4_000_000_000, "runtime": 120, "genres": ["Drama", "Action"],
            "overview": "A movie of the benchmark library. " * 8, "studio": "Bench Studio",
            "images": [{"coverType": "poster", "url": f"/MediaCover/{i}/poster.jpg", "remoteUrl": f"https://image.tmdb.org/t/p/original/{i}.jpg"}],
            "ratings": {"tmdb": {"votes": 1000, "value": 7.1}}, "added": "2024-01-01T00:00:00Z"}


def serve(size: int, port_queue: Any) -> None:
    import socket

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    body = json.dumps([movie(i) for i in range(1, size + 1)]).encode()
    missing = [i for i in range(1, size + 1) if i % 3 == 0 and i % 7 != 0]
    tags = {1: "ignore"}
    queue: list[dict[str, Any]] = []
    commands: dict[int, dict[str, Any]] = {}

    def page(request: Request, records: list[Any], render) -> Response:
        p = int(request.query_params.get("page", 1))
        n = int(request.query_params.get("pageSize", 10))
        chunk = records[(p - 1) * n:p * n]
        return JSONResponse({"page": p, "pageSize": n, "totalRecords": len(records), "records": [render(r) for r in chunk]})

    async def movies(request: Request) -> Response:
        return Response(body, media_type="application/json")

    async def tag(request: Request) -> Response:
        if request.method == "POST":
            label = (await request.json())["label"]
            tags[len(tags) + 1] = label
            return JSONResponse({"id": len(tags), "label": label}, status_code=201)
        return JSONResponse([{"id": k, "label": v} for k, v in tags.items()])

    async def tag_detail(request: Request) -> Response:
        return JSONResponse({"id": int(request.path_params["tid"]), "movieIds": []})

    async def command(request: Request) -> Response:
        data = await request.json()
        cid = len(commands) + 1
        commands[cid] = {"id": cid, "name": data["name"], "status": "completed", "body": data}
        for mid in data.get("movieIds", []):
            queue.append({"id": len(queue) + 1, "movieId": mid, "title": f"Bench.Movie.{mid}.2160p", "status": "downloading",
                          "customFormatScore": mid % 100, "customFormats": [], "quality": {"quality": {"name": "WEBDL-2160p"}}})
        return JSONResponse(commands[cid], status_code=201)

    async def command_get(request: Request) -> Response:
        return JSONResponse(commands[int(request.path_params["cid"])])

    async def editor(request: Request) -> Response:
        return JSONResponse([], status_code=202)

    async def wanted(request: Request) -> Response:
        return page(request, missing, movie)

    async def queue_route(request: Request) -> Response:
        return page(request, queue, lambda r: r)

    app = Starlette(routes=[
        Route("/api/v3/movie", movies), Route("/api/v3/tag", tag, methods=["GET", "POST"]),
        Route("/api/v3/tag/detail/{tid:int}", tag_detail), Route("/api/v3/command", command, methods=["POST"]),
        Route("/api/v3/command/{cid:int}", command_get), Route("/api/v3/movie/editor", editor, methods=["PUT"]),
        Route("/api/v3/wanted/missing", wanted), Route("/api/v3/queue", queue_route),
    ])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port_queue.put(sock.getsockname()[1])
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


# ---- the measured side --------------------------------------------------------------------------

class BenchContext:
    """The duck-typed run context InstanceRun needs (no runtime, no job queue)."""

    def __init__(self) -> None:
        from curatarr.modules.base import ResultBuilder

        self.dry_run = False
        self.log = logging.getLogger("bench")
        self.result = ResultBuilder()

    def progress(self, *args: Any, **kwargs: Any) -> None:
        pass

    def check_cancelled(self) -> None:
        pass

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def measure(fn) -> tuple[Any, float, int]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, elapsed, peak


def run_pass(url: str, mode: str):
    from curatarr.connectors.arr import RadarrClient
    from curatarr.upgrades.config import UpgradeInstance
    from curatarr.upgrades.runner import InstanceRun, Limits

    ctx = BenchContext()
    with RadarrClient(url, API_KEY) as client:
        settings = UpgradeInstance(instance="bench", count=10, search_mode=mode)
        report = InstanceRun(ctx, client, "radarr", settings, Limits(poll_seconds=0.01)).run()
    assert len(report.searched) == 10 and all(s["status"] == "searched" for s in report.searched), report.searched
    return report.summary


def baseline(url: str):
    import httpx

    movies = httpx.get(url + "/api/v3/movie", headers={"X-Api-Key": API_KEY}, timeout=120).json()
    chosen = [m for m in movies if m["monitored"] and m["status"] == "released" and 1 not in m["tags"]][:10]
    return len(movies), len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    args = parser.parse_args()
    # Import everything the measured steps use first: module imports are not the pass's memory.
    import httpx  # noqa: F401

    import curatarr.connectors.arr  # noqa: F401
    import curatarr.modules.base  # noqa: F401
    import curatarr.upgrades.runner  # noqa: F401
    rows = []
    for size in args.sizes:
        ports: Any = multiprocessing.Queue()
        proc = multiprocessing.Process(target=serve, args=(size, ports), daemon=True)
        proc.start()
        url = f"http://127.0.0.1:{ports.get(timeout=120)}"
        time.sleep(0.5)
        try:
            summary, t_up, m_up = measure(lambda: run_pass(url, "upgrade"))
            assert summary["scanned"] == size
            summary_m, t_miss, m_miss = measure(lambda: run_pass(url, "missing"))
            _, t_base, m_base = measure(lambda: baseline(url))
        finally:
            proc.terminate()
            proc.join()
        rows.append((size, t_up, m_up, t_miss, m_miss, t_base, m_base))
        print(f"{size:>7,} movies | upgrade: {t_up:6.2f} s, peak {m_up / 1e6:7.2f} MB | missing (paged): {t_miss:6.2f} s, "
              f"peak {m_miss / 1e6:7.2f} MB | baseline whole listing: {t_base:6.2f} s, peak {m_base / 1e6:7.2f} MB",
              flush=True)
    first, last = rows[0], rows[-1]
    grow = last[0] / first[0]
    print(f"\nlibrary grew x{grow:.1f}: peak memory x{last[2] / first[2]:.2f} (upgrade, streamed), "
          f"x{last[4] / first[4]:.2f} (missing, paged), x{last[6] / first[6]:.2f} (baseline)")
    print(f"at {last[0]:,}: upgrade pass uses {last[6] / last[2]:.0f}x less peak memory than the baseline")


if __name__ == "__main__":
    main()
