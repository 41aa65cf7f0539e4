"""The nestarr scan: *arr items in the wrong place, found from their paths and the disk.

Findings (each a JSON-able dict, see :func:`issue`):

* ``movie_in_movie``, ``series_in_series``, ``movie_in_series``, ``series_in_movie`` — an item's
  folder inside another item's folder (same or other *arr). Found in linear time: one dict of item
  folders; each item looks up its own ancestors (its depth, not the library size, bounds the work).
  Suggested fix: move it to ``<its root folder>/<its folder name>``.
* ``movie_in_series_root``, ``series_in_movie_root`` — an item directly in a root folder of the
  other type (a movie filed under the TV root). Suggested: its instance's first root folder.
* ``stray_folder``, ``stray_file`` — folders and video files directly in a root folder that no item
  claims (left-overs, manual copies). Review only.
* ``extra_video_in_folder`` — a movie folder holding more videos than its movie file (samples,
  featurettes, a second cut). Review only.

Paths are compared as Curatarr sees them (``path_mappings``), so two *arrs with different mounts
compare correctly; suggested paths are given back in the *arr's own terms. The disk is only read
inside Curatarr's roots.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from curatarr.arr_disk import VIDEO_EXTENSIONS, PathMap, confined, is_video, walk_files
from curatarr.errors import ModuleError

KIND = {"radarr": "movie", "sonarr": "series"}
REVIEW_ONLY = ("stray_folder", "stray_file", "extra_video_in_folder")


@dataclass
class Item:
    instance: str
    type: str                 # radarr | sonarr
    id: int
    title: str
    year: int
    path: str                 # local (mapped, normalised)
    root: str                 # local root folder the *arr names for it ("" when unknown)
    movie_file: str | None = None


@dataclass
class Inventory:
    """What the instances report: items, and root folders per instance (local paths)."""

    items: list[Item] = field(default_factory=list)
    roots: dict[str, list[str]] = field(default_factory=dict)       # instance -> root folders
    types: dict[str, str] = field(default_factory=dict)             # instance -> radarr | sonarr
    paths: PathMap = field(default_factory=PathMap)


def _norm(path: str) -> str:
    return os.path.normpath(path)


def issue(kind: str, item: Item | None, paths: PathMap, *, path: str, parent: Item | None = None,
          suggested: str | None = None, instance: str = "", instance_type: str = "", **extra: Any) -> dict[str, Any]:
    key = f"{kind}|{item.instance if item else instance}|{item.id if item else ''}|{path}"
    out: dict[str, Any] = {
        "id": hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:16], "type": kind,
        "instance_name": item.instance if item else instance, "instance_type": item.type if item else instance_type,
        "media_id": item.id if item else None, "title": item.title if item else os.path.basename(path),
        "year": item.year if item else None, "path": paths.to_arr(path),
        "action": "review" if kind in REVIEW_ONLY else "move",
        "suggested_path": paths.to_arr(suggested) if suggested else None, "parent": None,
    }
    if parent is not None:
        out["parent"] = {"instance_name": parent.instance, "instance_type": parent.type, "media_id": parent.id,
                         "title": parent.title, "path": paths.to_arr(parent.path)}
    out.update(extra)
    return out


def read_inventory(ctx: Any, refs: list, paths: PathMap) -> Inventory:
    """Items and root folders of every instance in ``refs`` (ConnectorErrors propagate per instance)."""
    from curatarr.connectors.errors import ConnectorError

    inv = Inventory(paths=paths)
    failed = []
    for ref in refs:
        ctx.check_cancelled()
        ctx.progress(0, 0, item=ref.name, phase=f"{ref.name}: reading library")
        try:
            client = ctx.connectors.get(ref.name, ref.type)
            roots = [_norm(paths.to_local(r.path)) for r in client.root_folders()]
            items = client.movies() if ref.type == "radarr" else client.series()
        except ConnectorError as exc:
            failed.append(ref.name)
            ctx.log.error("%s: %s", ref.name, exc)
            ctx.result.error_item(ref.name, str(exc))
            continue
        inv.roots[ref.name], inv.types[ref.name] = roots, ref.type
        for it in items:
            if not it.path:
                continue
            movie_file = getattr(it, "movie_file", None)
            inv.items.append(Item(ref.name, ref.type, it.id, it.title, it.year or 0, _norm(paths.to_local(it.path)),
                                  _norm(paths.to_local(it.root_folder_path)) if it.root_folder_path else "",
                                  _norm(paths.to_local(movie_file.path)) if movie_file and movie_file.path else None))
    if failed and len(failed) == len(refs):
        raise ModuleError(f"no instance could be read ({', '.join(failed)}; see the job log)")
    return inv


def home_root(item: Item, inv: Inventory) -> str | None:
    """The root folder the item belongs in: its own when that is one of its instance's, else the first."""
    own = inv.roots.get(item.instance) or []
    if item.root in own:
        return item.root
    return own[0] if own else None


