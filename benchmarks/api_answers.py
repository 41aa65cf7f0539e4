"""The cost of big list answers: bytes on the wire and time of ``GET /api/media/search?limit=500``.

    .venv/bin/python benchmarks/api_answers.py                        # 5,000 movies + 500 shows
    .venv/bin/python benchmarks/api_answers.py --movies 20000 --shows 2000
    .venv/bin/python benchmarks/api_answers.py --src /path/to/other/checkout/src   # serve another tree

Set-up: the sample library (``SampleLibrary.generate``) served by the Radarr and Sonarr simulators
is synced into a fresh data dir; then the real app (``create_app``) is served by uvicorn in a child
process whose ``sys.path`` starts with ``--src`` (default: this checkout's ``src``) — so the same
command measures any tree, e.g. ``main`` before a change and a branch after it, on the same data.

Measured over real HTTP on localhost, per route, with ``Accept-Encoding: identity`` and with
``Accept-Encoding: gzip`` (the two alternate request by request, so a change of machine load hits
both alike): bytes on the wire (the body as transmitted), the JSON size once decoded, and the
request time (min/p50/p95 of ``--repeats`` requests each; on localhost this is server time plus a
negligible transfer — min is the figure least disturbed by other load). ``gzip cpu`` is what
compressing that answer costs one core at the app's level (best of 7, measured here). The "at N
Mbit/s" columns add the time the wire bytes take on a slower link (p50 + bytes·8/rate), which is
where compression pays. No assertions: figures and ratios are printed (with ``--json`` also
written as one JSON object). Re-run it after any change of the answers' shape (e.g. an envelope
that adds ``data``): it measures whatever the served tree answers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _src_from_argv() -> Path:
    if "--src" in sys.argv:
        return Path(sys.argv[sys.argv.index("--src") + 1]).resolve()
    return ROOT / "src"


sys.path.insert(0, str(_src_from_argv()))

ROUTES = ("/api/media/search?limit=500",
          "/api/media/search?limit=500&offset=500&sort=year&order=desc",
          "/api/media/search?limit=50")
LINKS_MBIT = (100, 10)
USER, PASSWORD = "bench", "bench-password-123"


# ---- child: serve the app ----------------------------------------------------------------------------

def serve(data_dir: str, port: int) -> None:
    import uvicorn

    from curatarr.app import create_app
    from curatarr.runtime import Runtime

    rt = Runtime(data_dir, console_logs=False)
    uvicorn.run(create_app(rt), host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---- parent: data, server, measurements --------------------------------------------------------------

def sync_library(data_dir: Path, movies: int, shows: int) -> tuple[object, dict]:
    from curatarr.library.sync import sync_instances
    from curatarr.runtime import Runtime
    from curatarr.sims.library import SampleLibrary
    from curatarr.sims.server import SimCluster

    library = SampleLibrary.generate(movies=movies, shows=shows, artists=0)
    cluster = SimCluster(library, services=("radarr", "sonarr")).start()
    rt = Runtime(data_dir, console_logs=False)
    try:
        instances: dict = {}
        for name, url in cluster.urls.items():
            instances.setdefault(cluster.types[name], {})[name] = {"url": url, "api": cluster.api_keys[name],
                                                                  "enabled": True}
        rt.config.update({"instances": instances})
        started = time.perf_counter()
        report = sync_instances(rt, full=True)
        assert report.ok, report.as_dict()
        return cluster, {"sync_seconds": round(time.perf_counter() - started, 1), **report.totals()}
    finally:
        rt.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, src: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(data_dir), str(port), "--src", str(src)],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server process ended before answering")
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer within 120 s")


def token(base: str) -> str:
    import httpx

    r = httpx.post(f"{base}/api/auth/setup", json={"username": USER, "password": PASSWORD}, timeout=30)
    if r.status_code != 200:
        r = httpx.post(f"{base}/api/auth/login", json={"username": USER, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return r.json()["token"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _one(client, route: str) -> tuple[float, int, bytes, str | None]:
    started = time.perf_counter()
    r = client.get(route)
    elapsed = (time.perf_counter() - started) * 1000
    r.raise_for_status()
    return elapsed, r.num_bytes_downloaded, r.content, r.headers.get("content-encoding")


def gzip_cpu_ms(body: bytes, level: int, repeats: int = 7) -> float:
    """What compressing this answer costs one core (best of ``repeats``), at the app's level."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        zlib.compressobj(level, zlib.DEFLATED, 31).compress(body)
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 2)


