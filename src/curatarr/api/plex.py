"""/api/plex/{instance}/libraries: the library sections of a named Plex instance (for pickers).

Answers ``{"libraries": [{"title", "type", "key"}]}`` — the seed document shows a bare list of
``{title, type}``; Curatarr wraps it in an object (room for more fields) and adds the section key.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from curatarr.api.deps import RuntimeDep
from curatarr.instances.factory import find_instance
from curatarr.instances.libraries import list_libraries
from curatarr.security.urls import UnsafeURL, check_url

router = APIRouter(tags=["instances"])


@router.get("/api/plex/{instance}/libraries")
def plex_libraries(rt: RuntimeDep, instance: str):
    ref = find_instance(rt, instance)
    if ref is None:
        raise HTTPException(404, f"no instance named {instance!r}")
    if ref.type != "plex":
        raise HTTPException(400, f"instance {instance!r} is a {ref.type} instance, not plex")
    try:
        check_url(ref.url)
    except UnsafeURL as exc:
        raise HTTPException(400, f"URL refused: {exc}") from None
    # Connector errors (unreachable, bad token) become 502/404 JSON answers in api/errors.py.
    libraries = list_libraries(ref)
    return {"libraries": [{"title": lib["title"], "type": lib["type"], "key": lib["key"]} for lib in libraries],
            "instance": ref.name}
