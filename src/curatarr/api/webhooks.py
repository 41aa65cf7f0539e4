"""CHUB's /api/webhooks/* routes. They authenticate with an API key or the shared webhook secret
(``@webhook_auth``), never need a UI session, and queue jobs that carry their origin.

Which module each route queues is the first installed one of :data:`TARGETS` (the poster
modules arrive in later issues); a route whose module is not installed answers 503.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.webhooks import WebhookQueued, WebhookStatus
from curatarr.auth.deps import webhook_auth
from curatarr.jobs.service import jobs_of
from curatarr.jobs.webhooks import (arr_media, event_type_of, first_installed, is_duplicate, is_test_event,
                                    origin_from_request, payload_key, submit_webhook_job, webhook_rate_limit)
from curatarr.runtime import Runtime
from curatarr.system.reports import orphaned_posters
from curatarr.unmatched.store import report_status

router = APIRouter(tags=["Webhooks"])

TARGETS: dict[str, tuple[str, ...]] = {
    "poster_add": ("poster_renamerr", "poster_maker"),
    "unmatched": ("unmatched_assets",),
    "cleanarr": ("poster_cleanarr", "poster_cleanup", "poster_renamerr"),
}


def _target(kind: str) -> str:
    module = first_installed(TARGETS[kind])
    if module is None:
        raise HTTPException(503, f"no module to handle this webhook is installed (needs one of {', '.join(TARGETS[kind])})")
    return module


async def _json_body(request: Request) -> dict:
    try:
        body = await request.json()
    except Exception:
        raise HTTPException(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return body


@router.post("/api/webhooks/poster/add", response_model=WebhookQueued, response_model_exclude_unset=True,
             summary="Queue a poster run for an item an *arr added")
@webhook_auth
async def poster_add(rt: RuntimeDep, request: Request):
    webhook_rate_limit(rt, request, "poster/add")
    payload = await _json_body(request)
    event = event_type_of(payload)
    if is_test_event(payload):
        return {"status": "ok", "event_type": "test", "message": "Test event received; nothing queued"}
    media = arr_media(payload)
    if media is None:
        raise HTTPException(400, "the payload names no movie, series or artist with an id")
    instance = payload.get("instanceName") if isinstance(payload.get("instanceName"), str) else None
    module = _target("poster_add")
    key = payload_key("poster/add", event, instance, media["kind"], media["arr_id"], media["title"], media["year"],
                      media["ids"])
    duplicate, first_job = is_duplicate(rt, key)
    if duplicate:
        return {"status": "duplicate", "duplicate": True, "job_id": first_job}
    origin = origin_from_request(request, endpoint="/api/webhooks/poster/add", event_type=event, instance=instance,
                                 extra={"item": media})
    job_id = submit_webhook_job(rt, module, origin=origin, dedupe=key)
    return {"status": "enqueued", "job_id": job_id, "module": module}


def _last_summary(rt: Runtime, module: str | None) -> dict:
    if module is None:
        return {}
    rows, _ = jobs_of(rt).store.list(module=module, status=["success"], limit=1, full=True)
    if not rows:
        return {}
    result = rows[0].get("result") or {}
    return {"counts": result.get("counts") or {}, "job_id": rows[0]["id"], "finished_at": rows[0]["finished_at"]}


@router.get("/api/webhooks/unmatched/status", response_model=WebhookStatus, response_model_exclude_unset=True,
            summary="Last run of the unmatched-assets module")
@webhook_auth
def unmatched_status(rt: RuntimeDep):
    module = first_installed(TARGETS["unmatched"])
    return {"summary": _last_summary(rt, module), "status": "active" if module else "unavailable", "module": module,
            **report_status(rt)}


@router.post("/api/webhooks/unmatched/process", response_model=WebhookQueued, response_model_exclude_unset=True,
             summary="Queue an unmatched-assets run")
@webhook_auth
def unmatched_process(rt: RuntimeDep, request: Request):
    webhook_rate_limit(rt, request, "unmatched/process")
    module = _target("unmatched")
    key = payload_key("unmatched/process", request.client.host if request.client else None)
    duplicate, first_job = is_duplicate(rt, key)
    if duplicate:
        return {"status": "duplicate", "duplicate": True, "job_id": first_job}
    origin = origin_from_request(request, endpoint="/api/webhooks/unmatched/process", event_type="process")
    return {"status": "enqueued", "job_id": submit_webhook_job(rt, module, origin=origin, dedupe=key), "module": module}


@router.get("/api/webhooks/cleanarr/status", response_model=WebhookStatus, response_model_exclude_unset=True,
            summary="Orphaned posters and the last cleanup run")
@webhook_auth
def cleanarr_status(rt: RuntimeDep):
    module = first_installed(TARGETS["cleanarr"])
    return {"orphaned_count": orphaned_posters(rt), "summary": _last_summary(rt, module),
            "status": "active" if module else "unavailable", "module": module}


@router.post("/api/webhooks/cleanarr/process", response_model=WebhookQueued, response_model_exclude_unset=True,
             summary="Queue a poster cleanup run")
@webhook_auth
def cleanarr_process(rt: RuntimeDep, request: Request):
    webhook_rate_limit(rt, request, "cleanarr/process")
    module = _target("cleanarr")
    key = payload_key("cleanarr/process", request.client.host if request.client else None)
    duplicate, first_job = is_duplicate(rt, key)
    if duplicate:
        return {"status": "duplicate", "duplicate": True, "job_id": first_job}
    origin = origin_from_request(request, endpoint="/api/webhooks/cleanarr/process", event_type="process")
    overrides: dict[str, Any] = {"mode": "cleanup_orphans"} if module == "poster_renamerr" else {}
    job_id = submit_webhook_job(rt, module, origin=origin, overrides=overrides, dedupe=key)
    return {"status": "enqueued", "job_id": job_id, "module": module}
