"""/api/artwork: template CRUD, live preview, Posterizarr-style test sheet. Thin: the engine is
``curatarr.artwork``; rendering runs in the thread pool so the event loop never blocks."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from curatarr.api.deps import ArtworkDep, raw_json
from curatarr.api.schemas import artwork as schemas
from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.errors import ArtworkError, TemplateError
from curatarr.artwork.source import MAX_IMAGE_BYTES
from curatarr.artwork.templates import Kind, template_json_schema, validate_template
from curatarr.artwork.testsheet import sample_backdrop, test_sheet
from curatarr.artwork.textprep import TextInputs
from curatarr.security.urls import UnsafeURL

router = APIRouter(tags=["Artwork"])
TEXT_FIELDS = ("title", "original_title", "year", "season_name", "season_number", "episode_number",
               "episode_title", "collection_word", "language")
MAX_FORM_BYTES = MAX_IMAGE_BYTES + 1024 * 1024
MIN_PREVIEW_WIDTH = 64


def artwork_error(exc: ArtworkError) -> HTTPException | JSONResponse:
    if isinstance(exc, TemplateError):
        return JSONResponse({"detail": exc.errors, "message": str(exc)}, status_code=exc.status)
    return JSONResponse({"detail": str(exc)}, status_code=exc.status)


def _template_json(template) -> dict:
    return template.model_dump(mode="json", exclude_none=True)


# ---------------------------------------------------------------- templates


@router.get("/api/artwork/templates", summary="List render templates", response_model=schemas.TemplateList,
            response_model_exclude_unset=True)
def list_templates(service: ArtworkDep):
    templates = [_template_json(t) for t in service.store.list()]
    return {"templates": templates, "families": service.store.families(), "total": len(templates),
            "kinds": [k.value for k in Kind]}


@router.get("/api/artwork/templates/schema", summary="JSON Schema of a template",
            response_model=schemas.TemplateJsonSchema, response_model_exclude_unset=True)
def template_schema():
    return template_json_schema()


@router.post("/api/artwork/templates/validate", summary="Validate a template",
             response_model=schemas.TemplateValidation, response_model_exclude_unset=True,
             openapi_extra=schemas.TEMPLATE_BODY)
async def validate(request: Request):
    body = await raw_json(request)
    try:
        template = validate_template(body)
    except TemplateError as exc:
        return {"valid": False, "errors": exc.errors}
    return {"valid": True, "errors": [], "hash": template.content_hash()}


@router.get("/api/artwork/templates/{template_id}", summary="One template", response_model=schemas.Template,
            response_model_exclude_unset=True)
def get_template(service: ArtworkDep, template_id: str):
    try:
        return _template_json(service.store.get(template_id))
    except ArtworkError as exc:
        return artwork_error(exc)


@router.post("/api/artwork/templates", summary="Create a template", status_code=201, response_model=schemas.Template,
             response_model_exclude_unset=True, openapi_extra=schemas.TEMPLATE_BODY)
async def create_template(service: ArtworkDep, request: Request):
    body = await raw_json(request)
    try:
        template = service.store.create(body)
    except ArtworkError as exc:
        return artwork_error(exc)
    return _template_json(template)


@router.put("/api/artwork/templates/{template_id}", summary="Replace a template", response_model=schemas.Template,
            response_model_exclude_unset=True, openapi_extra=schemas.TEMPLATE_BODY)
async def update_template(service: ArtworkDep, template_id: str, request: Request):
    body = await raw_json(request)
    try:
        return _template_json(service.store.update(template_id, body))
    except ArtworkError as exc:
        return artwork_error(exc)


@router.delete("/api/artwork/templates/{template_id}", summary="Delete a template",
               response_model=schemas.TemplateDeleted, response_model_exclude_unset=True)
def delete_template(service: ArtworkDep, template_id: str):
    try:
        service.store.delete(template_id)
    except ArtworkError as exc:
        return artwork_error(exc)
    return {"success": True, "deleted": template_id}


# ---------------------------------------------------------------- preview


def _parse_json_field(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, json.JSONDecodeError):
        raise HTTPException(400, f"{name} must be JSON") from None


async def _read_upload(upload: Any, name: str) -> bytes | None:
    if upload is None or upload == "":
        return None
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, f"{name} must be a file upload")
    data = await upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise HTTPException(413, f"{name} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    if not data and upload.filename:  # a chosen file with no bytes is a broken upload, not "no picture"
        raise HTTPException(422, f"{name} upload {upload.filename!r} is empty (0 bytes)")
    return data or None


async def _preview_request(request: Request) -> dict:
    """Accept multipart (with image/logo uploads) or JSON; normalise to one dict."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise HTTPException(413, "request too large")
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data") or ctype.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        out: dict[str, Any] = {k: form.get(k) for k in ("template", "template_id", "kind", "texts", "image_url",
                                                          "format", "quality", "width")}
        out["template"] = _parse_json_field(out["template"], "template")
        out["texts"] = _parse_json_field(out["texts"], "texts") or {}
        for key in TEXT_FIELDS:
            if form.get(key) not in (None, ""):
                out["texts"].setdefault(key, form.get(key))
        out["image"] = await _read_upload(form.get("image"), "image")
        out["logo"] = await _read_upload(form.get("logo"), "logo")
        return out
    body = await raw_json(request)
    if not isinstance(body, dict):
        raise HTTPException(400, "request body must be a JSON object")
    texts = body.get("texts") or {}
    if not isinstance(texts, dict):
        raise HTTPException(400, "texts must be an object")
    for key in TEXT_FIELDS:
        if key in body:
            texts.setdefault(key, body[key])
    return {**body, "texts": texts, "image": None, "logo": None}


