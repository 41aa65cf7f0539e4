"""nohl over 100,000 files: walking the media folders and pairing files with *arr items is linear.

    .venv/bin/python benchmarks/nohl.py                  # 25,000, 50,000, 100,000 files
    .venv/bin/python benchmarks/nohl.py --max 20000      # quick look

Set-up per size N: a movie root with N movie folders, one video each (empty files: only the link
count matters), two thirds hardlinked into a downloads folder (what an import leaves), a third not;
the Radarr items those folders belong to, as the Radarr listing gives them (``arr_models.Movie``
with ``movieFile``). Measured: the module's own walk (``Nohl._walk``: scandir, ``st_nlink``) and
pairing (``Nohl._pair``: one dict of item folders, each file looks up its ancestors) with a real
``RunContext`` on a fresh data dir whose allowed roots hold the tree. The *arr HTTP listing is
not part of this figure (it is the library sync's cost, see "Media library").

Baseline, measured in the same run: CHUB's pairing (every unlinked file against every item, by
normalised title + year) on max/16 and max/8 files (it takes minutes beyond), next to ours on the
same trees, so its quadratic growth shows. Printed: seconds per step, µs per file, and the ratio of each size's time to the previous
size's (2.0 = linear for doubling sizes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build_tree(base: Path, n: int) -> tuple[Path, list]:
    from curatarr.connectors.arr_models import Movie

    movies, downloads = base / "movies", base / "downloads"
    movies.mkdir(parents=True)
    downloads.mkdir()
    items = []
    for i in range(n):
        folder = movies / f"Movie {i} ({1950 + i % 70})"
        folder.mkdir()
        video = folder / f"Movie {i} ({1950 + i % 70}) [Bluray-1080p].mkv"
        video.touch()
        if i % 3:
            os.link(video, downloads / f"{i}.mkv")
        items.append(Movie.model_validate({
            "id": i + 1, "title": f"Movie {i}", "year": 1950 + i % 70, "path": str(folder), "monitored": True,
            "rootFolderPath": str(movies), "qualityProfileId": 1, "hasFile": True,
            "movieFile": {"id": i + 1, "path": str(video), "relativePath": video.name}}))
    return movies, items


def chub_pairing(files: list[str], items: list) -> int:
    """CHUB's way (reference §2.7): each file's folder title + year against every item's."""
    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    titles = [(norm(item.title), item.year) for item in items]
    paired = 0
    for f in files:
        folder = os.path.basename(os.path.dirname(f))
        year = re.search(r"\b(19|20)\d{2}\b", folder)
        title = norm(folder.split("(")[0])
        for item_title, item_year in titles:
            if item_title == title and year and item_year == int(year.group(0)):
                paired += 1
                break
    return paired


def measure(rt, n: int, work: Path) -> dict:
    from curatarr.arr_disk import PathMap
    from curatarr.modules.base import RunContext
    from curatarr.modules.nohl import Nohl, NohlConfig, Owner

    base = work / "media" / f"n{n}"
    t0 = time.perf_counter()
    movies, items = build_tree(base, n)
    built = time.perf_counter() - t0
    ctx = RunContext.standalone(rt, "nohl")
    module, config = Nohl(), NohlConfig(source_dirs=[str(movies)])
    owners = {}
    t0 = time.perf_counter()
    for item in items:   # what _read_items does with the listing
        owner = Owner("radarr", "radarr", item)
        owner.files[os.path.normpath(item.movie_file.path)] = item.movie_file
        owners[os.path.normpath(item.path)] = owner
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = module._walk(ctx, config, [str(movies)])
    t_walk = time.perf_counter() - t0
    t0 = time.perf_counter()
    module._pair(ctx, found, owners, {}, PathMap())
    t_pair = time.perf_counter() - t0
    tracked = sum(1 for f in found if f.file is not None)
    assert tracked == len(found), "pairing lost files"
    return {"n": n, "unlinked": len(found), "tracked": tracked, "build": built, "index": t_index,
            "walk": t_walk, "pair": t_pair, "found": found, "items": items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max", type=int, default=100_000, help="largest number of files (default 100,000)")
    parser.add_argument("--steps", type=int, default=3, help="sizes: max/2^(steps-1) … max, doubling")
    args = parser.parse_args()
    sizes = [args.max // 2 ** k for k in range(args.steps - 1, -1, -1)]
    from curatarr.runtime import Runtime

    work = Path(tempfile.mkdtemp(prefix="nohl-bench-"))
    (work / "media").mkdir()
    rt = Runtime(work / "data", console_logs=False)
    rt.config.update({"general": {"allowed_roots": [str(work / "media")]}})
    try:
        rows, chub = [], []
        for n in [args.max // 16, args.max // 8] + sizes:
            r = measure(rt, n, work)
            if n < sizes[0]:   # the quadratic baseline only on small trees (it takes minutes beyond)
                t0 = time.perf_counter()
                paired = chub_pairing([f.path for f in r["found"]], r["items"])
                chub.append((n, time.perf_counter() - t0, paired, r["pair"] + r["index"]))
            else:
                rows.append(r)
            r.pop("found"), r.pop("items")
            shutil.rmtree(work / "media" / f"n{n}")
        print(f"{'files':>8} {'unlinked':>8} {'walk s':>8} {'pair s':>8} {'total s':>8} {'µs/file':>8} {'× prev':>7}")
        prev = None
        for r in rows:
            total = r["index"] + r["walk"] + r["pair"]
            ratio = f"{total / prev:7.2f}" if prev else "      –"
            print(f"{r['n']:>8,} {r['unlinked']:>8,} {r['walk']:>8.3f} {r['pair']:>8.3f} {total:>8.3f} "
                  f"{total / r['n'] * 1e6:>8.1f} {ratio}")
            prev = total
        print("\nCHUB-style pairing (every unlinked file × every item), same trees:")
        for (n, t, paired, ours) in chub:
            print(f"{n:>8,} files: {t:8.3f} s ({paired:,} paired) — ours {ours:.3f} s, {t / ours:,.0f}× faster")
        if len(chub) == 2:
            print(f"CHUB-style growth for 2× files: {chub[1][1] / chub[0][1]:.2f}× (quadratic ≈ 4)")
    finally:
        rt.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
