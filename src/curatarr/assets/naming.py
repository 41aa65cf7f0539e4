"""Where an asset goes in a Kometa-style asset folder. Pure; tested by the acceptance table
``../shared/acceptance/kometa_naming.yaml``.

The asset name is the media item's folder name on disk, verbatim (id tags like ``{tmdb-11}`` or
``[tvdb-81189]`` kept). For a movie (a file path) that is the folder holding the file — which also
skips any sorting level (``A/``, ``4K/``) between the library root and the item; for a show the
path is the show folder itself. Collections use their name, sanitised like Kometa
(``pathvalidate.sanitize_filename``), so a ``/`` never creates a folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal

from pathvalidate import sanitize_filename

Kind = Literal["poster", "background", "season", "titlecard", "collection"]
Layout = Literal["folders", "flat"]

# Extensions that mark a media path as a file (its folder is the asset name).
MEDIA_EXTENSIONS = frozenset(
    ".mkv .mp4 .m4v .avi .mov .wmv .ts .m2ts .mpg .mpeg .webm .iso .flac .mp3 .m4a .strm".split()
)


def _pure(path: str):
    return PureWindowsPath(path) if ("\\" in path and "/" not in path) else PurePosixPath(path)


def asset_name_for_path(media_path: str) -> str:
    """The folder name that names this item's assets."""
    p = _pure(media_path.rstrip("/\\"))
    if p.suffix.lower() in MEDIA_EXTENSIONS:
        p = p.parent
    if not p.name:
        raise ValueError(f"cannot derive an asset name from {media_path!r}")
    return p.name


def collection_asset_name(collection: str) -> str:
    name = sanitize_filename(collection).strip()
    if not name:
        raise ValueError(f"collection name {collection!r} is empty once sanitised")
    return name


@dataclass(frozen=True)
class AssetTarget:
    kind: Kind
    name: str  # the asset name (folder name or sanitised collection name)
    library: str | None = None
    season: int | None = None
    episode: int | None = None


def _file_stem(kind: Kind, season: int | None, episode: int | None) -> str | None:
    """The file stem inside an item folder; None means "poster" (the folder's main image)."""
    if kind in ("poster", "collection"):
        return None
    if kind == "background":
        return "background"
    if kind == "season":
        if season is None or season < 0:
            raise ValueError("a season asset needs a season number >= 0")
        return f"Season{season:02d}"
    if kind == "titlecard":
        if season is None or episode is None or season < 0 or episode < 0:
            raise ValueError("a title card needs season and episode numbers >= 0")
        return f"S{season:02d}E{episode:02d}"
    raise ValueError(f"unknown asset kind {kind!r}")


def asset_relpath(target: AssetTarget, *, layout: Layout = "folders", library_folders: bool = False,
                  ext: str = "jpg") -> str:
    """Relative path of the asset file inside the asset root (always ``/``-separated)."""
    stem = _file_stem(target.kind, target.season, target.episode)
    if layout == "folders":
        rel = f"{target.name}/{stem or 'poster'}.{ext}"
    elif layout == "flat":
        rel = f"{target.name}{'_' + stem if stem else ''}.{ext}"
    else:
        raise ValueError(f"unknown layout {layout!r}")
    if library_folders:
        if not target.library:
            raise ValueError("library_folders needs the library name")
        rel = f"{_library_folder(target.library)}/{rel}"
    return rel


@lru_cache(maxsize=256)
def _library_folder(library: str) -> str:
    """A library's folder name (a handful of libraries, asked for once per asset of a run)."""
    return sanitize_filename(library)
