"""/api/instances: configured Radarr/Sonarr/Lidarr/Plex/Jellyfin/Emby/TMDB/Fanart/TVDB instances.

``instance_id`` in paths is the instance name (names are unique across types). Request bodies
accept CHUB's variants: ``service`` or ``type``, ``api`` or ``apiKey``. Secrets are always answered
as ``********`` and a ``********`` sent back never replaces the stored secret.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, HTTPException, Query

from curatarr.api.deps import RuntimeDep
from curatarr.api.schemas.instances import (HealthEntry, InstanceChange, InstanceLogs, InstancesByType,
                                            InstanceSettingsBody, InstancesHealth, InstanceStats, InstanceTypes,
                                            InstanceTypeSchema, InstanceView, RefreshQueued)
from curatarr.instances import service
from curatarr.instances.factory import list_instances
from curatarr.instances.health import cached_or_probe, probe, probe_config
from curatarr.instances.logstore import get_store
from curatarr.library.instance_stats import instance_stats
from curatarr.instances.types import INSTANCE_TYPE_SPECS, field_schema, get_type, json_schema
from curatarr.runtime import Runtime

router = APIRouter(tags=["Instances"])


@contextmanager
def _answers():
    """Turn the service's refusals into ``{"detail": …}`` answers with their status."""
    try:
        yield
    except service.InstanceError as exc:
        raise HTTPException(exc.status, str(exc)) from None


def _body(body: Any) -> dict:
    if not isinstance(body, dict):
        raise HTTPException(400, "request body must be a JSON object")
    return body


def _health_entry(result) -> dict:
    d = result.as_dict()
    d.pop("instance", None)
    return d


# ---- collection routes (fixed paths first: they must win over /{instance_id}) ----------------------

@router.get("/api/instances/types", response_model=InstanceTypes, response_model_exclude_unset=True,
            summary="Instance types and their fields")
def instance_types():
    return {"types": [spec.as_dict() for spec in INSTANCE_TYPE_SPECS.values()]}


@router.get("/api/instances/types/{instance_type}/schema",
            response_model=InstanceTypeSchema, response_model_exclude_unset=True,
            summary="The settings schema of one instance type")
def instance_type_schema(instance_type: str):
    try:
        spec = get_type(instance_type)
    except KeyError:
        raise HTTPException(404, f"unknown instance type {instance_type!r}") from None
    return {"type": spec.name, "label": spec.label, "schema": field_schema(spec.name),
            "json_schema": json_schema(spec.name)}


@router.get("/api/instances/health", response_model=InstancesHealth, response_model_exclude_unset=True,
            summary="Health of every instance")
def instances_health(rt: RuntimeDep,
                     fresh: bool = Query(False, description="probe now instead of reusing results < 15 s old")):
    """Health of every instance; enabled ones are probed concurrently (bounded, 5 s timeout each)."""
    refs = list_instances(rt)
    enabled = [r for r in refs if r.enabled]
    results = cached_or_probe(rt, enabled, max_age=0 if fresh else 15.0)
    health: dict[str, dict] = {r.instance: _health_entry(r) for r in results}
    for ref in refs:
        if not ref.enabled:
            health[ref.name] = {"service": ref.type, "status": "disabled", "status_code": None,
                                "response_time_ms": None, "error": None, "ok": False, "checked_at": None}
    return {"health": health}


@router.get("/api/instances", response_model=InstancesByType, response_model_exclude_unset=True,
            summary="Every instance grouped by type, secrets masked")
def instances_list(rt: RuntimeDep, type: str | None = Query(None, max_length=32)):
    if type:
        try:
            get_type(type)
        except KeyError:
            raise HTTPException(400, f"unknown instance type {type!r}") from None
    return service.grouped_view(rt, type)


@router.post("/api/instances/test", response_model=HealthEntry, response_model_exclude_unset=True,
             summary="Probe a candidate config before saving it")
def instances_test_candidate(rt: RuntimeDep, body: InstanceSettingsBody):
    """Probe a candidate config before it is saved."""
    with _answers():
        spec, fields, name = service.candidate_config(rt, _body(body))
    result = probe_config(spec.name, fields, name=name)
    if result.status == "blocked":
        raise HTTPException(400, result.error or "URL refused")
    return {**_health_entry(result), "service": spec.name, "name": name or None}


@router.post("/api/instances", status_code=201, response_model=InstanceChange, response_model_exclude_unset=True,
             summary="Add an instance")
def instances_create(rt: RuntimeDep, body: InstanceSettingsBody):
    with _answers():
        ref = service.create(rt, _body(body))
    return {"service": ref.type, "type": ref.type, "name": ref.name, "instance": service.instance_view(ref)}


# ---- one instance ---------------------------------------------------------------------------------

def _ref(rt: Runtime, instance_id: str):
    with _answers():
        return service.get_instance_or_404(rt, instance_id)


@router.get("/api/instances/{instance_id}", response_model=InstanceView, response_model_exclude_unset=True,
            summary="One instance, secrets masked")
def instance_get(rt: RuntimeDep, instance_id: str):
    return service.instance_view(_ref(rt, instance_id))


@router.put("/api/instances/{instance_id}", response_model=InstanceChange, response_model_exclude_unset=True,
            summary="Replace (and optionally rename) an instance")
