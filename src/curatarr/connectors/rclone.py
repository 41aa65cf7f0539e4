"""rclone wrapper: sync/copy/list a Google Drive folder (by folder id) into a local folder.

Secrets (OAuth client secret, token JSON, service-account JSON) never appear on the command line,
where any local user can read them from ``ps``: they travel in ``RCLONE_CONFIG_<REMOTE>_*``
environment variables (default) or in a 0600 temporary config file that is deleted afterwards.
Progress comes from ``--use-json-log --stats``: rclone writes one JSON object per log line on
stderr, and stats lines carry a ``stats`` object (bytes, totalBytes, transfers, errors, eta...).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Sequence

from curatarr.config.secrets import MASK
from curatarr.connectors.errors import AuthFailed, BadResponse, ConnectorError, NotFound, Unreachable
from curatarr.security.paths import PathRejected, safe_path

SERVICE = "rclone"
_REMOTE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
_FOLDER_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,199}$")
_AUTH_HINTS = ("invalid_grant", "invalid_client", "unauthorized", "401", "403", "oauth2",
               "couldn't find root directory id", "permission")


class RcloneError(BadResponse):
    """rclone exited non-zero. ``exit_code`` is rclone's; ``log_tail`` its last (masked) errors."""

    def __init__(self, message: str, *, exit_code: int | None = None, log_tail: Sequence[str] = (), **kw):
        super().__init__(message, service=SERVICE, **kw)
        self.exit_code = exit_code
        self.log_tail = list(log_tail)


class InvalidArgument(ConnectorError, ValueError):
    """A folder id, path or remote name would be unsafe to hand to rclone."""

    http_status = 400


@dataclass(frozen=True)
class DriveRemote:
    """A Google Drive remote. Give OAuth (``client_id``/``client_secret``/``token``) or a service account."""

    name: str = "gdrive"
    client_id: str | None = None
    client_secret: str | None = None
    token: str | None = None  # the OAuth token JSON rclone stores
    service_account_json: str | None = None  # the file's CONTENTS
    scope: str = "drive.readonly"
    shared_drive_id: str | None = None

    def options(self) -> dict[str, str]:
        """rclone config options of this remote (secrets included — never log this)."""
        opts = {"type": "drive", "scope": self.scope}
        for key, value in (("client_id", self.client_id), ("client_secret", self.client_secret),
                           ("token", self.token), ("service_account_credentials", self.service_account_json),
                           ("team_drive", self.shared_drive_id)):
            if value:
                opts[key] = value
        return opts

    def secrets(self) -> list[str]:
        return [s for s in (self.client_secret, self.token, self.service_account_json) if s]


@dataclass
class RcloneStats:
    bytes: int = 0
    total_bytes: int = 0
    transfers: int = 0
    total_transfers: int = 0
    checks: int = 0
    errors: int = 0
    deletes: int = 0
    speed: float = 0.0
    eta: float | None = None
    elapsed: float = 0.0

    @classmethod
    def from_json(cls, s: dict) -> "RcloneStats":
        def num(key: str, kind=int):
            try:
                return kind(s.get(key) or 0)
            except (TypeError, ValueError):
                return kind(0)
        eta = s.get("eta")
        return cls(bytes=num("bytes"), total_bytes=num("totalBytes"), transfers=num("transfers"),
                   total_transfers=num("totalTransfers"), checks=num("checks"), errors=num("errors"),
                   deletes=num("deletes"), speed=num("speed", float),
                   eta=float(eta) if isinstance(eta, (int, float)) else None,
                   elapsed=num("elapsedTime", float))


@dataclass
class RcloneResult:
    command: str
    exit_code: int
    stats: RcloneStats = field(default_factory=RcloneStats)
    copied: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


ProgressCallback = Callable[[RcloneStats], None]


def validate_folder_id(folder_id: str) -> str:
    if not isinstance(folder_id, str) or not _FOLDER_ID.match(folder_id):
        raise InvalidArgument("Drive folder id must be letters, digits, '_' or '-' and not start with '-'",
                              service=SERVICE)
    return folder_id


def validate_local_path(path: str | os.PathLike, roots: Sequence[str | Path] | None) -> Path:
    text = os.fspath(path)
    if not text or "\x00" in text or text.startswith("-"):
        raise InvalidArgument("local path is empty, contains NUL or starts with '-'", service=SERVICE)
    if roots is None:
        return Path(text).resolve()
    try:
        return safe_path(text, roots)
    except PathRejected as exc:
        raise InvalidArgument(str(exc), service=SERVICE) from None


