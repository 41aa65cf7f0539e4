"""Answers of /api/artwork: templates, their JSON Schema and validation. Preview and test sheet
answer images (declared on their routes)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from curatarr.api.schemas.common import ApiModel
from curatarr.api.schemas.values import binary_content

PREVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The rendered image; the fit report is in X-Curatarr-* headers",
          "content": binary_content("image/jpeg", "image/webp", "image/png")}}
TEST_SHEET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "One JPEG contact sheet", "content": binary_content("image/jpeg")}}

# The body of template create/update/validate: a template document. It is read as raw JSON (so a
# non-JSON body stays a 400 and template errors keep their own 422 shape), hence documented here.
TEMPLATE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "A template document; its JSON Schema is GET /api/artwork/templates/schema",
    "properties": {"id": {"type": "string"}, "kind": {"type": "string"}, "family": {"type": "string"},
                   "name": {"type": "string"}, "layers": {"type": "array", "items": {"type": "object"}}},
    "required": ["id", "kind"]}}}}}

_TEXTS = {"type": "object", "description": "title, original_title, year, season_name, season_number, episode_number, "
                                         "episode_title, collection_word, language (also accepted at the top level)",
          "additionalProperties": {"type": "string"}}
_PREVIEW_FIELDS = {
    "template": {"type": "object", "description": "An unsaved template document (JSON text in a form)"},
    "template_id": {"type": "string", "description": "A stored template id or family name"},
    "kind": {"type": "string", "enum": ["poster", "season", "background", "titlecard", "collection"]},
    "texts": _TEXTS, "image_url": {"type": "string", "format": "uri"},
    "format": {"type": "string", "enum": ["jpeg", "webp", "png"]}, "quality": {"type": "integer", "minimum": 1, "maximum": 100},
    "width": {"type": "integer", "minimum": 64, "description": "Answer a smaller image this many pixels wide "
                                                               "(aspect kept; at most the canvas width)"},
}
# The preview takes JSON or a multipart form (with image/logo uploads), so it reads the request itself.
PREVIEW_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "properties": _PREVIEW_FIELDS}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        **_PREVIEW_FIELDS, "image": {"type": "string", "format": "binary"}, "logo": {"type": "string", "format": "binary"}}}},
}}}
TEST_SHEET_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "description": "One of family (default classic), template_ids or templates (unsaved drafts)",
    "properties": {"family": {"type": "string"}, "template_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
                   "templates": {"type": "array", "items": {"type": "object"}, "maxItems": 10}}}}}}}


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