def instance_put(rt: RuntimeDep, instance_id: str, body: InstanceSettingsBody):
    """Update (and optionally rename) an instance; ``********`` or a missing secret keeps the stored one."""
    with _answers():
        ref = service.update(rt, instance_id, _body(body), partial=False)
    return {"service": ref.type, "type": ref.type, "name": ref.name, "renamed_from": instance_id if ref.name != instance_id else None,
            "instance": service.instance_view(ref)}


@router.patch("/api/instances/{instance_id}", response_model=InstanceChange, response_model_exclude_unset=True,
              summary="Change some fields of an instance")
def instance_patch(rt: RuntimeDep, instance_id: str, body: InstanceSettingsBody):
    """Change only the fields sent (e.g. ``{"enabled": false}``)."""
    with _answers():
        ref = service.update(rt, instance_id, _body(body), partial=True)
    return {"name": ref.name, "service": ref.type, "type": ref.type, "enabled": ref.enabled,
            "instance": service.instance_view(ref)}


@router.delete("/api/instances/{instance_id}", response_model=InstanceChange, response_model_exclude_unset=True,
               summary="Remove an instance")
def instance_delete(rt: RuntimeDep,
                    instance_id: str, service_type: str | None = Query(None, alias="service", max_length=32),
                    type: str | None = Query(None, max_length=32), force: bool = False):
    with _answers():
        ref = service.delete(rt, instance_id, type_name=service_type or type, force=force)
    return {"name": ref.name, "service": ref.type, "type": ref.type, "deleted": True}


@router.post("/api/instances/{instance_id}/test", response_model=HealthEntry, response_model_exclude_unset=True,
             summary="Probe a stored instance now")
def instance_test(rt: RuntimeDep, instance_id: str):
    """Probe the stored instance now."""
    ref = _ref(rt, instance_id)
    result = probe(rt, ref)
    return {**_health_entry(result), "name": ref.name}


@router.get("/api/instances/{instance_id}/health", response_model=HealthEntry, response_model_exclude_unset=True,
            summary="Latest health of one instance")
def instance_health(rt: RuntimeDep, instance_id: str, fresh: bool = False):
    ref = _ref(rt, instance_id)
    if not ref.enabled and not fresh:
        return {"name": ref.name, "service": ref.type, "status": "disabled", "status_code": None,
                "response_time_ms": None, "error": None, "ok": False, "checked_at": None}
    result = cached_or_probe(rt, [ref], max_age=0 if fresh else 15.0)[0]
    return {**_health_entry(result), "name": ref.name}


@router.get("/api/instances/{instance_id}/stats", response_model=InstanceStats, response_model_exclude_unset=True,
            summary="Media counts, health and log counts of one instance")
def instance_stats_route(rt: RuntimeDep, instance_id: str, service_type: str | None = Query(None, max_length=32)):
    ref = _ref(rt, instance_id)
    if service_type and get_type_or_400(service_type) != ref.type:
        raise HTTPException(404, f"instance {instance_id!r} is a {ref.type} instance, not {service_type}")
    return instance_stats(rt, ref)


def get_type_or_400(name: str) -> str:
    try:
        return get_type(name).name
    except KeyError:
        raise HTTPException(400, f"unknown instance type {name!r}") from None


@router.get("/api/instances/{instance_id}/logs", response_model=InstanceLogs, response_model_exclude_unset=True,
            summary="Log events that name this instance")
def instance_logs(rt: RuntimeDep,
                  instance_id: str, limit: int = Query(100, ge=1, le=5000), offset: int = Query(0, ge=0, le=10_000_000),
                  level: str | None = Query(None, max_length=16, description="minimum level: debug|info|warning|error")):
    ref = _ref(rt, instance_id)
    try:
        logs, total = get_store(rt).query(ref.name, limit=limit, offset=offset, level=level)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"logs": logs, "instance": ref.name, "total": total, "limit": limit, "offset": offset}


def _queue_refresh(rt: Runtime, instance_id: str, full: bool) -> dict:
    ref = _ref(rt, instance_id)
    jobs = getattr(rt, "jobs", None)
    if jobs is None:
        raise HTTPException(503, "job queue not running; cannot queue a cache refresh")
    job_id = jobs.submit("cache_refresh", overrides={"instances": [ref.name], "full": full},
                         origin={"kind": "api", "endpoint": "instances.sync" if full else "instances.refresh"},
                         dedupe_key=f"cache_refresh:{ref.name}:{int(full)}")
    return {"job_id": job_id, "instance": ref.name, "full": full}


@router.post("/api/instances/{instance_id}/refresh", response_model=RefreshQueued, response_model_exclude_unset=True,
             summary="Queue a cache refresh of this instance")
def instance_refresh(rt: RuntimeDep, instance_id: str):
    """Queue a cache refresh of this instance (module ``cache_refresh``) → ``{job_id}``."""
    return _queue_refresh(rt, instance_id, False)


@router.post("/api/instances/{instance_id}/sync", response_model=RefreshQueued, response_model_exclude_unset=True,
             summary="Queue a full sync of this instance")
def instance_sync(rt: RuntimeDep, instance_id: str):
    """Queue a full sync of this instance (``cache_refresh`` with ``full: true``) → ``{job_id}``."""
    return _queue_refresh(rt, instance_id, True)
