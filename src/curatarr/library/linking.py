"""Link *arr items to media-server items: by ids first (tmdb / tvdb / imdb / musicbrainz), then by
normalised title + year (narrowed by folder name when several fit), then by folder name alone.

Everything is a dict lookup over indexes built once per run — O(arr + server), never all pairs
(CHUB compared every unmapped row with every Plex row, reference/chub.md §5.6). Only the
difference between the wanted and the stored links is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from curatarr.db.base import utcnow
from curatarr.db.models.library import MediaItem, MediaLink
from curatarr.library.store import chunks

# Which ids to trust first, per kind (a show's tmdb id is less common in *arr data than its tvdb id).
ID_ORDER = {"movie": ("tmdb_id", "imdb_id", "tvdb_id"), "series": ("tvdb_id", "tmdb_id", "imdb_id"),
            "artist": ("musicbrainz_id",)}
ID_COLUMNS = ("tmdb_id", "tvdb_id", "imdb_id", "musicbrainz_id")
METHOD = {"tmdb_id": "tmdb", "tvdb_id": "tvdb", "imdb_id": "imdb", "musicbrainz_id": "mbid"}


@dataclass(frozen=True, slots=True)
class LinkRow:
    id: Any  # the item's row key (any hashable id works for the pure matching)
    kind: str
    tmdb_id: int | None
    tvdb_id: int | None
    imdb_id: str | None
    musicbrainz_id: str | None
    norm_title: str
    year: int | None
    folder_key: str | None


@dataclass
class LinkReport:
    server_items: int = 0
    linked_server_items: int = 0
    links: int = 0
    added: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"server_items": self.server_items, "linked_server_items": self.linked_server_items,
                "unlinked_server_items": self.server_items - self.linked_server_items, "links": self.links,
                "added": self.added, "removed": self.removed}


def _conflicts(a: LinkRow, b: LinkRow) -> bool:
    """Both sides carry the same kind of id with different values: not the same item."""
    for col in ID_COLUMNS:
        va, vb = getattr(a, col), getattr(b, col)
        if va and vb and va != vb:
            return True
    return False


def compute_links(arr_rows: Iterable[LinkRow], server_rows: Iterable[LinkRow]) -> dict[tuple[Any, Any], str]:
    """(arr id, server id) → method, for every server item that matches something."""
    by_id: dict[tuple[str, str, Any], list[LinkRow]] = defaultdict(list)
    by_title: dict[tuple[str, str, int | None], list[LinkRow]] = defaultdict(list)
    by_folder: dict[tuple[str, str], list[LinkRow]] = defaultdict(list)
    for row in arr_rows:
        for col in ID_COLUMNS:
            value = getattr(row, col)
            if value:
                by_id[(row.kind, col, value)].append(row)
        if row.norm_title:
            by_title[(row.kind, row.norm_title, row.year)].append(row)
        if row.folder_key:
            by_folder[(row.kind, row.folder_key)].append(row)

    out: dict[tuple[Any, Any], str] = {}
    for srv in server_rows:
        matched: list[LinkRow] = []
        method = ""
        for col in ID_ORDER.get(srv.kind, ID_COLUMNS):
            value = getattr(srv, col)
            if value and (hits := by_id.get((srv.kind, col, value))):
                matched, method = hits, METHOD[col]
                break
        if not matched and srv.norm_title:
            candidates = [c for c in by_title.get((srv.kind, srv.norm_title, srv.year), ()) if not _conflicts(c, srv)]
            if candidates:
                same_folder = [c for c in candidates if srv.folder_key and c.folder_key == srv.folder_key]
                matched, method = (same_folder, "path") if same_folder else (candidates, "title_year")
        if not matched and srv.folder_key:
            candidates = [c for c in by_folder.get((srv.kind, srv.folder_key), ()) if not _conflicts(c, srv)]
            if candidates:
                matched, method = candidates, "path"
        for arr in matched:
            out[(arr.id, srv.id)] = method
    return out


def _rows(session: Session, role: str) -> list[LinkRow]:
    cols = (MediaItem.pk, MediaItem.kind, MediaItem.tmdb_id, MediaItem.tvdb_id, MediaItem.imdb_id,
            MediaItem.musicbrainz_id, MediaItem.norm_title, MediaItem.year, MediaItem.folder_key)
    result = session.execute(select(*cols).where(MediaItem.role == role, MediaItem.removed_at.is_(None)))
    return [LinkRow(*r) for r in result]


def relink(session: Session) -> LinkReport:
    """Recompute every link and write the difference."""
    server_rows = _rows(session, "server")
    existing = {(a, s): m for a, s, m in session.execute(select(MediaLink.arr_pk, MediaLink.server_pk, MediaLink.method))}
    wanted = compute_links(_rows(session, "arr"), server_rows) if server_rows else {}
    stale = [pair for pair, method in existing.items() if wanted.get(pair) != method]
    fresh = [(pair, method) for pair, method in wanted.items() if existing.get(pair) != method]
    for part in chunks(stale):
        session.execute(delete(MediaLink).where(tuple_(MediaLink.arr_pk, MediaLink.server_pk).in_(list(part))))
    if fresh:
        now = utcnow()
        rows = [{"arr_pk": a, "server_pk": s, "method": m, "created_at": now} for (a, s), m in fresh]
        for part in chunks(rows, 2000):
            session.execute(insert(MediaLink), list(part))
    linked = {s for (_a, s) in wanted}
    return LinkReport(server_items=len(server_rows), linked_server_items=len(linked), links=len(wanted),
                      added=len(fresh), removed=len(stale))
