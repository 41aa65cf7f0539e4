"""The unmatched-assets report is linear: its time at 50k, 100k and 200k media items, and the ratios.

    .venv/bin/python benchmarks/unmatched.py                  # 50k / 100k / 200k items (≈ 2–4 min)
    .venv/bin/python benchmarks/unmatched.py --sizes 5000 10000 20000 --repeats 1   # a quick look

Set-up (not timed): a fresh data dir (migrated SQLite database) whose media cache holds 200,000
*arr items written directly as rows — four instances of 50,000 (80 % movies, 20 % series with three
seasons each, one tag, a quality profile) — and one Kometa asset folder per size on disk (``folders``
layout: a poster for every other item, a season poster for every other season of those series).
A size N reports on the first N/50k instances against its own asset folder, so every input grows
with N.

Timed per size (best of ``--repeats``, in CPU seconds of this process — user + system, so the
directory reads count — because wall time on a machine other jobs share mostly measures them; run
with ``--wall`` for wall-clock seconds): the three steps of a run — reading the asset folder
(``scan_asset_folder``), streaming the items and seasons out of the cache (``media_entries``) and
the comparison (``build_report``, with every ignore rule set) — and their sum. Linear means the
ratio to the smallest size tracks the size ratio (2×, 4×). Baseline in the same run: CHUB's way of
looking an item up (a linear search over the asset list per item, chub.md §2.3) on the smallest
sizes only — quadratic, so its ratio is ≈ 4× per doubling. No assertions: figures are printed (and
written as JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PER_INSTANCE = 50_000
SEASONS = 3


def build_cache(rt, instances: list[str], per_instance: int) -> None:
    from sqlalchemy import insert

    from curatarr.clock import utcnow
    from curatarr.db.models.library import MediaChild, MediaItem, MediaSyncState

    now = utcnow()
    with rt.db.session() as s:
        for n_inst, instance in enumerate(instances):
            items, seasons = [], []
            for i in range(per_instance):
                pk = n_inst * per_instance + i + 1
                series = i % 5 == 0
                folder = f"{'Show' if series else 'Movie'} {pk} ({1950 + pk % 70})"
                items.append({"pk": pk, "id": f"{instance}:{i}", "instance": instance,
                              "source_type": "sonarr" if series else "radarr", "role": "arr", "native_id": str(i),
                              "kind": "series" if series else "movie", "title": folder[:-7], "sort_title": folder,
                              "norm_title": folder.lower(), "fuzzy_title": folder.lower(), "first_token": "x",
                              "year": 1950 + pk % 70, "path": f"/data/{'tv' if series else 'movies'}/{folder}",
                              "tags": json.dumps(["keep"] if pk % 97 == 0 else []), "monitored": pk % 53 != 0,
                              "quality_profile_id": 4, "has_poster": False, "content_hash": "x",
                              "first_seen_at": now, "updated_at": now})
                if series:
                    seasons += [{"id": f"{instance}:{i}:s{n}", "item_pk": pk, "kind": "season", "season_number": n,
                                 "number": n, "monitored": True, "file_count": 2} for n in range(1, SEASONS + 1)]
            s.execute(insert(MediaItem), items)
            if seasons:
                s.execute(insert(MediaChild), seasons)
            s.add(MediaSyncState(instance=instance, source_type="radarr", last_sync_at=now, last_status="ok",
                                 item_count=per_instance))


def build_assets(root: Path, instances: int, per_instance: int) -> None:
    """Posters for every other item of the first ``instances`` instances, season posters for every
    other season of those series (same names as the cache rows)."""
    for pk in range(1, instances * per_instance + 1, 2):
        series = (pk - 1) % per_instance % 5 == 0
        folder = root / f"{'Show' if series else 'Movie'} {pk} ({1950 + pk % 70})"
        folder.mkdir(parents=True)
        (folder / "poster.jpg").write_bytes(b"")
        if series:
            for n in range(1, SEASONS + 1, 2):
                (folder / f"Season{n:02d}.jpg").write_bytes(b"")


CLOCK = time.process_time  # CPU seconds of this process (user + system): steadier than wall time on a shared machine


def best(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        start = CLOCK()
        out = fn()
        times.append(CLOCK() - start)
    return min(times), out


def chub_style_lookups(entries, names: list[str]) -> int:
    """CHUB's per-item linear search over the asset list (the baseline)."""
    found = 0
    for e in entries:
        folder = e.path.rsplit("/", 1)[-1]
        for name in names:
            if name == folder:
                found += 1
                break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-sizes", type=int, nargs="+", default=[2_000, 4_000, 8_000])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--wall", action="store_true", help="time wall-clock seconds instead of CPU seconds")
    args = parser.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter

    from curatarr.runtime import Runtime
    from curatarr.unmatched.assets import scan_asset_folder
    from curatarr.unmatched.report import Rules, build_report
    from curatarr.unmatched.sources import media_entries

    base = min(args.sizes)
    per_instance = base
    if any(size % base for size in args.sizes):
        raise SystemExit("every size must be a multiple of the smallest")
    count = max(args.sizes) // base
    instances = [f"radarr_{n}" for n in range(count)]
    tmp = Path(tempfile.mkdtemp(prefix="bench-unmatched-"))
    try:
        rt = Runtime(tmp / "data", console_logs=False)
        started = time.perf_counter()
        build_cache(rt, instances, per_instance)
        for size in args.sizes:
            build_assets(tmp / f"assets-{size}", size // base, per_instance)
        print(f"set-up: {max(args.sizes):,} cached items, asset folders for {args.sizes} "
              f"in {time.perf_counter() - started:.1f} s")
        rules = Rules.of(folders=["Extras"], titles=["Movie 7"], tags=["keep"], profiles=["Ultra-HD"],
                         collections=["None"], unmonitored=True)
        rows = []
        for size in args.sizes:
            names = instances[: size // base]
            root = tmp / f"assets-{size}"
            t_scan, index = best(lambda: scan_asset_folder(root, "folders"), args.repeats)
            t_read, entries = best(lambda: list(media_entries(rt, names, {n: {4: "HD-1080p"} for n in names})),
                                   args.repeats)
            t_cmp, report = best(lambda: build_report(entries, [], index, rules), args.repeats)
            total = t_scan + t_read + t_cmp
            rows.append({"items": size, "scan_s": t_scan, "read_s": t_read, "compare_s": t_cmp, "total_s": total,
                         "unmatched": report["summary"]["overall"]["unmatched"],
                         "percent_complete": report["summary"]["overall"]["percent_complete"]})
        first = rows[0]
        print(f"\n{'wall' if args.wall else 'CPU'} seconds, best of {args.repeats}")
        print(f"{'items':>8} {'scan s':>8} {'read s':>8} {'compare s':>10} {'total s':>8} {'µs/item':>8} "
              f"{'size ×':>7} {'time ×':>7}  overall")
        for r in rows:
            print(f"{r['items']:>8,} {r['scan_s']:>8.2f} {r['read_s']:>8.2f} {r['compare_s']:>10.2f} "
                  f"{r['total_s']:>8.2f} {1e6 * r['total_s'] / r['items']:>8.1f} {r['items'] / first['items']:>7.1f} "
                  f"{r['total_s'] / first['total_s']:>7.2f}  {r['percent_complete']}% complete")
        baseline = []
        all_entries = list(media_entries(rt, instances[:1], {}))
        index_all = scan_asset_folder(tmp / f"assets-{base}", "folders")
        asset_names = sorted(index_all.posters)
        for size in args.baseline_sizes:
            sample, names = all_entries[:size], asset_names[: size // 2]
            t_chub, _ = best(lambda: chub_style_lookups(sample, names), 1)
            t_ours, _ = best(lambda: build_report(sample, [], index_all, Rules()), args.repeats)
            baseline.append({"items": size, "chub_s": t_chub, "ours_s": t_ours})
        print(f"\nCHUB-style lookups (linear search per item) vs ours, same items:")
        print(f"{'items':>8} {'CHUB s':>8} {'ours s':>8} {'CHUB ×':>7}")
        for b in baseline:
            print(f"{b['items']:>8,} {b['chub_s']:>8.3f} {b['ours_s']:>8.4f} {b['chub_s'] / baseline[0]['chub_s']:>7.2f}")
        if args.json:
            args.json.write_text(json.dumps({"rows": rows, "baseline": baseline}, indent=2))
        rt.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("CURATARR_LOG_LEVEL", "WARNING")
    main()
