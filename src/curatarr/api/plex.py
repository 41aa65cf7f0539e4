"""/api/plex/{instance}/libraries: the library sections of a named Plex instance (for pickers).

Answers ``{"libraries": [{"title", "type", "key"}]}`` — the seed document shows a bare list of
``{title, type}``; Curatarr wraps it in an object (room for more fields) and adds the section key.
"""

from __future__ import annotations

from fastapi import APIRouter

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.instances import PlexLibraries
from curatarr.instances.libraries import plex_libraries as plex_library_list

router = APIRouter(tags=["Instances"])


@router.get("/api/plex/{instance}/libraries", response_model=PlexLibraries, response_model_exclude_unset=True,
            summary="Library sections of a Plex instance")
def plex_libraries(rt: RuntimeDep, instance: str):
    # Not-found, not-Plex, refused URL and connector errors become JSON answers in api/errors.py.
    return plex_library_list(rt, instance)
