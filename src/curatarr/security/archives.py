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


class ReadBudget:
    """Reads archive members counting the bytes that actually come out, not the sizes the archive
    declares: a member whose header under-declares its size (``ZipInfo.file_size``) is cut off at the
    budget, and a member whose data does not match its header (size or CRC) is refused as corrupt —
    :class:`ArchiveRejected` either way, never a ``BadZipFile`` or ``zlib.error`` escaping."""

    CHUNK = 1024 * 1024

    def __init__(self, max_total_bytes: int):
        self.left = max_total_bytes

    def _take(self, n: int, name: str) -> None:
        self.left -= n
        if self.left < 0:
            raise ArchiveRejected(f"archive member {name!r} expands beyond the size limit "
                                  "(its header under-declares its size)")

    def read(self, zf: zipfile.ZipFile, name: str) -> bytes:
        parts = []
        for chunk in self._chunks(zf, name):
            parts.append(chunk)
        return b"".join(parts)

    def lines(self, zf: zipfile.ZipFile, name: str):
        """The member's lines (bytes, newline kept), each counted against the budget."""
        rest = b""
        for chunk in self._chunks(zf, name):
            rest += chunk
            *whole, rest = rest.split(b"\n")
            for line in whole:
                yield line + b"\n"
        if rest:
            yield rest

    def _chunks(self, zf: zipfile.ZipFile, name: str):
        import zlib

        try:
            with zf.open(name) as fh:
                while True:
                    chunk = fh.read(min(self.CHUNK, self.left + 1))
                    if not chunk:
                        return
                    self._take(len(chunk), name)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveRejected(f"archive member {name!r} is corrupt ({exc.__class__.__name__}: its data "
                                  "does not match its header)") from None
