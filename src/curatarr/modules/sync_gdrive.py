"""sync_gdrive: mirror Google Drive poster folders (TPDb/MediUX creators' shared drives) into local
folders with the ``rclone`` binary, one folder after the other.

CHUB's config shape (``gdrive_list: [{id, location, name}]``, ``client_id``/``client_secret``/``token``,
``gdrive_sa_location``). Differences from CHUB, on purpose:

* secrets never reach rclone's command line (``connectors.rclone`` passes them in the environment);
* a folder that fails fails the job (CHUB swallowed the error and reported success), after the
  other folders had their turn;
* progress comes from rclone's JSON stats; cancelling stops rclone (its process group) at once;
* every ``location`` must be a folder that may be a root (``security.roots``: absolute, not a system
  folder, not the data dir) and no two entries share one — a mirror deletes what the Drive folder
  does not have;
* ``rclone_remote``: use a remote of your own rclone config file instead of the built-in Drive remote
  (each ``id`` is then a path inside it) — for an existing ``rclone config`` setup, and how the tests
  run the real binary without network.

Stats (file count, bytes, newest file) are computed after each folder's sync and stored for
``GET /api/posters/gdrive/stats``.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from curatarr.connectors.errors import ConnectorError
from curatarr.connectors.rclone import DriveRemote, RcloneRunner, RcloneStats, validate_folder_id
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult
from curatarr.poster_library.gdrive import location_key, save_stats, walk_stats
from curatarr.security.roots import root_problem

# Two runs never mirror into the same folder at once (POST /gdrive/sync may start several jobs).
_location_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class GdriveEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(..., min_length=1, description="Drive folder id (or a path inside rclone_remote)")
    location: str = Field(..., min_length=1, description="Local folder the Drive folder is mirrored into")
    name: str = Field("", description="Display name (the creator); defaults to the id")

    @property
    def label(self) -> str:
        return self.name or self.id


class SyncGdriveConfig(ModuleConfig):
    dry_run: bool = Field(False, description="Ask rclone what it would copy/delete; change nothing")
    gdrive_list: list[GdriveEntry] = Field(default_factory=list, description="Drive folders to mirror")
    gdrive_names: list[str] = Field(default_factory=list,
                                    description="Only the entries with these names (empty = all)")
    client_id: str = Field("", description="Google OAuth client id (optional with a token)")
    client_secret: str = Field("", description="Google OAuth client secret")
    token: str = Field("", description="rclone's OAuth token JSON ({access_token, refresh_token, expiry, …})")
    gdrive_sa_location: str = Field("", description="Service-account JSON file; preferred over OAuth when it exists")
    mirror: bool = Field(True, description="Delete local files the Drive folder no longer has (rclone sync); "
                                           "off = copy new and changed files only")
    rclone_remote: str = Field("", description="Use this remote of rclone_config instead of the built-in "
                                               "Drive remote; each id is then a path inside it")
    rclone_config: str = Field("", description="rclone.conf that defines rclone_remote")
    rclone_binary: str = Field("rclone", description="rclone executable (name on PATH or absolute path)")
    timeout_minutes: int = Field(360, ge=1, le=48 * 60, description="Stop a folder's sync after this long")

    @field_validator("token", mode="before")
    @classmethod
    def _token_json(cls, value: Any) -> Any:
        if isinstance(value, dict):  # CHUB also stored the token as a mapping
            return json.dumps(value)
        return "" if value is None else value


class _CancelProbe:
    """What RcloneRunner polls (``is_set``), answered by the run's own cancel state."""

    def __init__(self, ctx: RunContext):
        self._ctx = ctx

    def is_set(self) -> bool:
        return self._ctx.cancelled


