"""Export the items of a filter as CSV or JSON, streamed in pages (never the whole set in memory)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any, Iterator

from curatarr.db.base import iso
from curatarr.library.search import SearchParams, iter_matching
from curatarr.library.store import library_session

if TYPE_CHECKING:
    from curatarr.db import Database

EXPORT_FIELDS = ("id", "instance", "source_type", "kind", "title", "original_title", "year", "tmdb_id", "tvdb_id",
                 "imdb_id", "musicbrainz_id", "status", "monitored", "has_file", "quality", "size_on_disk", "rating",
                 "rating_votes", "certification", "studio", "runtime", "language", "genres", "tags", "path",
                 "root_folder", "library", "added_at", "updated_at", "removed_at")
DEFAULT_FIELDS = ("id", "instance", "kind", "title", "year", "tmdb_id", "tvdb_id", "imdb_id", "status", "monitored",
                  "has_file", "quality", "rating", "genres", "tags", "path", "added_at")
JSON_LIST_FIELDS = {"genres", "tags"}


def check_fields(fields: list[str] | None) -> list[str]:
    if not fields:
        return list(DEFAULT_FIELDS)
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    if unknown:
        raise ValueError(f"unknown export fields: {', '.join(unknown)}; known: {', '.join(EXPORT_FIELDS)}")
    return list(dict.fromkeys(fields))


def _value(item: Any, name: str) -> Any:
    value = getattr(item, name)
    if name in JSON_LIST_FIELDS:
        return json.loads(value) if value else []
    if hasattr(value, "isoformat"):
        return iso(value)
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # keep spreadsheet apps from running cell text as a formula
    return "" if value is None else value


def stream_export(db: "Database", params: SearchParams, fmt: str, fields: list[str]) -> Iterator[bytes]:
    """Chunks of the export document, one page of rows at a time."""
    with library_session(db) as session:
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(fields)
            for n, item in enumerate(iter_matching(session, params), 1):
                writer.writerow([_csv_cell(_value(item, f)) for f in fields])
                if n % 500 == 0:
                    yield buf.getvalue().encode("utf-8")
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue().encode("utf-8")
            return
        yield b'{"format":"json","fields":' + json.dumps(fields).encode() + b',"items":['
        parts: list[str] = []
        count = 0
        for item in iter_matching(session, params):
            parts.append(("," if count else "") + json.dumps({f: _value(item, f) for f in fields}, ensure_ascii=False))
            count += 1
            if len(parts) >= 500:
                yield "".join(parts).encode("utf-8")
                parts = []
        yield ("".join(parts) + f'],"count":{count}}}').encode("utf-8")
