"""Posterizarr's webhook receivers: native Sonarr/Radarr webhook JSON (``POST /api/webhook/arr``)
and the Tautulli webhook agent body (``POST /api/webhook/tautulli``). Each accepted event queues one
single-item ``poster_maker`` job (duplicates collapse onto the active job) and answers
``{"success": true, "message": …, "job_id": …, "file": null}`` (API-CONFLICTS.md). Jobs record their
origin as CHUB's webhooks do (``origin_from_request``), so ``/api/jobs/webhook-origins`` counts them."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from curatarr.api.deps import RuntimeDep, invalid_json
from curatarr.api.schemas import webhook_arr as schemas
from curatarr.auth.deps import webhook_auth
from curatarr.jobs.webhooks import origin_from_request
from curatarr.runtime import Runtime

router = APIRouter(tags=["Posterizarr: Webhooks"])
RADARR_EVENTS = {"Test", "Grab", "Download", "Rename", "MovieDelete", "MovieFileDelete", "Health",
                 "ApplicationUpdate", "MovieAdded", "HealthRestored", "ManualInteractionRequired"}
SONARR_EVENTS = {"Test", "Grab", "Download", "Rename", "SeriesAdd", "SeriesDelete", "EpisodeFileDelete", "Health",
                 "ApplicationUpdate", "HealthRestored", "ManualInteractionRequired"}
TAUTULLI_TYPES = ("movie", "show", "season", "episode")


async def _json_object(request: Request) -> dict:
    raw = await request.body()
    if not raw:
        raise HTTPException(400, "the request body is empty; send the webhook JSON")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid_json() from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the webhook body must be a JSON object")
    return body


def _answer(message: str, job_id: int | None = None) -> dict:
    return {"success": True, "message": message, "job_id": job_id, "file": None}


def _opt_str(value: Any, field: str) -> str | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise HTTPException(422, f"{field} must be a string or a number")
    return str(value).strip() or None


def _opt_int(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise HTTPException(422, f"{field} must be a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise HTTPException(422, f"{field} must be a whole number") from None


def _queue(rt: Runtime, target: dict, origin: dict, dedupe: str) -> int:
    if rt.jobs is None:
        raise HTTPException(503, "the job queue is not running")
    return rt.jobs.submit("poster_maker", overrides={"mode": "single", "item": target}, origin=origin,
                          dedupe_key=dedupe)


def arr_target(body: dict) -> tuple[str, dict | None, str]:
    """(platform, target | None when the event is not an import, event type) — HTTPException on bad input."""
    event = body.get("eventType")
    if not isinstance(event, str) or not event:
        raise HTTPException(422, "eventType is missing; this does not look like a Sonarr/Radarr webhook")
    if isinstance(body.get("series"), dict):
        platform, events = "Sonarr", SONARR_EVENTS
    elif isinstance(body.get("movie"), dict):
        platform, events = "Radarr", RADARR_EVENTS
    elif event == "Test":
        return "Arr", None, event
    else:
        raise HTTPException(422, "the webhook carries neither a 'movie' nor a 'series' object")
    if event not in events:
        raise HTTPException(400, f"unknown {platform} event type {event!r}")
    if event != "Download":
        return platform, None, event
    if platform == "Radarr":
        movie = body["movie"]
        title = _opt_str(movie.get("title"), "movie.title")
        target = {"media_type": "movie", "title": title, "year": _opt_int(movie.get("year"), "movie.year"),
                  "tmdb": _opt_str(movie.get("tmdbId"), "movie.tmdbId"), "imdb": _opt_str(movie.get("imdbId"), "movie.imdbId")}
        if not (target["title"] or target["tmdb"] or target["imdb"]):
            raise HTTPException(422, "movie needs a title, tmdbId or imdbId")
        return platform, target, event
    series = body["series"]
    episodes = body.get("episodes")
    if not isinstance(episodes, list) or not episodes or not all(isinstance(e, dict) for e in episodes):
        raise HTTPException(422, "a Sonarr Download event needs a non-empty 'episodes' list of objects")
    seasons = {_opt_int(e.get("seasonNumber"), "episodes[].seasonNumber") for e in episodes}
    numbers = sorted({n for e in episodes if (n := _opt_int(e.get("episodeNumber"), "episodes[].episodeNumber")) is not None})
    if None in seasons or len(seasons) != 1:
        raise HTTPException(422, "episodes must all carry the same seasonNumber")
    target = {"media_type": "episode", "title": _opt_str(series.get("title"), "series.title"),
              "year": _opt_int(series.get("year"), "series.year") or None,
              "tvdb": _opt_str(series.get("tvdbId"), "series.tvdbId"), "tmdb": _opt_str(series.get("tmdbId"), "series.tmdbId"),
              "imdb": _opt_str(series.get("imdbId"), "series.imdbId"), "season": seasons.pop(), "episodes": numbers}
    if not (target["title"] or target["tvdb"] or target["tmdb"]):
        raise HTTPException(422, "series needs a title, tvdbId or tmdbId")
    return platform, target, event


@router.post("/api/webhook/arr", summary="Sonarr/Radarr webhook: queue artwork for an import",
             response_model=schemas.WebhookQueued, response_model_exclude_unset=True, openapi_extra=schemas.ARR_BODY)
@webhook_auth
async def webhook_arr(rt: RuntimeDep, request: Request):
    body = await _json_object(request)
    platform, target, event = arr_target(body)
    if event == "Test":
        return _answer(f"Test event from {platform} received; nothing queued")
    if target is None:
        return _answer(f"{platform} {event} event ignored (only Download/Upgrade events make artwork)")
    ids = ":".join(str(target.get(k) or "") for k in ("tmdb", "tvdb", "imdb", "title", "season"))
    dedupe = f"poster_maker:arr:{platform}:{ids}:{','.join(map(str, target.get('episodes') or []))}"
    origin = origin_from_request(request, endpoint="/api/webhook/arr", event_type=event,
                                 extra={"platform": platform.lower(), "event": event,
                                        "upgrade": bool(body.get("isUpgrade"))})
    job_id = _queue(rt, target, origin, dedupe)
    return _answer(f"Trigger queued for {platform}", job_id)


def _pick(body: dict, *names: str) -> Any:
    for name in names:
        if name in body:
            return body[name]
    return None


@router.post("/api/webhook/tautulli", summary="Tautulli webhook: queue artwork for an item",
             response_model=schemas.WebhookQueued, response_model_exclude_unset=True,
             openapi_extra=schemas.TAUTULLI_BODY)
@webhook_auth
async def webhook_tautulli(rt: RuntimeDep, request: Request):
    body = await _json_object(request)
    media_type = _pick(body, "media_type", "mediatype")
    if not isinstance(media_type, str) or media_type.strip().lower() not in TAUTULLI_TYPES:
        raise HTTPException(422, f"media_type must be one of {', '.join(TAUTULLI_TYPES)}")
    media_type = media_type.strip().lower()
    keys = {}
    for field, names in (("rating_key", ("rating_key", "RatingKey", "ratingkey")),
                         ("parent", ("parent_rating_key", "parentratingkey")),
                         ("grandparent", ("grandparent_rating_key", "grandparentratingkey"))):
        value = _pick(body, *names)
        if value not in (None, "") and not (isinstance(value, (str, int)) and not isinstance(value, bool)
                                            and str(value).strip().isdigit()):
            raise HTTPException(422, f"{names[0]} must be a Plex rating key (digits)")
        keys[field] = str(value).strip() if value not in (None, "") else None
    rating_key = keys["rating_key"] or (keys["parent"] if media_type == "season" else None)
    if not rating_key:
        raise HTTPException(422, "rating_key is required")
    server = request.query_params.get("server") or _opt_str(body.get("server"), "server")
    target = {"media_type": media_type, "rating_key": rating_key, "server": server}
    # Tautulli's agent is set up on "Recently Added" (Posterizarr's instructions); a body may name its action.
    action = _pick(body, "action", "notify_action", "event")
    event = action.strip() if isinstance(action, str) and action.strip() else "recently_added"
    origin = origin_from_request(request, endpoint="/api/webhook/tautulli", event_type=event[:64],
                                 instance=server, extra={"platform": "tautulli", "media_type": media_type})
    job_id = _queue(rt, target, origin, f"poster_maker:tautulli:{server or ''}:{rating_key}")
    return _answer("Tautulli trigger queued", job_id)
