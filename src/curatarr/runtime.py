"""Runtime: everything one running Curatarr owns — data dir, config, database, logs, auth, and the
services later layers attach (jobs, scheduler, event bus, caches).

``create_app`` builds one and stores it on ``app.state.runtime``; the CLI builds one for commands
that work without the web server (backup, restore, reset-auth, run).

Areas that need start/stop work (job workers, scheduler, health probes) register a hook in
:data:`LIFECYCLE_HOOKS` (one import string per line): ``"curatarr.jobs.lifecycle:hooks"`` names an
object with ``start(rt)`` and ``stop(rt)``.
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Any

from curatarr import __version__
from curatarr.auth.service import AuthService
from curatarr.auth.tokens import load_or_create_secret
from curatarr.config import ConfigStore, Settings
from curatarr.db import Database
from curatarr.logs import LogManager
from curatarr.logs.redact import secret_values

log = logging.getLogger("curatarr")

# One line per area that needs start/stop work. Each names an object with start(rt) and stop(rt).
LIFECYCLE_HOOKS: list[str] = [
    "curatarr.instances.lifecycle:hooks",
    "curatarr.jobs.lifecycle:hooks",
    "curatarr.artwork.service:hooks",
    # lifecycle: add new lines above this one
]

DEFAULT_DATA_DIR = "./data"


def default_data_dir() -> Path:
    return Path(os.environ.get("CURATARR_DATA_DIR") or DEFAULT_DATA_DIR)


class Runtime:
    def __init__(self, data_dir: Path | str | None = None, *, database_url: str | None = None,
                 console_logs: bool = True, migrate: bool = True):
        self.data_dir = Path(data_dir or default_data_dir()).expanduser().resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for sub in ("logs", "backups", "cache"):
            (self.data_dir / sub).mkdir(exist_ok=True)
        self.version = __version__
        self.config = ConfigStore(self.data_dir / "config.yml")
        s = self.config.settings
        self.logs = LogManager(self.logs_dir, level=s.general.log_level, max_bytes=s.general.log_max_bytes,
                               backups=s.general.max_logs, console=console_logs)
        self._refresh_redaction()
        self.config.subscribe(self._on_config_change)
        url = database_url or os.environ.get("CURATARR_DATABASE_URL") or s.database.url
        self.db = Database.for_data_dir(self.data_dir, url)
        if migrate:
            self.db.migrate()
        self.jwt_secret = load_or_create_secret(self.data_dir / "jwt.secret")
        self.auth = AuthService(self.db, self.jwt_secret, lambda: self.config.settings.auth.token_expiry_hours,
                                lambda: self.config.settings.auth.bcrypt_rounds)
        self.extensions: dict[str, Any] = {}  # services attached by other areas (jobs, events, …)
        # Set by the jobs lifecycle hook on start(); None means "not running" (e.g. CLI commands).
        self.jobs: Any = None
        self.events: Any = None
        self.scheduler: Any = None
        self._started: list[Any] = []

    # ---- paths ---------------------------------------------------------------------------------
    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings(self) -> Settings:
        return self.config.settings

    def roots(self) -> list[Path]:
        """Folders users may name in the API: the data dir, general.allowed_roots, and every
        ``*_dir``/``*_path``/``*_dirs`` folder configured in a module section."""
        found: list[str] = [str(self.data_dir)]
        found += list(self.settings.general.allowed_roots)
        for name, section in self.config.as_dict().items():
            if name in ("general", "auth", "database", "backup", "user_interface", "instances", "schedule", "notifications"):
                continue
            if isinstance(section, dict):
                found += _folder_values(section)
        out: list[Path] = []
        for item in found:
            p = Path(item).expanduser()
            if p.is_absolute() and p.exists():
                rp = p.resolve()
                if rp not in out and rp != Path("/"):
                    out.append(rp)
        return out

    # ---- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        for spec in LIFECYCLE_HOOKS:
            module_name, _, attr = spec.partition(":")
            hook = getattr(importlib.import_module(module_name), attr)
            hook.start(self)
            self._started.append(hook)

    def stop(self) -> None:
        while self._started:
            hook = self._started.pop()
            try:
                hook.stop(self)
            except Exception:
                log.exception("error while stopping %r", hook)

    def close(self) -> None:
        self.stop()
        self.db.dispose()
        self.logs.close()

    def _refresh_redaction(self) -> None:
        self.logs.redactor.set_literals(secret_values(self.config.as_dict()) + [getattr(self, "jwt_secret", "")])

    def _on_config_change(self, old: Settings, new: Settings) -> None:
        self._refresh_redaction()
        if old.general.log_level != new.general.log_level:
            self.logs.set_level(new.general.log_level)


def _folder_values(section: dict) -> list[str]:
    out: list[str] = []
    for key, value in section.items():
        k = str(key)
        if k.endswith(("_dir", "_path", "_folder", "_dirs", "_paths", "_folders", "_roots")) or k in ("asset_path", "source_dirs", "destination_dir"):
            if isinstance(value, str) and value:
                out.append(value)
            elif isinstance(value, list):
                out += [v for v in value if isinstance(v, str) and v]
                out += [v.get("path") for v in value if isinstance(v, dict) and isinstance(v.get("path"), str)]
        elif isinstance(value, dict):
            out += _folder_values(value)
    return out
