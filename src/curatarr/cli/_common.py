"""Options shared by commands."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DataDirOption = typer.Option(None, "--data-dir", envvar="CURATARR_DATA_DIR",
                             help="Data directory (config.yml, database, logs). Default ./data")


def data_dir_or_default(data_dir: Optional[Path]) -> Path:
    return Path(data_dir) if data_dir else Path("./data")


def open_runtime(data_dir: Optional[Path], **kwargs):
    """The Runtime for ``data_dir``; a broken config.yml ends the command with its message, exit code 2
    (not a traceback)."""
    from curatarr.config import ConfigError
    from curatarr.runtime import Runtime

    folder = data_dir_or_default(data_dir)
    try:
        return Runtime(folder, **kwargs)
    except ConfigError as exc:
        typer.echo(f"Curatarr cannot start: {Path(folder).resolve() / 'config.yml'}: {exc}", err=True)
        raise typer.Exit(2) from None


def open_existing_runtime(data_dir: Optional[Path], **kwargs):
    """Like :func:`open_runtime`, for commands that only make sense on data that exists (backup,
    reset-auth): a folder without ``config.yml`` ends the command (exit code 2) instead of being
    created empty and, say, backed up as if it were the real one."""
    folder = data_dir_or_default(data_dir)
    if not (Path(folder) / "config.yml").is_file():
        how = "--data-dir / CURATARR_DATA_DIR" if data_dir else "--data-dir (or set CURATARR_DATA_DIR)"
        typer.echo(f"No Curatarr data directory at {Path(folder).resolve()} (no config.yml there); "
                   f"name the right one with {how}", err=True)
        raise typer.Exit(2)
    return open_runtime(folder, **kwargs)
