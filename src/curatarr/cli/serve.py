"""curatarr serve / version."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from curatarr import __version__
from curatarr.cli._common import DataDirOption, open_runtime


def serve_runtime(rt, host: str, port: int) -> None:
    """Run the real server for ``rt`` (used by serve and demo)."""
    import uvicorn

    from curatarr.app import create_app

    typer.echo(f"Curatarr {__version__}")
    typer.echo(f"  config:   {rt.config.path}")
    typer.echo(f"  database: {rt.db.engine.url.render_as_string(hide_password=True)}")
    typer.echo(f"  logs:     {rt.logs_dir}")
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    typer.echo(f"  web UI:   http://{shown}:{port}/")
    from curatarr.auth.ratelimit import UVICORN_OPTIONS

    uvicorn.run(create_app(rt), host=host, port=port, log_level="warning", access_log=False, **UVICORN_OPTIONS)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on"),
              port: int = typer.Option(8000, "--port", help="Port to listen on"),
              data_dir: Optional[Path] = DataDirOption):
        """Run the Curatarr web server."""
        rt = open_runtime(data_dir)
        serve_runtime(rt, host, port)

    @app.command()
    def version():
        """Print the version."""
        typer.echo(__version__)
