"""LogManager: configures handlers once per process and hands out per-module file loggers.

Layout: ``<data>/logs/<module>/<module>.log`` rotated by size into ``<module>.log.1`` … The
``general`` module receives everything logged under ``curatarr`` (and uvicorn's errors).
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

from curatarr.logs.redact import RedactionFilter

FORMAT = "%(asctime)s %(levelname)-7s [%(name)s] %(message)s"
MODULE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class LogManager:
    def __init__(self, logs_dir: Path, *, level: str = "info", max_bytes: int = 10_000_000, backups: int = 9,
                 console: bool = True):
        self.logs_dir = Path(logs_dir)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self.level = getattr(logging, level.upper(), logging.INFO)
        self.max_bytes = max_bytes
        self.backups = backups
        self.redactor = RedactionFilter()
        self._handlers: dict[str, logging.Handler] = {}
        self._lock = threading.Lock()
        self._console = console
        self._configure_root()

    def _file_handler(self, module: str) -> logging.Handler:
        folder = self.logs_dir / module
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / f"{module}.log", maxBytes=self.max_bytes, backupCount=self.backups, encoding="utf-8", delay=True
        )
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(self.redactor)
        return handler

    def _configure_root(self) -> None:
        root = logging.getLogger("curatarr")
        root.setLevel(self.level)
        for h in list(root.handlers):
            if getattr(h, "_curatarr", False):
                root.removeHandler(h)
                h.close()
        general = self._file_handler("general")
        general._curatarr = True  # type: ignore[attr-defined]
        root.addHandler(general)
        self._handlers["general"] = general
        if self._console:
            console = logging.StreamHandler()
            console.setFormatter(logging.Formatter(FORMAT))
            console.addFilter(self.redactor)
            console._curatarr = True  # type: ignore[attr-defined]
            console.setLevel(logging.INFO)
            root.addHandler(console)
        # Third-party loggers that may print URLs with keys go through the same filter.
        for name in ("httpx", "httpcore", "uvicorn.error", "apprise", "plexapi", "urllib3"):
            lg = logging.getLogger(name)
            for h in list(lg.handlers):
                if getattr(h, "_curatarr", False):
                    lg.removeHandler(h)
            lg.addHandler(general)
            lg.setLevel(logging.WARNING)

    def set_level(self, level: str) -> None:
        self.level = getattr(logging, level.upper(), logging.INFO)
        logging.getLogger("curatarr").setLevel(self.level)

    def module_logger(self, module: str) -> logging.Logger:
        """Logger writing to ``logs/<module>/<module>.log`` (and to general via propagation)."""
        if not MODULE_NAME.match(module):
            raise ValueError(f"invalid log module name {module!r}")
        logger = logging.getLogger(f"curatarr.modules.{module}")
        with self._lock:
            if module not in self._handlers:
                handler = self._file_handler(module)
                handler._curatarr = True  # type: ignore[attr-defined]
                logger.addHandler(handler)
                self._handlers[module] = handler
        return logger

    def close(self) -> None:
        with self._lock:
            for name, handler in self._handlers.items():
                handler.close()
