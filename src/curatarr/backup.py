"""Backups: a zip of config.yml plus a consistent, dialect-neutral snapshot of every table.

Layout of a backup zip::

    config.yml
    manifest.json            {"format": 1, "version", "created_at", "dialect", "heads", "tables": {name: rows}}
    database/<table>.jsonl   one JSON object per row

Restore validates everything first (zip-slip, sizes, config schema, migration heads, table names),
keeps a pre-restore backup, then replaces all rows in ONE transaction and only then swaps config.yml
(atomically, keeping config.yml.bak). If anything fails, nothing on disk or in the database changed.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Integer, LargeBinary, Table, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import Date, DateTime, TypeDecorator

from curatarr import __version__
from curatarr.config.store import ConfigError
from curatarr.db.base import Base
from curatarr.security.archives import ArchiveRejected, ReadBudget, check_zip

log = logging.getLogger("curatarr.backup")

FORMAT = 1
BACKUP_PREFIX = "curatarr-backup-"
# Backups hold every secret in clear (restore needs them): owner-only, in an owner-only folder.
BACKUP_FILE_MODE = 0o600
BACKUP_DIR_MODE = 0o700


class RestoreRejected(ValueError):
    """The uploaded file is not a usable backup; nothing was changed."""


def _tables() -> list[Table]:
    import curatarr.db.models  # noqa: F401

    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__b64__": base64.b64encode(bytes(value)).decode()}
    return value


def _decoder(table: Table):
    kinds: dict[str, str] = {}
    for col in table.columns:
        t = col.type.impl if isinstance(col.type, TypeDecorator) else col.type
        if isinstance(t, DateTime):
            kinds[col.name] = "datetime"
        elif isinstance(t, Date):
            kinds[col.name] = "date"
        elif isinstance(t, LargeBinary):
            kinds[col.name] = "bytes"

    def decode(row: dict) -> dict:
        out = {}
        for key, value in row.items():
            if key not in table.columns:
                raise RestoreRejected(f"table {table.name} has no column {key!r}")
            kind = kinds.get(key)
            if value is None or kind is None:
                out[key] = value
            elif kind == "datetime":
                out[key] = datetime.fromisoformat(value)
            elif kind == "date":
                out[key] = date.fromisoformat(value)
            else:
                out[key] = base64.b64decode(value["__b64__"])
        return out

    return decode


def write_backup(rt, target: IO[bytes]) -> dict:
    """Write a backup zip to ``target``; return its manifest."""
    tables = _tables()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.yml", rt.config.path.read_text(encoding="utf-8"))
        with rt.db.engine.connect() as conn:
            # One read transaction for all tables: a consistent snapshot.
            if rt.db.dialect == "postgresql":
                conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            else:
                conn.exec_driver_sql("BEGIN")
            heads = sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))
            for table in tables:
                n = 0
                with zf.open(f"database/{table.name}.jsonl", "w") as out:
                    for row in conn.execute(select(table)).mappings():
                        out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode() + b"\n")
                        n += 1
                counts[table.name] = n
            conn.rollback()
        manifest = {"format": FORMAT, "version": __version__, "dialect": rt.db.dialect, "heads": heads,
                    "created_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "tables": counts}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def create_backup(rt, *, prefix: str = BACKUP_PREFIX) -> Path:
    """Write a backup into data/backups (atomically) and apply retention."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    secure_backups_dir(rt.backups_dir)
    final = rt.backups_dir / f"{prefix}{stamp}.zip"
    tmp = final.with_suffix(".zip.tmp")
    # Created 0600 from the first byte (not chmod-ed afterwards): no moment where others can read it.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, BACKUP_FILE_MODE)
    try:
        os.fchmod(fd, BACKUP_FILE_MODE)  # O_CREAT's mode does not apply to a leftover file
        with os.fdopen(fd, "wb") as fh:
            write_backup(rt, fh)
        tmp.replace(final)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk (or any failure) leaves no half-written .zip.tmp
        raise
    prune_backups(rt)
    log.info("backup written: %s", final.name)
    return final


