"""Our own orphaned poster files: image files in the poster maker's asset folder that carry
Curatarr's provenance marker and that no asset record names (the same rule as the poster maker's
``cleanup`` mode and ``/api/system/cleanup-candidates``). Files Curatarr did not make are never
candidates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

if TYPE_CHECKING:
    from curatarr.runtime import Runtime


@dataclass(frozen=True)
class AssetOrphan:
    rel: str
    size: int


def asset_root(rt: "Runtime") -> Path | None:
    """The poster maker's asset folder, or None when none is configured / it is not allowed."""
    from curatarr.posters.config import PosterMakerConfig, configured_asset_root

    try:
        cfg = PosterMakerConfig.model_validate(rt.config.as_dict().get("poster_maker") or {})
        root = configured_asset_root(rt, cfg)
    except (ValidationError, ValueError):
        return None
    return root if root.is_dir() else None


def find_orphans(rt: "Runtime", root: Path, *, check=None) -> list[AssetOrphan]:
    from curatarr.posters.choices import load_assets
    from curatarr.posters.config import PosterMakerConfig
    from curatarr.posters.writer import is_ours, scan

    cfg = PosterMakerConfig.model_validate(rt.config.as_dict().get("poster_maker") or {})
    protected = tuple(p.rstrip("/") + "/" for p in cfg.exclude_libraries if p) if cfg.library_folders else ()
    keep = set(load_assets(rt.db))
    out = []
    for f in scan(root):
        if check is not None:
            check()
        if f.rel in keep or f.rel.startswith(protected):
            continue
        if is_ours(root / f.rel):
            out.append(AssetOrphan(f.rel, f.size))
    return sorted(out, key=lambda o: o.rel)
