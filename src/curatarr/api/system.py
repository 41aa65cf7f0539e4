"""System endpoints from both seeds: /api, health, version, system-info, releases, directory, folder, test."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from curatarr import __version__
from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.system import (
    ApiRoot, DirectoryListing, FolderCreated, Health, Releases, SystemInfo, TestEcho, Version
)
from curatarr.auth.deps import public
from curatarr.sysinfo import releases, system_info
from curatarr.system import folders
from curatarr.system.checks import service_checks

router = APIRouter(tags=["System"])
_STARTED = time.monotonic()


@router.get("/api", response_model=ApiRoot, response_model_exclude_unset=True, summary="API root (open)")
@public
def api_root():
    return {"message": "Curatarr API", "status": "running", "version": __version__, "docs": "/docs"}


@router.get("/api/health", response_model=Health, response_model_exclude_unset=True,
            summary="Liveness and service checks (open)")
@public
def health(rt: RuntimeDep):
    checks = service_checks(rt)
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return {"status": status, "version": __version__, "uptime_seconds": int(time.monotonic() - _STARTED), "checks": checks}


@router.get("/api/version", response_model=Version, response_model_exclude_unset=True, summary="Curatarr's version")
def version(rt: RuntimeDep):
    # No network: the "remote" version is only known when an update check source exists.
    return {"version": __version__, "local": __version__, "remote": None, "is_update_available": False}


@router.get("/api/system-info", response_model=SystemInfo, response_model_exclude_unset=True, summary="Host facts")
def get_system_info():
    return system_info()


@router.get("/api/releases", response_model=Releases, response_model_exclude_unset=True,
            summary="Releases from the packaged changelog")
def get_releases(limit: int = Query(10, ge=1, le=100)):
    return {"success": True, "releases": releases()[:limit]}


@router.get("/api/directory", response_model=DirectoryListing, response_model_exclude_unset=True,
            summary="List a folder inside the allowed roots")
def directory(rt: RuntimeDep, path: str | None = Query(None, max_length=4096), include_files: bool = False):
    """Read-only listing for path pickers, confined to the allowed roots."""
    return folders.list_directory(rt, path, include_files=include_files)


class FolderRequest(BaseModel):
    path: str = Field(..., min_length=1, max_length=4096)


@router.post("/api/folder", status_code=201, response_model=FolderCreated, response_model_exclude_unset=True,
             summary="Create a folder inside the allowed roots")
def create_folder(rt: RuntimeDep, body: FolderRequest):
    return {"success": True, "path": str(folders.create_folder(rt, body.path))}


class TestRequest(BaseModel):
    message: str | None = Field(None, max_length=10_000)
    data: Any = None


@router.post("/api/test", response_model=TestEcho, response_model_exclude_unset=True, summary="Echo the body back")
def echo_test(body: TestRequest):
    return {"success": True, "received": body.model_dump()}
