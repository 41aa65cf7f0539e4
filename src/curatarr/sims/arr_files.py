"""Real files behind the Radarr and Sonarr simulators (opt-in: ``files_root=``).

Without ``files_root`` the *arr simulators only describe paths (``/data/movies/…``) that exist
nowhere. With it, each simulator re-bases its instance's library under ``files_root`` (so the paths
its API reports are real, absolute paths on this machine, as they are for a Curatarr that shares the
*arr's mounts) and lays the library out on disk:

* every movie file and episode file as a small file with deterministic, per-item bytes;
* most files hardlinked into ``<files_root>/data/downloads/<instance>/`` (what a torrent client plus
  an *arr import leave), about a third not (``st_nlink == 1``: what ``nohl`` looks for); one whole
  season of one show not hardlinked (a season-pack replacement);
* true duplicates: two movies whose file also exists as a separate copy (same bytes, other inode) in
  the downloads folder (what ``jduparr`` hardlinks);
* nesting: the first movie's folder inside the second movie's folder, the second show's folder inside
  the first show's, one movie in a series root folder (cross-type) — what ``nestarr`` reports;
* strays: an untracked folder and a loose video in each root folder, a ``sample`` video and a
  ``Featurettes`` folder in one movie folder (extra videos).

File operations through the simulator's API change the tree: deleting a movie/episode file unlinks
it, deleting an item with ``deleteFiles`` removes its folder, ``PUT`` with a new ``path`` (or the
editor's ``rootFolderPath``) and ``moveFiles=true`` moves the folder, ``RenameMovie`` / ``RenameFiles``
/ ``RenameSeries`` rename files, and a search for an item without a file "downloads" one (a new file
hardlinked from the downloads folder). Nothing is ever touched outside ``files_root``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

VIDEO_SIZE = 2048  # bytes per simulated video file: small, but several jdupes read blocks


def video_bytes(key: str) -> bytes:
    """Deterministic content for one simulated video (``key`` names the release, not the path)."""
    digest = hashlib.sha256(key.encode()).hexdigest().encode()
    head = b"CURATARR-SIM-VIDEO " + key.encode("utf-8", "replace") + b"\n"
    return (head + digest * (VIDEO_SIZE // len(digest) + 1))[:VIDEO_SIZE]


def _stable(*parts: object) -> int:
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


class ArrFiles:
    """The on-disk tree of one Radarr/Sonarr simulator instance."""

    def __init__(self, root: str | os.PathLike, *, instance: str):
        self.root = Path(root).resolve()
        self.instance = instance
        self.downloads = self.root / "data" / "downloads" / instance
        self.owned: set[str] = set()   # top-level paths this instance created (wiped on reset)

    # ---- confinement ---------------------------------------------------------------------------
    def inside(self, path: str | os.PathLike | None) -> Path | None:
        """``path`` as a Path when it lies under ``root`` (never follows it outside), else None."""
        if not path:
            return None
        p = Path(os.path.normpath(str(path)))
        try:
            p.relative_to(self.root)
        except ValueError:
            return None
        return p if p != self.root else None

    def rebase(self, virtual: str) -> str:
        return str(self.root) + "/" + virtual.lstrip("/")

    # ---- primitive file operations (each refuses paths outside the root) ------------------------
    def write(self, path: str, key: str, *, hardlink: bool = False, duplicate: bool = False) -> None:
        target = self.inside(path)
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        data = video_bytes(key)
        target.write_bytes(data)
        if hardlink or duplicate:
            self.downloads.mkdir(parents=True, exist_ok=True)
            twin = self.downloads / f"{_stable(path) % 100000:05d} {target.name}"
            if twin.exists():
                twin.unlink()
            if hardlink:
                os.link(target, twin)
            else:
                twin.write_bytes(data)   # same bytes, another inode: a true duplicate
            self.owned.add(str(self.downloads))

    def delete_file(self, path: str | None) -> None:
        target = self.inside(path)
        if target is not None and target.is_file():
            target.unlink()

    def delete_tree(self, path: str | None) -> None:
        target = self.inside(path)
        if target is not None and target.is_dir():
            shutil.rmtree(target)

    def move(self, source: str | None, destination: str | None) -> bool:
        """Move a file or folder (parents created); False when either end is outside or missing."""
        src, dst = self.inside(source), self.inside(destination)
        if src is None or dst is None or src == dst or not src.exists() or dst.exists():
            return False
        if dst.is_relative_to(src):
            return False   # a folder cannot move into itself
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst) if src.parent == dst.parent else shutil.move(str(src), str(dst))
        self.owned.add(str(dst))
        return True

    def import_download(self, path: str, key: str) -> None:
        """A finished download imported by hardlink (the outcome of a search)."""
        self.write(path, key, hardlink=True)

    def wipe(self) -> None:
        """Remove what this instance created (reset)."""
        for path in sorted(self.owned, key=len, reverse=True):
            target = self.inside(path)
            if target is None or not target.exists():
                continue
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        self.owned.clear()

    # ---- layout --------------------------------------------------------------------------------
    def lay_out(self, library: Any, service: str) -> None:
        self.wipe()
        library.root_folders = [replace(r, path=self.rebase(r.path)) for r in library.root_folders]
        if service == "radarr":
            self._movies(library)
        elif service == "sonarr":
            self._shows(library)

    def _strays(self, roots: list[str], kind: str) -> None:
        for root in roots:
            if self.inside(root) is None:
                continue
            Path(root).mkdir(parents=True, exist_ok=True)
            stray_dir = f"{root}/Untracked {kind} (1999)"
            self.write(f"{stray_dir}/Untracked {kind} (1999).mkv", f"stray:{root}:{kind}")
            self.write(f"{root}/loose {kind.lower()} file.mkv", f"loose:{root}:{kind}")
            Path(f"{root}/notes.txt").write_text("not a video\n")
            self.owned.update({stray_dir, f"{root}/loose {kind.lower()} file.mkv", f"{root}/notes.txt"})

    def _movies(self, library: Any) -> None:
        from curatarr.sims.radarr import expected_file_name

        roots = [r.path for r in library.root_folders if r.media == "movie"]
        series_roots = [r.path for r in library.root_folders if r.media == "show"]
        for m in library.movies:
            m.root_folder, m.path = self.rebase(m.root_folder), self.rebase(m.path)
        with_file = [m for m in sorted(library.movies, key=lambda m: m.id) if m.has_file]
        if len(with_file) >= 2:   # movie 0 nested inside movie 1's folder
            inner, outer = with_file[0], with_file[1]
            inner.path = f"{outer.path}/{inner.folder_name}"
        if len(with_file) >= 3 and series_roots:   # a movie in a series root folder (cross-type)
            with_file[2].root_folder = series_roots[0]
            with_file[2].path = f"{series_roots[0]}/{with_file[2].folder_name}"
        duplicates = {m.id for m in with_file[4:6]}
        for m in sorted(library.movies, key=lambda m: m.id):
            self.owned.add(m.path)
            if not m.has_file:
                continue
            m.file_name = m.file_name or expected_file_name(m)
            linked = _stable(self.instance, m.tmdb_id) % 3 != 0 and m.id not in duplicates
            self.write(f"{m.path}/{m.file_name}", f"movie:{m.tmdb_id}:{m.quality}", hardlink=linked,
                       duplicate=m.id in duplicates)
        if len(with_file) >= 4:   # extra videos: a sample next to the movie, a featurette folder
            m = with_file[3]
            stem = m.file_name.rsplit(".", 1)[0]
            self.write(f"{m.path}/{stem}-sample.mkv", f"sample:{m.tmdb_id}")
            self.write(f"{m.path}/Featurettes/Behind the Scenes.mkv", f"extra:{m.tmdb_id}")
        self._strays(roots, "Movie")

    def _shows(self, library: Any) -> None:
        roots = [r.path for r in library.root_folders if r.media == "show"]
        shows = sorted(library.shows, key=lambda s: s.id)
        for s in shows:
            old = s.path
            s.root_folder, s.path = self.rebase(s.root_folder), self.rebase(s.path)
            for ep in s.episodes():
                if ep.path:
                    ep.path = self.rebase(ep.path) if not ep.path.startswith(old + "/") else s.path + ep.path[len(old):]
        if len(shows) >= 2:   # show 1 nested inside show 0's folder
            inner, outer = shows[1], shows[0]
            old, inner.path = inner.path, f"{outer.path}/{inner.folder_name}"
            for ep in inner.episodes():
                if ep.path and ep.path.startswith(old + "/"):
                    ep.path = inner.path + ep.path[len(old):]
        unlinked_show = shows[2].id if len(shows) >= 3 else None
        for s in shows:
            self.owned.add(s.path)
            for season in s.seasons:
                for ep in season.episodes:
                    if not ep.has_file or not ep.path:
                        continue
                    linked = s.id != unlinked_show and _stable(self.instance, ep.tvdb_id) % 3 != 0
                    self.write(ep.path, f"episode:{ep.tvdb_id}:{ep.quality}", hardlink=linked)
        self._strays(roots, "Show")


class DiskHooks:
    """What the *arr simulators call where their API changes files (``self.disk``: an :class:`ArrFiles`
    or None). Every hook is a no-op without ``files_root``."""

    disk: ArrFiles | None = None

    def disk_move(self, old: str | None, new: str | None, move_files: bool) -> None:
        if self.disk is not None and move_files:
            self.disk.move(old, new)

    def disk_delete_file(self, path: str | None) -> None:
        if self.disk is not None:
            self.disk.delete_file(path)

    def disk_delete_tree(self, path: str | None, delete_files: bool) -> None:
        if self.disk is not None and delete_files:
            self.disk.delete_tree(path)

    def disk_rename(self, old: str | None, new: str | None) -> None:
        if self.disk is not None:
            self.disk.move(old, new)

    def disk_import(self, path: str, key: str) -> bool:
        """A search's download imported as a hardlink; False without real files (nothing grabbed)."""
        if self.disk is None:
            return False
        self.disk.import_download(path, key)
        return True


def attach(simulator: Any, files_root: str | os.PathLike | None) -> ArrFiles | None:
    """The file tree for ``simulator`` (None without ``files_root``: paths stay virtual)."""
    if not files_root:
        return None
    return ArrFiles(files_root, instance=simulator.instance)
