"""``POST /api/posters/optimize``: find posters bigger than a box (report) and shrink/re-encode them
(optimize). Each file is replaced atomically; a format change renames the file so its extension
always matches its bytes (CHUB wrote WebP bytes into ``.jpg`` files); the index row is updated in
place, so the poster keeps its id. A re-encode that would not save bytes is skipped."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update

from curatarr.db.models.poster_library import PosterFile
from curatarr.errors import DomainError, Invalid
from curatarr.fsutil import atomic_write_bytes
from curatarr.poster_library.files import encode, poster_path, resized
from curatarr.poster_library.imaging import EXTENSION_OF, POSTER_FORMATS, probe
from curatarr.security.paths import PathRejected, safe_path

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.poster_library")


def _candidates(rt: "Runtime", *, max_width: int, max_height: int, poster_ids: list[int], paths: list[str],
                limit: int) -> tuple[list[PosterFile], int]:
    cond = [PosterFile.error.is_(None), PosterFile.width.is_not(None)]
    named = list(poster_ids)
    if paths:
        with rt.db.session() as s:
            folders = [Path(src) for src, in s.execute(select(PosterFile.source).distinct())]
            for raw in paths:
                try:
                    p = safe_path(raw, rt.roots())
                except PathRejected as exc:
                    raise Invalid(f"{raw}: {exc}") from None
                found = None
                for folder in folders:
                    if p.is_relative_to(folder):
                        found = s.execute(select(PosterFile.id).where(
                            PosterFile.source == str(folder),
                            PosterFile.relpath == p.relative_to(folder).as_posix())).scalar()
                        if found is not None:
                            break
                if found is None:
                    raise Invalid(f"{raw} is not an indexed poster")
                named.append(found)
    if named:
        cond.append(PosterFile.id.in_(named))
    else:
        cond.append(or_(PosterFile.width > max_width, PosterFile.height > max_height))
    with rt.db.session() as s:
        where = and_(*cond)
        total = s.execute(select(func.count()).where(where)).scalar_one()
        rows = s.execute(select(PosterFile).where(where).order_by(PosterFile.bytes.desc(), PosterFile.id)
                         .limit(limit)).scalars().all()
        s.expunge_all()
    return list(rows), total


def optimize(rt: "Runtime", *, mode: str, max_width: int, max_height: int, fmt: str, quality: int,
             poster_ids: list[int], paths: list[str], limit: int) -> dict[str, Any]:
    if fmt != "keep" and fmt not in POSTER_FORMATS:
        raise Invalid("format must be keep, jpeg, webp or png")
    rows, total = _candidates(rt, max_width=max_width, max_height=max_height, poster_ids=poster_ids, paths=paths,
                              limit=limit)
    report = [{"id": r.id, "file": f"{r.source}/{r.relpath}", "width": r.width, "height": r.height, "bytes": r.bytes,
               "format": r.format, "target_format": r.format if fmt == "keep" else fmt} for r in rows]
    if mode == "report":
        return {"mode": "report", "candidates": report, "total": total, "limit": limit}
    done, skipped, errors, saved = [], [], [], 0
    for row in rows:
        try:
            result = _optimize_one(rt, row, max_width, max_height, fmt, quality)
        except DomainError as exc:
            errors.append({"id": row.id, "error": str(exc)})
            continue
        except OSError as exc:
            errors.append({"id": row.id, "error": exc.strerror or str(exc)})
            continue
        if result is None:
            skipped.append({"id": row.id, "reason": "re-encoding would not make it smaller"})
        else:
            done.append(result)
            saved += result["saved_bytes"]
    return {"mode": "optimize", "optimized": done, "skipped": skipped, "errors": errors, "saved_bytes": saved,
            "total": total, "limit": limit}


def _optimize_one(rt: "Runtime", row: PosterFile, max_width: int, max_height: int, fmt: str,
                  quality: int) -> dict[str, Any] | None:
    path = poster_path(rt, row)
    data = path.read_bytes()
    target = row.format if fmt == "keep" else fmt
    out = encode(resized(data, max_width, max_height), target, quality)
    if target == row.format and len(out) >= len(data):
        return None
    new_path = path.with_suffix(EXTENSION_OF[target])
    if new_path != path and new_path.exists():
        raise Invalid(f"{new_path.name} already exists next to it; not converted")
    atomic_write_bytes(new_path, out)
    if new_path != path:
        os.unlink(path)
    log.info("optimized %s → %s (%d → %d bytes)", path, new_path, len(data), len(out))
    p = probe(out)
    st = new_path.stat()
    relpath = str(Path(row.relpath).with_suffix(EXTENSION_OF[target]))
    with rt.db.session() as s:
        s.execute(update(PosterFile).where(PosterFile.id == row.id).values(
            relpath=relpath, bytes=st.st_size, mtime_ns=st.st_mtime_ns, sha256=hashlib.sha256(out).hexdigest(),
            format=p.format, width=p.width, height=p.height, dhash=p.dhash))
    return {"id": row.id, "file": str(new_path), "old_file": str(path), "width": p.width, "height": p.height,
            "bytes": len(out), "old_bytes": len(data), "saved_bytes": len(data) - len(out), "format": p.format}
