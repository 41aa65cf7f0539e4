"""Configured instances → references and connector objects. The one place that reads
``config.yml`` ``instances.<type>.<name>``; modules and services call these instead.

Instance names are unique across all types (the API refuses a duplicate with 409), so a name
alone identifies an instance; ``type`` narrows the search and guards against using, say, a Sonarr
name where a Radarr is expected.

    ref = get_instance(rt, "radarr_main")           # KeyError if unknown
    with connector_for(rt, "radarr_main") as radarr:  # RadarrClient
        ...

``connector_for`` builds a new client on every call (``Connector.from_instance(ref)``); close it when
done (connectors are context managers). Building one does no I/O; ``connector.ping()`` is the health
probe (see :mod:`curatarr.instances.health`).
"""

from __future__ import annotations

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

def build_connector(ref: InstanceRef, **options: Any) -> Any:
    """The connector of ``ref``'s type built from its settings (no I/O): every connector class an
    instance type names has ``from_instance(ref, **options)``; ``options`` (e.g. ``timeout=``,
    ``retry=``) go to its constructor and win over the stored settings."""
    return ref.spec.connector_class.from_instance(ref, **options)


def connector_for(rt: "Runtime", name: str, type: str | None = None, **options: Any) -> Any:
    """The connector object for the instance called ``name`` (KeyError if unknown)."""
    return build_connector(get_instance(rt, name, type), **options)
