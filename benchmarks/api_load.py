"""API load benchmark: many clients polling run states and following the SSE stream while modules run.

    .venv/bin/python benchmarks/api_load.py                         # 200 pollers + 50 SSE, 3 modules
    .venv/bin/python benchmarks/api_load.py --pollers 40 --sse 10   # quick look
    .venv/bin/python benchmarks/api_load.py --mixed [--baseline-src DIR]  # throughput: api_load_mixed.py

The server runs in its own process (the real app under uvicorn, three benchmark modules that each
walk ``--items`` items with a short cooperative sleep and report progress per item). The load
generator is asyncio + httpx in this process.

Two phases, same run:

1. baseline — the pollers alone against an idle server (no SSE, no module running);
2. load — the same pollers, plus ``--sse`` SSE subscribers (``include_jobs=true``), while three
   modules run at the same time.

Printed: requests, errors, p50/p95/max latency of ``GET /api/modules/run-states`` and throughput
for both phases with the load/baseline ratios; for SSE: events per subscriber and the checks
that make "no lost events" concrete — every subscriber received the same event ids, each
stream's ids are contiguous (the bus numbers every event; a gap would be a lost event), progress
per job never goes backwards and every subscriber saw all three jobs finish.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BENCH_MODULES = ("bench_a", "bench_b", "bench_c")


# ---- server side (runs in the child process) -------------------------------------------------------

def serve(data_dir: str, port: int, items: int, delay: float) -> None:
    import uvicorn

    from curatarr.app import create_app
    from curatarr.modules import registry
    from curatarr.modules.base import Module, ModuleConfig
    from curatarr.runtime import Runtime

    def make(name: str):
        class Bench(Module):
            title = name
            description = "benchmark module"
            category = "maintenance"
            Config = ModuleConfig

            def run(self, ctx, config):
                for i in range(items):
                    ctx.check_cancelled()
                    ctx.progress(i, items, item=f"item {i}", phase="working")
                    ctx.sleep(delay)
                    ctx.result.count("done")
                ctx.progress(items, items, phase="done")
                return ctx.result.build()

        Bench.name = name
        return Bench

    for name in BENCH_MODULES:
        registry.register(name, make(name))
    rt = Runtime(data_dir, console_logs=False)
    rt.config.update({"general": {"log_level": "warning"}, "jobs": {"workers": 3}})
    uvicorn.run(create_app(rt), host="127.0.0.1", port=port, log_level="error", access_log=False,
                timeout_keep_alive=30, backlog=2048)


# ---- client side -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def poller(client, url: str, headers: dict, stop: asyncio.Event, lat: list, errors: list) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            r = await client.get(url, headers=headers)
            if r.status_code != 200:
                errors.append(f"HTTP {r.status_code}")
            else:
                r.json()
        except Exception as exc:  # a failed request is a result, not a crash
            errors.append(type(exc).__name__)
        lat.append((time.perf_counter() - t0) * 1000.0)


async def subscriber(client, url: str, params: dict, ready: asyncio.Event, done_jobs: set, received: list,
                     errors: list, stop: asyncio.Event) -> None:
    try:
        async with client.stream("GET", url, params=params) as resp:
            if resp.status_code != 200:
                errors.append(f"SSE HTTP {resp.status_code}")
                ready.set()
                return
            current_id, data = None, []
            async for line in resp.aiter_lines():
                if line.startswith("id:"):
                    current_id = int(line[3:].strip())
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and data:
                    msg = json.loads("\n".join(data))
                    if msg.get("event") == "connected":
                        ready.set()
                    received.append((current_id, msg))
                    if msg.get("event") == "job_state" and msg.get("status") == "success":
                        done_jobs.add(msg.get("job_id"))
                    current_id, data = None, []
                    if stop.is_set():
                        return
    except Exception as exc:
        if not stop.is_set():
            errors.append(f"SSE {type(exc).__name__}: {exc}")
    finally:
        ready.set()


async def phase(base: str, token: str, *, pollers: int, sse: int, seconds: float | None, run_modules: bool) -> dict:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=pollers + sse + 20, max_keepalive_connections=pollers + sse + 20)
    timeout = httpx.Timeout(60.0, read=120.0)
    lat: list[float] = []
    errors: list[str] = []
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        streams: list[tuple[list, set]] = []
        sse_tasks = []
        readies = []
        for _ in range(sse):
            received: list = []
            done: set = set()
            ready = asyncio.Event()
            readies.append(ready)
            streams.append((received, done))
            sse_tasks.append(asyncio.create_task(subscriber(
                client, "/api/modules/events", {"token": token, "include_jobs": "true", "heartbeat": 5},
                ready, done, received, errors, stop)))
        for r in readies:
            await asyncio.wait_for(r.wait(), 60)
        poll_tasks = [asyncio.create_task(poller(client, "/api/modules/run-states", headers, stop, lat, errors))
                      for _ in range(pollers)]
        t0 = time.perf_counter()
        job_ids: list[int] = []
        if run_modules:
            for name in BENCH_MODULES:
                r = await client.post(f"/api/modules/{name}/execute", json={}, headers=headers)
                r.raise_for_status()
                job_ids.append(r.json()["job_id"])
            # Until every subscriber saw all three jobs succeed (or the jobs ended otherwise).
            deadline = time.perf_counter() + 600
            while time.perf_counter() < deadline:
                if all(set(job_ids) <= done for _, done in streams) if streams else False:
                    break
                states = (await client.get("/api/jobs", params={"limit": 10}, headers=headers)).json()["jobs"]
                finished = [j for j in states if j["id"] in job_ids and j["status"] not in ("queued", "running")]
                if not streams and len(finished) == len(job_ids):
                    break
                if any(j["status"] != "success" for j in finished):
                    errors.append("a benchmark job did not succeed")
                    break
                await asyncio.sleep(0.2)
        else:
            await asyncio.sleep(seconds or 5)
        elapsed = time.perf_counter() - t0
        stop.set()
        await asyncio.gather(*poll_tasks)
        for t in sse_tasks:
            t.cancel()
        await asyncio.gather(*sse_tasks, return_exceptions=True)
        jobs = []
        for job_id in job_ids:
            jobs.append((await client.get(f"/api/jobs/{job_id}", headers=headers)).json())
    return {"lat": lat, "errors": errors, "elapsed": elapsed, "streams": streams, "job_ids": job_ids, "jobs": jobs}


def check_streams(streams: list, job_ids: list[int]) -> dict:
    """The "no lost events" checks; returns figures and a list of problems."""
    problems: list[str] = []
    sequences = []
    for n, (received, done) in enumerate(streams):
        ids = [i for i, _ in received if i is not None]
        # the first id is the snapshot watermark; after it every event of the bus must follow, no gaps
        live = ids[1:] if len(ids) > 1 else ids
        gaps = [(a, b) for a, b in zip(live, live[1:]) if b != a + 1]
        if gaps:
            problems.append(f"subscriber {n}: {len(gaps)} gap(s) in event ids, first {gaps[0]}")
        if not set(job_ids) <= done:
            problems.append(f"subscriber {n}: saw {len(done & set(job_ids))}/{len(job_ids)} jobs finish")
        for job_id in job_ids:
            prog = [m["done"] for _, m in received if m.get("event") == "progress" and m.get("job_id") == job_id]
            if prog != sorted(prog):
                problems.append(f"subscriber {n}: progress of job {job_id} went backwards")
        sequences.append(live)
    if sequences:
        common_start = max(s[0] for s in sequences if s)
        common_end = min(s[-1] for s in sequences if s)
        window = [[i for i in s if common_start <= i <= common_end] for s in sequences]
        if any(w != window[0] for w in window):
            problems.append("subscribers did not receive the same events")
    counts = [len(r) for r, _ in streams]
    return {"problems": problems, "events_min": min(counts) if counts else 0, "events_max": max(counts) if counts else 0}


def start_server(items: int, delay: float) -> tuple[subprocess.Popen, str, str, str]:
    import httpx

    data_dir = tempfile.mkdtemp(prefix="curatarr-bench-")
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", data_dir, "--port", str(port), "--items", str(items),
                             "--delay", str(delay)], env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # minutes on a busy shared machine (seen: 24 s at load 35)
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("benchmark server did not start")
        time.sleep(0.2)
    r = httpx.post(f"{base}/api/auth/setup", json={"username": "bench", "password": "bench-pass-123"}, timeout=30)
    r.raise_for_status()
    return proc, base, r.json()["token"], data_dir


def server_cpu(proc) -> float:
    import psutil

    t = psutil.Process(proc.pid).cpu_times()
    return t.user + t.system


def run(pollers: int, sse: int, items: int, delay: float, baseline_seconds: float) -> dict:
    proc, base, token, _ = start_server(items, delay)
    try:
        c0 = server_cpu(proc)
        base_phase = asyncio.run(phase(base, token, pollers=pollers, sse=0, seconds=baseline_seconds, run_modules=False))
        c1 = server_cpu(proc)
        load_phase = asyncio.run(phase(base, token, pollers=pollers, sse=sse, seconds=None, run_modules=True))
        c2 = server_cpu(proc)
        base_phase["server_cpu"], load_phase["server_cpu"] = c1 - c0, c2 - c1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    checks = check_streams(load_phase["streams"], load_phase["job_ids"])
    return {"baseline": base_phase, "load": load_phase, "checks": checks}


def summary(name: str, p: dict) -> dict:
    lat = p["lat"]
    return {"phase": name, "requests": len(lat), "errors": len(p["errors"]), "rps": len(lat) / p["elapsed"],
            "cpu_ms": 1000.0 * p.get("server_cpu", 0.0) / max(1, len(lat)),
            "p50": pct(lat, 0.5), "p95": pct(lat, 0.95), "max": max(lat) if lat else float("nan"),
            "seconds": p["elapsed"]}


def main() -> None:
    if "--mixed" in sys.argv[1:]:  # issue #20's throughput runs (jobs + media search + SSE): own file
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import api_load_mixed

        api_load_mixed.main([a for a in sys.argv[1:] if a != "--mixed"])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pollers", type=int, default=200)
    ap.add_argument("--sse", type=int, default=50)
    ap.add_argument("--items", type=int, default=300, help="items per benchmark module")
    ap.add_argument("--delay", type=float, default=0.02, help="seconds per item (cooperative sleep)")
    ap.add_argument("--baseline-seconds", type=float, default=8.0)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.items, args.delay)
        return
    print(f"API load: {args.pollers} pollers of /api/modules/run-states, {args.sse} SSE subscribers, "
          f"3 modules x {args.items} items (cpu cores: {os.cpu_count()})")
    result = run(args.pollers, args.sse, args.items, args.delay, args.baseline_seconds)
    rows = [summary("baseline (pollers only, idle)", result["baseline"]),
            summary("load (+SSE, 3 modules running)", result["load"])]
    print(f"{'phase':<34}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'srv cpu ms/req':>16}")
    for r in rows:
        print(f"{r['phase']:<34}{r['requests']:>10}{r['errors']:>8}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
              f"{r['max']:>9.1f}{r['cpu_ms']:>16.2f}")
    b, lo = rows
    print(f"ratios load/baseline: p50 x{lo['p50'] / b['p50']:.2f}, p95 x{lo['p95'] / b['p95']:.2f}, "
          f"throughput x{lo['rps'] / b['rps']:.2f}, server cpu per request x{lo['cpu_ms'] / b['cpu_ms']:.2f} "
          f"(load average {os.getloadavg()[0]:.1f})")
    checks = result["checks"]
    jobs = result["load"]["jobs"]
    print(f"jobs: {[(j['module'], j['status'], j['duration_seconds']) for j in jobs]}")
    print(f"SSE: {args.sse} subscribers, {checks['events_min']}–{checks['events_max']} events each; "
          f"lost events: {'none' if not checks['problems'] else 'SEE PROBLEMS'}")
    for problem in checks["problems"][:10]:
        print(f"  PROBLEM: {problem}")
    errors = result["baseline"]["errors"] + result["load"]["errors"]
    if errors:
        print(f"errors: {errors[:10]}")
    if errors or checks["problems"] or any(j["status"] != "success" for j in jobs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
