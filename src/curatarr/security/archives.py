"""Zip checks before anything is extracted: size caps, member caps, zip-slip, symlinks, ratio bombs."""

from __future__ import annotations

import stat
import zipfile
from pathlib import PurePosixPath


class ArchiveRejected(ValueError):
    pass


def check_zip(zf: zipfile.ZipFile, *, max_total_bytes: int, max_members: int = 1000, max_ratio: int = 200) -> list[zipfile.ZipInfo]:
    """Validate every member of ``zf``; return the infos. Raises :class:`ArchiveRejected`."""
    infos = zf.infolist()
    if len(infos) > max_members:
        raise ArchiveRejected(f"archive has more than {max_members} members")
    total = 0
    for info in infos:
        name = info.filename
        if "\x00" in name or "\\" in name:
            raise ArchiveRejected(f"archive member {name!r} has an invalid name")
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or (path.parts and path.parts[0].endswith(":")):
            raise ArchiveRejected(f"archive member {name!r} escapes the archive (zip-slip)")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveRejected(f"archive member {name!r} is a symlink")
        total += info.file_size
        if total > max_total_bytes:
            raise ArchiveRejected("archive expands beyond the size limit")
        if info.compress_size and info.file_size / max(info.compress_size, 1) > max_ratio and info.file_size > 1_000_000:
            raise ArchiveRejected(f"archive member {name!r} has a suspicious compression ratio")
    return infos
