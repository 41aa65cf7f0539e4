"""/api/notifications/*: targets per module and global (``main``), secrets masked; save, delete,
and a real test send. (CHUB's save/delete always failed; these work.)"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.notifications import (NotificationTargets, NotificationTestRequestBody,
                                                NotificationWriteBody, ScopeNotifications, TargetRemoved,
                                                TargetSaved, TestSent)
from curatarr.config.secrets import mask_secrets, unmask_secrets
from curatarr.jobs.notifications import (GLOBAL_KEYS, KINDS, POLICIES, TargetError, configured_targets, parse_target,
                                         send, test_notification)
from curatarr.modules import registry
from curatarr.runtime import Runtime

router = APIRouter(tags=["Notifications"])

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _section(rt: Runtime) -> dict:
    section = rt.config.get_section("notifications") or {}
    return section if isinstance(section, dict) else {}


def _masked(rt: Runtime) -> dict:
    return mask_secrets({"notifications": _section(rt)})["notifications"]


def _check_scope(scope: Any) -> str:
    if not isinstance(scope, str) or not scope:
        raise HTTPException(400, "module is required (a module name, or \"main\" for every module)")
    if scope not in GLOBAL_KEYS and not registry.exists(scope):
        raise HTTPException(400, f"unknown module {scope!r}")
    return scope


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name or len(name) > 64 or not set(name.lower()) <= NAME_CHARS:
        raise HTTPException(400, "service_type must be a short name of letters, digits, _ or -")
    return name


@router.get("/api/notifications", response_model=NotificationTargets, response_model_exclude_unset=True,
            summary="Notification targets per module and main")
def list_notifications(rt: RuntimeDep):
    targets, errors = configured_targets(_section(rt))
    return {"notifications": _masked(rt), "targets": [t.describe() for t in targets], "errors": errors,
            "types": list(KINDS), "policies": list(POLICIES)}


@router.post("/api/notifications/test", response_model=TestSent, response_model_exclude_unset=True,
             summary="Send a real test message")
def test_notifications(rt: RuntimeDep, body: NotificationTestRequestBody):
    """Send a real test message. Body: ``{"module": m, "notifications": {name: cfg, …}}`` (values
    equal to ``********`` use the stored secret), ``{"module": m, "service_type": name}`` for one
    stored target, or ``{"module": m}`` for every stored target of that scope."""
    scope = body.get("module") or "main"
    _check_scope(scope)
    stored = _section(rt).get(scope) or {}
    given = body.get("notifications")
    if given is None and body.get("config") is not None:
        given = {_check_name(body.get("service_type") or "target"): body["config"]}
    if given is not None:
        if not isinstance(given, dict) or not given:
            raise HTTPException(400, "notifications must map target names to settings")
        entries = unmask_secrets(given, stored if isinstance(stored, dict) else {})
    elif body.get("service_type"):
        name = _check_name(body["service_type"])
        if name not in stored:
            raise HTTPException(404, f"no {name} target configured for {scope}")
        entries = {name: stored[name]}
    else:
        entries = stored if isinstance(stored, dict) else {}
        if not entries:
            raise HTTPException(404, f"no notification targets configured for {scope}")
    targets, results = [], []
    for name, cfg in entries.items():
        try:
            targets.append(parse_target(scope, str(name), cfg))
        except TargetError as exc:
            results.append({"name": name, "type": (cfg or {}).get("type", name) if isinstance(cfg, dict) else name,
                            "ok": False, "message": str(exc), "error": str(exc)})
    results += send(targets, test_notification(scope))
    ok = bool(results) and all(r["ok"] for r in results)
    answer = {"success": ok, "results": results}
    if not ok:
        answer["error"] = "; ".join(f"{r['name']}: {r['error']}" for r in results if not r["ok"])
        answer["detail"] = answer["error"]
    return JSONResponse(answer, status_code=200 if ok else 400)


@router.get("/api/notifications/{module_id}", response_model=ScopeNotifications, response_model_exclude_unset=True,
            summary="Notification targets of one module")
def module_notifications(rt: RuntimeDep, module_id: str):
    _check_scope(module_id)
    masked = _masked(rt).get(module_id) or {}
    return {"module": module_id, "notifications": masked}


@router.post("/api/notifications", response_model=TargetSaved, response_model_exclude_unset=True,
             summary="Add or replace a target, or the whole section")
def save_notification(rt: RuntimeDep, body: NotificationWriteBody):
    """``{"module": m, "service_type": name, "config": {...}}`` adds or replaces one target;
    ``{"notifications": {...}}`` replaces the whole section. Every target is validated first."""
    if set(body) == {"notifications"}:
        section = body["notifications"]
        if not isinstance(section, dict):
            raise HTTPException(400, "notifications must be a mapping of module → targets")
        full = unmask_secrets({"notifications": section}, {"notifications": _section(rt)})["notifications"]
        for scope in full:
            _check_scope(scope)
        _, errors = configured_targets(full)
        if errors:
            raise HTTPException(422, errors[0])
        rt.config.replace_section("notifications", full)
        return {"notifications": _masked(rt), "message": "notifications saved"}
    scope = _check_scope(body.get("module"))
    name = _check_name(body.get("service_type") or body.get("name"))
    cfg = body.get("config")
    if not isinstance(cfg, dict):
        raise HTTPException(400, "config must be an object with the target's settings")
    stored = (_section(rt).get(scope) or {}).get(name) or {}
    full = unmask_secrets(cfg, stored if isinstance(stored, dict) else {})
    try:
        parse_target(scope, name, full)
    except TargetError as exc:
        raise HTTPException(422, str(exc)) from None
    rt.config.replace_section("notifications", {**_section(rt), scope: {**(_section(rt).get(scope) or {}), name: full}})
    return {"module": scope, "service_type": name, "config": _masked(rt)[scope][name],
            "message": f"{scope}.{name} saved"}


@router.delete("/api/notifications/{module_id}/{service_type}",
               response_model=TargetRemoved, response_model_exclude_unset=True, summary="Remove one target")
def delete_notification(rt: RuntimeDep, module_id: str, service_type: str):
    if service_type not in (_section(rt).get(module_id) or {}):
        raise HTTPException(404, f"no {service_type} target configured for {module_id}")
    rt.config.delete_key("notifications", module_id, service_type)
    if not _section(rt).get(module_id):
        rt.config.delete_key("notifications", module_id)
    return {"module": module_id, "service_type": service_type, "message": f"{module_id}.{service_type} removed"}
