"""ImageChoices records (one per managed asset), upload records and library export runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import delete, func, select

from curatarr.connectors.media_server import Capability
from curatarr.db.base import utcnow
from curatarr.db.models.posters import PosterAsset, PosterExportRun, PosterUpload

ROW_FIELDS = ("kind", "title", "type", "rootfolder", "library", "server", "server_id", "language", "fallback",
              "text_truncated", "download_source", "fav_provider_link", "provider", "manual", "tmdbid", "tvdbid",
              "imdbid", "input_hash", "file_hash", "status", "low_resolution")


@dataclass
class ChoiceRecord:
    asset_key: str
    values: dict[str, Any] = field(default_factory=dict)


def load_assets(db) -> dict[str, dict]:
    """asset_key → {input_hash, file_hash, status, skipped, provider, download_source, updated_at} for every
    known asset."""
    with db.session() as s:
        rows = s.execute(select(PosterAsset.asset_key, PosterAsset.input_hash, PosterAsset.file_hash,
                                PosterAsset.status, PosterAsset.skipped, PosterAsset.provider,
                                PosterAsset.download_source, PosterAsset.updated_at)).all()
    return {r[0]: {"input_hash": r[1], "file_hash": r[2], "status": r[3], "skipped": r[4], "provider": r[5],
                   "download_source": r[6], "updated_at": r[7]} for r in rows}


def save_choices(db, records: Iterable[ChoiceRecord], chunk: int = 500) -> int:
    """Insert or update the records (existing rows fetched per chunk, not one query per record)."""
    records = list(records)
    n = 0
    with db.session() as s:
        for start in range(0, len(records), chunk):
            batch = records[start:start + chunk]
            rows = {r.asset_key: r for r in s.execute(
                select(PosterAsset).where(PosterAsset.asset_key.in_([b.asset_key for b in batch]))).scalars()}
            for rec in batch:
                values = {k: v for k, v in rec.values.items() if k in ROW_FIELDS}
                row = rows.get(rec.asset_key)
                if row is None:
                    row = PosterAsset(asset_key=rec.asset_key, **values)
                    s.add(row)
                    rows[rec.asset_key] = row
                else:
                    for k, v in values.items():
                        setattr(row, k, v)
                    row.updated_at = utcnow()
                n += 1
            s.flush()
        s.commit()
    return n


def row_dict(row: PosterAsset) -> dict:
    """Posterizarr's ImageChoices row shape (plus our id and asset path)."""
    return {"id": row.id, "Title": row.title, "Type": row.type, "Rootfolder": row.rootfolder,
            "LibraryName": row.library, "Language": row.language, "Fallback": row.fallback,
            "TextTruncated": "true" if row.text_truncated else "false", "DownloadSource": row.download_source,
            "FavProviderLink": row.fav_provider_link, "Manual": "true" if row.manual else "false",
            "tmdbid": row.tmdbid, "tvdbid": row.tvdbid, "imdbid": row.imdbid, "asset_path": row.asset_key,
            "kind": row.kind, "provider": row.provider, "status": row.status, "server": row.server,
            "skipped": row.skipped, "LowResolution": "true" if row.low_resolution else "false"}


def uploads(db) -> dict[tuple[str, str, str], str]:
    with db.session() as s:
        rows = s.execute(select(PosterUpload.server, PosterUpload.server_id, PosterUpload.image,
                                PosterUpload.file_hash)).all()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def record_upload(db, server: str, server_id: str, image: str, asset_key: str, file_hash: str) -> None:
    with db.session() as s:
        row = s.execute(select(PosterUpload).where(PosterUpload.server == server, PosterUpload.server_id == server_id,
                                                   PosterUpload.image == image)).scalar_one_or_none()
        if row is None:
            s.add(PosterUpload(server=server, server_id=server_id, image=image, asset_key=asset_key,
                               file_hash=file_hash, uploaded_at=utcnow()))
        else:
            row.asset_key, row.file_hash, row.uploaded_at = asset_key, file_hash, utcnow()
        s.commit()


def forget_assets(db, keys: Iterable[str]) -> int:
    keys = list(keys)
    if not keys:
        return 0
    with db.session() as s:
        n = s.execute(delete(PosterAsset).where(PosterAsset.asset_key.in_(keys))).rowcount
        s.commit()
    return int(n or 0)


# Posterizarr keeps two library exports: Plex's and the other media servers'.
PLEX_EXPORT = "plex"
OTHER_EXPORT = "other"


def export_group(client: Any) -> str:
    """The export a media server's library snapshots belong to."""
    return PLEX_EXPORT if Capability.PLEX_SECTIONS in client.capabilities else OTHER_EXPORT


def record_export(db, server_type: str, job_id: int | None, libraries: list[dict], episodes: int) -> None:
    with db.session() as s:
        s.add(PosterExportRun(server_type=server_type, job_id=job_id, run_at=utcnow(),
                              library_records=len(libraries), episode_records=episodes,
                              snapshot=json.dumps(libraries[:20000], default=str)))
        s.commit()


def export_stats(db, server_type: str) -> dict:
    with db.session() as s:
        total, libs, eps, latest = s.execute(
            select(func.count(PosterExportRun.id), func.coalesce(func.sum(PosterExportRun.library_records), 0),
                   func.coalesce(func.sum(PosterExportRun.episode_records), 0), func.max(PosterExportRun.run_at))
            .where(PosterExportRun.server_type == server_type)).one()
    return {"total_runs": int(total), "total_library_records": int(libs), "total_episode_records": int(eps),
            "latest_run": latest.isoformat().replace("+00:00", "") if latest else None}


def export_runs(db, server_type: str) -> list[str]:
    with db.session() as s:
        rows = s.execute(select(PosterExportRun.run_at).where(PosterExportRun.server_type == server_type)
                         .order_by(PosterExportRun.run_at.desc())).scalars().all()
    return [r.isoformat().replace("+00:00", "") for r in rows]
