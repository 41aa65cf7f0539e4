"""curatarr run MODULE [--dry-run] [--set key=value …]: run a module now, in the foreground, with a
progress bar and the same job record (history, log, notifications) as a run from the web UI."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any, List, Optional

import typer

from curatarr.cli._common import DataDirOption, open_runtime

EXIT_ERROR, EXIT_BUSY, EXIT_CANCELLED = 1, 3, 130


def parse_sets(values: list[str]) -> dict[str, Any]:
    """``key=value`` pairs → overrides. Values are JSON when they parse (numbers, true/false,
    lists, objects), else plain strings; ``a.b=1`` nests."""
    out: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise typer.BadParameter(f"--set needs key=value, got {item!r}")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise typer.BadParameter(f"--set {key}: {part} is already a value")
            node = nxt
        node[parts[-1]] = value
    return out


def _summary(job: dict) -> str:
    result = job.get("result") or {}
    counts = ", ".join(f"{k}: {v}" for k, v in (result.get("counts") or {}).items()) or "no counts"
    lines = [f"job {job.get('id')} {job.get('status')} ({counts})"]
    if job.get("error"):
        lines.append(f"error: {job['error']}")
    changed = result.get("changed") or []
    for c in changed[:20]:
        lines.append(f"  • {c.get('description')}")
    if len(changed) > 20 or result.get("truncated"):
        lines.append(f"  … {len(changed) - 20 + int(result.get('truncated') or 0)} more")
    for w in (result.get("warnings") or [])[:10]:
        lines.append(f"  ! {w}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(module: str = typer.Argument(..., help="Module name (see `curatarr modules`)"),
            dry_run: Optional[bool] = typer.Option(None, "--dry-run/--no-dry-run",
                                                   help="Only report (default: the module's configured dry_run)"),
            set_: List[str] = typer.Option([], "--set", help="One-shot override key=value (repeatable)"),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar"),
            data_dir: Optional[Path] = DataDirOption):
        """Run MODULE now in the foreground. Ctrl-C cancels it cleanly (the job ends "cancelled")."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from curatarr.jobs.foreground import AlreadyRunning, run_in_foreground
        from curatarr.modules import registry

        overrides = parse_sets(set_)
        rt = open_runtime(data_dir, console_logs=False)
        try:
            if not registry.exists(module):
                typer.echo(f"unknown module {module!r}; known: {', '.join(registry.names(include_hidden=False))}",
                           err=True)
                raise typer.Exit(2)
            cancel = threading.Event()
            previous = None
            if threading.current_thread() is threading.main_thread():
                def on_sigint(_sig, _frame):
                    if cancel.is_set():
                        raise KeyboardInterrupt
                    cancel.set()
                    typer.echo("\ncancelling… (Ctrl-C again to abort)", err=True)

                previous = signal.signal(signal.SIGINT, on_sigint)
            progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), disable=quiet, transient=False)
            task = progress.add_task(module, total=None)

            def on_progress(state: dict) -> None:
                label = " · ".join(str(p) for p in (state.get("phase"), state.get("item")) if p)
                total = state.get("total") or None
                progress.update(task, completed=state.get("done") or 0, total=total,
                                description=f"{module}: {label}"[:80] if label else module)

            try:
                with progress:
                    job = run_in_foreground(rt, module, overrides=overrides or None, dry_run=dry_run,
                                            on_progress=on_progress, cancel_event=cancel)
            except AlreadyRunning as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(EXIT_BUSY) from None
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
            typer.echo(_summary(job))
            status = job.get("status")
            if status == "cancelled":
                raise typer.Exit(EXIT_CANCELLED)
            if status != "success":
                raise typer.Exit(EXIT_ERROR)
        finally:
            rt.close()

    @app.command("modules")
    def modules(data_dir: Optional[Path] = DataDirOption):
        """List the modules and their schedules."""
        from curatarr.modules import registry

        rt = open_runtime(data_dir, console_logs=False)
        try:
            schedule = rt.config.settings.schedule or {}
            for mod in registry.all_modules(include_hidden=False):
                typer.echo(f"{mod.name:<20} {schedule.get(mod.name) or 'manual':<28} {mod.description}")
        finally:
            rt.close()
