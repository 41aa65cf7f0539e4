"""System endpoints from both seeds: /api, health, version, system-info, releases, directory, folder, test."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from curatarr import __version__
from curatarr.api.deps import RuntimeDep
from curatarr.auth.deps import public
from curatarr.security.paths import resolve_roots, safe_path
from curatarr.sysinfo import releases, system_info
from curatarr.system.checks import service_checks

router = APIRouter(tags=["system"])
_STARTED = time.monotonic()


@router.get("/api")
@public
def api_root():
    return {"message": "Curatarr API", "status": "running", "version": __version__, "docs": "/docs"}


@router.get("/api/health")
@public
def health(rt: RuntimeDep):
    checks = service_checks(rt)
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return {"status": status, "version": __version__, "uptime_seconds": int(time.monotonic() - _STARTED), "checks": checks}


@router.get("/api/version")
def version(rt: RuntimeDep):
    # No network: the "remote" version is only known when an update check source exists.
    return {"version": __version__, "local": __version__, "remote": None, "is_update_available": False}


@router.get("/api/system-info")
def get_system_info():
    return system_info()


@router.get("/api/releases")
def get_releases(limit: int = Query(10, ge=1, le=100)):
    return {"success": True, "releases": releases()[:limit]}


@router.get("/api/directory")
def directory(rt: RuntimeDep, path: str | None = Query(None, max_length=4096), include_files: bool = False):
    """Read-only listing for path pickers, confined to the allowed roots."""
    roots = resolve_roots(rt.roots())
    if not path:
        return {"path": None, "parent": None, "exists": True, "writable": False,
                "directories": [{"name": str(r), "path": str(r)} for r in roots], "files": [],
                "roots": [str(r) for r in roots]}
    target = safe_path(path, roots)
    if not target.exists():
        return {"path": str(target), "parent": _parent(target, roots), "exists": False, "writable": False,
                "directories": [], "files": [], "roots": [str(r) for r in roots]}
    if not target.is_dir():
        raise HTTPException(400, "path is not a directory")
    dirs, files = [], []
    try:
        entries = sorted(os.scandir(target), key=lambda e: e.name.lower())
    except PermissionError:
        raise HTTPException(403, "permission denied") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                real = Path(entry.path).resolve()
                if any(real == r or real.is_relative_to(r) for r in roots):
                    dirs.append({"name": entry.name, "path": str(Path(entry.path))})
            elif include_files and entry.is_file(follow_symlinks=False):
                files.append({"name": entry.name, "path": entry.path, "size": entry.stat().st_size})
        except OSError:
            continue
    return {"path": str(target), "parent": _parent(target, roots), "exists": True,
            "writable": os.access(target, os.W_OK), "directories": dirs, "files": files,
            "roots": [str(r) for r in roots]}


def _parent(target: Path, roots: list[Path]) -> str | None:
    parent = target.parent
    if target in roots or not any(parent == r or parent.is_relative_to(r) for r in roots):
        return None
    return str(parent)


class FolderRequest(BaseModel):
    path: str = Field(..., min_length=1, max_length=4096)


@router.post("/api/folder", status_code=201)
def create_folder(rt: RuntimeDep, body: FolderRequest):
    target = safe_path(body.path, rt.roots())
    if target.exists():
        raise HTTPException(409, "folder already exists")
    try:
        target.mkdir(parents=True)
    except OSError as exc:
        raise HTTPException(400, f"cannot create folder: {exc.strerror}") from None
    # Re-check after creation: a symlinked parent must not have led outside the roots.
    safe_path(target, rt.roots())
    return {"success": True, "path": str(target)}


class TestRequest(BaseModel):
    message: str | None = Field(None, max_length=10_000)
    data: Any = None


@router.post("/api/test")
def echo_test(body: TestRequest):
    return {"success": True, "received": body.model_dump()}
