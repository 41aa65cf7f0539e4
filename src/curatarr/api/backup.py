"""/api/backup, /api/backups, /api/restore."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import FileResponse

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.files import file_answer
from curatarr.api.schemas.system import BackupList, Restored
from curatarr.backup import RestoreRejected, create_backup, list_backups, restore_backup
from curatarr.security.paths import safe_child

router = APIRouter(tags=["System"])


@router.post("/api/backup", response_class=FileResponse, responses=file_answer("application/zip", "the backup zip"),
             summary="Create a backup and download it")
def make_backup(rt: RuntimeDep):
    path = create_backup(rt)
    return FileResponse(path, media_type="application/zip", filename=path.name)


@router.get("/api/backups", response_model=BackupList, response_model_exclude_unset=True, summary="Kept backups")
def get_backups(rt: RuntimeDep):
    items = list_backups(rt)
    return {"backups": items, "total": len(items)}


@router.get("/api/backups/{filename}", response_class=FileResponse,
            responses=file_answer("application/zip", "the backup zip"), summary="Download a kept backup")
def download_backup(rt: RuntimeDep, filename: str):
    path = safe_child(rt.backups_dir, filename)
    if not path.is_file() or path.suffix != ".zip":
        raise HTTPException(404, "backup not found")
    return FileResponse(path, media_type="application/zip", filename=path.name)


@router.post("/api/restore", response_model=Restored, response_model_exclude_unset=True,
             summary="Restore config and database from an uploaded backup")
def restore(rt: RuntimeDep, file: UploadFile = File(...)):
    limit = rt.settings.backup.max_upload_mb * 1024 * 1024
    with tempfile.NamedTemporaryFile(dir=rt.data_dir / "cache", suffix=".zip", delete=False) as tmp:
        tmp_path = Path(tmp.name)
        size = 0
        try:
            while chunk := file.file.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"backup is larger than {rt.settings.backup.max_upload_mb} MB")
                tmp.write(chunk)
        except HTTPException:
            tmp.close()
            tmp_path.unlink(missing_ok=True)
            raise
    try:
        result = restore_backup(rt, tmp_path)
    except RestoreRejected as exc:
        raise HTTPException(400, str(exc)) from None
    finally:
        tmp_path.unlink(missing_ok=True)
    return {"success": True, "message": "Backup restored", **result}
