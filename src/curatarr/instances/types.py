"""Instance types: the external systems Curatarr connects to and their settings forms.

Each type declares its fields (name, label, placeholder, whether secret/required) — the UI renders
the add/edit form from :func:`field_schema`, and API clients read a standard JSON Schema from
:func:`json_schema` — plus which connector class talks to it. Every such class is built with
``Connector.from_instance(ref, **options)`` and answers ``ping()`` (the health probe), so nothing
here knows how a particular system authenticates or which request proves it works.

Every field lives in ``config.yml`` at ``instances.<type>.<name>``; ``api`` is always the main
credential (API key, X-Plex-Token, TMDB key or v4 read token). Secret field names are chosen so
that the config store's name-based masking (``curatarr.config.secrets``) also masks them in
``GET /api/config``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Literal

FieldKind = Literal["url", "string", "password", "boolean", "number"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = "string"
    required: bool = False
    placeholder: str = ""
    secret: bool = False
    default: str | bool | None = None
    help: str = ""

    def as_dict(self) -> dict:
        # CHUB's schema entries are {name, type, required, label, placeholder}; the rest is ours.
        return {"name": self.name, "type": self.kind, "required": self.required, "label": self.label,
                "placeholder": self.placeholder, "secret": self.secret, "default": self.default,
                "help": self.help}


@dataclass(frozen=True)
class InstanceType:
    name: str
    label: str
    category: Literal["arr", "media_server", "provider"]
    connector: str  # "module:Class" import string; the class has from_instance() and ping()
    fields: tuple[FieldSpec, ...]
    default_url: str = ""
    description: str = ""

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret)

    @property
    def connector_class(self) -> Any:
        """The connector class (imported on first use: connectors load only when needed)."""
        module_name, _, attr = self.connector.partition(":")
        return getattr(importlib.import_module(module_name), attr)

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "category": self.category,
                "description": self.description, "default_url": self.default_url,
                "fields": [f.name for f in self.fields]}


def _url(placeholder: str, *, required: bool = True, help: str = "") -> FieldSpec:
    return FieldSpec("url", "URL", "url", required=required, placeholder=placeholder, help=help)


def _api(label: str, *, required: bool = True, help: str = "") -> FieldSpec:
    return FieldSpec("api", label, "password", required=required, placeholder="paste the key", secret=True, help=help)


_ENABLED = FieldSpec("enabled", "Enabled", "boolean", default=True,
                     help="Disabled instances are skipped by cache refreshes and modules")
_ARR_HELP = "Settings → General → Security → API Key"


def _arr(name: str, label: str, port: int, api_version: str) -> InstanceType:
    return InstanceType(
        name=name, label=label, category="arr", connector=f"curatarr.connectors.arr:{label}Client",
        fields=(_url(f"http://{name}:{port}"), _api("API key", help=_ARR_HELP), _ENABLED),
        description=f"{label} (API {api_version})",
    )


def _mediabrowser(name: str, label: str, placeholder: str, url_help: str = "") -> InstanceType:
    # One connector for both; it takes the flavor from the instance's type (MediaBrowserClient.from_instance).
    return InstanceType(
        name=name, label=label, category="media_server",
        connector="curatarr.connectors.jellyfin:MediaBrowserClient",
        fields=(_url(placeholder, help=url_help), _api("API key", help="Dashboard → API Keys"), _ENABLED),
        description=f"{label} media server",
    )


INSTANCE_TYPE_SPECS: dict[str, InstanceType] = {
    "radarr": _arr("radarr", "Radarr", 7878, "v3"),
    "sonarr": _arr("sonarr", "Sonarr", 8989, "v3"),
    "lidarr": _arr("lidarr", "Lidarr", 8686, "v1"),
    "plex": InstanceType(
        name="plex", label="Plex", category="media_server", connector="curatarr.connectors.plex:PlexClient",
        fields=(_url("http://plex:32400"), _api("X-Plex-Token", help="The token of a Plex account with admin rights"),
                _ENABLED),
        description="Plex Media Server",
    ),
    "jellyfin": _mediabrowser("jellyfin", "Jellyfin", "http://jellyfin:8096"),
    "emby": _mediabrowser("emby", "Emby", "http://emby:8096/emby", "Emby serves its API under /emby: http://host:8096/emby"),
    "tmdb": InstanceType(
        name="tmdb", label="TMDB", category="provider", connector="curatarr.connectors.tmdb:TmdbClient",
        fields=(_url("https://api.themoviedb.org/3", required=False, help="Leave empty for the public API"),
                _api("API key or read access token", help="A v3 API key or a v4 read access token"),
                FieldSpec("images_url", "Images base URL", "url", placeholder="https://image.tmdb.org/t/p",
                          help="Leave empty for TMDB's image CDN"),
                _ENABLED),
        default_url="https://api.themoviedb.org/3", description="The Movie Database (artwork and metadata)",
    ),
    "fanart": InstanceType(
        name="fanart", label="Fanart.tv", category="provider", connector="curatarr.connectors.fanart:FanartClient",
        fields=(_url("https://webservice.fanart.tv/v3", required=False, help="Leave empty for the public API"),
                _api("Project API key"),
                FieldSpec("personal_api_key", "Personal API key", "password", secret=True,
                          help="Optional: a personal key gets newer images sooner"),
                _ENABLED),
        default_url="https://webservice.fanart.tv/v3", description="Fanart.tv artwork",
    ),
    "tvdb": InstanceType(
        name="tvdb", label="TheTVDB", category="provider", connector="curatarr.connectors.tvdb:TvdbClient",
        fields=(_url("https://api4.thetvdb.com/v4", required=False, help="Leave empty for the public API"),
                _api("API key"),
                FieldSpec("pin", "Subscriber PIN", "password", secret=True, help="Only for user-supported keys"),
                _ENABLED),
        default_url="https://api4.thetvdb.com/v4", description="TheTVDB v4 artwork",
    ),
}

INSTANCE_TYPES: tuple[str, ...] = tuple(INSTANCE_TYPE_SPECS)


def get_type(name: str) -> InstanceType:
    """The type called ``name`` (case-insensitive); KeyError for an unknown one."""
    spec = INSTANCE_TYPE_SPECS.get(str(name).strip().lower())
    if spec is None:
        raise KeyError(f"unknown instance type {name!r}; known: {', '.join(INSTANCE_TYPES)}")
    return spec


def field_schema(type_name: str) -> list[dict]:
    """CHUB's form description: ``[{name, type, required, label, placeholder, secret, default, help}]``."""
    return [f.as_dict() for f in get_type(type_name).fields]


