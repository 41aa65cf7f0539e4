"""HTTP API: one router per resource, discovered from this package (a new file = a new resource).

Every router is included behind :func:`curatarr.auth.deps.require_auth`; routes open themselves up
with the markers in :mod:`curatarr.auth.deps`.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import Depends, FastAPI

from curatarr.auth.deps import require_auth

_NOT_ROUTERS = {"deps", "errors", "schemas"}


def iter_router_modules():
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _NOT_ROUTERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            yield info.name, router


def include_routers(app: FastAPI) -> None:
    # Fixed-path routes must win over parameterised ones from other files (e.g. /api/logs/{name}
    # vs a literal /api/logs/...): routers are included in name order, and each file orders its own.
    for _name, router in iter_router_modules():
        app.include_router(router, dependencies=[Depends(require_auth)])
