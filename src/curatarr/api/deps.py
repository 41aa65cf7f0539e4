"""Dependencies handlers use — as ``Annotated`` aliases, so a signature says what it needs:

    def handler(rt: RuntimeDep, jobs: JobsDep, principal: PrincipalDep): ...

``JobsDep`` answers 503 "the job service is not running" when the queue is not running (what every
route that needs it answered before); use it where the queue is the first thing a route needs, and
``jobs_of(rt)`` where a route checks its input first. The scheduler and the event bus are reached
through the services (``None`` when not running). ``LibraryDep`` and ``ArtworkDep`` create their
service on first use.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from curatarr.artwork.service import ArtworkService, artwork_service
from curatarr.auth.deps import current_principal
from curatarr.auth.service import Principal
from curatarr.jobs.queue import LocalJobQueue
from curatarr.jobs.service import jobs_of
from curatarr.library.service import LibraryService, library_for
from curatarr.runtime import Runtime


# The dependencies below are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in the
# worker thread pool, so each cost every request a thread hop (and a GIL hand-off) just to read an
# attribute — the largest share left in the profile under load (docs/performance.md, "Throughput").
# They never block: the services they hand out are created once, in a worker thread.


async def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def running_jobs(rt: RuntimeDep) -> LocalJobQueue:
    return jobs_of(rt)


async def library(rt: RuntimeDep) -> LibraryService:
    service = rt.library
    if isinstance(service, LibraryService):
        return service
    return await run_in_threadpool(library_for, rt)  # first use: built off the event loop


async def artwork(rt: RuntimeDep) -> ArtworkService:
    service = rt.artwork
    if isinstance(service, ArtworkService):
        return service
    return await run_in_threadpool(artwork_service, rt)  # first use: built off the event loop


JobsDep = Annotated[LocalJobQueue, Depends(running_jobs)]
LibraryDep = Annotated[LibraryService, Depends(library)]
ArtworkDep = Annotated[ArtworkService, Depends(artwork)]


# A database row id in a URL path: the databases store ids as signed 64-bit integers, and a larger
# number makes the driver raise (OverflowError on SQLite, NumericValueOutOfRange on PostgreSQL)
# instead of finding nothing. Bounding it here answers 422 before any query; ids inside the range
# that match no row still answer 404 as before. Query numbers that reach SQL (offsets, counts) take
# ``le=DB_INT_MAX`` for the same reason.
DB_INT_MAX = 2**63 - 1
DbId = Annotated[int, Path(ge=-(2**63), le=DB_INT_MAX)]


class Page:
    """``limit``/``offset`` query parameters with sane bounds."""

    def __init__(self, limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0, le=10_000_000)):
        self.limit = limit
        self.offset = offset


def invalid_json(message: str = "the request body is not valid JSON") -> RequestValidationError:
    """The 422 a malformed JSON body gets on every route, also on routes that read the raw body
    themselves (FastAPI's own answer for routes with a body model has the same shape)."""
    return RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": message}])


async def raw_json(request: Request) -> Any:
    """The request's JSON body, for routes that take JSON or multipart and parse it themselves;
    malformed JSON → 422 like every other route."""
    try:
        return await request.json()
    except (ValueError, UnicodeDecodeError):  # json.JSONDecodeError is a ValueError
        raise invalid_json() from None
