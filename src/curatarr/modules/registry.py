"""Every module, by name → "import.path:Class". One line per module; each area adds its own line
above the marker. Modules are imported lazily (a module with a broken import is reported as
unavailable instead of breaking the others).

Tests may add modules for their own use with :func:`register` (and remove them with
:func:`unregister`); nothing else changes the table at run time.
"""

from __future__ import annotations

import importlib
import logging
import threading

from curatarr.modules.base import Module

log = logging.getLogger("curatarr.modules")

MODULES: dict[str, str] = {
    "health_checkarr": "curatarr.modules.health_checkarr:HealthCheckarr",
    "renameinatorr": "curatarr.modules.renameinatorr:Renameinatorr",
    "health_snapshot": "curatarr.modules.health_snapshot:HealthSnapshotTask",
    "poster_maker": "curatarr.modules.poster_maker:PosterMaker",
    "cache_refresh": "curatarr.modules.cache_refresh:CacheRefresh",
    "sync_gdrive": "curatarr.modules.sync_gdrive:SyncGdrive",
    "poster_cleanarr": "curatarr.modules.poster_cleanarr:PosterCleanarr",
    "plex_maintenance": "curatarr.modules.plex_maintenance:PlexMaintenance",
    "border_replacerr": "curatarr.modules.border_replacerr:BorderReplacerr",
    "unmatched_assets": "curatarr.modules.unmatched_assets:UnmatchedAssets",
    "upgradinatorr": "curatarr.modules.upgradinatorr:Upgradinatorr",
    "labelarr": "curatarr.modules.labelarr:Labelarr",
    "nohl": "curatarr.modules.nohl:Nohl",
    "jduparr": "curatarr.modules.jduparr:Jduparr",
    "nestarr": "curatarr.modules.nestarr:Nestarr",
    "poster_renamerr": "curatarr.modules.poster_renamerr:PosterRenamerr",
    # modules: add new lines above this one
}

_extra: dict[str, str | type[Module]] = {}
_cache: dict[str, Module] = {}
_lock = threading.Lock()


class UnknownModule(KeyError):
    pass


def names(*, include_hidden: bool = True) -> list[str]:
    out = list(MODULES) + [n for n in _extra if n not in MODULES]
    if include_hidden:
        return out
    return [n for n in out if (m := try_get(n)) is not None and not m.hidden]


def exists(name: str) -> bool:
    return name in MODULES or name in _extra


def get(name: str) -> Module:
    """The module instance called ``name`` (UnknownModule if not registered, ImportError if its
    file is broken)."""
    with _lock:
        if name in _cache:
            return _cache[name]
    target = _extra.get(name) or MODULES.get(name)
    if target is None:
        raise UnknownModule(name)
    if isinstance(target, str):
        module_name, _, attr = target.partition(":")
        cls = getattr(importlib.import_module(module_name), attr)
    else:
        cls = target
    instance = cls()
    if not instance.name:
        raise ImportError(f"module class {cls!r} has no name")
    with _lock:
        _cache[name] = instance
    return instance


def try_get(name: str) -> Module | None:
    try:
        return get(name)
    except UnknownModule:
        return None
    except Exception:
        log.exception("module %s could not be loaded", name)
        return None


def all_modules(*, include_hidden: bool = True) -> list[Module]:
    out = []
    for n in names():
        m = try_get(n)
        if m is not None and (include_hidden or not m.hidden):
            out.append(m)
    return out


def register(name: str, target: str | type[Module]) -> None:
    """Add a module outside the table (tests, plugins)."""
    with _lock:
        _extra[name] = target
        _cache.pop(name, None)


def unregister(name: str) -> None:
    with _lock:
        _extra.pop(name, None)
        _cache.pop(name, None)
