"""curatarr render KIND --image SRC --title TEXT [--template NAME] --out FILE
   curatarr render KIND --batch items.jsonl [--workers N]

Renders with the built-in templates, plus the user templates/fonts/overlays of the data dir when
it exists. Batch lines are JSON objects: {"image", "title", "out"} plus optional "kind",
"template", "original_title", "season_name", "season_number", "episode_number", "episode_title",
"collection_word", "language", "format", "max_bytes". Image URLs are downloaded (SSRF-guarded) first.
``--max-bytes`` raises (or lowers) the output size guard, e.g. for PNG output of a photographic
poster; without it each template's ``output.max_bytes`` applies (default 10 MB, the Plex limit).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import typer

from curatarr.cli._common import DataDirOption, data_dir_or_default

TEXT_KEYS = ("title", "original_title", "year", "season_name", "season_number", "episode_number", "episode_title",
             "collection_word", "language")


def _setup(data_dir: Optional[Path]):
    from curatarr.artwork.batch import WorkerSetup

    root = data_dir_or_default(data_dir)
    files = root / "overlayfiles"
    templates = root / "artwork" / "templates"
    return WorkerSetup(font_dir=str(files) if files.is_dir() else None,
                       overlay_dir=str(files) if files.is_dir() else None,
                       template_dir=str(templates) if templates.is_dir() else None)


def _fetch(url: str, folder: Path, index: int) -> str:
    from curatarr.artwork.service import fetch_image

    data = fetch_image(url)
    path = folder / f"download-{index}"
    path.write_bytes(data)
    return str(path)


def parse_size(text: str) -> int:
    """``25000000``, ``25MB``, ``25M``, ``512KB`` → bytes (decimal units, as the 10 MB guard is)."""
    raw = str(text).strip().upper().replace(" ", "")
    for suffix, factor in (("MB", 1_000_000), ("M", 1_000_000), ("KB", 1_000), ("K", 1_000), ("B", 1)):
        if raw.endswith(suffix):
            raw, unit = raw[: -len(suffix)], factor
            break
    else:
        unit = 1
    try:
        value = int(float(raw) * unit)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (use bytes or e.g. 25MB)") from None
    if not 50_000 <= value <= 1_000_000_000:
        raise ValueError("the size guard must be between 50KB and 1000MB")
    return value


def _jobs(batch: Path, kind: str, template: Optional[str], fmt: Optional[str], downloads: Path,
          errors: list[dict], max_bytes: Optional[int] = None) -> Iterator:
    from curatarr.artwork.batch import RenderJob

    with batch.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("each line must be a JSON object")
                image = item.get("image")
                if isinstance(image, str) and image.startswith(("http://", "https://")):
                    image = _fetch(image, downloads, number)
                if not item.get("out"):
                    raise ValueError("'out' is required")
                yield RenderJob(kind=item.get("kind") or kind, image=image, out=str(item["out"]),
                                template=item.get("template") or template, output_format=item.get("format") or fmt,
                                texts={k: item[k] for k in TEXT_KEYS if k in item}, job_id=number,
                                logo=item.get("logo"),
                                max_bytes=parse_size(item["max_bytes"]) if item.get("max_bytes") else max_bytes)
            except Exception as exc:  # a bad line is reported, the rest of the batch still runs
                errors.append({"line": number, "error": str(exc)})


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        kind: str = typer.Argument(..., help="poster | season | background | titlecard | collection"),
        image: Optional[str] = typer.Option(None, "--image", help="source image file or http(s) URL"),
        title: Optional[str] = typer.Option(None, "--title"),
        out: Optional[Path] = typer.Option(None, "--out", help="output file (.jpg/.webp/.png)"),
        template: Optional[str] = typer.Option(None, "--template", help="template id or family (default classic)"),
        season_name: Optional[str] = typer.Option(None, "--season-name"),
        season: Optional[int] = typer.Option(None, "--season"),
        episode: Optional[int] = typer.Option(None, "--episode"),
        episode_title: Optional[str] = typer.Option(None, "--episode-title"),
        language: Optional[str] = typer.Option(None, "--language", help="library language, e.g. ar, he, ja"),
        fmt: Optional[str] = typer.Option(None, "--format", help="jpeg | webp | png (default: the template's)"),
        batch: Optional[Path] = typer.Option(None, "--batch", help="JSON-lines file, one render per line"),
        workers: Optional[int] = typer.Option(None, "--workers", help="processes (default: all cores)"),
        max_bytes: Optional[str] = typer.Option(None, "--max-bytes",
                                                help="output size guard, e.g. 25MB (default: the template's, 10MB)"),
        data_dir: Optional[Path] = DataDirOption,
    ):
        """Render artwork: one image, or a whole batch in parallel."""
        from curatarr.artwork.batch import RenderJob, render_many
        from curatarr.artwork.templates import Kind

        if kind not in {k.value for k in Kind}:
            typer.echo(f"unknown kind {kind!r}; use one of {', '.join(k.value for k in Kind)}", err=True)
            raise typer.Exit(2)
        if fmt is not None and fmt not in ("jpeg", "webp", "png"):
            typer.echo("--format must be jpeg, webp or png", err=True)
            raise typer.Exit(2)
        limit = None
        if max_bytes is not None:
            try:
                limit = parse_size(max_bytes)
            except ValueError as exc:
                typer.echo(f"--max-bytes: {exc}", err=True)
                raise typer.Exit(2) from None
        setup = _setup(data_dir)
        if batch is None:
            if out is None:
                typer.echo("--out is required (or use --batch)", err=True)
                raise typer.Exit(2)
            if fmt is None and out.suffix.lower() in (".webp", ".png"):
                fmt = out.suffix.lower().lstrip(".")
            with tempfile.TemporaryDirectory(prefix="curatarr-render-") as tmp:
                source = image
                if image and image.startswith(("http://", "https://")):
                    try:
                        source = _fetch(image, Path(tmp), 0)
                    except Exception as exc:
                        typer.echo(f"error: {exc}", err=True)
                        raise typer.Exit(1) from None
                texts = {"title": title, "season_name": season_name, "season_number": season,
                         "episode_number": episode, "episode_title": episode_title, "language": language}
                job = RenderJob(kind=kind, image=source, out=str(out), template=template, output_format=fmt,
                                texts={k: v for k, v in texts.items() if v is not None}, max_bytes=limit)
                result = next(render_many([job], workers=1, setup=setup))
            if not result.ok:
                typer.echo(f"error: {result.error}", err=True)
                raise typer.Exit(1)
            if result.skipped:
                typer.echo("skipped: the text does not fit at the minimum size (template overflow: skip)", err=True)
                raise typer.Exit(3)
            note = " (text truncated)" if result.truncated else ""
            typer.echo(f"wrote {result.out} ({result.bytes} bytes, {result.ms:.0f} ms){note}")
            if result.low_resolution:
                src = result.source or {}
                typer.echo(f"warning: low-resolution source ({src.get('width')}x{src.get('height')}, "
                           f"enlarged {src.get('scale')}x)", err=True)
            return

        if not batch.is_file():
            typer.echo(f"batch file {batch} not found", err=True)
            raise typer.Exit(2)
        started = time.perf_counter()
        counts = {"ok": 0, "skipped": 0, "truncated": 0, "low_resolution": 0, "failed": 0}
        line_errors: list[dict] = []
        with tempfile.TemporaryDirectory(prefix="curatarr-batch-") as tmp:
            jobs = _jobs(batch, kind, template, fmt, Path(tmp), line_errors, limit)
            for result in render_many(jobs, workers=workers, setup=setup):
                if not result.ok:
                    counts["failed"] += 1
                    typer.echo(f"line {result.job_id}: error: {result.error}", err=True)
                    continue
                counts["skipped" if result.skipped else "ok"] += 1
                counts["truncated"] += int(result.truncated)
                if result.low_resolution:
                    counts["low_resolution"] += 1
                    typer.echo(f"line {result.job_id}: warning: low-resolution source", err=True)
        for item in line_errors:
            counts["failed"] += 1
            typer.echo(f"line {item['line']}: error: {item['error']}", err=True)
        elapsed = time.perf_counter() - started
        total = counts["ok"] + counts["skipped"] + counts["failed"]
        rate = total / elapsed if elapsed > 0 else 0.0
        typer.echo(f"rendered {counts['ok']}, skipped {counts['skipped']} (text too long), "
                   f"truncated {counts['truncated']}, low resolution {counts['low_resolution']}, "
                   f"failed {counts['failed']} of {total} "
                   f"in {elapsed:.1f} s ({rate:.1f}/s)")
        if counts["failed"]:
            raise typer.Exit(1)
        sys.stdout.flush()
