"""Plain records the sources produce and the store writes: one :class:`ItemRecord` per movie /
series / artist of an instance, with its children (seasons, episodes, albums).

Everything derived from the title (matching key, fuzzy form, search keys, sort title) is computed
here once, so the store only copies values. Change detection does not look at records at all: the
sync compares a digest of the source's own data (see ``sources.SourceItem``) with the stored one,
and builds records only for items that changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from curatarr.library import normalize as norm

ARR_TYPES = ("radarr", "sonarr", "lidarr")
SERVER_TYPES = ("plex", "jellyfin", "emby")
KINDS = ("movie", "series", "artist")
KIND_OF_ARR = {"radarr": "movie", "sonarr": "series", "lidarr": "artist"}
# Search keys start with a role letter and a kind letter ("am" = an *arr movie), so a text search
# with the default role and an optional type is one key range (and its count needs no join).
ROLE_KEY_PREFIX = {"arr": "a", "server": "s"}
KIND_KEY_PREFIX = {"movie": "m", "series": "s", "artist": "a"}
# Fields a user may edit locally (kept over syncs in ``user_fields``).
LOCAL_FIELDS = ("edition", "notes", "studio", "language", "certification")
# Part of every stored digest: bump it when the mapping from source data to rows changes, so the
# next sync rewrites every item instead of keeping rows built by the old code.
RECORD_VERSION = "2"  # one character: the stored hash is RECORD_VERSION + a 32-hex digest


def media_id(instance: str, native_id: Any) -> str:
    """The stable id of an item: ``<instance>:<native id>``."""
    return f"{instance}:{native_id}"


def split_media_id(value: str) -> tuple[str, str]:
    instance, sep, native = str(value).partition(":")
    if not sep or not instance or not native:
        raise ValueError(f"not a media id: {value!r}")
    return instance, native


def parse_datetime(value: Any) -> datetime | None:
    """ISO-8601 strings (``…Z``) and unix seconds → aware UTC datetimes; anything else → None."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.year < 1900:  # *arr "0001-01-01T00:00:00Z" means "unknown"
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def to_int(value: Any) -> int | None:
    try:
        out = int(value)
    except (TypeError, ValueError):
        return None
    return out if out > 0 else None


def sort_key(title: str) -> str:
    """Lower-case, accent-free title with a leading article dropped ("The Matrix" → "matrix")."""
    words = norm.fold(title).split()
    if len(words) > 1 and words[0].strip(".,:;'\"") in norm.ARTICLES:
        words = words[1:]
    return " ".join(words)[:500]


@dataclass(slots=True)
class ChildRecord:
    id: str
    kind: str                     # season | episode | album
    native_id: str | None = None
    season_number: int | None = None
    number: int | None = None
    title: str | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    file_count: int | None = None
    total_count: int | None = None
    size_on_disk: int | None = None
    air_date: str | None = None
    external_id: str | None = None

    def row(self, item_pk: int) -> dict[str, Any]:
        return {"id": self.id, "item_pk": item_pk, "kind": self.kind, "native_id": self.native_id,
                "season_number": self.season_number, "number": self.number, "title": self.title,
                "monitored": self.monitored, "has_file": self.has_file, "file_count": self.file_count,
                "total_count": self.total_count, "size_on_disk": self.size_on_disk, "air_date": self.air_date,
                "external_id": self.external_id}


