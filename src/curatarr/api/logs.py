"""/api/logs: list log files, tail a module's log, serve one rotated file (path-safe)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import PlainTextResponse

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.logs import LogList, LogTailText
from curatarr.logs.files import list_log_files, module_log_path, tail_bytes, tail_lines
from curatarr.security.paths import PathRejected

router = APIRouter(tags=["Logs"])


@router.get("/api/logs", response_model=LogList, response_model_exclude_unset=True,
            summary="Log files, also grouped by module")
def list_logs(rt: RuntimeDep):
    files = list_log_files(rt.logs_dir)
    modules: dict[str, list[dict]] = {}
    for f in files:
        modules.setdefault(f.module, []).append({"name": f.name, "size": f.size, "modified": f.modified})
    return {"logs": [f.as_dict() for f in files], "modules": modules}


@router.get("/api/logs/{name}", response_model=LogTailText, response_model_exclude_unset=True,
            summary="Tail of a module's log or of one log file")
def read_log(rt: RuntimeDep, name: str, bytes: int | None = Query(None, ge=1, le=5_000_000),
             tail: int | None = Query(None, ge=0, le=200_000)):
    """``name`` is a module (its current log) or a log file name from ``GET /api/logs``."""
    files = list_log_files(rt.logs_dir)
    match = next((f for f in files if f.module == name and f.name == f"{name}.log"), None)
    match = match or next((f for f in files if f.name == name), None)
    if match is None:
        try:
            module_log_path(rt.logs_dir, name)  # validates the name (400 for traversal attempts)
        except PathRejected as exc:
            raise HTTPException(exc.status if exc.status == 400 else 404, str(exc)) from None
        raise HTTPException(404, f"no log named {name!r}")
    if tail is not None:
        lines, truncated = tail_lines(match.path, tail)
    else:
        lines, truncated = tail_bytes(match.path, bytes or 50_000)
    return {"name": match.name, "module": match.module, "content": lines, "truncated": truncated,
            "size": match.size, "modified": match.modified}


@router.get("/api/logs/{module}/{filename}", response_class=PlainTextResponse,
            summary="One rotated log file as plain text")
def read_log_file(rt: RuntimeDep, module: str, filename: str, tail: int | None = Query(None, ge=0, le=200_000)):
    path = module_log_path(rt.logs_dir, module, filename)
    if not path.is_file():
        raise HTTPException(404, "log file not found")
    if tail is not None:
        lines, _ = tail_lines(path, tail)
        return PlainTextResponse("\n".join(lines) + ("\n" if lines else ""))
    lines, _ = tail_bytes(path, 5_000_000)
    return PlainTextResponse("\n".join(lines) + ("\n" if lines else ""))
