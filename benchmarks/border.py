"""Border replacement: ours (libvips, source size kept) against the CHUB way (Pillow), same posters, same run.

    .venv/bin/python benchmarks/border.py                    # 12 posters of 2000x3000, 5 rounds
    .venv/bin/python benchmarks/border.py --posters 24 --size 1000x1500 --rounds 3

The CHUB way, as border_replacerr.py does it: ``Image.open``, crop ``border_width`` off every edge,
paste the inner picture on a new canvas of the original size filled with the border colour, resize
to 1000x1500, save (Pillow defaults). Ours: ``curatarr.borders.replace.render`` — decode (streamed),
crop, ``embed`` on the border colour, encode in the source's format at the source's size (quality 92,
provenance stamped), i.e. exactly what a border_replacerr run does per poster.

Both are timed per poster, single-threaded, on the same bytes in memory (no disk), alternating
round by round so machine load hits both alike; the best round is reported (the figure least
disturbed by other load) with the median beside it. Then the module's own throughput: a real
border_replacerr run over the same posters written to a temporary asset folder (its thread pool,
atomic writes, state) — wall time per poster. Then the preview: one 2000x3000 poster rendered
before|after at screen size (``render_previews``), best/median of 15. Prints figures and ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyvips  # noqa: E402
from PIL import Image  # noqa: E402

from curatarr.borders.replace import Style, render  # noqa: E402

BORDER = 26
COLOUR = "#e50914"
# Every Runtime's log files live under this folder, removed only when the process ends: the log handlers
# of a closed Runtime stay attached to the process-wide loggers, and a deleted log folder made each
# later log line print a "Logging error" traceback.
_WORK = tempfile.TemporaryDirectory(prefix="border-bench-")
WORK = _WORK.name


def make_posters(n: int, width: int, height: int) -> list[bytes]:
    """Photo-like posters: smooth noise upscaled (real posters compress like this, not like flat colour)."""
    out = []
    for i in range(n):
        bands = [pyvips.Image.gaussnoise(width // 16 + 1, height // 16 + 1, mean=128, sigma=60, seed=3 * i + b)
                 for b in range(3)]
        base = bands[0].bandjoin(bands[1:]).resize(16, kernel="cubic")
        base = base.crop(0, 0, width, height).cast("uchar").copy(interpretation="srgb")
        grain = pyvips.Image.gaussnoise(width, height, mean=0, sigma=2, seed=1000 + i)
        picture = (base + grain).cast("uchar")
        framed = picture.crop(BORDER, BORDER, width - 2 * BORDER, height - 2 * BORDER).embed(
            BORDER, BORDER, width, height, extend="background", background=[255, 255, 255])
        # 4:2:0 like the posters TMDB, fanart.tv and poster sets serve
        out.append(framed.copy(interpretation="srgb").jpegsave_buffer(Q=90, subsample_mode="on"))
    return out


def chub_way(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    inner = image.crop((BORDER, BORDER, width - BORDER, height - BORDER))
    canvas = Image.new("RGB", (width, height), COLOUR)
    canvas.paste(inner, (BORDER, BORDER))
    canvas = canvas.resize((1000, 1500))
    out = io.BytesIO()
    canvas.save(out, format="JPEG")
    return out.getvalue()


def ours(data: bytes) -> bytes:
    return render(data, Style(BORDER, COLOUR))[0]


def per_poster(fn, posters: list[bytes]) -> float:
    started = time.perf_counter()
    for data in posters:
        fn(data)
    return (time.perf_counter() - started) / len(posters) * 1000


def module_run(posters: list[bytes]) -> tuple[float, float, int]:
    """(first run ms/poster, unchanged re-run ms/poster, written) of a real border_replacerr job."""
    from curatarr.runtime import Runtime

    with contextlib.nullcontext(tempfile.mkdtemp(dir=WORK)) as tmp:  # removed with WORK at exit
        assets = Path(tmp) / "assets"
        for i, data in enumerate(posters):
            path = assets / f"Movie {i:03d} (2000)" / "poster.jpg"
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
        rt = Runtime(Path(tmp) / "data", console_logs=False)
        rt.config.update({"border_replacerr": {"source_dirs": [str(assets)], "destination_dir": str(Path(tmp) / "out"),
                                               "border_width": BORDER, "border_colors": [COLOUR]}})
        rt.start()
        try:
            times, written = [], 0
            for _ in range(2):
                started = time.perf_counter()
                job = rt.jobs.wait(rt.jobs.submit("border_replacerr"), 600)
                times.append((time.perf_counter() - started) * 1000 / len(posters))
                assert job["status"] == "success", job
                written += job["result"]["counts"].get("written", 0)
            return times[0], times[1], written
        finally:
            rt.stop()
            rt.close()


def preview_latency(poster: bytes, repeats: int = 15) -> list[float]:
    from curatarr.borders.preview import render_previews
    from curatarr.runtime import Runtime

    with contextlib.nullcontext(tempfile.mkdtemp(dir=WORK)) as tmp:  # removed with WORK at exit
        folder = Path(tmp) / "assets" / "Big (2000)"
        folder.mkdir(parents=True)
        (folder / "poster.jpg").write_bytes(poster)
        rt = Runtime(Path(tmp) / "data", console_logs=False)
        rt.config.update({"border_replacerr": {"source_dirs": [str(Path(tmp) / "assets")], "border_width": BORDER}})
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            render_previews(rt, count=1, holiday="default", path=str(folder / "poster.jpg"), colors=[COLOUR], width=None)
            times.append((time.perf_counter() - started) * 1000)
        rt.close()
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=12)
    parser.add_argument("--size", default="2000x3000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    posters = make_posters(args.posters, width, height)
    print(f"{args.posters} posters of {width}x{height} (JPEG q90 4:2:0, avg {sum(map(len, posters)) // len(posters) // 1024} KB);"
          f" {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    chub, mine = [], []
    for _ in range(args.rounds):
        chub.append(per_poster(chub_way, posters))
        mine.append(per_poster(ours, posters))
    print(f"CHUB way (Pillow, resize to 1000x1500): best {min(chub):7.1f} ms/poster, median {statistics.median(chub):7.1f}")
    print(f"ours (libvips, {width}x{height} kept):     best {min(mine):7.1f} ms/poster, median {statistics.median(mine):7.1f}")
    print(f"ratio (best): {min(chub) / min(mine):.1f}x   ratio (median): {statistics.median(chub) / statistics.median(mine):.1f}x")
    runs = [module_run(posters) for _ in range(3)]
    per = min(r[0] for r in runs)
    print(f"border_replacerr job (thread pool, atomic writes, state; best of 3): {per:.1f} ms/poster wall,"
          f" {runs[0][2]} written; {min(chub) / per:.1f}x the CHUB way's best;"
          f" unchanged re-run {min(r[1] for r in runs):.2f} ms/poster, 0 written")
    latency = preview_latency(posters[0])
    print(f"preview of one {width}x{height} poster (before|after, 720 px high): best {min(latency):.0f} ms, "
          f"median {statistics.median(latency):.0f} ms, max {max(latency):.0f} ms")


if __name__ == "__main__":
    main()
