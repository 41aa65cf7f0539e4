"""Answer and bodies of Posterizarr's webhook receivers (/api/webhook/arr, /api/webhook/tautulli)."""

from __future__ import annotations

from curatarr.api.schemas.common import ApiModel

# The bodies are read as raw JSON (each event type has its own shape, and a bad body must stay a 400
# or a 422 with our own message), so they are documented here rather than parsed by a model.
ARR_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "Sonarr/Radarr's native webhook JSON; only Download events queue a job",
    "properties": {"eventType": {"type": "string"}, "isUpgrade": {"type": "boolean"},
                   "movie": {"type": "object", "properties": {"title": {"type": "string"}, "year": {"type": "integer"},
                                                              "tmdbId": {"type": "integer"}, "imdbId": {"type": "string"}}},
                   "series": {"type": "object", "properties": {"title": {"type": "string"}, "tvdbId": {"type": "integer"},
                                                               "tmdbId": {"type": "integer"}, "imdbId": {"type": "string"}}},
                   "episodes": {"type": "array", "items": {"type": "object", "properties": {
                       "seasonNumber": {"type": "integer"}, "episodeNumber": {"type": "integer"}}}}},
    "required": ["eventType"]}}}}}
TAUTULLI_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "Tautulli's webhook agent body; ?server= names the media server",
    "properties": {"media_type": {"type": "string", "enum": ["movie", "show", "season", "episode"]},
                   "rating_key": {"type": "string"}, "parent_rating_key": {"type": "string"},
                   "grandparent_rating_key": {"type": "string"}, "server": {"type": "string"}},
    "required": ["media_type"]}}}}}


class WebhookQueued(ApiModel):
    """``job_id`` of the queued poster maker job (null when the event queues nothing); ``file`` stays
    null — Curatarr queues a job instead of writing Posterizarr's trigger file."""

    success: bool | None = None
    message: str | None = None
    job_id: int | None = None
    file: str | None = None
