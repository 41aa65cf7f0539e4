"""Instance CRUD over ``config.yml``: validation, secret handling, renames, references.

Rules (CHUB's bugs in brackets):
* Names are unique across every type, so a name is an id [CHUB keyed health by name and let a
  Radarr and a Plex share one]. Names: letters, digits, ``_ - .``; up to 100 characters.
* Updates keep a stored secret when the request sends ``********``, nothing, or an empty string
  for a required secret [CHUB stored the mask verbatim, destroying the key]. Fields a PUT leaves
  out keep their stored values; ``enabled`` is never reset by an update [CHUB reset it to true].
* A rename rewrites references to the old name in module sections (any key containing
  ``instance`` — strings, list items and mapping keys under it), moves the instance's log events
  and health history, and publishes ``instances.renamed`` on the event bus.
* Deleting an instance that module sections still reference is refused (409) unless forced.
* Every URL passes the SSRF guard (:func:`curatarr.security.urls.check_url`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from curatarr.config.secrets import MASK, mask_secrets
from curatarr.instances.factory import find_instance, get_instance, list_instances
from curatarr.instances.types import INSTANCE_TYPES, InstanceRef, InstanceType, get_type
from curatarr.security.urls import UnsafeURL, check_url

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# Top-level config sections that are not module sections (never searched for references).
CORE_SECTIONS = frozenset({"general", "auth", "database", "backup", "user_interface", "instances", "schedule",
                           "notifications"})
# The answer's CHUB envelope (success/message/data/error_code) is never a setting: a UI sends back
# what it was shown (docs/api.md, Conventions).
_RESERVED_KEYS = frozenset({"service", "type", "name", "apiKey", "api_key", "instance_type", "id",
                            "success", "message", "data", "error_code"})


class InstanceError(ValueError):
    """A request the instances service refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# ---- request parsing -------------------------------------------------------------------------------

def request_type(body: dict, default: str | None = None) -> InstanceType:
    """The type a request names (``service``, ``type`` or ``instance_type``); 400 if unknown."""
    raw = body.get("service") or body.get("type") or body.get("instance_type") or default
    if not raw or not isinstance(raw, str):
        raise InstanceError("missing instance type: send 'service' (or 'type'), e.g. \"radarr\"")
    try:
        return get_type(raw)
    except KeyError:
        raise InstanceError(f"unknown instance type {raw!r}; known: {', '.join(INSTANCE_TYPES)}") from None


def request_fields(spec: InstanceType, body: dict) -> dict:
    """The instance settings in a request body (``apiKey``/``api_key`` accepted for ``api``)."""
    fields: dict[str, Any] = {}
    for key, value in body.items():
        if key in _RESERVED_KEYS:
            continue
        fields[key] = value
    for alias in ("apiKey", "api_key"):
        if "api" not in fields and body.get(alias) is not None:
            fields["api"] = body[alias]
    kinds = {f.name: f.kind for f in spec.fields}
    for key, value in list(fields.items()):
        if kinds.get(key) == "boolean":
            if not isinstance(value, bool):
                raise InstanceError(f"{key!r} must be true or false")
        elif key in kinds:
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InstanceError(f"{key!r} must be a string")
            fields[key] = value.strip()
        elif isinstance(value, str):
            fields[key] = value.strip()
        elif value is not None and not isinstance(value, (bool, int, float)):
            raise InstanceError(f"field {key!r} must be a string, number or boolean")
    if "url" in fields:
        fields["url"] = (fields["url"] or "").rstrip("/")
    return fields


def check_known_fields(spec: InstanceType, fields: dict, stored: dict | None = None) -> None:
    """Refuse settings the type does not have (keys already in config.yml, e.g. hand-added, pass)."""
    known = {f.name for f in spec.fields} | set(stored or {})
    unknown = sorted(k for k in fields if k not in known)
    if unknown:
        raise InstanceError(f"unknown field(s) for {spec.label}: {', '.join(unknown)}; "
                            f"known: {', '.join(f.name for f in spec.fields)}")


def validate_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name.strip()):
        raise InstanceError("instance name must be 1-100 letters, digits, '_', '-' or '.' (starting with a letter or digit)")
    return name.strip()


def check_instance_url(spec: InstanceType, fields: dict) -> None:
    url = fields.get("url") or ""
    if not url:
        if spec.default_url:
            return
        raise InstanceError(f"{spec.label} needs a URL, e.g. {spec.fields[0].placeholder}")
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise InstanceError("URL must start with http:// or https://")
    try:
        check_url(url)
    except UnsafeURL as exc:
        raise InstanceError(f"URL refused: {exc}") from None


