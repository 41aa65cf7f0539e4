"""Which posters a run works on: image files under the source folders, minus ignored folders and
excluded titles; with ``input_files`` (the renamer's hand-off) only those."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from curatarr.borders.config import IMAGE_SUFFIXES

_ID_BLOCK = re.compile(r"\s*[\{\[][^\}\]]*[\}\]]")
_SEASON = re.compile(r"[_ -]*(season\s*\d+|specials)$", re.IGNORECASE)


@dataclass(frozen=True)
class Poster:
    root: Path  # the source folder it was found in (resolved)
    path: Path  # the file (resolved inside root)

    @property
    def rel(self) -> Path:
        return self.path.relative_to(self.root)


def asset_title(rel: Path) -> str:
    """The item an asset file belongs to, without id tags: ``Alien (1979) {tmdb-348}/poster.jpg`` and
    ``Alien (1979)_Season01.jpg`` → ``Alien (1979)``."""
    name = rel.parts[0] if len(rel.parts) > 1 else Path(rel.name).stem
    name = _ID_BLOCK.sub("", name)
    name = _SEASON.sub("", name)
    return " ".join(name.split())


def _excluded(rel: Path, exclusions: set[str]) -> bool:
    if not exclusions:
        return False
    title = asset_title(rel).casefold()
    bare = re.sub(r"\s*\(\d{4}\)$", "", title)
    return title in exclusions or bare in exclusions


def walk(roots: list[Path], *, ignore_folders: list[str], exclusions: list[str],
         skipped: list[str], by_relative: bool = True, link_roots: list[Path] | None = None,
         not_inside: Path | None = None) -> list[Poster]:
    """Every poster under ``roots``, sorted; with ``by_relative`` (one destination folder) a later
    root wins over an earlier one for the same relative path, as in CHUB. Hidden files and folders (our own temp files among them) are not posters; a
    symlink leading out of its folder is reported in ``skipped`` and left alone."""
    ignored = {f.casefold() for f in ignore_folders}
    excluded = {e.strip().casefold() for e in exclusions if e.strip()}
    found: dict[Path, Poster] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d.casefold() not in ignored
                             and (not_inside is None or Path(folder, d).resolve() != not_inside))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(IMAGE_SUFFIXES):
                    continue
                path = Path(folder) / name
                resolved = path.resolve()
                allowed = [root, *(link_roots or [])]
                if not any(resolved.is_relative_to(r) for r in allowed):
                    skipped.append(f"{path}: a link leading outside the allowed folders; left alone")
                    continue
                rel = path.relative_to(root)
                if _excluded(rel, excluded):
                    skipped.append(f"{rel}: excluded title")
                    continue
                found[rel if by_relative else root / rel] = Poster(root, root / rel)
    return [found[k] for k in sorted(found, key=lambda p: p.as_posix())]
