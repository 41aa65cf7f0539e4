"""curatarr reset-auth / backup / restore."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from curatarr.cli._common import DataDirOption, open_existing_runtime, open_runtime


def _runtime(data_dir: Optional[Path]):
    return open_runtime(data_dir, console_logs=False)


def _existing_runtime(data_dir: Optional[Path]):
    return open_existing_runtime(data_dir, console_logs=False)


def register(app: typer.Typer) -> None:
    @app.command("reset-auth")
    def reset_auth(data_dir: Optional[Path] = DataDirOption,
                   yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation")):
        """Remove every user and API key so first-run setup can run again."""
        if not yes:
            typer.confirm("Remove all users and API keys?", abort=True)
        rt = _existing_runtime(data_dir)
        n = rt.auth.reset()
        typer.echo(f"Removed {n} user(s). Open the web UI to create a new one.")
        rt.close()

    @app.command()
    def backup(data_dir: Optional[Path] = DataDirOption):
        """Write a backup zip (config + database) into data/backups and print its path."""
        from curatarr.backup import create_backup

        rt = _existing_runtime(data_dir)
        path = create_backup(rt)
        typer.echo(str(path))
        rt.close()

    @app.command()
    def restore(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
                data_dir: Optional[Path] = DataDirOption,
                yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation")):
        """Restore config and database from a backup zip (a pre-restore backup is kept)."""
        from curatarr.backup import RestoreRejected, restore_backup

        if not yes:
            typer.confirm(f"Replace config and database with {file.name}?", abort=True)
        rt = _runtime(data_dir)
        try:
            result = restore_backup(rt, file)
        except RestoreRejected as exc:
            typer.echo(f"Restore refused: {exc}", err=True)
            raise typer.Exit(2) from None
        finally:
            rt.close()
        typer.echo(f"Restored {', '.join(result['restored'])}; previous state saved as {result['pre_restore_backup']}")
