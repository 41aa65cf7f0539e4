"""API throughput under many clients (issue #20, item 13): the demo library, clients polling
``GET /api/jobs`` and ``GET /api/media/search``, and SSE streams held open.

    git archive <commit before the fix> src | tar -x -C /tmp/before      # the code to compare with
    .venv/bin/python benchmarks/api_load.py --mixed --baseline-src /tmp/before/src
    .venv/bin/python benchmarks/api_load_mixed.py --runs realistic     # this code only, one run

The server runs in its own process: the real app under uvicorn on a temporary data dir prepared like
``curatarr demo`` (simulators + the demo library, synced before the load starts). Load comes from
plain asyncio streams in this process (one keep-alive connection per client). Two runs:

* ``saturating`` — ``--clients`` clients in closed loops (each sends its next request as soon as the
  last one answered), half on ``/api/jobs``, half on ``/api/media/search`` (a random query word and
  page), plus ``--sse`` SSE streams held open: the most requests the server answers per second.
* ``realistic`` — ``--clients`` clients each sending one request per second (open loop: a slow
  answer does not slow the schedule) for ``--seconds``, same mix, same SSE streams.

Printed per run: requests, errors, req/s, p50/p95/max ms. With ``--baseline-src`` the same runs are
repeated, in the same invocation, against a server importing the code from that folder, and the
ratios are printed. ``--server-threads N`` sets the API thread pool (``CURATARR_API_THREADS``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The server child of a --baseline-src run imports the code to compare with from there.
sys.path.insert(0, os.environ.get("CURATARR_BENCH_SRC") or str(ROOT / "src"))

WORDS = ("the", "star", "man", "night", "love", "war", "city", "dark", "last", "world", "a", "of")


# ---- server side (child process) -------------------------------------------------------------------

def serve(data_dir: str, port: int, threads: int | None) -> None:
    import uvicorn

    from curatarr.app import create_app
    from curatarr.auth.ratelimit import UVICORN_OPTIONS
    from curatarr.demo import prepare

    demo = prepare(data_dir)
    rt = demo.runtime
    rt.config.update({"general": {"log_level": "warning"}})
    if threads is not None:
        os.environ["CURATARR_API_THREADS"] = str(threads)
    uvicorn.run(create_app(rt), host="127.0.0.1", port=port, log_level="error", access_log=False,
                backlog=2048, **UVICORN_OPTIONS)


# ---- client side -----------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def request_for(i: int) -> tuple[str, dict]:
    if i % 2:
        return "/api/jobs", {"limit": 20}
    return "/api/media/search", {"query": random.choice(WORDS), "limit": 25, "offset": random.choice((0, 25, 50))}


class Conn:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams. A load generator in Python must be
    cheap per request: httpx's pool spent more CPU per request than the server (and queued them
    itself) at 250 connections, so it measured the client, not the server."""

    def __init__(self, host: str, port: int, headers: dict[str, str]):
        self.host, self.port, self.headers = host, port, headers
        self.reader = self.writer = None

    async def get(self, path: str, params: dict) -> tuple[int, bytes]:
        from urllib.parse import urlencode

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        target = path + ("?" + urlencode(params) if params else "")
        head = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n{head}\r\n".encode())
        try:
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length, chunked, close = None, False, False
            while (line := await self.reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value:
                    chunked = True
                elif name == "connection" and value == "close":
                    close = True
            if chunked:
                body = b""
                while (size := int((await self.reader.readline()).strip() or b"0", 16)):
                    body += await self.reader.readexactly(size + 2)
                await self.reader.readline()
            else:
                body = await self.reader.readexactly(length or 0)
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def one(conn: Conn, i: int, lat: list, errors: list) -> None:
    path, params = request_for(i)
    t0 = time.perf_counter()
    try:
        status, body = await conn.get(path, params)
        if status != 200:
            errors.append(f"HTTP {status}")
        elif body[:1] not in (b"{", b"["):
            errors.append("not JSON")
    except Exception as exc:  # a failed request is a result
        errors.append(type(exc).__name__)
    lat.append((time.perf_counter() - t0) * 1000.0)


async def closed_loop(conn: Conn, i: int, stop: asyncio.Event, lat, errors) -> None:
    while not stop.is_set():
        await one(conn, i, lat, errors)


async def open_loop(make_conn, i: int, stop: asyncio.Event, lat, errors, pending: set) -> None:
    """One request a second; a request still waiting for its answer gets a second connection (as a
    browser would), so a slow server cannot slow the schedule."""
    idle: list[Conn] = []
    await asyncio.sleep(random.random())  # spread the clients over the second
    next_at = time.perf_counter()

    async def fire() -> None:
        conn = idle.pop() if idle else make_conn()
        try:
            await one(conn, i, lat, errors)
        finally:
            idle.append(conn)

    while not stop.is_set():
        task = asyncio.create_task(fire())
        pending.add(task)
        task.add_done_callback(pending.discard)
        next_at += 1.0
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def sse_stream(host: str, port: int, token: str, stop: asyncio.Event, errors: list,
                     ready: asyncio.Event) -> None:
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /api/modules/events?token={token}&heartbeat=5 HTTP/1.1\r\nHost: {host}\r\n"
                     "Accept: text/event-stream\r\n\r\n".encode())
        status = int((await reader.readline()).split()[1])
        if status != 200:
            errors.append(f"SSE HTTP {status}")
            return
        ready.set()
        while not stop.is_set() and await reader.readline():
            pass
    except Exception as exc:
        if not stop.is_set():
            errors.append(f"SSE {type(exc).__name__}")
    finally:
        ready.set()
        if writer is not None:
            writer.close()


