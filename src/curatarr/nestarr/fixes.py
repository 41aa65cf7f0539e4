"""Preview and fix one nestarr finding: move one Radarr/Sonarr item to a new folder.

The target is checked before anything moves: an absolute, normalised path (no ``..``, no NUL)
strictly inside one of the instance's own root folders (as the *arr reports them), not inside the
item's current folder, not another item's folder, and — when Curatarr can see it (``path_mappings``,
inside the roots) — not an existing folder. The move goes through the *arr (``PUT`` with the new
``path`` and ``moveFiles=true``), is read back from the *arr and verified on disk where visible,
then the *arr is asked to rename the files to its naming scheme. Every fix is logged.

Differences from CHUB: CHUB moved to any ``target_path`` it was given and trusted the *arr's
answer; Lidarr is not offered (CHUB's Lidarr fix never renamed).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, ClassVar

from curatarr.arr_disk import PathMap, confined
from curatarr.errors import Conflict, DomainError, Invalid, NotFound
from curatarr.instances.pool import ConnectorPool

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.nestarr")
TYPES = ("radarr", "sonarr")


class MoveUncertain(DomainError):
    """The *arr accepted the move but the item or the disk does not show it (502)."""

    status: ClassVar[int] = 502
    default_code: ClassVar[str] = "MOVE_UNCERTAIN"


def _path_map(rt: "Runtime") -> PathMap:
    section = rt.config.get_section("nestarr") or {}
    try:
        return PathMap.of(section.get("path_mappings") or [])
    except (TypeError, ValueError):
        return PathMap()


def _target(raw: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid("target_path is required", code="INVALID_TARGET")
    if "\x00" in raw:
        raise Invalid("target_path contains a NUL byte", code="INVALID_TARGET")
    if not raw.startswith("/"):
        raise Invalid("target_path must be an absolute path", code="INVALID_TARGET")
    if any(part == ".." for part in raw.split("/")):
        raise Invalid("target_path may not contain '..'", code="INVALID_TARGET")
    return os.path.normpath(raw)


class _Move:
    """The checked facts of one requested move."""

    def __init__(self, rt: "Runtime", pool: ConnectorPool, body: dict[str, Any]):
        kind, name = body.get("instance_type"), body.get("instance_name")
        if kind not in TYPES:
            raise Invalid(f"instance_type must be one of {', '.join(TYPES)}", code="UNSUPPORTED_INSTANCE_TYPE")
        known = {r.name: r for r in pool.instances(kind, enabled_only=False)}
        if name not in known:
            raise NotFound(f"no {kind} instance named {name!r}", code="INSTANCE_NOT_FOUND")
        self.kind, self.name = kind, name
        self.client = pool.get(name, kind)
        media_id = body.get("media_id")
        if not isinstance(media_id, int) or isinstance(media_id, bool) or media_id <= 0:
            raise Invalid("media_id must be a positive integer", code="INVALID_MEDIA_ID")
        self.item = self.client.movie(media_id) if kind == "radarr" else self.client.series_by_id(media_id)
        self.current = os.path.normpath(self.item.path or "")
        self.target = _target(body.get("target_path"))
        self.roots = [os.path.normpath(r.path) for r in self.client.root_folders()]
        self.paths = _path_map(rt)
        self.rt = rt

    def check(self) -> None:
        if self.target == self.current:
            return
        if not any(self.target.startswith(r.rstrip("/") + "/") for r in self.roots):
            raise Invalid(f"target_path must lie inside one of {self.name}'s root folders: {', '.join(self.roots)}",
                          code="TARGET_OUTSIDE_ROOT_FOLDERS")
        if self.target.startswith(self.current + "/"):
            raise Invalid("target_path lies inside the item's own folder", code="INVALID_TARGET")
        others = self.client.movies() if self.kind == "radarr" else self.client.series()
        if any(o.id != self.item.id and o.path and os.path.normpath(o.path) == self.target for o in others):
            raise Conflict("another item already uses target_path", code="TARGET_IN_USE")
        local = self.local(self.target)
        if local is not None and os.path.exists(local):
            raise Conflict("target_path already exists on disk", code="TARGET_EXISTS")

    def local(self, arr_path: str) -> str | None:
        """The local path of ``arr_path`` when Curatarr may look at it (its parent inside the roots)."""
        path = self.paths.to_local(arr_path)
        parent = confined(os.path.dirname(path), self.rt.roots())
        return str(parent / os.path.basename(path)) if parent is not None else None

    def rename_preview(self) -> list[dict[str, str]]:
        found = self.client.rename_preview([self.item.id]) if self.kind == "radarr" else \
            self.client.rename_preview(self.item.id)
        return [{"existing_path": p.existing_path, "new_path": p.new_path} for p in found]


def preview(rt: "Runtime", body: dict[str, Any]) -> dict[str, Any]:
    pool = ConnectorPool(rt)
    try:
        move = _Move(rt, pool, body)
        move.check()
        return {"title": move.item.title, "year": move.item.year or None, "current_path": move.current,
                "target_path": move.target, "rename_preview": move.rename_preview(),
                "already_correct": move.target == move.current, "root_folders": move.roots}
    finally:
        pool.close()


def fix(rt: "Runtime", body: dict[str, Any], *, actor: str = "") -> dict[str, Any]:
    pool = ConnectorPool(rt)
    try:
        move = _Move(rt, pool, body)
        move.check()
        if move.target == move.current:
            return {"old_path": move.current, "new_path": move.target, "moved": False, "rename_triggered": False,
                    "verified_on_disk": None}
        log.warning("nestarr fix by %s: %s %s #%s %r: moving %s -> %s", actor or "?", move.kind, move.name,
                    move.item.id, move.item.title, move.current, move.target)
        local_old, local_new = move.local(move.current), move.local(move.target)
        document = move.client.item_document(move.item.id)
        document["path"] = move.target
        move.client.move_item(move.item.id, document)
        after = move.client.movie(move.item.id) if move.kind == "radarr" else move.client.series_by_id(move.item.id)
        if os.path.normpath(after.path or "") != move.target:
            raise MoveUncertain(f"{move.name} still reports {after.path} for the item", data={"reported": after.path})
        verified = None
        if local_new is not None:
            verified = os.path.isdir(local_new) and (local_old is None or not os.path.exists(local_old)
                                                     or _only_nested_items_left(local_old))
            if not verified:
                raise MoveUncertain(f"{move.name} reports the move, but {local_new} is not on disk as expected")
        command = move.client.rename([move.item.id])
        log.warning("nestarr fix done: %s #%s now at %s (verified on disk: %s)", move.name, move.item.id,
                    move.target, verified)
        return {"old_path": move.current, "new_path": move.target, "moved": True,
                "rename_triggered": bool(getattr(command, "id", None)), "verified_on_disk": verified}
    finally:
        pool.close()


def _only_nested_items_left(folder: str) -> bool:
    """The old folder may stay when other items' folders were nested in it: no files left directly in it."""
    try:
        return not any(e.is_file(follow_symlinks=False) for e in os.scandir(folder))
    except OSError:
        return True