@dataclass(slots=True)
class ItemRecord:
    """One item as a source reports it, in our vocabulary."""

    instance: str
    source_type: str
    native_id: str
    kind: str
    title: str
    original_title: str | None = None
    alternate_titles: list[str] = field(default_factory=list)
    year: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    musicbrainz_id: str | None = None
    path: str | None = None
    root_folder: str | None = None
    library: str | None = None
    status: str | None = None
    monitored: bool | None = None
    has_file: bool | None = None
    size_on_disk: int | None = None
    quality: str | None = None
    quality_profile_id: int | None = None
    certification: str | None = None
    studio: str | None = None
    runtime: int | None = None
    language: str | None = None
    ratings: dict[str, dict[str, float]] = field(default_factory=dict)
    genres: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    overview: str | None = None
    poster_url: str | None = None
    season_count: int | None = None
    child_count: int | None = None
    child_file_count: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    added_at: datetime | None = None
    children: list[ChildRecord] = field(default_factory=list)
    # Episodes are fetched separately (one request per series) and only when the series changed.
    needs_children: bool = False
    user_fields: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return media_id(self.instance, self.native_id)

    @property
    def role(self) -> str:
        return "server" if self.source_type in SERVER_TYPES else "arr"

    # ---- derived values -------------------------------------------------------------------
    def rating_pair(self) -> tuple[float | None, int | None]:
        """The audience rating on a 0–10 scale: IMDb, else TMDB, else Trakt/TVDB/community, else a
        critic score (Rotten Tomatoes / Metacritic percentages scaled to 10). Never a certification."""
        for source in ("imdb", "tmdb", "trakt", "tvdb", "value", "community", "audience"):
            entry = self.ratings.get(source)
            if entry and entry.get("value"):
                return round(float(entry["value"]), 2), int(entry.get("votes") or 0) or None
        for source in ("rottenTomatoes", "metacritic", "critic"):
            entry = self.ratings.get(source)
            if entry and entry.get("value"):
                return round(float(entry["value"]) / 10.0, 2), int(entry.get("votes") or 0) or None
        return None, None

    def apply_user_fields(self) -> None:
        for key, value in (self.user_fields or {}).items():
            if key in LOCAL_FIELDS and key not in ("edition", "notes"):
                setattr(self, key, value)

    @property
    def scope(self) -> str:
        """Role and kind letters ("am" = *arr movie): the prefix of search keys and facet scopes."""
        return ROLE_KEY_PREFIX[self.role] + KIND_KEY_PREFIX.get(self.kind, "m")

    def search_keys(self) -> set[str]:
        """Search keys prefixed with the scope, as ``media_titles`` stores them."""
        scope = self.scope
        return {scope + k for k in norm.search_keys(self.title, self.original_title, *self.alternate_titles[:20])}

    def facets(self) -> set[tuple[str, str]]:
        out = {("genre", g[:200]) for g in self.genres if g}
        out.update(("tag", t[:200]) for t in self.tags if t)
        return out

    def details(self) -> dict[str, Any]:
        """The ``media_details`` columns (long text, shown in the record view only)."""
        extra = dict(self.extra)
        if self.alternate_titles:
            extra["alternate_titles"] = self.alternate_titles[:50]
        return {"overview": self.overview or None, "ratings": _dumps(self.ratings) if self.ratings else None,
                "extra": _dumps(extra) if extra else None}

    def row(self) -> dict[str, Any]:
        """The ``media_items`` columns (without the row key and timestamps the store manages)."""
        rating, votes = self.rating_pair()
        title = self.title or ""
        return {
            "id": self.id, "instance": self.instance, "source_type": self.source_type, "role": self.role,
            "native_id": str(self.native_id), "kind": self.kind, "title": title[:500],
            "sort_title": sort_key(title), "norm_title": norm.normalize_title(title)[:300],
            "fuzzy_title": norm.spaced_title(title)[:500], "first_token": norm.first_token(title)[:100],
            "original_title": (self.original_title or None) and self.original_title[:500],
            "year": self.year or None, "tmdb_id": self.tmdb_id, "tvdb_id": self.tvdb_id,
            "imdb_id": self.imdb_id or None, "musicbrainz_id": self.musicbrainz_id or None,
            "path": self.path or None, "root_folder": self.root_folder or None,
            "folder_key": (norm.folder_key(self.path) or None) if self.path else None,
            "library": self.library, "status": self.status, "monitored": self.monitored,
            "has_file": self.has_file, "size_on_disk": self.size_on_disk, "quality": self.quality,
            "quality_profile_id": self.quality_profile_id, "certification": self.certification or None,
            "studio": self.studio or None, "runtime": self.runtime or None, "language": self.language or None,
            "rating": rating, "rating_votes": votes,
            "genres": _dumps(self.genres) if self.genres else None,
            "tags": _dumps(sorted(self.tags)) if self.tags else None,
            "poster_url": self.poster_url or None,
            "has_poster": bool(self.poster_url), "season_count": self.season_count,
            "child_count": self.child_count, "child_file_count": self.child_file_count,
            "user_fields": _dumps(self.user_fields) if self.user_fields else None,
            "added_at": self.added_at,
        }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
