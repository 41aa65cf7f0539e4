"""create_app(): the FastAPI application — API routers, error handlers, the static web UI."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from curatarr import __version__
from curatarr.api import include_routers
from curatarr.api.envelope import ChubEnvelopeMiddleware
from curatarr.api.errors import error_response, install_error_handlers
from curatarr.runtime import Runtime
from curatarr.api.request_guard import install as install_request_guard, upload_limit

WEB_DIR = Path(__file__).parent / "web"
# Answers of at least 1 KiB are gzipped for clients that accept it (a 500-item search answer shrinks
# to about 1/8; level 6 costs a few ms per 350 KB) — docs/performance.md, benchmarks/api_answers.py.
# Images, archives and event streams are left alone (Starlette's default exclusions).
GZIP_MINIMUM_BYTES = 1024
GZIP_LEVEL = 6

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    ),
}


def create_app(runtime: Runtime | None = None, *, start_services: bool = True) -> FastAPI:
    """Build the app around ``runtime`` (a new one on the default data dir if None)."""
    rt = runtime or Runtime()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if start_services:
            rt.start()
        try:
            yield
        finally:
            if start_services:
                rt.stop()

    app = FastAPI(title="Curatarr", version=__version__, lifespan=lifespan,
                  description="Artwork and library upkeep for a home media stack (CHUB + Posterizarr API).")
    app.state.runtime = rt
    install_error_handlers(app, error_headers=SECURITY_HEADERS)
    include_routers(app)
    # Innermost middleware (added first): credentials and scope before any body is read, bounded bodies.
    install_request_guard(app)
    # Added next, just outside the guard: the envelope (success and error) is in the body before
    # anything further out (compression, headers) sees it, and the guard's own answers get it too.
    app.add_middleware(ChubEnvelopeMiddleware)
    # Compression goes just outside the envelope, so it compresses the final body, and inside the http
    # middlewares below: they re-stream bodies in chunks, which would defeat the minimum size.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)

    @app.middleware("http")
    async def refuse_oversized_bodies(request: Request, call_next):
        # Multipart uploads are spooled whole before a handler runs, so the size limit must be
        # enforced on the declared length, before a single byte is read.
        declared = request.headers.get("content-length")
        if declared is not None:
            limit = upload_limit(rt)
            if not declared.isdigit() or int(declared) > limit:
                status = 400 if not declared.isdigit() else 413
                return error_response(status, "request body too large" if status == 413 else "bad Content-Length",
                                      "TOO_LARGE" if status == 413 else "HTTP_ERROR")
        return await call_next(request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    _mount_ui(app)
    return app


def ui_pages() -> list[str]:
    """Page modules of the UI (one file per page), discovered from web/js/pages/."""
    return sorted(p.name for p in (WEB_DIR / "js" / "pages").glob("*.js"))


def _mount_ui(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/ui/pages.json", include_in_schema=False)
    def pages():
        css = sorted(p.name for p in (WEB_DIR / "css" / "pages").glob("*.css"))
        return JSONResponse({"pages": ui_pages(), "css": css}, headers={"Cache-Control": "no-cache"})

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def api_not_found(rest: str):
        raise HTTPException(404, "Not Found")