def nesting(ctx: Any, inv: Inventory) -> list[dict[str, Any]]:
    by_path = {it.path: it for it in inv.items}
    other_roots: dict[str, set[str]] = {}   # type -> root folders of the OTHER type
    for name, roots in inv.roots.items():
        for t in KIND:
            if t != inv.types[name]:
                other_roots.setdefault(t, set()).update(roots)
    out = []
    for n, it in enumerate(inv.items):
        if n % 1000 == 0:
            ctx.check_cancelled()
        parent = None
        folder = os.path.dirname(it.path)
        while folder and folder != os.path.dirname(folder):
            parent = by_path.get(folder)
            if parent is not None:
                break
            folder = os.path.dirname(folder)
        root = home_root(it, inv)
        suggested = f"{root}/{os.path.basename(it.path)}" if root else None
        if parent is not None:
            kind = f"{KIND[it.type]}_in_{KIND[parent.type]}"
            out.append(issue(kind, it, inv.paths, path=it.path, parent=parent, suggested=suggested))
        elif os.path.dirname(it.path) in other_roots.get(it.type, ()):
            other = "series" if it.type == "radarr" else "movie"
            out.append(issue(f"{KIND[it.type]}_in_{other}_root", it, inv.paths, path=it.path, suggested=suggested))
    return out


def disk_findings(ctx: Any, inv: Inventory, roots_allowed: list, extensions: tuple[str, ...] = VIDEO_EXTENSIONS
                  ) -> list[dict[str, Any]]:
    """Strays in root folders and extra videos in movie folders (only what lies inside the roots)."""
    out: list[dict[str, Any]] = []
    item_paths = {it.path for it in inv.items}
    root_owner: dict[str, str] = {}
    for name, roots in inv.roots.items():
        for r in roots:
            root_owner.setdefault(r, name)
    claimed: set[str] = set()   # first-level folders below a root that hold an item
    for it in inv.items:
        folder = it.path
        while folder and folder != os.path.dirname(folder):
            parent = os.path.dirname(folder)
            if parent in root_owner:
                claimed.add(folder)
                break
            folder = parent
    for root, name in sorted(root_owner.items()):
        ctx.check_cancelled()
        local = confined(root, roots_allowed)
        if local is None:
            ctx.result.warn(f"{inv.paths.to_arr(root)}: not read from disk (missing, or outside Curatarr's "
                            "allowed folders; see path_mappings)")
            continue
        try:
            entries = sorted(os.scandir(local), key=lambda e: e.name)
        except OSError as exc:
            ctx.result.warn(f"{root}: cannot list: {exc}")
            continue
        for entry in entries:
            path = _norm(os.path.join(root, entry.name))
            if entry.is_dir(follow_symlinks=False) and path not in claimed:
                out.append(issue("stray_folder", None, inv.paths, path=path, instance=name,
                                 instance_type=inv.types[name]))
            elif entry.is_file(follow_symlinks=False) and is_video(entry.name, extensions):
                out.append(issue("stray_file", None, inv.paths, path=path, instance=name,
                                 instance_type=inv.types[name]))
    movies = [it for it in inv.items if it.type == "radarr" and it.movie_file]
    for n, it in enumerate(movies):
        ctx.progress(n, len(movies), item=it.title, phase="looking into movie folders")
        if confined(it.path, roots_allowed) is None:
            continue
        videos = []
        for path, _st in walk_files(it.path, extensions, check=ctx.check_cancelled):
            path = _norm(path)
            owner = os.path.dirname(path)
            while owner != it.path and owner not in item_paths and owner != os.path.dirname(owner):
                owner = os.path.dirname(owner)
            if owner == it.path:   # not inside another item nested in this folder
                videos.append(path)
        extras = [v for v in videos if v != it.movie_file]
        if len(videos) > 1 and extras:
            out.append(issue("extra_video_in_folder", it, inv.paths, path=it.path,
                             files=[inv.paths.to_arr(v) for v in extras]))
    return out


def summarise(issues: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in issues:
        counts[i["type"]] = counts.get(i["type"], 0) + 1
    return counts
