"""Dependencies handlers use: the runtime, the caller, pagination."""

from __future__ import annotations

from fastapi import Query, Request

from curatarr.auth.deps import current_principal  # noqa: F401  (re-exported for handlers)
from curatarr.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


class Page:
    """``limit``/``offset`` query parameters with sane bounds."""

    def __init__(self, limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)):
        self.limit = limit
        self.offset = offset
