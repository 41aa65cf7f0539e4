"""Read-side views of the asset folders for the API: stats per library folder, manual assets,
folder browsing. Everything is computed from the files on disk (one os.scandir walk)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from curatarr.posters.config import PosterMakerConfig, asset_root
from curatarr.posters.writer import IMAGE_EXTENSIONS, AssetFile, classify, resolve, scan


def poster_config(rt) -> PosterMakerConfig:
    """The poster maker's settings as config.yml has them (no job overrides)."""
    return PosterMakerConfig.model_validate(rt.config.get_section("poster_maker") or {})


def roots(rt) -> tuple[Path, Path | None]:
    cfg = poster_config(rt)
    manual = None
    if cfg.manual_asset_path:
        from curatarr.security.paths import safe_path

        manual = safe_path(cfg.manual_asset_path, rt.roots())
    return asset_root(rt, cfg), manual


def asset_url(rel: str, prefix: str = "/poster_assets") -> str:
    return f"{prefix}/{quote(rel)}"


def folder_stats(root: Path) -> dict:
    return folder_stats_of(scan(root))


def folder_stats_of(files: Iterable[AssetFile]) -> dict:
    """Counts and sizes per library folder of ``files`` (the API passes the gallery index's file list)."""
    totals = {"poster": 0, "background": 0, "season": 0, "titlecard": 0}
    folders: dict[str, dict] = {}
    size = collections = 0
    for f in files:
        size += f.size
        if f.rel.startswith("Collections/"):  # collection posters are counted apart (Posterizarr's scan skips them)
            collections += 1
            continue
        totals[f.kind] += 1
        top = f.rel.split("/", 1)[0] if "/" in f.rel else ""
        entry = folders.setdefault(top, {"name": top or ".", "path": top, "poster_count": 0, "background_count": 0,
                                         "season_count": 0, "titlecard_count": 0, "files": 0, "size": 0})
        entry[f"{f.kind}_count"] += 1
        entry["files"] += 1
        entry["size"] += f.size
    return {"posters": totals["poster"], "backgrounds": totals["background"], "seasons": totals["season"],
            "titlecards": totals["titlecard"], "collections": collections, "total_size": size,
            "folders": sorted(folders.values(), key=lambda x: x["name"].lower())}


def manual_gallery(root: Path | None) -> dict:
    libraries: dict[str, dict] = {}
    total = 0
    if root is not None:
        for f in scan(root):
            parts = f.rel.split("/")
            lib, folder = (parts[0], parts[1]) if len(parts) >= 3 else ("", parts[0] if len(parts) == 2 else "")
            folder_path = "/".join(parts[:-1])
            l = libraries.setdefault(lib, {"name": lib, "folders": {}})
            fo = l["folders"].setdefault(folder_path, {"name": folder or parts[-1], "path": folder_path, "assets": []})
            fo["assets"].append({"name": parts[-1], "path": f.rel, "type": f.kind,
                                 "url": asset_url(f.rel, "/manual_poster_assets")})
            total += 1
    out = []
    for lib in sorted(libraries.values(), key=lambda x: x["name"].lower()):
        folders = [{**fo, "asset_count": len(fo["assets"])} for fo in sorted(lib["folders"].values(), key=lambda x: x["path"])]
        out.append({"name": lib["name"], "folders": folders, "folder_count": len(folders)})
    return {"libraries": out, "total_assets": total}


def browse(root: Path, rel: str = "") -> dict:
    folder = resolve(root, rel) if rel else root
    if not folder.is_dir():
        raise FileNotFoundError(rel)
    items = []
    for entry in sorted(os.scandir(folder), key=lambda e: (not e.is_dir(), e.name.lower())):
        path = f"{rel.strip('/')}/{entry.name}".lstrip("/")
        if entry.is_dir(follow_symlinks=False):
            try:
                count = sum(1 for _ in os.scandir(entry.path))
            except OSError:
                count = 0
            items.append({"type": "folder", "name": entry.name, "path": path, "item_count": count})
        elif entry.is_file() and entry.name.lower().endswith(IMAGE_EXTENSIONS):
            items.append({"type": "file", "name": entry.name, "path": path, "size": entry.stat().st_size,
                          "kind": classify(entry.name), "url": asset_url(path)})
    return {"success": True, "path": rel.strip("/"), "items": items}
