"""One pass over a Kometa asset folder into sets, so the report looks every item up in O(1).

The names are those :mod:`curatarr.assets.naming` writes: in the ``folders`` layout an item's
folder holds ``poster.<ext>`` and ``SeasonNN.<ext>``; in the ``flat`` layout the root holds
``<name>.<ext>`` and ``<name>_SeasonNN.<ext>``. With ``library_folders`` the root holds one folder per
library and each is read like a root; a name counts as having its asset whatever library folder it
is in (the report starts from the *arr items, which do not know the media server's library name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
_SEASON = re.compile(r"Season(\d{1,4})")
_FLAT_SEASON = re.compile(r"^(.*)_Season(\d{1,4})$")
_FLAT_OTHER = re.compile(r"_(background|S\d+E\d+)$")  # backgrounds and title cards of an item

Layout = Literal["folders", "flat"]


@dataclass(slots=True)
class AssetIndex:
    """The asset names that have a main poster, and the (name, season) pairs that have a season poster."""

    posters: set[str] = field(default_factory=set)
    seasons: set[tuple[str, int]] = field(default_factory=set)
    files: int = 0  # image files read (every kind, backgrounds and title cards included)

    def has_poster(self, name: str) -> bool:
        return name in self.posters

    def has_season(self, name: str, season: int) -> bool:
        return (name, season) in self.seasons


def _image_stem(entry_name: str) -> str | None:
    stem, dot, ext = entry_name.rpartition(".")
    if not dot or not stem or ("." + ext.lower()) not in IMAGE_EXTENSIONS:
        return None
    return stem


CHECK_EVERY = 1_000  # item folders between two calls of the caller's cancellation check

Check = Callable[[], None] | None


def _read_folders(root: str, index: AssetIndex, check: Check) -> None:
    with os.scandir(root) as entries:
        item_dirs = [e for e in entries if e.is_dir(follow_symlinks=False)]
    for n, item in enumerate(item_dirs, 1):
        if check is not None and n % CHECK_EVERY == 0:
            check()
        try:
            with os.scandir(item.path) as files:
                stems = [s for f in files if f.is_file() and (s := _image_stem(f.name)) is not None]
        except OSError:
            continue  # an unreadable item folder holds no usable asset
        for stem in stems:
            index.files += 1
            if stem == "poster":
                index.posters.add(item.name)
            elif (m := _SEASON.fullmatch(stem)) is not None:
                index.seasons.add((item.name, int(m.group(1))))


def _read_flat(root: str, index: AssetIndex, check: Check) -> None:  # one listing: nothing long to interrupt
    with os.scandir(root) as entries:
        stems = [s for e in entries if e.is_file() and (s := _image_stem(e.name)) is not None]
    for stem in stems:
        index.files += 1
        if (m := _FLAT_SEASON.fullmatch(stem)) is not None:
            index.seasons.add((m.group(1), int(m.group(2))))
        elif _FLAT_OTHER.search(stem) is None:
            index.posters.add(stem)


def scan_asset_folder(root: Path | str, layout: Layout = "folders", *, library_folders: bool = False,
                      check: Check = None) -> AssetIndex:
    """Read ``root`` once (a missing folder is an empty index: nothing has an asset yet). ``check``
    is called every :data:`CHECK_EVERY` item folders (a run's cancellation check raises from it)."""
    index = AssetIndex()
    root = str(root)
    if not os.path.isdir(root):
        return index
    read = _read_folders if layout == "folders" else _read_flat
    if not library_folders:
        read(root, index, check)
        return index
    with os.scandir(root) as entries:
        libraries = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
    for library in libraries:
        try:
            read(library, index, check)
        except OSError:
            continue
    return index