def _required_missing(spec: InstanceType, fields: dict) -> list[str]:
    return [f.name for f in spec.fields if f.required and f.name != "url" and not fields.get(f.name)]


# ---- views -----------------------------------------------------------------------------------------

def masked_config(ref: InstanceRef) -> dict:
    """The stored settings with every secret masked (type's secret fields and name-based rules)."""
    out = mask_secrets(dict(ref.config), "instances")
    for name in ref.spec.secret_fields:
        if out.get(name):
            out[name] = MASK
    out.setdefault("url", ref.config.get("url", ""))
    out.setdefault("api", "")
    out["enabled"] = ref.enabled
    return out


def instance_view(ref: InstanceRef) -> dict:
    return {**masked_config(ref), "name": ref.name, "service": ref.type, "type": ref.type}


def grouped_view(rt: "Runtime", type_name: str | None = None) -> dict:
    """CHUB's ``GET /api/instances`` shape: ``{type: {name: {url, api: "********", enabled, …}}}``."""
    types = (get_type(type_name).name,) if type_name else INSTANCE_TYPES
    out: dict[str, dict] = {t: {} for t in types}
    for ref in list_instances(rt, type_name):
        out[ref.type][ref.name] = masked_config(ref)
    return out


# ---- secrets ---------------------------------------------------------------------------------------

def merge_secrets(spec: InstanceType, incoming: dict, stored: dict) -> dict:
    """``incoming`` with stored secrets kept where the client sent the mask, nothing, or an empty
    required secret (clients send back what GET showed them)."""
    out = dict(incoming)
    for f in spec.fields:
        if not f.secret:
            continue
        value = out.get(f.name)
        if f.name not in out or value == MASK or (f.required and value in ("", None)):
            if stored.get(f.name):
                out[f.name] = stored[f.name]
            elif value == MASK:
                out[f.name] = ""
    for key, value in list(out.items()):  # secret-by-name extras (not in the type's form)
        if value == MASK:
            out[key] = stored.get(key, "")
    return out


def candidate_config(rt: "Runtime", body: dict) -> tuple[InstanceType, dict, str]:
    """The config ``POST /api/instances/test`` probes: the request's fields, with a masked key
    resolved from the stored instance named in the request — only when the URL is the stored one,
    so a masked key can never be sent to a different host."""
    spec = request_type(body)
    fields = request_fields(spec, body)
    name = str(body.get("name") or "").strip()
    stored_ref = find_instance(rt, name) if name else None
    api = fields.get("api")
    if api in (None, "", MASK) or any(fields.get(f) == MASK for f in spec.secret_fields):
        if stored_ref is not None and stored_ref.type == spec.name:
            if (fields.get("url") or stored_ref.url).rstrip("/") != stored_ref.url.rstrip("/"):
                raise InstanceError("the API key is masked: enter it again to test a different URL")
            fields = merge_secrets(spec, fields, stored_ref.config)
            fields.setdefault("url", stored_ref.config.get("url", ""))
        elif api == MASK:
            raise InstanceError("the API key is masked and no stored instance of that name and type exists")
    check_instance_url(spec, fields)
    return spec, fields, name


# ---- references in module sections ------------------------------------------------------------------

def _rewrite(node: Any, old: str, new: str | None, under_instance_key: bool) -> tuple[Any, int]:
    """Replace ``old`` by ``new`` (or only count when ``new`` is None) wherever it sits under a key
    mentioning ``instance``: string values, list items, mapping keys."""
    hits = 0
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            key_s = str(key)
            inst = under_instance_key or "instance" in key_s.lower()
            new_key = key
            if under_instance_key and key_s == old:
                hits += 1
                new_key = new if new is not None else key
            value, n = _rewrite(value, old, new, inst)
            hits += n
            out[new_key] = value
        return out, hits
    if isinstance(node, list):
        items = []
        for item in node:
            item, n = _rewrite(item, old, new, under_instance_key)
            hits += n
            items.append(item)
        return items, hits
    if under_instance_key and isinstance(node, str) and node == old:
        return (new if new is not None else node), 1
    return node, 0


def references(rt: "Runtime", name: str) -> list[str]:
    """Module sections that name instance ``name``."""
    found = []
    for section, value in (rt.config.as_dict() or {}).items():
        if section in CORE_SECTIONS or not isinstance(value, (dict, list)):
            continue
        if _rewrite(value, name, None, False)[1]:
            found.append(section)
    return found


# ---- CRUD -------------------------------------------------------------------------------------------

def _save(rt: "Runtime", type_name: str, name: str, cfg: dict) -> None:
    rt.config.update({"instances": {type_name: {name: cfg}}})


