"""Changes that reach the *arr: resolve duplicates, delete items, edit metadata, read import exclusions.

Every call goes through :class:`curatarr.library.sources.ArrSource`, which speaks each app's own API
version and parameter names (Radarr ``/api/v3`` + ``addImportExclusion`` + ``/exclusions``; Sonarr
``/api/v3`` + ``addImportListExclusion`` + ``/importlistexclusion``; Lidarr the same on ``/api/v1``).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from sqlalchemy import select

from curatarr.connectors.errors import ConnectorError, NotFound
from curatarr.db.models.library import MediaItem
from curatarr.library.history import record_edits
from curatarr.library.records import ARR_TYPES, LOCAL_FIELDS
from curatarr.library.sources import ArrSource, close_source, source_for
from curatarr.library.store import delete_items, library_session, mark_removed

if TYPE_CHECKING:
    from curatarr.library.service import LibraryService

# Editable fields that live in the *arr: our name → (wire name, kind-specific? None = all).
ARR_FIELDS = {"monitored": "monitored", "tags": "tags", "quality_profile_id": "qualityProfileId"}
EDITABLE = tuple(ARR_FIELDS) + LOCAL_FIELDS


class ActionError(ValueError):
    """Input the action cannot carry out (→ 422)."""


@contextmanager
def arr_source(lib: "LibraryService", instance: str) -> Iterator[ArrSource]:
    from curatarr.instances.factory import get_instance

    ref = get_instance(lib.rt, instance)
    if ref.type not in ARR_TYPES:
        raise ActionError(f"{instance} is a {ref.type} instance; this action needs Radarr, Sonarr or Lidarr")
    source = source_for(lib.rt, ref)
    try:
        yield source
    finally:
        close_source(source)


# ---- duplicates ------------------------------------------------------------------------------------

def resolve_group(lib: "LibraryService", group_id: str, keep_id: str, remove_ids: list[str] | None, *,
                  delete_files: bool = False, add_exclusion: bool = False) -> dict[str, Any]:
    """Keep one member, delete the others in their *arr (optionally with files and an import exclusion).
    Validates everything before the first delete: a keep id or remove id outside the group → ActionError."""
    group = lib.group(group_id)  # KeyError → 404
    members = set(group.ids)
    if keep_id not in members:
        raise ActionError(f"keepId {keep_id!r} is not a member of group {group_id}")
    removes = list(dict.fromkeys(remove_ids if remove_ids else [i for i in group.ids if i != keep_id]))
    outsiders = [i for i in removes if i not in members]
    if outsiders:
        raise ActionError(f"not members of group {group_id}: {', '.join(outsiders)}")
    if keep_id in removes:
        raise ActionError("keepId is also listed in removeIds")
    removed: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for media in removes:
        try:
            result = delete_in_arr(lib, media, delete_files=delete_files, add_exclusion=add_exclusion)
            removed.append({"id": media, **result})
        except (ConnectorError, ActionError, KeyError) as exc:
            failed.append({"id": media, "error": str(exc), "error_type": exc.__class__.__name__})
    with library_session(lib.db) as s:
        mark_removed(s, [r["id"] for r in removed])
    lib.forget_groups()
    return {"group_id": group_id, "kept": keep_id, "removed": removed, "failed": failed,
            "delete_files": delete_files, "import_exclusion": add_exclusion}


def delete_in_arr(lib: "LibraryService", media_id: str, *, delete_files: bool, add_exclusion: bool) -> dict[str, Any]:
    item = lib.record(media_id)
    with arr_source(lib, item.instance) as source:
        try:
            source.delete(item.native_id, delete_files=delete_files, add_exclusion=add_exclusion)
            status = "deleted"
        except NotFound:
            status = "already_gone"
    api = source.base
    return {"instance": item.instance, "service": item.source_type, "api": api, "status": status}


def delete_item(lib: "LibraryService", media_id: str, *, delete_files: bool = False, remove_from_arr: bool = False,
                add_exclusion: bool = False) -> dict[str, Any]:
    """Remove an item from the library; with ``delete_files``/``remove_from_arr`` also from its *arr."""
    item = lib.record(media_id)  # KeyError → 404
    arr: dict[str, Any] | None = None
    if delete_files or remove_from_arr or add_exclusion:
        arr = delete_in_arr(lib, media_id, delete_files=delete_files, add_exclusion=add_exclusion)
    with library_session(lib.db) as s:
        delete_items(s, [item.id])
    lib.forget_groups()
    return {"deleted_id": media_id, "arr": arr, "delete_files": delete_files}


# ---- metadata edits ----------------------------------------------------------------------------------

def _current(item: MediaItem) -> dict[str, Any]:
    user = json.loads(item.user_fields) if item.user_fields else {}
    return {"monitored": item.monitored, "tags": json.loads(item.tags) if item.tags else [],
            "quality_profile_id": item.quality_profile_id, "studio": item.studio, "language": item.language,
            "certification": item.certification, "edition": user.get("edition"), "notes": user.get("notes")}


def _clean_value(field_name: str, value: Any) -> Any:
    if field_name == "monitored":
        if not isinstance(value, bool):
            raise ActionError("monitored must be true or false")
        return value
    if field_name == "tags":
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ActionError("tags must be a list of strings")
        labels = sorted({t.strip().lower() for t in value if t.strip()})
        bad = [t for t in labels if not all(c.isalnum() or c == "-" for c in t) or not t.isascii()]
        if bad:
            raise ActionError(f"tag labels may hold only a-z, 0-9 and '-': {', '.join(bad)}")
        return labels
    if field_name == "quality_profile_id":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ActionError("quality_profile_id must be a positive integer")
        return value
    if value is not None and not isinstance(value, str):
        raise ActionError(f"{field_name} must be a string or null")
    value = value.strip() if isinstance(value, str) else None
    limit = 4000 if field_name == "notes" else 200
    if value and len(value) > limit:
        raise ActionError(f"{field_name} is longer than {limit} characters")
    return value or None


def update_metadata(lib: "LibraryService", media_id: str, changes: dict[str, Any], edited_by: str) -> dict[str, Any]:
    """Apply edits: *arr fields are written to the *arr (then re-read), local ones kept in the library
    over later syncs. One history row per changed field."""
    unknown = [k for k in changes if k not in EDITABLE]
    if unknown:
        raise ActionError(f"fields cannot be edited: {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    if not changes:
        raise ActionError("no fields to change")
    item = lib.record(media_id)  # KeyError → 404
    wanted = {k: _clean_value(k, v) for k, v in changes.items()}
    current = _current(item)
    diff = {k: v for k, v in wanted.items() if current.get(k) != v}
    arr_changes = {k: v for k, v in diff.items() if k in ARR_FIELDS}
    local_changes = {k: v for k, v in diff.items() if k in LOCAL_FIELDS}
    if arr_changes and item.role != "arr":
        raise ActionError(f"{', '.join(arr_changes)} can only be changed on *arr items")
    if arr_changes:
        with arr_source(lib, item.instance) as source:
            wire = {ARR_FIELDS[k]: v for k, v in arr_changes.items()}
            if "tags" in arr_changes:
                wire["tags"] = source.tag_ids(arr_changes["tags"])
            source.update_item(item.native_id, wire)
    if local_changes:
        with library_session(lib.db) as s:
            row = s.scalar(select(MediaItem).where(MediaItem.id == media_id))
            user = json.loads(row.user_fields) if row.user_fields else {}
            for k, v in local_changes.items():
                if v is None:
                    user.pop(k, None)
                else:
                    user[k] = v
                if k not in ("edition", "notes"):
                    setattr(row, k, v)
            row.user_fields = json.dumps(user, sort_keys=True) if user else None
            row.content_hash = ""  # re-hash on the next sync with the edits applied
    history = {k: (current.get(k), v, "arr" if k in ARR_FIELDS else "local") for k, v in diff.items()}
    with library_session(lib.db) as s:
        written = record_edits(s, media_id, history, edited_by)
    if arr_changes:
        from curatarr.library.sync import sync_items

        sync_items(lib.rt, [media_id])
    return {"id": media_id, "changed": sorted(diff), "written_to_arr": sorted(arr_changes),
            "kept_locally": sorted(local_changes), "history_rows": written, "item": lib.get(media_id)}


# ---- import exclusions --------------------------------------------------------------------------------

def import_exclusion(lib: "LibraryService", media_id: str) -> dict[str, Any]:
    """Whether the item is on its *arr's import (list) exclusions."""
    item = lib.record(media_id)
    with arr_source(lib, item.instance) as source:
        entries = source.exclusions()
        path = source.exclusion_path
    wanted = {"radarr": item.tmdb_id, "sonarr": item.tvdb_id}.get(item.source_type, item.musicbrainz_id)
    match = [e for e in entries if wanted and e.external_id == str(wanted)]
    return {"id": media_id, "excluded": bool(match), "service": item.source_type, "instance": item.instance,
            "exclusion_count": len(entries), "endpoint": path,
            "exclusion": match[0].model_dump() if match else None}


