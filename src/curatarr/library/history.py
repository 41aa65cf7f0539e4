"""Edit history: one ``media_edit_history`` row per field changed through the API (who, when, old → new,
and whether the change went to the *arr or stayed local)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from curatarr.db.base import iso, utcnow
from curatarr.db.models.library import MediaEditHistory


def _encode(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _decode(value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def record_edits(session: Session, media_id: str, changes: dict[str, tuple[Any, Any, str]], edited_by: str) -> int:
    """``changes``: field → (old, new, written_to). Unchanged fields are skipped. Returns rows written."""
    now = utcnow()
    written = 0
    for field_name, (old, new, target) in changes.items():
        if old == new:
            continue
        session.add(MediaEditHistory(media_id=media_id, edited_at=now, edited_by=edited_by or "unknown",
                                     field=field_name, old_value=_encode(old), new_value=_encode(new),
                                     written_to=target))
        written += 1
    return written


def list_history(session: Session, media_id: str, limit: int = 100) -> list[dict[str, Any]]:
    rows = session.scalars(select(MediaEditHistory).where(MediaEditHistory.media_id == media_id)
                           .order_by(MediaEditHistory.edited_at.desc(), MediaEditHistory.id.desc()).limit(limit))
    return [{"id": r.id, "media_id": r.media_id, "edited_at": iso(r.edited_at), "edited_by": r.edited_by,
             "field": r.field, "old_value": _decode(r.old_value), "new_value": _decode(r.new_value),
             "written_to": r.written_to} for r in rows]