def create(rt: "Runtime", body: dict) -> InstanceRef:
    spec = request_type(body)
    name = validate_name(body.get("name"))
    existing = find_instance(rt, name)
    if existing is not None:
        raise InstanceError(f"an instance named {name!r} already exists ({existing.type}); names are unique across all types", 409)
    fields = request_fields(spec, body)
    check_known_fields(spec, fields)
    if any(v == MASK for v in fields.values()):
        raise InstanceError("a new instance cannot take a masked value; enter the key")
    check_instance_url(spec, fields)
    missing = _required_missing(spec, fields)
    if missing:
        raise InstanceError(f"missing required field(s): {', '.join(missing)}")
    cfg = {"url": fields.pop("url", ""), "api": fields.pop("api", ""), "enabled": fields.pop("enabled", True), **fields}
    _save(rt, spec.name, name, cfg)
    return get_instance(rt, name)


def update(rt: "Runtime", name: str, body: dict, *, partial: bool = False) -> InstanceRef:
    """PUT (``partial=False``: may rename) or PATCH (``partial=True``: only the fields sent)."""
    ref = get_instance_or_404(rt, name)
    spec = ref.spec
    if any(body.get(k) for k in ("service", "type", "instance_type")) and request_type(body).name != spec.name:
        raise InstanceError("the type of an instance cannot be changed; add a new instance instead")
    fields = request_fields(spec, body)
    check_known_fields(spec, fields, ref.config)
    if partial and not fields:
        raise InstanceError("nothing to change: send at least one field, e.g. {\"enabled\": false}")
    merged = {**ref.config, **merge_secrets(spec, fields, ref.config)}
    if "url" in fields:
        check_instance_url(spec, merged)
    missing = _required_missing(spec, merged)
    if missing:
        raise InstanceError(f"missing required field(s): {', '.join(missing)}")
    new_name = name
    if not partial and body.get("name") not in (None, "", name):
        new_name = validate_name(body["name"])
        clash = find_instance(rt, new_name)
        if clash is not None:
            raise InstanceError(f"an instance named {new_name!r} already exists ({clash.type})", 409)
    _replace_instance(rt, spec.name, name, new_name, merged)
    if new_name != name:
        _after_rename(rt, name, new_name)
    from curatarr.instances.health import forget

    forget(rt, name)
    return get_instance(rt, new_name)


def _replace_instance(rt: "Runtime", type_name: str, old: str, new: str, cfg: dict) -> None:
    """Write the ``instances`` section with ``old`` replaced by ``new`` (same position) and, on a
    rename, module references rewritten — one validated, atomic save."""
    whole = rt.config.as_dict()
    section = whole.get("instances") or {}
    typed = section.get(type_name) or {}
    section[type_name] = {(new if k == old else k): (cfg if k == old else v) for k, v in typed.items()}
    patch: dict[str, Any] = {"instances": section}
    if old != new:
        for sec_name, value in whole.items():
            if sec_name in CORE_SECTIONS or not isinstance(value, (dict, list)):
                continue
            rewritten, hits = _rewrite(value, old, new, False)
            if hits:
                patch[sec_name] = rewritten
    rt.config.update(patch, replace_sections=True)


def _after_rename(rt: "Runtime", old: str, new: str) -> None:
    from sqlalchemy import update as sql_update

    from curatarr.db.models.system import HealthSnapshot
    from curatarr.instances.logstore import get_store

    get_store(rt).rename(old, new)
    with rt.db.session() as s:
        s.execute(sql_update(HealthSnapshot).where(HealthSnapshot.instance_name == old).values(instance_name=new))
    events = rt.events
    if events is not None:
        try:
            events.publish("instances.renamed", {"old": old, "new": new})
        except Exception:  # a listener's failure must not undo the rename
            pass


def delete(rt: "Runtime", name: str, *, type_name: str | None = None, force: bool = False) -> InstanceRef:
    ref = get_instance_or_404(rt, name)
    if type_name:
        try:
            wanted = get_type(type_name).name
        except KeyError:
            raise InstanceError(f"unknown instance type {type_name!r}") from None
        if wanted != ref.type:
            raise InstanceError(f"instance {name!r} is a {ref.type} instance, not {wanted}", 404)
    used_by = references(rt, name)
    if used_by and not force:
        raise InstanceError(f"instance {name!r} is used by: {', '.join(used_by)}; remove it there first "
                            "or delete with ?force=true", 409)
    rt.config.delete_key("instances", ref.type, name)
    from curatarr.instances.health import forget

    forget(rt, name)
    return ref


def get_instance_or_404(rt: "Runtime", name: str) -> InstanceRef:
    try:
        return get_instance(rt, name)
    except KeyError:
        raise InstanceError(f"no instance named {name!r}", 404) from None