# ---- refresh in the *arr ------------------------------------------------------------------------------

def _arr_natives(lib: "LibraryService", media_ids: list[str]) -> dict[str, list[str]]:
    """instance → native ids of the *arr items among ``media_ids`` (unknown ids are skipped)."""
    by_instance: dict[str, list[str]] = {}
    with library_session(lib.db) as s:
        for i in range(0, len(media_ids), 500):
            rows = s.execute(select(MediaItem.instance, MediaItem.native_id)
                             .where(MediaItem.id.in_(media_ids[i:i + 500]), MediaItem.role == "arr"))
            for instance, native in rows:
                by_instance.setdefault(instance, []).append(native)
    return by_instance


def refresh_in_arr(lib: "LibraryService", media_ids: list[str]) -> dict[str, Any]:
    """Ask each *arr to refresh the given items (RefreshMovie / RefreshSeries / RefreshArtist)."""
    commands = []
    for instance, natives in _arr_natives(lib, media_ids).items():
        with arr_source(lib, instance) as source:
            for i in range(0, len(natives), 500):
                cmd = source.refresh(natives[i:i + 500])
                commands.append({"instance": instance, "command": cmd.name, "id": cmd.id,
                                 "count": len(natives[i:i + 500])})
    return {"commands": commands}


def rescan_in_arr(lib: "LibraryService", media_ids: list[str]) -> dict[str, Any]:
    """Ask each *arr to rescan the items' folders on disk (RescanMovie / RescanSeries / RescanFolders)."""
    commands = []
    for instance, natives in _arr_natives(lib, media_ids).items():
        with arr_source(lib, instance) as source:
            for cmd in source.rescan(natives):
                commands.append({"instance": instance, "command": cmd.name, "id": cmd.id})
    return {"commands": commands}


__all__ = ["ActionError", "resolve_group", "delete_item", "update_metadata", "import_exclusion", "refresh_in_arr",
           "rescan_in_arr", "EDITABLE"]
