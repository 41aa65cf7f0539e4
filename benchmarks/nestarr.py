"""nestarr over 20,000 items: the nesting check and the disk checks are linear.

    .venv/bin/python benchmarks/nestarr.py                # 5,000, 10,000, 20,000 items
    .venv/bin/python benchmarks/nestarr.py --max 4000     # quick look

Set-up per size N: N/2 movies (a folder with one video each) and N/2 series (a folder each) under a
movie root and a series root on disk; 1% of the movies nested in another movie's folder, 1% of the
series in another series' folder, 0.5% of the movies filed in the series root, 1% of the movie
folders holding a sample video, and a few stray folders and files. The items are what
``read_inventory`` builds from the Radarr/Sonarr listings (``scan.Item``). Measured with a real
``RunContext`` on a fresh data dir whose allowed roots hold the tree: ``scan.nesting`` (one dict of
item folders, each item looks up its ancestors) and ``scan.disk_findings`` (root folder listings,
a walk of every movie folder). The *arr HTTP listings are not part of the figure.

Baseline, measured in the same run: CHUB's nesting check (every item's path against every other
item's, reference §6 "nestarr cross-checks O(children × parents)") on N/8 and N/4 items, with ours
on the same items (the in-memory steps: best of 5). Printed: seconds per step, µs per item, and each size's time over the previous
size's (2.0 = linear for doubling sizes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build(base: Path, n: int):
    from curatarr.arr_disk import PathMap
    from curatarr.nestarr.scan import Inventory, Item

    movies_root, series_root = base / "movies", base / "tv"
    movies_root.mkdir(parents=True)
    series_root.mkdir()
    inv = Inventory(paths=PathMap(), roots={"radarr": [str(movies_root)], "sonarr": [str(series_root)]},
                    types={"radarr": "radarr", "sonarr": "sonarr"})
    half = n // 2
    for i in range(half):
        parent = movies_root
        if i % 100 == 1:
            parent = movies_root / f"Movie {i - 1} ({1950 + (i - 1) % 70})"   # nested in the previous movie
        elif i % 200 == 2:
            parent = series_root                                             # filed under the TV root
        folder = parent / f"Movie {i} ({1950 + i % 70})"
        folder.mkdir()
        video = folder / f"Movie {i}.mkv"
        video.touch()
        if i % 100 == 3:
            (folder / f"Movie {i}-sample.mkv").touch()
        inv.items.append(Item("radarr", "radarr", i + 1, f"Movie {i}", 1950 + i % 70, str(folder),
                              str(movies_root), str(video)))
    for i in range(half):
        parent = series_root / f"Show {i - 1}" if i % 100 == 1 else series_root
        folder = parent / f"Show {i}"
        folder.mkdir()
        inv.items.append(Item("sonarr", "sonarr", i + 1, f"Show {i}", 2000, str(folder), str(series_root)))
    for k in range(max(1, n // 1000)):
        (movies_root / f"Stray {k}").mkdir()
        (series_root / f"loose {k}.mkv").touch()
    return inv


def chub_nesting(items) -> int:
    """Every item's folder against every other item's folder (CHUB's pairwise check)."""
    found = 0
    for child in items:
        for parent in items:
            if parent is not child and child.path.startswith(parent.path + "/"):
                found += 1
                break
    return found


def measure(rt, n: int, work: Path, *, chub: bool) -> dict:
    from curatarr.modules.base import RunContext
    from curatarr.nestarr import scan

    base = work / "media" / f"n{n}"
    inv = build(base, n)
    ctx = RunContext.standalone(rt, "nestarr")
    t_nest = float("inf")
    for _ in range(5):   # best of 5: the in-memory step is short enough for scheduler noise to matter
        t0 = time.perf_counter()
        nested = scan.nesting(ctx, inv)
        t_nest = min(t_nest, time.perf_counter() - t0)
    t0 = time.perf_counter()
    disk = scan.disk_findings(ctx, inv, rt.roots())
    t_disk = time.perf_counter() - t0
    out = {"n": n, "nesting": t_nest, "disk": t_disk, "issues": len(nested) + len(disk),
           "nested": sum(1 for i in nested if i["type"].endswith(("_in_movie", "_in_series")))}
    if chub:
        t0 = time.perf_counter()
        out["chub_found"] = chub_nesting(inv.items)
        out["chub"] = time.perf_counter() - t0
    shutil.rmtree(base)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max", type=int, default=20_000, help="largest number of items (default 20,000)")
    parser.add_argument("--steps", type=int, default=3, help="sizes: max/2^(steps-1) … max, doubling")
    args = parser.parse_args()
    from curatarr.runtime import Runtime

    sizes = [args.max // 2 ** k for k in range(args.steps - 1, -1, -1)]
    work = Path(tempfile.mkdtemp(prefix="nestarr-bench-"))
    (work / "media").mkdir()
    rt = Runtime(work / "data", console_logs=False)
    rt.config.update({"general": {"allowed_roots": [str(work / "media")]}})
    try:
        small = [measure(rt, m, work, chub=True) for m in (args.max // 8, args.max // 4)]
        rows = [measure(rt, n, work, chub=False) for n in sizes]
        print(f"{'items':>8} {'issues':>7} {'nesting s':>10} {'disk s':>8} {'total s':>8} {'µs/item':>8} {'× prev':>7}")
        prev = None
        for r in rows:
            total = r["nesting"] + r["disk"]
            ratio = f"{total / prev:7.2f}" if prev else "      –"
            print(f"{r['n']:>8,} {r['issues']:>7,} {r['nesting']:>10.3f} {r['disk']:>8.3f} {total:>8.3f} "
                  f"{total / r['n'] * 1e6:>8.1f} {ratio}")
            prev = total
        print("\nCHUB-style nesting check (every item against every item), same items:")
        for r in small:
            print(f"{r['n']:>8,} items: {r['chub']:8.3f} s ({r['chub_found']} nested) — ours {r['nesting']:.4f} s "
                  f"({r['nested']} nested), {r['chub'] / r['nesting']:,.0f}× faster")
        print(f"CHUB-style growth for 2× items: {small[1]['chub'] / small[0]['chub']:.2f}× (quadratic ≈ 4); "
              f"ours: {small[1]['nesting'] / small[0]['nesting']:.2f}×")
    finally:
        rt.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
