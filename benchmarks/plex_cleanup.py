"""The Metadata walk of ``poster_cleanarr`` on a large synthetic Plex folder, against a baseline that
walks every file and filters ``Contents/`` afterwards (what a plain recursive glob does).

    .venv/bin/python benchmarks/plex_cleanup.py                    # 20,000 bundles
    .venv/bin/python benchmarks/plex_cleanup.py --bundles 50000 --repeats 5

Set-up (in a temporary folder, removed at the end): ``--bundles`` bundles laid out as PMS does
(``Metadata/Movies/<h>/<ash>.bundle``), each with 6 agent files in ``Contents/_combined`` and
``Contents/<agent>`` (Plex keeps several per item) and 0–3 extension-less uploads in ``Uploads/posters``,
one of them in use. Both walks return the same bloat list (checked); the figure is the best of
``--repeats`` runs each, on a warm page cache (the walks alternate). No assertions: figures and the
ratio are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from curatarr.plex_cleanup.scan import walk  # noqa: E402


def build(root: Path, bundles: int) -> set[str]:
    in_use: set[str] = set()
    for n in range(bundles):
        h = hashlib.sha1(f"item-{n}".encode()).hexdigest()
        bundle = root / "Metadata" / "Movies" / h[0] / f"{h[1:]}.bundle"
        for sub in ("Contents/_combined/posters", "Contents/_combined/art", "Contents/tv.plex.agents.movie/posters"):
            (bundle / sub).mkdir(parents=True, exist_ok=True)
            for k in range(2):
                (bundle / sub / f"tv.plex.agents.movie_{h[:8]}{k}").write_bytes(b"x")
        uploads = n % 4
        if uploads:
            (bundle / "Uploads" / "posters").mkdir(parents=True)
            for k in range(uploads):
                name = hashlib.sha1(f"{n}-{k}".encode()).hexdigest()
                (bundle / "Uploads" / "posters" / name).write_bytes(b"y" * 64)
                if k == 0:
                    in_use.add(name)
    return in_use


def baseline(root: Path, in_use: set[str]) -> list[str]:
    out = []
    for path in sorted((root / "Metadata").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if "/Contents/" in f"/{rel}/" or not path.is_file() or path.suffix:
            continue
        if path.name not in in_use:
            out.append(rel)
    return out


def ours(root: Path, in_use: set[str]) -> list[str]:
    return sorted(v.rel for v in walk(root, in_use) if not v.active)


def best(fn, *args, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundles", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="plexbench-"))
    try:
        started = time.perf_counter()
        in_use = build(tmp, args.bundles)
        files = sum(len(f) for _, _, f in os.walk(tmp))
        print(f"built {args.bundles} bundles, {files} files in {time.perf_counter() - started:.1f} s")
        a, b = ours(tmp, in_use), baseline(tmp, in_use)
        assert a == b, "the walks disagree"
        t_base = t_ours = float("inf")
        for _ in range(args.repeats):  # alternate, so a change of load hits both alike
            t_base = min(t_base, best(baseline, tmp, in_use, repeats=1))
            t_ours = min(t_ours, best(ours, tmp, in_use, repeats=1))
        print(f"bloat files found: {len(a)}")
        print(f"baseline (rglob, filter Contents/ afterwards): {t_base * 1000:8.1f} ms")
        print(f"poster_cleanarr walk (prunes Contents/):       {t_ours * 1000:8.1f} ms")
        print(f"ratio baseline / ours: {t_base / t_ours:.1f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
