"""jduparr: find duplicate media files with the real ``jdupes`` and hardlink them.

One ``jdupes`` run over every source folder together (a copy in the downloads folder and the
library file are the usual pair, so the folders must be compared with each other, not one by one):
``jdupes -r -q -j -X onlyext:<exts> [-y <hash db>] -- <dirs>``. The JSON listing (``-j``) is parsed,
so names with quotes, newlines or non-UTF-8 bytes survive. Hardlinked files are not duplicates to
jdupes (no ``-H``), so a second run finds nothing left to do.

* Dry run: lists the duplicate groups and what linking would reclaim.
* Real run: ``jdupes -L`` over the same folders, then every group is checked on disk (one inode per
  group); a group that is not linked afterwards is an error, and the run ends in error.
* The hash database (``-y``, jdupes ≥ 1.26) lives in ``<data dir>/jduparr/hashdb``; an older jdupes
  runs without it and the run says so (``data.hash_database: false`` and a warning).

Arguments are validated before anything runs: every folder absolute, existing, inside Curatarr's
roots, no NUL and nothing that starts with ``-`` (``--`` ends the options as well); extensions are
letters and digits only. ``jdupes`` missing from PATH is a clear error.

Differences from CHUB: one run across folders (CHUB ran per folder, so cross-folder copies were
never found), folders checked against the roots, the result verified on disk, JSON output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from curatarr.arr_disk import confined
from curatarr.modules.base import Module, ModuleConfig, ModuleError, RunContext, RunResult

EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")
LISTED_GROUPS = 1000


class JduparrConfig(ModuleConfig):
    dry_run: bool = Field(False, description="Only list the duplicate groups")
    source_dirs: list[str] = Field(default_factory=list, description="Folders compared with each other (recursively)")
    extensions: list[str] = Field(default_factory=lambda: ["mkv", "mp4", "avi", "m4v", "ts"],
                                  description="Only files with these extensions")
    hash_database: bool = Field(True, description="Keep jdupes' hash database in the data dir (jdupes ≥ 1.26)")
    timeout: float = Field(3600.0, gt=0, le=86_400, description="Seconds one jdupes run may take")

    @field_validator("source_dirs")
    @classmethod
    def _dirs(cls, value: list[str]) -> list[str]:
        for d in value:
            if "\x00" in d:
                raise ValueError("a folder contains a NUL byte")
            if d.startswith("-"):
                raise ValueError(f"{d!r}: a folder may not start with '-'")
            if not os.path.isabs(d):
                raise ValueError(f"{d!r}: folders must be absolute paths")
        return value

    @field_validator("extensions")
    @classmethod
    def _exts(cls, value: list[str]) -> list[str]:
        cleaned = [e.lstrip(".").lower() for e in value]
        bad = [e for e in cleaned if not EXTENSION.match(e)]
        if bad or not cleaned:
            raise ValueError(f"extensions must be 1-10 letters or digits: {bad or 'none given'}")
        return cleaned


def jdupes_binary() -> str:
    found = shutil.which("jdupes")
    if found is None:
        raise ModuleError("jdupes is not installed (not found on PATH); install the jdupes package")
    return found


def has_hash_db(binary: str) -> bool:
    try:
        out = subprocess.run([binary, "--help"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    return "--hash-db" in text or re.search(r"^\s*-y\b", text, re.M) is not None


def parse_groups(stdout: bytes) -> list[dict[str, Any]]:
    """jdupes' ``-j`` output → ``[{"size", "files": [...]}]`` (its plain "No duplicates found." too)."""
    text = stdout.decode("utf-8", "surrogateescape").strip()
    if not text or text.startswith("No duplicates found"):
        return []
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ModuleError(f"jdupes printed something that is not its JSON listing: {exc}") from None
    groups = []
    for match in data.get("matchSets") or []:
        files = [f.get("filePath") for f in match.get("fileList") or [] if isinstance(f, dict)]
        files = [f for f in files if isinstance(f, str)]
        if len(files) >= 2:
            groups.append({"size": int(match.get("fileSize") or 0), "files": files})
    return groups


