"""The outermost middleware: security headers on every answer and the declared-length check, as one
plain ASGI middleware.

They were two ``@app.middleware("http")`` functions (Starlette's ``BaseHTTPMiddleware``); each of
those runs the rest of the app in a task group and re-streams every body through memory streams,
which was the largest share of the per-request CPU under load (issue #20, item 13: requests queued
behind the GIL while the server answered ~120 req/s). Here a request costs a header scan and one
wrapped ``send``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, runtime: "Runtime", headers: Mapping[str, str], limit) -> None:
        self.app = app
        self.rt = runtime
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self.limit = limit  # callable(runtime) → the largest declared body any route accepts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if is_api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                if extra:
                    message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        # Multipart uploads are spooled whole before a handler runs, so the size limit must be
        # enforced on the declared length, before a single byte is read.
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if declared is not None:
            text = declared.decode("latin-1").strip()
            if not text.isdigit() or int(text) > self.limit(self.rt):
                from curatarr.api.errors import error_response

                too_large = text.isdigit()
                response = error_response(413 if too_large else 400,
                                          "request body too large" if too_large else "bad Content-Length",
                                          "TOO_LARGE" if too_large else "HTTP_ERROR")
                await response(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)