class SyncGdrive(Module):
    name = "sync_gdrive"
    title = "Sync Google Drive"
    description = "Mirrors Google Drive poster folders into local poster source folders with rclone."
    category = "artwork"
    Config = SyncGdriveConfig
    allow_concurrent = True  # one job per folder (POST /api/posters/gdrive/sync); same folder → serialised

    def run(self, ctx: RunContext, config: SyncGdriveConfig) -> RunResult:
        entries = self._entries(config)
        binary = shutil.which(config.rclone_binary)
        if binary is None:
            raise ModuleError(f"rclone is not installed ({config.rclone_binary!r} not found on PATH); "
                              "install the rclone package to sync Google Drive folders")
        remote = None if config.rclone_remote else self._drive_remote(ctx, config)
        if config.rclone_remote and config.rclone_config and not Path(config.rclone_config).is_file():
            raise ModuleError(f"rclone_config {config.rclone_config!r} does not exist")
        folders = [self._location(ctx, e) for e in entries]
        failed: list[str] = []
        for n, (entry, folder) in enumerate(zip(entries, folders)):
            ctx.check_cancelled()
            ctx.progress(n, len(entries), item=entry.label, phase=f"{entry.label}: starting rclone")
            with self._locked(ctx, folder):
                try:
                    self._sync_one(ctx, config, binary, remote, entry, folder, n, len(entries))
                except ConnectorError as exc:
                    ctx.check_cancelled()  # rclone stopped because the job was cancelled
                    failed.append(entry.label)
                    ctx.log.error("%s: %s", entry.label, exc)
                    ctx.result.error_item(entry.label, str(exc))
                    self._store(ctx, entry, folder, status=f"error: {exc}"[:300])
        ctx.progress(len(entries), len(entries), phase="done")
        if failed:
            raise ModuleError(f"{len(failed)} of {len(entries)} Drive folders failed: {', '.join(failed)} "
                              "(see the job log)")
        return ctx.result.build()

    # ---- settings --------------------------------------------------------------------------------
    @staticmethod
    def _entries(config: SyncGdriveConfig) -> list[GdriveEntry]:
        if not config.gdrive_list:
            raise ModuleError("gdrive_list is empty: add a Drive folder {id, location, name} to sync")
        chosen = list(config.gdrive_list)
        if config.gdrive_names:
            unknown = [n for n in config.gdrive_names if n not in {e.label for e in chosen}]
            if unknown:
                raise ModuleError(f"gdrive_names {unknown} name no gdrive_list entry")
            chosen = [e for e in chosen if e.label in config.gdrive_names]
        locations = [str(Path(e.location).expanduser()) for e in chosen]
        dupes = sorted({loc for loc in locations if locations.count(loc) > 1})
        if dupes:
            raise ModuleError(f"two gdrive_list entries mirror into {dupes[0]}; each needs its own folder")
        if not config.rclone_remote:
            for e in chosen:
                try:
                    validate_folder_id(e.id)
                except ConnectorError as exc:
                    raise ModuleError(f"{e.label}: {exc}") from None
        return chosen

    @staticmethod
    def _drive_remote(ctx: RunContext, config: SyncGdriveConfig) -> DriveRemote:
        sa_json = None
        if config.gdrive_sa_location:
            path = Path(config.gdrive_sa_location).expanduser()
            if path.is_file():
                sa_json = path.read_text(encoding="utf-8")
            else:
                ctx.result.warn(f"gdrive_sa_location {str(path)!r} does not exist; using the OAuth settings")
        if sa_json is None and not config.token:
            raise ModuleError("no Google Drive credentials: set token (with client_id/client_secret) or "
                              "gdrive_sa_location")
        return DriveRemote(name="posters", client_id=config.client_id or None,
                           client_secret=config.client_secret or None, token=None if sa_json else config.token or None,
                           service_account_json=sa_json)

    @staticmethod
    def _location(ctx: RunContext, entry: GdriveEntry) -> Path:
        text = entry.location
        if "\x00" in text or text.startswith("-"):
            raise ModuleError(f"{entry.label}: location contains NUL or starts with '-'")
        problem = root_problem(text, ctx.rt.data_dir)
        if problem:
            raise ModuleError(f"{entry.label}: location {text!r} {problem}")
        return Path(text).expanduser().resolve()

    @staticmethod
    def _locked(ctx: RunContext, folder: Path):
        with _locks_guard:
            lock = _location_locks.setdefault(str(folder), threading.Lock())

        class _Hold:
            def __enter__(self_inner):
                while not lock.acquire(timeout=0.5):
                    ctx.check_cancelled()
                    ctx.phase(f"waiting for another sync of {folder}")

            def __exit__(self_inner, *exc):
                lock.release()
        return _Hold()

    # ---- one folder ------------------------------------------------------------------------------
    def _sync_one(self, ctx: RunContext, config: SyncGdriveConfig, binary: str, remote: DriveRemote | None,
                  entry: GdriveEntry, folder: Path, n: int, total: int) -> None:
        if not ctx.dry_run:
            folder.mkdir(parents=True, exist_ok=True)
        # The location is a root by rule (root_problem); confine rclone's destination to it.
        runner = RcloneRunner(binary=binary, timeout=config.timeout_minutes * 60.0,
                              roots=[folder if folder.exists() else folder.parent],
                              extra_env={"RCLONE_CONFIG": config.rclone_config} if config.rclone_config else None,
                              config_dir=ctx.rt.data_dir / "cache")

        def progress(stats: RcloneStats) -> None:
            pct = f"{100 * stats.bytes // stats.total_bytes}%" if stats.total_bytes else "checking"
            ctx.progress(stats.bytes, stats.total_bytes, item=entry.label,
                         phase=f"{entry.label} ({n + 1}/{total}): {stats.transfers}/{stats.total_transfers} "
                               f"files, {pct}")

        command = "sync" if config.mirror else "copy"
        ctx.log.info("%s: rclone %s into %s%s", entry.label, command, folder, " (dry run)" if ctx.dry_run else "")
        cancel = _CancelProbe(ctx)
        if remote is None:
            result = runner.transfer_path(command, config.rclone_remote, entry.id, folder, dry_run=ctx.dry_run,
                                          progress=progress, cancel=cancel)  # type: ignore[arg-type]
        else:
            method = runner.sync if config.mirror else runner.copy
            result = method(remote, entry.id, folder, dry_run=ctx.dry_run, progress=progress,
                            cancel=cancel)  # type: ignore[arg-type]
        verb = "would copy" if ctx.dry_run else "copied"
        for path in result.copied:
            ctx.result.changed(f"{entry.label}: {verb} {path}", folder=entry.label, file=path, action="copy")
        for path in result.deleted:
            ctx.result.changed(f"{entry.label}: {'would delete' if ctx.dry_run else 'deleted'} {path}",
                               folder=entry.label, file=path, action="delete")
        ctx.result.count("folders_synced")
        ctx.result.count("files_to_copy" if ctx.dry_run else "files_copied", len(result.copied))
        ctx.result.count("files_to_delete" if ctx.dry_run else "files_deleted", len(result.deleted))
        if not ctx.dry_run:
            ctx.result.count("bytes_transferred", result.stats.bytes)
        for message in result.errors:
            ctx.result.warn(f"{entry.label}: {message}")
        self._store(ctx, entry, folder, status="dry run" if ctx.dry_run else "ok")

    @staticmethod
    def _store(ctx: RunContext, entry: GdriveEntry, folder: Path, *, status: str) -> None:
        if not folder.is_dir():
            return
        row = walk_stats(folder, name=entry.label, folder_id=entry.id, status=status)
        save_stats(ctx.rt.data_dir, location_key(entry.location), row)
        ctx.result.set_data(f"stats:{entry.label}", {k: row[k] for k in ("file_count", "size_bytes")})
