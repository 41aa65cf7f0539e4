"""The ordered poster source folders: ``poster_renamerr.source_dirs`` (a later folder wins for the
same item), then the upload folder (``poster_renamerr.upload_dir``; uploads are deliberate, so they
win over every set). Every source must be an allowed root; one that is missing or refused is
reported, never read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from curatarr.security.paths import is_within, resolve_roots

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

SECTION = "poster_renamerr"


@dataclass
class Sources:
    folders: list[Path] = field(default_factory=list)      # usable, in priority order (last wins)
    upload_dir: Path | None = None
    problems: list[dict[str, str]] = field(default_factory=list)  # {"path", "error"}

    def rank(self, source: str) -> int:
        """Priority of a source folder (higher wins); -1 for a folder no longer configured."""
        for i, folder in enumerate(self.folders):
            if str(folder) == source:
                return i
        return -1

    def rank_of_path(self, path: str) -> int:
        """Priority of the source folder holding ``path`` (-1 when none does)."""
        best = -1
        for i, folder in enumerate(self.folders):
            if path.startswith(str(folder).rstrip("/") + "/"):
                best = i
        return best


def configured(rt: "Runtime", section: dict | None = None) -> Sources:
    cfg = section if section is not None else (rt.config.get_section(SECTION) or {})
    wanted = [d for d in (cfg.get("source_dirs") or []) if isinstance(d, str) and d]
    upload = cfg.get("upload_dir") if isinstance(cfg.get("upload_dir"), str) else ""
    return check(rt, wanted, upload or None)


def check(rt: "Runtime", wanted: list[str], upload: str | None) -> Sources:
    roots = [r for r in resolve_roots(rt.roots()) if r != rt.data_dir]  # the data dir holds no poster sets
    out = Sources()
    for raw in [*wanted, *([upload] if upload else [])]:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            out.problems.append({"path": raw, "error": "must be an absolute path"})
            continue
        if not path.is_dir():
            out.problems.append({"path": raw, "error": "is not an existing folder"})
            continue
        resolved = path.resolve()
        if not is_within(resolved, roots):
            out.problems.append({"path": raw, "error": "is not inside an allowed root"})
            continue
        if resolved in out.folders:
            out.folders.remove(resolved)  # named twice: its later position counts
        out.folders.append(resolved)
        if raw == upload:
            out.upload_dir = resolved
    return out
