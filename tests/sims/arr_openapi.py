"""Validate real httpx exchanges against the *arr OpenAPI documents with openapi-core.

Spec gaps patched here (each is a place where the generated spec disagrees with the real server,
so validating strictly would reject correct behaviour):

* ``servers`` is ``{protocol}://{hostpath}``; replaced by the simulator's own URL.
* ``Command``/``CommandResource`` have ``additionalProperties: false`` but the server serialises
  the concrete command class, so command arguments (``movieIds`` …) appear in requests and in
  ``body`` of responses (contracts.md §2.3).
* Sonarr's ``HttpUri`` (``HealthResource.wikiUrl``) is documented as an object, but the server's
  JSON converter (STJsonHttpUriConverter) writes it as a plain URL string.
* The UI catch-alls ``/``, ``/{path}``, ``/content/{path}`` are dropped: they would match every
  API path before the real operation does.
* Operations document only ``200`` while the server answers ``201`` (create) / ``202`` (editor,
  PUT): a 2xx without its own entry is checked against the ``200`` entry.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

CONTRACTS = Path("/work/shared/contracts")
if not CONTRACTS.exists():  # the shelf sits next to the project checkout
    CONTRACTS = Path(__file__).resolve().parents[3] / "shared" / "contracts"


@lru_cache(maxsize=None)
def _raw_spec(service: str) -> dict:
    return json.loads((CONTRACTS / f"{service}-openapi.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def _openapi(service: str, server_url: str) -> tuple[OpenAPI, dict]:
    spec = copy.deepcopy(_raw_spec(service))
    spec["servers"] = [{"url": server_url}]
    for name in ("Command", "CommandResource"):
        spec["components"]["schemas"][name]["additionalProperties"] = True
    if "HttpUri" in spec["components"]["schemas"]:
        spec["components"]["schemas"]["HttpUri"] = {"type": "string", "nullable": True}
    for ui_path in ("/", "/{path}", "/content/{path}"):
        spec["paths"].pop(ui_path, None)
    return OpenAPI.from_dict(spec), spec


class _Request:
    def __init__(self, request: httpx.Request):
        self._request = request
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(request.url.query.decode() if isinstance(request.url.query, bytes)
                                               else request.url.query, keep_blank_values=True)),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self._request.url.scheme}://{self._request.url.netloc.decode()}"

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._request.content or None

    @property
    def content_type(self) -> str:
        return self._request.headers.get("content-type", "")


class _Response:
    def __init__(self, response: httpx.Response, status: int):
        self._response = response
        self._status = status

    @property
    def data(self) -> bytes:
        return self._response.content

    @property
    def status_code(self) -> int:
        return self._status

    @property
    def content_type(self) -> str:
        return self._response.headers.get("content-type", "")

    @property
    def headers(self) -> Headers:
        return Headers(dict(self._response.headers))


def documented_status(spec: dict, path_template: str | None, method: str, status: int) -> int:
    if path_template is None:
        return status
    responses = spec["paths"].get(path_template, {}).get(method, {}).get("responses", {})
    if str(status) in responses or "default" in responses:
        return status
    if 200 <= status < 300 and "200" in responses:
        return 200
    return status


def _template_for(spec: dict, path: str) -> str | None:
    parts = path.rstrip("/").split("/")
    best = None
    for template in spec["paths"]:
        tparts = template.split("/")
        if len(tparts) != len(parts):
            continue
        if all(t == p or (t.startswith("{") and t.endswith("}")) for t, p in zip(tparts, parts)):
            literal = sum(1 for t in tparts if not t.startswith("{"))
            if best is None or literal > best[0]:
                best = (literal, template)
    return best[1] if best else None


def validate_exchange(service: str, response: httpx.Response) -> None:
    """Raise (openapi-core errors) if the request or the response breaks the spec."""
    request = response.request
    server_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
    openapi, spec = _openapi(service, server_url)
    wrapped = _Request(request)
    openapi.validate_request(wrapped)
    template = _template_for(spec, request.url.path)
    status = documented_status(spec, template, request.method.lower(), response.status_code)
    openapi.validate_response(wrapped, _Response(response, status))


def spec_has(service: str, method: str, path: str) -> bool:
    template = _template_for(_raw_spec(service), path)
    return template is not None and method.lower() in _raw_spec(service)["paths"][template]