def _preview_width(value: Any, canvas_width: int) -> int | None:
    """The requested preview width (64 px up to the canvas width), or None for full size."""
    if value in (None, ""):
        return None
    try:
        width = int(value)
    except (TypeError, ValueError):
        raise HTTPException(422, "width must be an integer number of pixels") from None
    if not MIN_PREVIEW_WIDTH <= width <= canvas_width:
        raise HTTPException(422, f"width must be between {MIN_PREVIEW_WIDTH} and {canvas_width} (the canvas width)")
    return width


def _resolve_template(service, spec: dict):
    if spec.get("template") is not None:
        return validate_template(spec["template"])
    kind = spec.get("kind")
    if kind not in {k.value for k in Kind}:
        raise TemplateError("kind must be one of " + ", ".join(k.value for k in Kind),
                            [{"loc": ["kind"], "msg": "unknown kind", "type": "enum"}])
    return service.store.resolve(spec.get("template_id"), kind)


def _compact_json(layers: list[dict], limit: int = 7000) -> str:
    """Layer report for a header: always valid JSON, trimmed (lines first) to stay small."""
    text = json.dumps(layers, ensure_ascii=True, separators=(",", ":"))
    if len(text) > limit:
        text = json.dumps([{k: v for k, v in item.items() if k != "lines"} for item in layers],
                          ensure_ascii=True, separators=(",", ":"))
    return text if len(text) <= limit else "[]"


def _render_headers(result) -> dict[str, str]:
    layers = [{k: item.get(k) for k in ("id", "size", "lines", "truncated", "action", "box", "ink")}
              for item in result.layers]
    return {
        "X-Curatarr-Truncated": "true" if result.truncated else "false",
        "X-Curatarr-Skipped": "true" if result.skipped else "false",
        "X-Curatarr-Render-Ms": f"{result.elapsed_ms:.1f}",
        "X-Curatarr-Template": result.template_id,
        "X-Curatarr-Template-Hash": result.template_hash,
        "X-Curatarr-Layers": _compact_json(layers),
        "X-Curatarr-Missing-Glyphs": json.dumps(result.missing_glyphs, ensure_ascii=True),
        "X-Curatarr-Size": f"{result.width}x{result.height}",
        "X-Curatarr-Low-Resolution": "true" if result.low_resolution else "false",
        "X-Curatarr-Source": json.dumps(result.source.as_dict() if result.source else None),
        "Cache-Control": "no-store",
    }