def secure_backups_dir(folder: Path) -> None:
    """Make the backups folder and every zip in it owner-only (also fixes older, 0644 backups)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, BACKUP_DIR_MODE)
    for path in folder.glob("*.zip"):
        try:
            os.chmod(path, BACKUP_FILE_MODE)
        except OSError:
            continue


def list_backups(rt) -> list[dict]:
    out = []
    for p in sorted(rt.backups_dir.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True):
        st = p.stat()
        out.append({"filename": p.name, "size_bytes": st.st_size,
                    "created": datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat().replace("+00:00", "Z")})
    return out


def prune_backups(rt) -> None:
    keep = rt.settings.backup.keep
    regular = sorted(rt.backups_dir.glob(f"{BACKUP_PREFIX}*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in regular[keep:]:
        log.info("backup retention: removing %s", old.name)
        old.unlink(missing_ok=True)


def restore_backup(rt, zip_path: Path) -> dict:
    """Validate ``zip_path`` and restore config + database from it. Raises RestoreRejected."""
    max_bytes = rt.settings.backup.max_upload_mb * 1024 * 1024 * 8
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError):
        raise RestoreRejected("the file is not a zip archive") from None
    with zf:
        try:
            check_zip(zf, max_total_bytes=max_bytes, max_members=5000)
        except ArchiveRejected as exc:
            raise RestoreRejected(str(exc)) from None
        names = set(zf.namelist())
        if "config.yml" not in names:
            raise RestoreRejected("the archive has no config.yml")
        budget = ReadBudget(max_bytes)  # bytes actually read, whatever the headers declare
        try:
            config_text = _read(budget, zf, "config.yml").decode("utf-8")
        except UnicodeDecodeError:
            raise RestoreRejected("config.yml is not UTF-8 text") from None
        _validate_config_text(config_text)
        manifest = None
        if "manifest.json" in names:
            raw_manifest = _read(budget, zf, "manifest.json")
            try:
                manifest = json.loads(raw_manifest)
            except ValueError:
                raise RestoreRejected("manifest.json is not valid JSON") from None
            _check_manifest(rt, manifest, names)
        pre = create_backup(rt, prefix="pre-restore-")
        restored = ["config.yml"]
        try:
            if manifest is not None:
                _restore_tables(rt, zf, manifest, budget)
                restored.append("database")
            forget = getattr(getattr(rt, "auth", None), "forget_verified", None)
            if callable(forget):  # users, keys and revocations were replaced: no cached token check stays
                forget()
            try:
                rt.config.replace_all(config_text)
            except ConfigError as exc:  # validated above; only disk errors end here
                raise RestoreRejected(str(exc)) from None
        except RestoreRejected:
            pre.unlink(missing_ok=True)  # nothing changed, so the safety copy is not needed
            raise
    log.info("restored %s from %s (pre-restore backup %s)", ", ".join(restored), zip_path.name, pre.name)
    return {"restored": restored, "pre_restore_backup": pre.name}


def _validate_config_text(config_text: str) -> None:
    from ruamel.yaml import YAML

    from curatarr.config.models import Settings
    from curatarr.config.store import ConfigStore, to_plain
    from curatarr.config.yaml_limits import YamlTooComplex, check_yaml_limits

    try:
        check_yaml_limits(config_text)  # an alias bomb is refused before anything expands it
    except YamlTooComplex as exc:
        raise RestoreRejected(f"config.yml in the archive is refused: {exc}") from None
    try:
        doc = YAML(typ="rt").load(config_text)
    except Exception:
        raise RestoreRejected("config.yml in the archive is not valid YAML") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise RestoreRejected("config.yml in the archive is not a mapping")
    try:
        ConfigStore._validate(to_plain(doc))
    except ConfigError as exc:
        raise RestoreRejected(f"config.yml in the archive is invalid: {exc}") from None
    _ = Settings


def _check_manifest(rt, manifest: Any, names: set[str]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreRejected("unsupported backup format")
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise RestoreRejected("manifest has no table list")
    known = {t.name for t in _tables()}
    unknown = set(tables) - known
    if unknown:
        raise RestoreRejected(f"backup has unknown tables: {', '.join(sorted(unknown))}")
    for name in tables:
        if f"database/{name}.jsonl" not in names:
            raise RestoreRejected(f"backup lacks the data of table {name}")
    heads = sorted(manifest.get("heads") or [])
    current = rt.db.current_heads()
    if heads != current:
        raise RestoreRejected(f"backup is from another schema version ({', '.join(heads) or 'none'}; this server "
                              f"has {', '.join(current)}); restore it with the matching Curatarr version")


def _has_serial_id(table: Table) -> bool:
    """True for tables whose ``id`` is an integer primary key backed by a sequence (PostgreSQL)."""
    col = table.columns.get("id")
    return col is not None and col.primary_key and isinstance(col.type, Integer) and col.autoincrement in (True, "auto")


def _read(budget: ReadBudget, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return budget.read(zf, name)
    except ArchiveRejected as exc:
        raise RestoreRejected(str(exc)) from None


def _restore_tables(rt, zf: zipfile.ZipFile, manifest: dict, budget: ReadBudget) -> None:
    """Replace every table's rows in one transaction; any bad row rolls the whole restore back."""
    try:
        _replace_rows(rt, zf, manifest, budget)
    except RestoreRejected:
        raise
    except ArchiveRejected as exc:
        raise RestoreRejected(f"{exc}; nothing was changed") from None
    except (SQLAlchemyError, ValueError, TypeError, KeyError, zipfile.BadZipFile, OSError) as exc:
        log.warning("restore refused, database rolled back: %s", exc.__class__.__name__)
        raise RestoreRejected(f"the backup's database rows do not fit this schema ({exc.__class__.__name__}); "
                              "nothing was changed") from None


def _replace_rows(rt, zf: zipfile.ZipFile, manifest: dict, budget: ReadBudget) -> None:
    tables = [t for t in _tables()]
    present = set(manifest["tables"])
    with rt.db.engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(delete(table))
        for table in tables:
            if table.name not in present:
                continue
            decode = _decoder(table)
            batch: list[dict] = []
            # rows stream through the read budget: sizes are counted, not trusted
            for line in budget.lines(zf, f"database/{table.name}.jsonl"):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    raise RestoreRejected(f"corrupt row in table {table.name}") from None
                if not isinstance(row, dict):
                    raise RestoreRejected(f"corrupt row in table {table.name}")
                batch.append(decode(row))
                if len(batch) >= 1000:
                    conn.execute(insert(table), batch)
                    batch = []
            if batch:
                conn.execute(insert(table), batch)
            if rt.db.dialect == "postgresql" and _has_serial_id(table):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 1), "
                    f"MAX(id) IS NOT NULL) FROM {table.name}"))
