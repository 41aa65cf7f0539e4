"""Walking Plex's ``Metadata/`` bundles: every image variant, whether it is in use, and the item it
belongs to. ``Contents/`` folders (the agents' own files, which Plex rebuilds) are never entered;
symlinks are never followed. A variant is an extension-less file (how PMS stores uploads and agent
images); it is bloat when no ``user_thumb_url``/``user_art_url``/``user_banner_url`` names it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from curatarr.errors import Forbidden, Invalid, NotFound
from curatarr.plex_cleanup.database import LibraryDatabase, LibraryItem

PROTECTED = "Contents"
KINDS = {"posters": "poster", "art": "art", "arts": "art", "banners": "banner", "thumbs": "thumb",
         "chapters": "chapter", "themes": "theme"}
VARIANT_KINDS = ("poster", "art", "banner", "thumb", "chapter", "theme", "other")


@dataclass(frozen=True)
class Variant:
    rel: str             # relative to the Plex folder, posix
    bundle: str          # relative bundle folder
    filename: str
    size: int
    kind: str
    active: bool

    def to_dict(self) -> dict:
        return {"filename": self.filename, "path": self.rel, "size": self.size, "active": self.active,
                "kind": self.kind}


@dataclass
class BundleView:
    bundle: str
    item: LibraryItem | None
    variants: list[Variant] = field(default_factory=list)


def bundle_hash(bundle_rel: str) -> str | None:
    """``Metadata/Movies/a/bcdef….bundle`` → ``abcdef…`` (the item's ``metadata_items.hash``)."""
    parts = bundle_rel.split("/")
    if len(parts) >= 4 and parts[-1].endswith(".bundle"):
        return parts[-2] + parts[-1][:-len(".bundle")]
    return None


def kind_of(rel_in_bundle: list[str]) -> str:
    for part in reversed(rel_in_bundle[:-1]):
        if part in KINDS:
            return KINDS[part]
    return "other"


def walk(plex_root: Path, in_use: set[str], *, check=None) -> list[Variant]:
    """Every variant under ``Metadata/`` (``check()`` is called per folder: cancellation)."""
    metadata = plex_root / "Metadata"
    out: list[Variant] = []
    if not metadata.is_dir():
        return out
    base = len(str(plex_root)) + 1
    for dirpath, dirnames, filenames in os.walk(metadata):
        if check is not None:
            check()
        dirnames[:] = sorted(d for d in dirnames if d != PROTECTED and not os.path.islink(os.path.join(dirpath, d)))
        rel_dir = dirpath[base:].replace(os.sep, "/")
        parts = rel_dir.split("/")
        bundle_idx = next((i for i, p in enumerate(parts) if p.endswith(".bundle")), None)
        if bundle_idx is None:
            continue
        bundle = "/".join(parts[:bundle_idx + 1])
        for name in sorted(filenames):
            if os.path.splitext(name)[1]:
                continue
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            if not os.path.isfile(full) or os.path.islink(full):
                continue
            out.append(Variant(f"{rel_dir}/{name}", bundle, name, st.st_size,
                               kind_of(parts[bundle_idx + 1:] + [name]), name in in_use))
    return out


def group(variants: list[Variant], db: LibraryDatabase) -> list[BundleView]:
    views: dict[str, BundleView] = {}
    for v in variants:
        view = views.get(v.bundle)
        if view is None:
            h = bundle_hash(v.bundle)
            view = views[v.bundle] = BundleView(v.bundle, db.items_by_hash.get(h) if h else None)
        view.variants.append(v)
    return list(views.values())


def filter_targets(variants: list[Variant], plex_root: Path, targets: list[str]) -> list[Variant]:
    """Only the variants at or under one of ``targets`` (relative to the Plex folder, or absolute)."""
    if not targets:
        return variants
    prefixes = [metadata_rel(plex_root, t, allow_folder=True) for t in targets]
    return [v for v in variants if any(v.rel == p or v.rel.startswith(p.rstrip("/") + "/") for p in prefixes)]


def metadata_rel(plex_root: Path, user_path: str, *, allow_folder: bool = False) -> str:
    """``user_path`` (relative to the Plex folder, or absolute) as a checked path relative to the Plex
    folder: inside ``Metadata/``, never in a ``Contents/`` folder, no ``..`` or symlink escapes."""
    from curatarr.security.paths import PathRejected, safe_path

    if not isinstance(user_path, str) or not user_path.strip():
        raise Invalid("path is empty")
    candidate = user_path if os.path.isabs(user_path) else str(plex_root / user_path)
    metadata = (plex_root / "Metadata").resolve()
    try:
        resolved = safe_path(candidate, [metadata])
    except PathRejected as exc:
        if exc.status == 400:
            raise Invalid(str(exc)) from None
        raise Forbidden("path is outside the Plex Metadata folder") from None
    rel = resolved.relative_to(plex_root.resolve()).as_posix()
    if PROTECTED in rel.split("/"):
        raise Forbidden("files inside Contents/ belong to Plex's agents and are never touched")
    if not allow_folder and not resolved.is_file():
        raise NotFound("no such file in the Plex Metadata folder")
    return rel