async def run_load(base: str, token: str, *, kind: str, clients: int, sse: int, seconds: float) -> dict:
    host, port = base.split("://", 1)[1].split(":")
    port = int(port)
    headers = {"Authorization": f"Bearer {token}"}
    lat: list[float] = []
    errors: list[str] = []
    stop = asyncio.Event()
    pending: set = set()
    conns: list[Conn] = []

    def make_conn() -> Conn:
        conns.append(Conn(host, port, headers))
        return conns[-1]

    readies = [asyncio.Event() for _ in range(sse)]
    streams = [asyncio.create_task(sse_stream(host, port, token, stop, errors, r)) for r in readies]
    for r in readies:
        await asyncio.wait_for(r.wait(), 60)
    if kind == "saturating":
        tasks = [asyncio.create_task(closed_loop(make_conn(), i, stop, lat, errors)) for i in range(clients)]
    else:
        tasks = [asyncio.create_task(open_loop(make_conn, i, stop, lat, errors, pending)) for i in range(clients)]
    t0 = time.perf_counter()
    await asyncio.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - t0
    await asyncio.gather(*tasks)
    if pending:
        await asyncio.gather(*list(pending))
    for t in streams:
        t.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    for c in conns:
        c.close()
    done = len(lat)
    return {"requests": done, "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "rps": done / elapsed, "p50": pct(lat, 0.5), "p95": pct(lat, 0.95), "max": max(lat or [0])}


def start_server(threads: int | None, src: str | None = None) -> tuple[subprocess.Popen, str, str, str]:
    import httpx

    from curatarr.demo import DEMO_PASSWORD, DEMO_USER

    tmp = tempfile.mkdtemp(prefix="curatarr-load-")
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, __file__, "--serve", tmp, "--port", str(port)]
    if threads is not None:
        args += ["--server-threads-child", str(threads)]
    env = {**os.environ, **({"CURATARR_BENCH_SRC": src} if src else {})}
    proc = subprocess.Popen(args, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # start-up + demo sync; minutes on a busy shared machine
    token = None
    while time.monotonic() < deadline:
        try:
            r = httpx.post(f"{base}/api/auth/login", json={"username": DEMO_USER, "password": DEMO_PASSWORD}, timeout=5)
            if r.status_code == 200:
                token = r.json()["token"]
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    if token is None:
        proc.kill()
        raise SystemExit("the server did not start")
    headers = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{base}/api/media/refresh", json={}, headers=headers, timeout=30)
    while time.monotonic() < deadline:  # the demo library synced: searches have something to find
        total = httpx.get(f"{base}/api/media/search", params={"limit": 1}, headers=headers, timeout=30).json()
        jobs = httpx.get(f"{base}/api/jobs", params={"limit": 50}, headers=headers, timeout=30).json()["jobs"]
        if total.get("total", 0) > 0 and not any(j["status"] in ("queued", "running") for j in jobs):
            break
        time.sleep(1)
    return proc, base, token, tmp


def measure(threads: int | None, runs: list[str], clients: int, sse: int, seconds: float,
            src: str | None = None) -> dict:
    proc, base, token, _tmp = start_server(threads, src)
    try:
        return {kind: asyncio.run(run_load(base, token, kind=kind, clients=clients, sse=sse, seconds=seconds))
                for kind in runs}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def interleaved(setups: list[tuple[str, str | None]], runs: list[str], args) -> dict:
    """All servers up at once, the runs alternating between them ``--rounds`` times (an idle server
    costs nothing), so a change in the machine's load hits every setup alike; per setup and run the
    median round is kept — by req/s for a saturating run, by p95 for a realistic one (all rounds are
    printed)."""
    servers = [(label, start_server(args.server_threads, src)) for label, src in setups]
    rounds: dict[str, dict[str, list[dict]]] = {label: {kind: [] for kind in runs} for label, _ in setups}
    try:
        for r in range(args.rounds):
            for kind in runs:
                for label, (_proc, base, token, _tmp) in servers:
                    result = asyncio.run(run_load(base, token, kind=kind, clients=args.clients, sse=args.sse,
                                                  seconds=args.seconds))
                    rounds[label][kind].append(result)
                    show(f"{kind}: {label} #{r + 1}", result)
    finally:
        for _label, (proc, *_rest) in servers:
            proc.terminate()
            proc.wait(timeout=30)
    out = {}
    for label, by_kind in rounds.items():
        out[label] = {kind: sorted(results, key=lambda x: x["rps" if kind == "saturating" else "p95"])[len(results) // 2]
                      for kind, results in by_kind.items()}
        for kind in runs:
            show(f"{kind}: {label} (median round)", out[label][kind])
    return out


def show(label: str, result: dict) -> None:
    print(f"{label:<34} {result['requests']:>7} {result['errors']:>6} {result['rps']:>8.1f} "
          f"{result['p50']:>8.0f} {result['p95']:>8.0f} {result['max']:>8.0f}  {' '.join(result['error_kinds'])}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--serve")
    p.add_argument("--port", type=int)
    p.add_argument("--server-threads-child", type=int)
    p.add_argument("--runs", default="saturating,realistic")
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--sse", type=int, default=50)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--server-threads", type=int, default=None, help="the server's API thread pool size")
    p.add_argument("--baseline-src", help="also run the server from this src/ folder (the code before the "
                                          "fix, e.g. from `git archive <commit> src`) and print the ratios")
    p.add_argument("--rounds", type=int, default=1, help="alternate the setups' runs this many times, all "
                                                            "servers up at once (steadier ratios on a busy machine)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.server_threads_child)
        return
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    setups = [("this code", None)]
    if args.baseline_src:
        setups.append(("code before the fix", args.baseline_src))
    print(f"{'run':<34} {'reqs':>7} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    if args.rounds > 1:
        results = interleaved(setups, runs, args)
    else:
        results = {}
        for label, src in setups:
            results[label] = measure(args.server_threads, runs, args.clients, args.sse, args.seconds, src)
            for kind in runs:
                show(f"{kind}: {label}", results[label][kind])
    if len(setups) == 2:
        new, old = results[setups[0][0]], results[setups[1][0]]
        for kind in runs:
            print(f"{kind}: {setups[0][0]} / {setups[1][0]}  req/s ×{new[kind]['rps'] / max(old[kind]['rps'], 1e-9):.2f}  "
                  f"p50 ×{new[kind]['p50'] / max(old[kind]['p50'], 1e-9):.2f}  "
                  f"p95 ×{new[kind]['p95'] / max(old[kind]['p95'], 1e-9):.2f}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
