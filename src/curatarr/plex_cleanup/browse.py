"""The read and single-file services behind ``/api/posters/plex-metadata/*``: Plex metadata variants
per item, the flat bloat list, deleting one variant, making one active, and a variant's thumbnail.

A scan (library database + ``Metadata/`` walk) is kept for 5 minutes per runtime (``force``
refreshes it; a delete or set-active drops it). Paths in answers are relative to the Plex folder
(``Metadata/Movies/a/bc….bundle/Uploads/posters/<sha1>``); paths in requests may be relative or
absolute, and are checked to lie inside ``Metadata/`` and outside every ``Contents/`` folder.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curatarr.connectors.media_server import Capability
from curatarr.errors import Conflict, Invalid, NotFound, Unavailable
from curatarr.plex_cleanup.config import PosterCleanarrConfig
from curatarr.plex_cleanup.context import library_database, media_server, plex_root
from curatarr.plex_cleanup.database import LibraryDatabase
from curatarr.plex_cleanup.scan import BundleView, Variant, group, metadata_rel, walk

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

SECTION = "poster_cleanarr"
CACHE_SECONDS = 300
THUMB_MAX = 600


@dataclass
class Scan:
    root: Path
    db: LibraryDatabase
    views: list[BundleView]
    at: float


_scans: "weakref.WeakKeyDictionary[Any, Scan]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def settings(rt: "Runtime") -> PosterCleanarrConfig:
    try:
        return PosterCleanarrConfig.model_validate(rt.config.get_section(SECTION) or {})
    except ValueError as exc:
        raise Invalid(f"the poster_cleanarr settings are invalid: {exc}") from None


def scan(rt: "Runtime", *, force: bool = False) -> Scan:
    config = settings(rt)
    root = plex_root(rt, config.plex_path)
    with _lock:
        cached = _scans.get(rt)
        if cached is not None and not force and cached.root == root and time.monotonic() - cached.at < CACHE_SECONDS:
            return cached
    from curatarr.instances.pool import ConnectorPool

    pool = ConnectorPool(rt)
    try:
        db = library_database(rt, pool, config, root)
    finally:
        pool.close()
    views = group(walk(root, db.in_use), db)
    fresh = Scan(root, db, views, time.monotonic())
    with _lock:
        _scans[rt] = fresh
    return fresh


def forget(rt: "Runtime") -> None:
    with _lock:
        _scans.pop(rt, None)


def _item_dict(view: BundleView, db: LibraryDatabase, variants: list[Variant]) -> dict[str, Any]:
    item = view.item
    bloat = [v for v in variants if not v.active]
    return {
        "rating_key": str(item.rating_key) if item else None,
        "title": item.title if item else "(no library item)",
        "year": item.year if item else None,
        "media_type": item.kind if item else "unknown",
        "library_id": str(item.library_id) if item and item.library_id is not None else None,
        "library_name": db.libraries.get(item.library_id) if item and item.library_id is not None else None,
        "in_trash": bool(item and item.deleted),
        "bundle": view.bundle,
        "variants": [v.to_dict() for v in variants],
        "variant_count": len(variants),
        "bloat_count": len(bloat),
        "bloat_size": sum(v.size for v in bloat),
    }


def by_media(rt: "Runtime", *, limit: int, offset: int, only_bloat: bool = False, media_type: str | None = None,
             library_id: str | None = None, variant_kind: str | None = None, force: bool = False) -> dict:
    s = scan(rt, force=force)
    rows = []
    libraries: Counter = Counter()
    types: Counter = Counter()
    for view in s.views:
        item = view.item
        kind = item.kind if item else "unknown"
        lib = str(item.library_id) if item and item.library_id is not None else None
        variants = [v for v in view.variants if variant_kind is None or v.kind == variant_kind]
        if not variants or (only_bloat and all(v.active for v in variants)):
            continue
        types[kind] += 1
        if lib is not None:
            libraries[lib] += 1
        if (media_type and kind != media_type) or (library_id and lib != library_id):
            continue
        rows.append(_item_dict(view, s.db, variants))
    rows.sort(key=lambda r: (-r["bloat_size"], r["title"].lower(), r["bundle"]))
    all_variants = [v for view in s.views for v in view.variants]
    bloat = [v for v in all_variants if not v.active]
    return {
        "items": rows[offset:offset + limit], "total": len(rows), "limit": limit, "offset": offset,
        "libraries": [{"id": k, "name": s.db.libraries.get(int(k), ""), "count": n} for k, n in sorted(libraries.items())],
        "media_types": [{"type": k, "count": n} for k, n in sorted(types.items())],
        "stats": {"bundles": len(s.views), "variants": len(all_variants), "bloat_files": len(bloat),
                  "bloat_size": sum(v.size for v in bloat), "database_source": s.db.source},
    }


def bloat_list(rt: "Runtime", *, limit: int, offset: int, force: bool = False) -> dict:
    s = scan(rt, force=force)
    rows = []
    for view in s.views:
        for v in view.variants:
            if not v.active:
                rows.append({**v.to_dict(), "rating_key": str(view.item.rating_key) if view.item else None,
                             "title": view.item.title if view.item else "(no library item)", "bundle": view.bundle})
    rows.sort(key=lambda r: r["path"])
    return {"items": rows[offset:offset + limit], "total": len(rows), "limit": limit, "offset": offset,
            "total_size": sum(r["size"] for r in rows)}


def _variant(rt: "Runtime", path: str) -> tuple[Path, str, Variant, BundleView]:
    """The variant ``path`` names (checked path; rescanned once when the cached scan lacks it)."""
    config = settings(rt)
    root = plex_root(rt, config.plex_path)
    rel = metadata_rel(root, path)
    for force in (False, True):
        for view in scan(rt, force=force).views:
            for v in view.variants:
                if v.rel == rel:
                    return root, rel, v, view
    raise NotFound("not an image variant of a Plex Metadata bundle", code="VARIANT_NOT_FOUND")


def delete_variant(rt: "Runtime", path: str, log: Any = None) -> dict:
    """Delete one inactive variant (an active one is refused: Plex would lose the item's image)."""
    root, rel, variant, _ = _variant(rt, path)
    if variant.active:
        raise Conflict("this variant is the item's active image; make another one active first",
                       code="VARIANT_ACTIVE")
    target = root / rel
    size = target.stat().st_size
    target.unlink()
    forget(rt)
    if log is not None:
        log.info("deleted Plex metadata variant %s (%d bytes)", target, size)
    return {"deleted": rel, "size": size}


def set_active(rt: "Runtime", rating_key: str, path: str) -> dict:
    """Upload one variant as the item's poster (art for a variant under ``art/``) on the configured
    media server; the server selects the upload."""
    if not str(rating_key).strip().isdigit():
        raise Invalid("rating_key must be a number")
    root, rel, variant, view = _variant(rt, path)
    if view.item is not None and str(view.item.rating_key) != str(rating_key).strip():
        raise Invalid(f"this variant belongs to item {view.item.rating_key}, not {rating_key}",
                      code="VARIANT_OTHER_ITEM")
    data = (root / rel).read_bytes()
    config = settings(rt)
    from curatarr.instances.pool import ConnectorPool

    pool = ConnectorPool(rt)
    try:
        found = media_server(pool, config.instances, Capability.LIBRARY_DATABASE)
        if found is None:
            raise Unavailable("no enabled Plex instance to upload to", code="PLEX_UNAVAILABLE")
        name, client = found
        slot = "background" if variant.kind == "art" else "poster"
        client.upload_artwork(str(rating_key).strip(), slot, data)
    finally:
        pool.close()
    forget(rt)
    return {"rating_key": str(rating_key).strip(), "path": rel, "slot": slot, "instance": name, "active": True}


def variant_thumbnail(rt: "Runtime", path: str, width: int = 300) -> bytes:
    """A JPEG thumbnail of one variant (Contents/ files may be shown: reading never changes them)."""
    import pyvips

    config = settings(rt)
    root = plex_root(rt, config.plex_path)
    rel = _readable_rel(root, path)
    try:
        image = pyvips.Image.thumbnail(str(root / rel), max(16, min(width, THUMB_MAX)), height=THUMB_MAX * 2)
        if image.hasalpha():
            image = image.flatten(background=[0, 0, 0])
        return image.jpegsave_buffer(Q=80, strip=True)
    except pyvips.Error:
        raise Invalid("this variant is not an image that can be shown", code="VARIANT_NOT_IMAGE") from None


def _readable_rel(root: Path, path: str) -> str:
    from curatarr.errors import Forbidden

    try:
        return metadata_rel(root, path)
    except Forbidden as exc:
        if "Contents" not in str(exc):
            raise
    # Reading an agent image for display is harmless; the containment check still applies.
    from curatarr.security.paths import PathRejected, safe_path
    try:
        resolved = safe_path(path if Path(path).is_absolute() else root / path, [root / "Metadata"])
    except PathRejected:
        raise Forbidden("path is outside the Plex Metadata folder") from None
    return resolved.relative_to(root.resolve()).as_posix()
