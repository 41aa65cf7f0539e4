"""Source shapes vs. work and memory (issue 18, item 1): each render runs in a fresh subprocess
and reports its CPU time, peak RSS and libvips' tracked pixel high-water mark, against a normal
1000×1500 source measured in the same run.

    PYTHONPATH=src python benchmarks/render_sources.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = r"""
import ctypes, json, resource, sys, time
import pyvips
from curatarr.artwork.compose import RenderContext, RenderInputs, render
from curatarr.artwork.store import TemplateStore
from curatarr.artwork.textprep import TextInputs
w, h = int(sys.argv[1]), int(sys.argv[2])
data = (pyvips.Image.black(w, h, bands=3) + [90, 120, 200]).cast("uchar").jpegsave_buffer()
template = TemplateStore(None).resolve("classic", "poster")
ctx = RenderContext()
render(template, RenderInputs(texts=TextInputs(title="Warm")), ctx)  # fonts loaded outside the figure
before = resource.getrusage(resource.RUSAGE_SELF)
render(template, RenderInputs(image=data, texts=TextInputs(title="Shape")), ctx)
after = resource.getrusage(resource.RUSAGE_SELF)
path = [l.split()[-1] for l in open("/proc/self/maps") if "libvips" in l][0]
hw = ctypes.CDLL(path).vips_tracked_get_mem_highwater
hw.restype = ctypes.c_size_t
print(json.dumps({"cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
                  "rss_mb": int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]) / 1024,
                  "vips_mb": hw() / 2**20}))
"""

SHAPES = [(1000, 1500), (4000, 50), (50, 4000), (10000, 10), (200, 300), (1, 1)]


def probe(width: int, height: int) -> dict:
    src = str(Path(__file__).resolve().parents[1] / "src")
    out = subprocess.run([sys.executable, "-c", PROBE, str(width), str(height)], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    base = probe(*SHAPES[0])
    print(f"{'source':>12} {'cpu s':>7} {'×base':>6} {'RSS MB':>7} {'×base':>6} {'vips MB':>8}")
    for shape in SHAPES:
        r = base if shape == SHAPES[0] else probe(*shape)
        print(f"{shape[0]:>5}×{shape[1]:<6} {r['cpu_s']:7.3f} {r['cpu_s'] / base['cpu_s']:6.2f} "
              f"{r['rss_mb']:7.0f} {r['rss_mb'] / base['rss_mb']:6.2f} {r['vips_mb']:8.1f}")


if __name__ == "__main__":
    main()
