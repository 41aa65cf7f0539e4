"""Configured instances → references and connector objects. The one place that reads
``config.yml`` ``instances.<type>.<name>``; modules and services call these instead.

Instance names are unique across all types (the API refuses a duplicate with 409), so a name
alone identifies an instance; ``type`` narrows the search and guards against using, say, a Sonarr
name where a Radarr is expected.

    ref = get_instance(rt, "radarr_main")           # KeyError if unknown
    with connector_for(rt, "radarr_main") as radarr:  # RadarrClient
        ...

``connector_for`` builds a new client on every call; close it when done (connectors are context
managers). Building one does no I/O.
"""

from __future__ import annotations

import importlib
import inspect
from typing import TYPE_CHECKING, Any

from curatarr.instances.health import HealthResult, probe  # noqa: F401  (part of this interface)
from curatarr.instances.types import INSTANCE_TYPES, InstanceRef, get_type  # noqa: F401

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

__all__ = ["INSTANCE_TYPES", "InstanceRef", "HealthResult", "list_instances", "get_instance", "find_instance",
           "connector_for", "build_connector", "probe", "instance_config"]


def _instances_section(rt: "Runtime") -> dict:
    section = rt.config.get_section("instances") or {}
    return section if isinstance(section, dict) else {}


def _ref(type_name: str, name: str, cfg: dict) -> InstanceRef:
    cfg = dict(cfg or {})
    spec = get_type(type_name)
    url = str(cfg.get("url") or "").strip() or spec.default_url
    return InstanceRef(type=spec.name, name=str(name), url=url, enabled=bool(cfg.get("enabled", True)), config=cfg)


def list_instances(rt: "Runtime", type: str | None = None, *, enabled_only: bool = False) -> list[InstanceRef]:
    """Every configured instance (of ``type`` if given), in type order then config order.

    Sections for unknown types in config.yml are skipped (kept in the file, never connected to).
    """
    wanted = get_type(type).name if type else None
    out: list[InstanceRef] = []
    section = _instances_section(rt)
    for type_name in INSTANCE_TYPES:
        if wanted and type_name != wanted:
            continue
        for name, cfg in (section.get(type_name) or {}).items():
            ref = _ref(type_name, name, cfg if isinstance(cfg, dict) else {})
            if not enabled_only or ref.enabled:
                out.append(ref)
    return out


def find_instance(rt: "Runtime", name: str, type: str | None = None) -> InstanceRef | None:
    for ref in list_instances(rt, type):
        if ref.name == name:
            return ref
    return None


def get_instance(rt: "Runtime", name: str, type: str | None = None) -> InstanceRef:
    """The instance called ``name`` (of ``type`` if given); KeyError if there is none."""
    ref = find_instance(rt, name, type)
    if ref is None:
        kind = f"{type} instance" if type else "instance"
        raise KeyError(f"no {kind} named {name!r}")
    return ref


def instance_config(rt: "Runtime", name: str) -> dict:
    """The stored settings of one instance (secrets unmasked)."""
    return dict(get_instance(rt, name).config)


# ---- connectors ----------------------------------------------------------------------------------

# Constructor parameter names we fill from an instance's settings (connectors differ in spelling).
_URL_PARAMS = ("base_url", "url", "server_url", "baseurl", "host")
_KEY_PARAMS = ("api_key", "apikey", "token", "api", "key")
# Instance setting → connector keyword, where the names differ.
_RENAMED = {"personal_api_key": "client_key", "images_url": "images_base_url"}


def _load(target: str) -> type:
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def build_connector(ref: InstanceRef, **overrides: Any) -> Any:
    """Construct the connector class of ``ref``'s type from its settings (no I/O).

    Maps ``url`` and ``api`` onto whatever the constructor calls them (``base_url``/``url``,
    ``api_key``/``token``); passes TMDB v4 tokens as ``read_token``; passes other settings whose
    names match constructor parameters; ``overrides`` (e.g. ``timeout=``) win.
    """
    spec = ref.spec
    cls = _load(spec.connector)
    params = inspect.signature(cls).parameters
    accepts_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs: dict[str, Any] = {}
    key = ref.api
    url_param = next((p for p in _URL_PARAMS if p in params), None)
    if url_param and ref.url:
        kwargs[url_param] = ref.url
    if spec.name == "tmdb" and key.startswith("eyJ") and "read_token" in params:
        kwargs["read_token"] = key
    else:
        key_param = next((p for p in _KEY_PARAMS if p in params), None)
        if key_param:
            kwargs[key_param] = key
    if "flavor" in params and spec.extra.get("flavor"):
        kwargs["flavor"] = spec.extra["flavor"]
    if "name" in params:
        kwargs["name"] = ref.name
    elif "instance" in params:
        kwargs["instance"] = ref.name
    for setting, value in ref.config.items():
        if setting in ("url", "api", "enabled") or value in (None, ""):
            continue
        target = _RENAMED.get(setting, setting)
        if target in params and target not in kwargs:
            kwargs[target] = value
    for k, v in overrides.items():
        if k in params or accepts_kwargs:
            kwargs[k] = v
    return cls(**kwargs)


def connector_for(rt: "Runtime", name: str, type: str | None = None, **overrides: Any) -> Any:
    """The connector object for the instance called ``name`` (KeyError if unknown)."""
    return build_connector(get_instance(rt, name, type), **overrides)
