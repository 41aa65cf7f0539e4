"""``responses=`` entries for answers that are not JSON (files, event streams)."""

from __future__ import annotations

from typing import Any


def file_answer(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """A 200 answer that is a file of ``media_type`` (use with ``response_class=FileResponse``)."""
    return {200: {"description": description,
                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}


def event_stream_answer(description: str) -> dict[int | str, dict[str, Any]]:
    """A 200 answer that is a server-sent event stream (``data:`` lines of JSON objects)."""
    return {200: {"description": description, "content": {"text/event-stream": {"schema": {"type": "string"}}}}}