def _mask(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


class RcloneRunner:
    """Runs the ``rclone`` binary for Drive → local transfers.

    ``roots`` limits where local paths may point (None = anywhere, for CLI use). ``config_mode``
    is ``"env"`` (secrets in the child's environment) or ``"file"`` (0600 temp config file, created in
    ``config_dir`` — e.g. the data directory — or the system temp folder).
    """

    def __init__(self, *, binary: str = "rclone", timeout: float = 6 * 3600, roots: Sequence[str | Path] | None = None,
                 config_mode: Literal["env", "file"] = "env", stats_interval: str = "1s",
                 extra_env: dict[str, str] | None = None, config_dir: str | os.PathLike | None = None):
        if config_mode not in ("env", "file"):
            raise ValueError("config_mode must be 'env' or 'file'")
        self.binary = binary
        self.timeout = timeout
        self.roots = roots
        self.config_mode = config_mode
        self.stats_interval = stats_interval
        self.extra_env = dict(extra_env or {})
        self.config_dir = os.fspath(config_dir) if config_dir is not None else None  # default: system temp

    # ---- public commands --------------------------------------------------------------------
    def sync(self, remote: DriveRemote, folder_id: str, dest: str | os.PathLike, *, dry_run: bool = False,
             progress: ProgressCallback | None = None, cancel: threading.Event | None = None) -> RcloneResult:
        """Make ``dest`` an exact mirror of the Drive folder (deletes local extras)."""
        return self._transfer("sync", remote, folder_id, dest, dry_run, progress, cancel)

    def copy(self, remote: DriveRemote, folder_id: str, dest: str | os.PathLike, *, dry_run: bool = False,
             progress: ProgressCallback | None = None, cancel: threading.Event | None = None) -> RcloneResult:
        """Copy new/changed files from the Drive folder into ``dest`` (never deletes)."""
        return self._transfer("copy", remote, folder_id, dest, dry_run, progress, cancel)

    def transfer_path(self, command: Literal["sync", "copy"], remote_name: str, path: str,
                      dest: str | os.PathLike, *, dry_run: bool = False, progress: ProgressCallback | None = None,
                      cancel: threading.Event | None = None) -> RcloneResult:
        """``sync``/``copy`` from ``remote_name:path`` of a remote the rclone config file already defines
        (``RCLONE_CONFIG`` in ``extra_env``), e.g. one made with ``rclone config``; no secrets pass here."""
        if command not in ("sync", "copy"):
            raise InvalidArgument("command must be sync or copy", service=SERVICE)
        if not _REMOTE_NAME.match(remote_name):
            raise InvalidArgument("remote name must be letters, digits or '_'", service=SERVICE)
        if "\x00" in path or path.startswith("-") or ".." in path.replace("\\", "/").split("/"):
            raise InvalidArgument("remote path contains NUL, '..' or starts with '-'", service=SERVICE)
        return self._transfer(command, None, None, dest, dry_run, progress, cancel,
                              source=f"{remote_name}:{path.lstrip('/')}")

    def lsjson(self, remote: DriveRemote, folder_id: str, *, recursive: bool = False,
               files_only: bool = False) -> list[dict]:
        """The folder's entries as rclone's lsjson objects (Path, Name, Size, MimeType, ModTime, IsDir, ID)."""
        args = ["lsjson", f"{self._remote_name(remote)}:", f"--drive-root-folder-id={validate_folder_id(folder_id)}"]
        if recursive:
            args.append("--recursive")
        if files_only:
            args.append("--files-only")
        code, out, log = self._run(args, remote, None, None)
        if code != 0:
            raise self._error("lsjson", code, log, remote)
        try:
            entries = json.loads(out or "[]")
        except ValueError:
            raise BadResponse("rclone lsjson printed invalid JSON", service=SERVICE) from None
        if not isinstance(entries, list):
            raise BadResponse("rclone lsjson did not print a list", service=SERVICE)
        return entries

    def version(self) -> str:
        code, out, _ = self._run(["version"], None, None, None)
        if code != 0:
            raise RcloneError("rclone version failed", exit_code=code)
        return (out.splitlines() or [""])[0].strip()

    # ---- internals --------------------------------------------------------------------------
    @staticmethod
    def _remote_name(remote: DriveRemote) -> str:
        if not _REMOTE_NAME.match(remote.name):
            raise InvalidArgument("remote name must be letters, digits or '_'", service=SERVICE)
        return remote.name

    def _transfer(self, command: str, remote: DriveRemote | None, folder_id: str | None, dest: str | os.PathLike,
                  dry_run: bool, progress: ProgressCallback | None,
                  cancel: threading.Event | None, *, source: str | None = None) -> RcloneResult:
        target = validate_local_path(dest, self.roots)
        if remote is not None:
            args = [command, f"{self._remote_name(remote)}:", str(target),
                    f"--drive-root-folder-id={validate_folder_id(folder_id or '')}"]
        else:
            args = [command, str(source), str(target)]
        args += ["--use-json-log", "--stats", self.stats_interval, "--stats-log-level", "NOTICE", "-v"]
        if dry_run:
            args.append("--dry-run")
        result = RcloneResult(command=command, exit_code=-1)

        def on_line(entry: dict) -> None:
            if isinstance(entry.get("stats"), dict):
                result.stats = RcloneStats.from_json(entry["stats"])
                if progress is not None:
                    progress(result.stats)
                return
            msg, obj = str(entry.get("msg", "")), entry.get("object")
            skipped = entry.get("skipped")  # --dry-run: "Skipped copy as --dry-run is set" (skipped=copy/delete)
            if obj and skipped == "copy":
                result.copied.append(str(obj))
            elif obj and skipped == "delete":
                result.deleted.append(str(obj))
            elif obj and msg.startswith("Copied"):
                result.copied.append(str(obj))
            elif obj and msg.startswith("Deleted"):
                result.deleted.append(str(obj))
            elif entry.get("level") in ("error", "critical"):
                result.errors.append(_mask(msg, remote.secrets() if remote else []))

        code, _, log = self._run(args, remote, on_line, cancel)
        result.exit_code = code
        if code != 0:
            raise self._error(command, code, log, remote)
        return result

    def _error(self, command: str, code: int, log: list[str], remote: DriveRemote | None) -> ConnectorError:
        tail = [_mask(line, remote.secrets() if remote else []) for line in log[-5:]]
        text = " ".join(tail).lower()
        summary = tail[-1] if tail else "no output"
        if code in (3, 4):
            return NotFound(f"rclone {command}: folder or file not found", service=SERVICE)
        if any(h in text for h in _AUTH_HINTS):
            return AuthFailed(f"rclone {command}: Google Drive refused the credentials", service=SERVICE)
        return RcloneError(f"rclone {command} failed (exit {code}): {summary[:300]}", exit_code=code, log_tail=tail)

    def _environment(self, remote: DriveRemote | None, config_file: Path | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_CONFIG_")}
        env.update(self.extra_env)
        if remote is not None and config_file is None:
            prefix = f"RCLONE_CONFIG_{remote.name.upper()}_"
            for key, value in remote.options().items():
                env[prefix + key.upper()] = value
        if config_file is not None:
            env["RCLONE_CONFIG"] = str(config_file)
        return env

    def _write_config(self, remote: DriveRemote) -> Path:
        fd, name = tempfile.mkstemp(prefix="curatarr-rclone-", suffix=".conf", dir=self.config_dir)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"[{remote.name}]\n")
            for key, value in remote.options().items():
                # rclone's INI reader takes the rest of the line; newlines would start a new key
                fh.write(f"{key} = {' '.join(str(value).splitlines())}\n")
        return Path(name)

    def _run(self, args: list[str], remote: DriveRemote | None, on_line: Callable[[dict], None] | None,
             cancel: threading.Event | None) -> tuple[int, str, list[str]]:
        binary = shutil.which(self.binary)
        if binary is None:
            raise Unreachable("rclone is not installed (binary not found on PATH)", service=SERVICE)
        for arg in args:
            if "\x00" in arg:
                raise InvalidArgument("argument contains a NUL byte", service=SERVICE)
        config_file = self._write_config(remote) if remote is not None and self.config_mode == "file" else None
        log: list[str] = []
        try:
            proc = subprocess.Popen([binary, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=self._environment(remote, config_file),
                                    start_new_session=True)
            out_chunks: list[str] = []
            reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)
            reader.start()
            stderr_thread = threading.Thread(target=self._read_log, args=(proc, log, on_line), daemon=True)
            stderr_thread.start()
            self._wait(proc, cancel)
            reader.join()
            stderr_thread.join()
            return proc.returncode, "".join(out_chunks), log
        finally:
            if config_file is not None:
                config_file.unlink(missing_ok=True)

    def _wait(self, proc: subprocess.Popen, cancel: threading.Event | None) -> None:
        remaining = self.timeout
        step = 0.2
        while True:
            try:
                proc.wait(timeout=min(step, remaining) if remaining > 0 else 0.01)
                return
            except subprocess.TimeoutExpired:
                remaining -= step
            if cancel is not None and cancel.is_set():
                self._kill(proc)
                raise RcloneError("rclone was cancelled", exit_code=None)
            if remaining <= 0:
                self._kill(proc)
                raise Unreachable(f"rclone did not finish within {self.timeout:g} s", service=SERVICE)

    @staticmethod
    def _kill(proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()

    @staticmethod
    def _read_log(proc: subprocess.Popen, log: list[str], on_line: Callable[[dict], None] | None) -> None:
        for raw in proc.stderr:
            line = raw.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if isinstance(entry, dict):
                if entry.get("level") in ("error", "critical", "warning"):
                    log.append(str(entry.get("msg", "")))
                if on_line is not None:
                    on_line(entry)
            else:
                log.append(line)
