"""Answers of /api/artwork: templates, their JSON Schema and validation. Preview and test sheet
answer images (declared on their routes)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from curatarr.api.schemas.common import ApiModel

IMAGE_CONTENT = {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                 "image/webp": {"schema": {"type": "string", "format": "binary"}},
                 "image/png": {"schema": {"type": "string", "format": "binary"}}}

# The body of template create/update/validate: a template document. It is read as raw JSON (so a
# non-JSON body stays a 400 and template errors keep their own 422 shape), hence documented here.
TEMPLATE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "A template document; its JSON Schema is GET /api/artwork/templates/schema",
    "properties": {"id": {"type": "string"}, "kind": {"type": "string"}, "family": {"type": "string"},
                   "name": {"type": "string"}, "layers": {"type": "array", "items": {"type": "object"}}},
    "required": ["id", "kind"]}}}}}


class Template(ApiModel):
    """A render template as stored (fields left at their default are omitted)."""

    id: str | None = None
    name: str | None = None
    family: str | None = None
    kind: str | None = None
    description: str | None = None
    output: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    layers: list[dict[str, Any]] | None = None


class TemplateList(ApiModel):
    templates: list[Template] | None = None
    families: dict[str, list[str]] | None = None  # family → its template ids
    total: int | None = None
    kinds: list[str] | None = None


class TemplateJsonSchema(ApiModel):
    """The JSON Schema of a template document (``$defs`` holds the layer types). Fields are declared
    in the order pydantic writes a schema, so the answer's keys keep their order."""

    model_config = ConfigDict(populate_by_name=True)

    defs: dict[str, Any] | None = Field(None, alias="$defs")
    additionalProperties: bool | None = None
    properties: dict[str, Any] | None = None
    required: list[str] | None = None
    title: str | None = None
    type: str | None = None


class TemplateError(ApiModel):
    loc: list[Any] | None = None
    msg: str | None = None
    type: str | None = None


class TemplateValidation(ApiModel):
    valid: bool | None = None
    errors: list[TemplateError] | None = None
    hash: str | None = None


class TemplateDeleted(ApiModel):
    success: bool | None = None
    deleted: str | None = None
