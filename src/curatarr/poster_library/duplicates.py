"""Duplicate posters: exact (same sha256) and near (perceptual hashes within ``distance`` bits —
re-encodes and resizes of the same art), with stable group ids:

* ``x-<first 16 hex of the sha256>`` for an exact group (the content names it);
* ``n-<smallest poster id>`` for a near group (ids are stable, so is the group's).

Near groups are found without comparing every pair: the 64-bit hash is cut into ``distance + 1``
bands; two hashes within ``distance`` bits agree on at least one whole band (pigeonhole), so only
hashes sharing a band value are compared. Exact copies count once in the near search.

Resolving deletes the files of the removed copies only when asked (``delete_files``), only inside
the allowed roots, and logs each delete; without it the answer is the plan and nothing changes.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from curatarr.db.models.poster_library import PosterFile
from curatarr.errors import Invalid, NotFound
from curatarr.poster_library.queries import poster_dict
from curatarr.security.paths import PathRejected, safe_path

log = logging.getLogger("curatarr.poster_library")

DEFAULT_DISTANCE = 5
MAX_DISTANCE = 12


def _exact(s) -> list[dict[str, Any]]:
    shas = [sha for sha, in s.execute(select(PosterFile.sha256).where(PosterFile.sha256.is_not(None))
                                      .group_by(PosterFile.sha256).having(func.count() > 1))]
    members: dict[str, list[int]] = defaultdict(list)
    for i in range(0, len(shas), 500):
        for pid, sha in s.execute(select(PosterFile.id, PosterFile.sha256).where(PosterFile.sha256.in_(shas[i:i + 500]))):
            members[sha].append(pid)
    return [{"id": f"x-{sha[:16]}", "kind": "exact", "ids": sorted(ids)} for sha, ids in members.items()]


def _near(s, distance: int) -> list[dict[str, Any]]:
    rows = s.execute(select(PosterFile.id, PosterFile.sha256, PosterFile.dhash)
                     .where(PosterFile.dhash.is_not(None), PosterFile.error.is_(None))).all()
    by_sha: dict[str, list[int]] = defaultdict(list)
    hashes: dict[str, int] = {}
    for pid, sha, dh in rows:
        by_sha[sha].append(pid)
        hashes[sha] = int(dh, 16)
    shas = list(hashes)
    parent = list(range(len(shas)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    bands = distance + 1
    widths = [64 // bands + (1 if b < 64 % bands else 0) for b in range(bands)]
    shift = 0
    for width in widths:
        buckets: dict[int, list[int]] = defaultdict(list)
        mask = (1 << width) - 1
        for i, sha in enumerate(shas):
            buckets[(hashes[sha] >> shift) & mask].append(i)
        shift += width
        for members in buckets.values():
            for a in range(len(members)):
                ha = hashes[shas[members[a]]]
                for b in range(a + 1, len(members)):
                    if (ha ^ hashes[shas[members[b]]]).bit_count() <= distance:
                        ra, rb = find(members[a]), find(members[b])
                        if ra != rb:
                            parent[rb] = ra
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(shas)):
        groups[find(i)].append(i)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue  # one content (exact copies of it are the exact groups' business)
        ids = sorted(pid for m in members for pid in by_sha[shas[m]])
        out.append({"id": f"n-{ids[0]}", "kind": "near", "ids": ids})
    return out


def groups(db, *, distance: int = DEFAULT_DISTANCE, near: bool = True) -> list[dict[str, Any]]:
    if not 0 <= distance <= MAX_DISTANCE:
        raise Invalid(f"distance must be between 0 and {MAX_DISTANCE}")
    with db.session() as s:
        found = _exact(s) + (_near(s, distance) if near else [])
    return found


def duplicate_ids(db) -> set[int]:
    return {pid for g in groups(db) for pid in g["ids"]}


def listing(db, *, distance: int, near: bool, limit: int, offset: int) -> dict[str, Any]:
    found = sorted(groups(db, distance=distance, near=near), key=lambda g: (g["kind"], g["id"]))
    chosen = found[offset:offset + limit]
    wanted = sorted({pid for g in chosen for pid in g["ids"]})
    with db.session() as s:
        rows = {r.id: poster_dict(r) for r in s.execute(select(PosterFile).where(PosterFile.id.in_(wanted))).scalars()}
    out = [{"group_id": g["id"], "id": g["id"], "kind": g["kind"], "count": len(g["ids"]),
            "posters": [rows[i] for i in g["ids"] if i in rows]} for g in chosen]
    return {"groups": out, "duplicates": out, "total": len(found), "limit": limit, "offset": offset,
            "exact_groups": sum(1 for g in found if g["kind"] == "exact"),
            "near_groups": sum(1 for g in found if g["kind"] == "near"), "distance": distance}


def resolve(db, roots: list[Path], group_id: str, keep_id: int, remove_ids: list[int] | None, *,
            delete_files: bool, distance: int = DEFAULT_DISTANCE) -> dict[str, Any]:
    group = next((g for g in groups(db, distance=distance) if g["id"] == group_id), None)
    if group is None:
        raise NotFound(f"duplicate group {group_id} not found (the index changed, or it is not a group)")
    members = set(group["ids"])
    if keep_id not in members:
        raise Invalid(f"poster {keep_id} is not in group {group_id}")
    remove = set(remove_ids) if remove_ids else members - {keep_id}
    if keep_id in remove:
        raise Invalid("the kept poster cannot also be removed")
    if not remove <= members:
        raise Invalid(f"posters {sorted(remove - members)} are not in group {group_id}")
    with db.session() as s:
        rows = s.execute(select(PosterFile.id, PosterFile.source, PosterFile.relpath)
                         .where(PosterFile.id.in_(sorted(remove)))).all()
    planned = [{"id": pid, "file": f"{src}/{rel}"} for pid, src, rel in rows]
    if not delete_files:
        return {"group_id": group_id, "kept": keep_id, "removed": [], "would_remove": planned, "deleted_files": 0,
                "dry_run": True, "message": "nothing deleted: pass delete_files=true to delete the other copies"}
    deleted, errors = [], []
    for item in planned:
        try:
            path = safe_path(item["file"], roots)
            os.unlink(path)
        except PathRejected as exc:
            errors.append({"id": item["id"], "error": str(exc)})
            continue
        except FileNotFoundError:
            pass
        except OSError as exc:
            errors.append({"id": item["id"], "error": exc.strerror or str(exc)})
            continue
        log.warning("duplicate group %s: deleted %s (kept poster %s)", group_id, item["file"], keep_id)
        deleted.append(item)
    with db.session() as s:
        s.execute(delete(PosterFile).where(PosterFile.id.in_([d["id"] for d in deleted])))
    return {"group_id": group_id, "kept": keep_id, "removed": deleted, "deleted_files": len(deleted),
            "errors": errors, "dry_run": False}
