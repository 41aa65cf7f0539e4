"""Options shared by commands."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

DataDirOption = typer.Option(None, "--data-dir", envvar="CURATARR_DATA_DIR",
                             help="Data directory (config.yml, database, logs). Default ./data")


def data_dir_or_default(data_dir: Optional[Path]) -> Path:
    return Path(data_dir) if data_dir else Path("./data")