def measure(base: str, jwt: str, route: str, repeats: int) -> list[dict]:
    """Identity and gzip requests alternate, so a change of machine load hits both alike."""
    import httpx

    clients = {enc: httpx.Client(base_url=base, timeout=60,
                                 headers={"Authorization": f"Bearer {jwt}", "Accept-Encoding": enc})
               for enc in ("identity", "gzip")}
    times: dict[str, list[float]] = {enc: [] for enc in clients}
    seen: dict[str, tuple[int, bytes, str | None]] = {}
    try:
        for i in range(repeats + 3):  # three warm-up rounds (caches, search index)
            for enc, client in clients.items():
                elapsed, wire, body, got = _one(client, route)
                if i >= 3:
                    times[enc].append(elapsed)
                seen[enc] = (wire, body, got)
    finally:
        for client in clients.values():
            client.close()
    level = gzip_level()
    rows = []
    for enc, values in times.items():
        wire, body, got = seen[enc]
        row = {"route": route, "accept_encoding": enc, "content_encoding": got, "wire_bytes": wire,
               "json_bytes": len(body), "min_ms": round(min(values), 2), "p50_ms": round(pct(values, 50), 2),
               "p95_ms": round(pct(values, 95), 2), "mean_ms": round(statistics.fmean(values), 2),
               "gzip_cpu_ms": gzip_cpu_ms(body, level) if got == "gzip" else None}
        for mbit in LINKS_MBIT:
            row[f"at_{mbit}mbit_ms"] = round(row["p50_ms"] + wire * 8 / (mbit * 1_000_000) * 1000, 2)
        rows.append(row)
    return rows


def gzip_level() -> int:
    try:
        from curatarr.app import GZIP_LEVEL
    except ImportError:  # a tree without compression
        return 6
    return GZIP_LEVEL


def report(rows: list[dict], setup: dict, src: Path) -> None:
    print(f"served tree: {src}   load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"library: {setup}")
    head = f"{'route':<62} {'asked':<9} {'got':<9} {'wire B':>10} {'json B':>10} {'min ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'gzip cpu':>9}"
    head += "".join(f" {f'@{m}Mbit ms':>12}" for m in LINKS_MBIT)
    print(head)
    for r in rows:
        line = (f"{r['route']:<62} {r['accept_encoding']:<9} {r['content_encoding'] or 'identity':<9} {r['wire_bytes']:>10} "
                f"{r['json_bytes']:>10} {r['min_ms']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['gzip_cpu_ms'] or '-':>9}")
        line += "".join(f" {r[f'at_{m}mbit_ms']:>12}" for m in LINKS_MBIT)
        print(line)
    print("\nratios gzip / identity (below 1 = gzip smaller or faster):")
    for route in ROUTES:
        plain = next(r for r in rows if r["route"] == route and r["accept_encoding"] == "identity")
        packed = next(r for r in rows if r["route"] == route and r["accept_encoding"] == "gzip")
        parts = [f"wire {packed['wire_bytes'] / plain['wire_bytes']:.3f}",
                 f"min {packed['min_ms'] / plain['min_ms']:.2f}", f"p50 {packed['p50_ms'] / plain['p50_ms']:.2f}"]
        parts += [f"@{m}Mbit {packed[f'at_{m}mbit_ms'] / plain[f'at_{m}mbit_ms']:.2f}" for m in LINKS_MBIT]
        print(f"  {route:<62} " + "  ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--movies", type=int, default=5000)
    ap.add_argument("--shows", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--src", default=str(ROOT / "src"), help="the src folder of the tree to serve")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--serve", nargs=2, metavar=("DATA_DIR", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    src = Path(args.src).resolve()
    data_dir = Path(tempfile.mkdtemp(prefix="curatarr-api-answers-"))
    cluster = proc = None
    try:
        cluster, setup = sync_library(data_dir, args.movies, args.shows)
        proc, base = start_server(data_dir, src)
        jwt = token(base)
        rows = [row for route in ROUTES for row in measure(base, jwt, route, args.repeats)]
        report(rows, setup, src)
        if args.json:
            Path(args.json).write_text(json.dumps({"src": str(src), "setup": setup, "rows": rows}, indent=1))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
