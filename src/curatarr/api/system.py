"""System endpoints from both seeds: /api, health, version, system-info, releases, directory, folder, test."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from curatarr import __version__
from curatarr.api.deps import RuntimeDep
from curatarr.auth.deps import public
from curatarr.sysinfo import releases, system_info
from curatarr.system import folders
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
    return folders.list_directory(rt, path, include_files=include_files)


class FolderRequest(BaseModel):
    path: str = Field(..., min_length=1, max_length=4096)


@router.post("/api/folder", status_code=201)
def create_folder(rt: RuntimeDep, body: FolderRequest):
    return {"success": True, "path": str(folders.create_folder(rt, body.path))}


class TestRequest(BaseModel):
    message: str | None = Field(None, max_length=10_000)
    data: Any = None


@router.post("/api/test")
def echo_test(body: TestRequest):
    return {"success": True, "received": body.model_dump()}