_JSON_TYPES = {"url": "string", "string": "string", "password": "string", "boolean": "boolean", "number": "number"}


def json_schema(type_name: str) -> dict:
    """A standard JSON Schema (draft 2020-12) of one instance's settings."""
    spec = get_type(type_name)
    props: dict[str, dict] = {}
    for f in spec.fields:
        prop: dict = {"type": _JSON_TYPES[f.kind], "title": f.label}
        if f.kind == "url":
            prop["format"] = "uri"
        if f.secret:
            prop["format"] = "password"
            prop["writeOnly"] = True
        if f.default is not None:
            prop["default"] = f.default
        if f.help:
            prop["description"] = f.help
        if f.placeholder:
            prop["examples"] = [f.placeholder]
        props[f.name] = prop
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"{spec.label} instance",
            "type": "object", "properties": props, "required": [f.name for f in spec.fields if f.required],
            "additionalProperties": True}


@dataclass(frozen=True)
class InstanceRef:
    """One configured instance: ``config.yml`` ``instances.<type>.<name>`` (``config`` holds every
    stored field, secrets unmasked — never return it from the API without masking)."""

    type: str
    name: str
    url: str
    enabled: bool
    config: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def api(self) -> str:
        return str(self.config.get("api") or "")

    @property
    def spec(self) -> InstanceType:
        return get_type(self.type)