class Jduparr(Module):
    name = "jduparr"
    title = "jduparr"
    description = "Finds duplicate media files with jdupes and replaces the copies with hardlinks."
    category = "media"
    Config = JduparrConfig

    def run(self, ctx: RunContext, config: JduparrConfig) -> RunResult:
        if not config.source_dirs:
            raise ModuleError("no source_dirs configured: name the folders to compare")
        binary = jdupes_binary()
        roots = ctx.rt.roots()
        dirs = []
        for d in config.source_dirs:
            local = confined(d, roots)
            if local is None:
                raise ModuleError(f"{d}: missing, or outside Curatarr's allowed folders")
            dirs.append(str(local))
        base = [binary, "-r", "-q", "-X", "onlyext:" + ",".join(config.extensions)]
        use_db = config.hash_database and has_hash_db(binary)
        if use_db:
            db_dir = Path(ctx.rt.data_dir) / "jduparr"
            db_dir.mkdir(exist_ok=True)
            base += ["-y", str(db_dir / "hashdb")]
        elif config.hash_database:
            ctx.result.warn("this jdupes has no hash database (-y needs jdupes 1.26 or newer); ran without it")
        ctx.result.set_data("hash_database", use_db)
        ctx.progress(0, 0, item=", ".join(dirs), phase="listing duplicates")
        groups = parse_groups(self._jdupes(ctx, config, base + ["-j", "--", *dirs]))
        self._report(ctx, groups)
        if not groups or ctx.dry_run:
            return ctx.result.build()
        ctx.check_cancelled()
        ctx.progress(0, len(groups), phase="hardlinking duplicates")
        ctx.log.warning("hardlinking %d duplicate group(s) in %s", len(groups), ", ".join(dirs))
        self._jdupes(ctx, config, base + ["-L", "--", *dirs])
        self._verify(ctx, groups)
        return ctx.result.build()

    def _jdupes(self, ctx: RunContext, config: JduparrConfig, argv: list[str]) -> bytes:
        ctx.log.info("running %s", " ".join(argv))
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + config.timeout
        try:
            while True:
                try:
                    out, err = proc.communicate(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() > deadline:
                        raise ModuleError(f"jdupes took longer than {config.timeout:g} s; stopped") from None
                    ctx.check_cancelled()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        if proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip()[-500:]
            raise ModuleError(f"jdupes failed (exit {proc.returncode}): {tail or 'no message'}")
        return out

    def _report(self, ctx: RunContext, groups: list[dict[str, Any]]) -> None:
        extra = sum(len(g["files"]) - 1 for g in groups)
        ctx.result.count("groups", len(groups))
        ctx.result.count("duplicate_files", extra)
        ctx.result.count("bytes_reclaimable", sum(g["size"] * (len(g["files"]) - 1) for g in groups))
        ctx.result.set_data("groups", [{"size": g["size"], "files": [_shown(f) for f in g["files"]]}
                                       for g in groups[:LISTED_GROUPS]])
        for g in groups:
            ctx.log.info("duplicates (%d bytes): %s", g["size"], " | ".join(_shown(f) for f in g["files"]))

    def _verify(self, ctx: RunContext, groups: list[dict[str, Any]]) -> None:
        linked = files = reclaimed = 0
        for n, g in enumerate(groups):
            ctx.progress(n, len(groups), phase="checking links")
            try:
                inodes = {(st.st_dev, st.st_ino) for st in (os.lstat(f) for f in g["files"])}
            except OSError as exc:
                ctx.result.error_item(_shown(g["files"][0]), f"cannot check: {exc}")
                continue
            if len(inodes) == 1:
                linked += 1
                files += len(g["files"]) - 1
                reclaimed += g["size"] * (len(g["files"]) - 1)
                ctx.result.changed(f"hardlinked {len(g['files'])} copies of {_shown(g['files'][0])}",
                                   files=[_shown(f) for f in g["files"]], size=g["size"])
            else:
                ctx.result.error_item(_shown(g["files"][0]), f"still {len(inodes)} separate files after jdupes -L")
        ctx.result.count("groups_linked", linked)
        ctx.result.count("files_linked", files)
        ctx.result.count("bytes_reclaimed", reclaimed)
        if linked < len(groups):
            raise ModuleError(f"{len(groups) - linked} of {len(groups)} duplicate group(s) were not linked")


def _shown(path: str) -> str:
    """A path for JSON results and logs (undecodable bytes shown as U+FFFD)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
