"""curatarr demo: the real server with simulated Radarr/Sonarr/Lidarr/Plex/Jellyfin/Emby/TMDB/Fanart/TVDB."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on"),
             port: int = typer.Option(8000, "--port", help="Port to listen on"),
             data_dir: Path = typer.Option(Path("./demo-data"), "--data-dir",
                                           help="Demo data folder (wiped and recreated on start)"),
             keep: bool = typer.Option(False, "--keep", help="Keep the data folder from the last demo")):
        """Run Curatarr against built-in simulators (login demo / demo)."""
        from curatarr.demo import DemoDirError, run

        try:
            run(host, port, data_dir, keep=keep, echo=typer.echo)
        except DemoDirError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