@router.post("/api/artwork/preview", summary="Render a preview image", response_class=Response,
             openapi_extra=schemas.PREVIEW_BODY,
             responses=schemas.PREVIEW_RESPONSES)
async def preview(service: ArtworkDep, request: Request):
    """Render one image: ``template`` (JSON) or ``template_id``/family + ``kind``; ``image`` upload
    or ``image_url``; texts. Answers the image bytes; the fit report is in ``X-Curatarr-*``."""
    spec = await _preview_request(request)
    try:
        template = _resolve_template(service, spec)
        texts = TextInputs.from_mapping(spec["texts"])
        image = spec["image"]
        if image is None and spec.get("image_url"):
            image = await run_in_threadpool(service.fetch_image, str(spec["image_url"]))
        if image is None:  # no picture yet: a neutral stand-in shows what the overlays do
            image = await run_in_threadpool(sample_backdrop, *template.size)
        fmt = spec.get("format") or None
        if fmt not in (None, "jpeg", "webp", "png"):
            raise HTTPException(400, "format must be jpeg, webp or png")
        quality = int(spec["quality"]) if spec.get("quality") not in (None, "") else None
        if quality is not None and not 1 <= quality <= 100:
            raise HTTPException(400, "quality must be between 1 and 100")
        width = _preview_width(spec.get("width"), template.size[0])
        inputs = RenderInputs(image=image, texts=texts, logo=spec["logo"], output_format=fmt, quality=quality,
                              width=width)
        result = await run_in_threadpool(render, template, inputs, service.context)
    except ArtworkError as exc:
        return artwork_error(exc)
    except UnsafeURL as exc:
        raise HTTPException(400, f"URL refused: {exc}") from None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return Response(content=result.data, media_type=result.mime, headers=_render_headers(result))


@router.post("/api/artwork/test-sheet", summary="Render a contact sheet of templates", response_class=Response,
             openapi_extra=schemas.TEST_SHEET_BODY, responses=schemas.TEST_SHEET_RESPONSES)
async def test_sheet_endpoint(service: ArtworkDep, request: Request):
    """Posterizarr's testing mode as one contact sheet. Body: ``{"family": "classic"}``,
    ``{"template_ids": [...]}`` or ``{"templates": [...]}`` (unsaved drafts); default classic."""
    raw = await request.body()
    body = {}
    if raw.strip():
        body = await raw_json(request)
        if not isinstance(body, dict):
            raise HTTPException(400, "request body must be a JSON object")
    try:
        if body.get("templates"):
            if not isinstance(body["templates"], list) or len(body["templates"]) > 10:
                raise HTTPException(400, "templates must be a list of at most 10 templates")
            templates = [validate_template(t) for t in body["templates"]]
        elif body.get("template_ids"):
            ids = body["template_ids"]
            if not isinstance(ids, list) or len(ids) > 10:
                raise HTTPException(400, "template_ids must be a list of at most 10 ids")
            templates = [service.store.get(str(i)) for i in ids]
        else:
            family = str(body.get("family") or "classic")
            templates = [t for t in service.store.list() if t.family == family]
            if not templates:
                raise HTTPException(404, f"no templates in family {family!r}")
        data, report = await run_in_threadpool(test_sheet, templates, service.context)
    except ArtworkError as exc:
        return artwork_error(exc)
    truncated = sum(1 for item in report if item["truncated"])
    return Response(content=data, media_type="image/jpeg", headers={
        "X-Curatarr-Tiles": str(len(report)), "X-Curatarr-Truncated-Count": str(truncated),
        "Cache-Control": "no-store",
    })
