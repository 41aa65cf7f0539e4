"""create_app(): the FastAPI application — API routers, error handlers, the static web UI."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from curatarr import __version__
from curatarr.api import include_routers
from curatarr.api.edge import EdgeMiddleware
from curatarr.api.envelope import ChubEnvelopeMiddleware
from curatarr.api.errors import install_error_handlers
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
        set_api_threads()
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

    # Outermost: security headers on every answer, and the declared length checked before anything
    # is read (plain ASGI: api/edge.py says why not @app.middleware).
    app.add_middleware(EdgeMiddleware, runtime=rt, headers=SECURITY_HEADERS, limit=upload_limit)

    _mount_ui(app)
    return app


# Worker threads for sync handlers: anyio's default, kept (measured: 8, 24, 40 and 100 threads were
# within run-to-run noise once the per-request costs below were gone, benchmarks/api_load_mixed.py);
# below the SQLite pool size, so a handler never waits for a connection.
API_THREADS = 40


def set_api_threads() -> int:
    """Size the thread pool sync handlers run in (``CURATARR_API_THREADS`` overrides, for benchmarks)."""
    import os

    from anyio import to_thread

    size = int(os.environ.get("CURATARR_API_THREADS") or API_THREADS)
    to_thread.current_default_thread_limiter().total_tokens = size
    return size


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

