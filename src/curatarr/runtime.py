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
import threading
from typing import TYPE_CHECKING, Any, Callable

from curatarr import __version__
from curatarr.auth.service import AuthService
from curatarr.auth.tokens import load_or_create_secret
from curatarr.config import ConfigStore, Settings
from curatarr.db import Database
from curatarr.logs import LogManager
from curatarr.logs.redact import secret_values
from curatarr.security.roots import compute_roots

if TYPE_CHECKING:  # annotations only: the runtime imports nothing above auth/config/db/logs at run time
    from curatarr.artwork.service import ArtworkService
    from curatarr.auth.ratelimit import TokenBucketLimiter
    from curatarr.instances.health import HealthCache
    from curatarr.instances.logstore import InstanceLogStore
    from curatarr.jobs.events import EventBus
    from curatarr.jobs.queue import LocalJobQueue
    from curatarr.jobs.scheduler import Scheduler
    from curatarr.jobs.webhooks import Deduper
    from curatarr.library.service import LibraryService

log = logging.getLogger("curatarr")

# A system report provider: (runtime, days) -> {"digest": {...}, "cleanup": {...}} (either part optional).
SystemReport = Callable[["Runtime", int], dict]

# One line per area that needs start/stop work. Each names an object with start(rt) and stop(rt).
LIFECYCLE_HOOKS: list[str] = [
    "curatarr.instances.lifecycle:hooks",
    "curatarr.jobs.lifecycle:hooks",
    "curatarr.artwork.service:hooks",
    "curatarr.library.retire:hooks",
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
        # Services other areas attach. None means "not running / not created yet" (e.g. CLI commands).
        # Set by the jobs lifecycle hook on start():
        self.jobs: LocalJobQueue | None = None
        self.events: EventBus | None = None
        self.scheduler: Scheduler | None = None
        # Created on first use by their area (library_for, artwork_service, get_store, health_cache, …):
        self.library: LibraryService | None = None
        self.artwork: ArtworkService | None = None
        self.instance_logs: InstanceLogStore | None = None
        self.instance_health: HealthCache | None = None
        self.login_limiter: TokenBucketLimiter | None = None
        self.webhook_limiter: TokenBucketLimiter | None = None
        self.webhook_dedupe: Deduper | None = None
        # Providers behind /api/system/digest and /api/system/cleanup-candidates, by area name.
        self.system_reports: dict[str, SystemReport] = {}
        # True when something else records the instances' health snapshots (the periodic probe then idles).
        self.health_probe_scheduled: bool = False
        # Guards the create-on-first-use services above against two threads creating one each.
        self.attach_lock = threading.Lock()
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
        """Folders users may name in the API (the root rule: :mod:`curatarr.security.roots`)."""
        return compute_roots(self.data_dir, self.config.as_dict())

    # ---- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        from curatarr.fsutil import ensure_reserve

        # Room to record how jobs ended if the data disk fills up (jobs/queue.py frees it then).
        ensure_reserve(self.data_dir)
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


