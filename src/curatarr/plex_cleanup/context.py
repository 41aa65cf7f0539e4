"""What both Plex modules and the plex-metadata routes resolve first: the Plex folder (checked), the
restore folder, the media server to talk to, and a read copy of the library database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from curatarr.connectors.media_server import Capability, MediaServer
from curatarr.errors import Forbidden, Invalid, Unavailable
from curatarr.plex_cleanup import database
from curatarr.plex_cleanup.config import PosterCleanarrConfig
from curatarr.security.paths import PathRejected, safe_path

if TYPE_CHECKING:
    from curatarr.instances.pool import ConnectorPool
    from curatarr.runtime import Runtime

RESTORE_FOLDER = "plex-cleanup-restore"


def plex_root(rt: "Runtime", plex_path: str, *, need_metadata: bool = True) -> Path:
    """The configured Plex folder, resolved and checked: set, existing, an allowed root, and (with
    ``need_metadata``) holding ``Metadata/``."""
    if not plex_path or not str(plex_path).strip():
        raise Invalid("plex_path is not set: name the 'Plex Media Server' folder in the module's settings",
                      code="PLEX_PATH_UNSET")
    path = Path(plex_path).expanduser()
    if not path.is_absolute():
        raise Invalid(f"plex_path must be an absolute path: {plex_path}", code="PLEX_PATH_INVALID")
    if not path.is_dir():
        raise Invalid(f"plex_path does not exist or is not a folder: {plex_path}", code="PLEX_PATH_MISSING")
    try:
        resolved = safe_path(path, rt.roots())
    except PathRejected as exc:
        raise Forbidden(f"plex_path is not an allowed folder: {exc}", code="PLEX_PATH_REFUSED") from None
    if need_metadata and not (resolved / "Metadata").is_dir():
        raise Invalid(f"plex_path has no Metadata folder; is it the 'Plex Media Server' folder? {plex_path}",
                      code="PLEX_PATH_INVALID")
    return resolved


def restore_root(rt: "Runtime", restore_dir: str) -> Path:
    if not restore_dir:
        return rt.data_dir / RESTORE_FOLDER
    try:
        return safe_path(restore_dir, rt.roots())
    except PathRejected as exc:
        raise Forbidden(f"restore_dir is not an allowed folder: {exc}", code="RESTORE_DIR_REFUSED") from None


def media_server(pool: "ConnectorPool", names: list[str], capability: Capability) -> tuple[str, Any] | None:
    """``(instance name, client)`` of the first instance in ``names`` (empty = every enabled one)
    that is a media server with ``capability``; None when there is none."""
    refs = pool.instances(enabled_only=not names)
    if names:
        by_name = {r.name: r for r in refs}
        refs = [by_name[n] for n in names if n in by_name and by_name[n].enabled]
    for ref in refs:
        try:
            client = pool.get(ref.name, ref.type)
        except Exception:  # an instance that cannot be built is not a candidate
            continue
        if isinstance(client, MediaServer) and capability in client.capabilities:
            return ref.name, client
    return None


def library_database(rt: "Runtime", pool: "ConnectorPool", config: PosterCleanarrConfig, root: Path | None,
                     *, log: Any = None, reuse: bool | None = None) -> database.LibraryDatabase:
    """The library database as configured: a local copy from ``root`` or the server's download."""
    download = None
    if not config.local_db:
        found = media_server(pool, config.instances, Capability.LIBRARY_DATABASE)
        if found is None:
            raise Unavailable("no enabled media server can hand out its library database (configure a Plex "
                              "instance in 'instances', or set local_db: true)", code="PLEX_UNAVAILABLE")
        name, client = found
        max_bytes = config.max_db_mb * 1024 * 1024

        def download(dest: Path) -> None:
            if log is not None:
                log.info("downloading the library database from %s", name)
            client.download_library_database(dest, max_bytes=max_bytes, timeout=config.timeout)

    path, source = database.obtain(rt.data_dir, plex_root=root, local=config.local_db,
                                   allow_live=config.allow_live_db,
                                   reuse=config.use_existing_db if reuse is None else reuse,
                                   max_bytes=config.max_db_mb * 1024 * 1024, download=download, log=log)
    return database.read_database(path, source)
