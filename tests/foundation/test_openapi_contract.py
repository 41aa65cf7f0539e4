"""The API contract is explicit: ``/openapi.json`` of the real app types every 2xx answer, groups
every operation under a seed-section tag with a summary, and every ``/api`` path is in docs/api.md.

A 2xx answer is typed when its JSON schema is a ``$ref`` to a component with properties (or a
schema with properties, items or typed additional properties), or when it declares a non-JSON
media type (files, images, zip, text, event streams). ``{}`` and a bare ``object`` are not typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
API_DOC = ROOT / "docs" / "api.md"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
JSON_TYPES = ("application/json",)


@pytest.fixture
def openapi(fresh_client) -> dict:
    r = fresh_client.get("/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method.upper(), item[method]


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    if not ref:
        return schema
    assert ref.startswith("#/components/schemas/"), ref
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _is_typed(spec: dict, schema: dict | None) -> bool:
    if not schema:
        return False
    schema = _resolve(spec, schema)
    if schema.get("properties") or schema.get("items"):
        return True
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        return True
    variants = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf") or []
    return bool(variants) and all(_is_typed(spec, v) for v in variants if v.get("type") != "null")


def _untyped_2xx(spec: dict, operation: dict) -> str | None:
    """Why the operation's success answer is not typed, or None when it is."""
    answers = {code: body for code, body in operation.get("responses", {}).items() if str(code).startswith("2")}
    if not answers:
        return "no 2xx answer declared"
    for code, body in answers.items():
        content = body.get("content")
        if not content:
            if str(code) == "204":
                continue
            return f"{code} declares no content"
        json_bodies = {t: c for t, c in content.items() if t in JSON_TYPES}
        other_types = [t for t in content if t not in JSON_TYPES]
        if json_bodies and not all(_is_typed(spec, c.get("schema")) for c in json_bodies.values()):
            return f"{code} JSON schema is untyped: {json_bodies}"
        if not json_bodies and not other_types:
            return f"{code} declares no media type"
    return None


def test_every_operation_has_a_typed_success_answer(openapi):
    failures = []
    for path, method, operation in _operations(openapi):
        why = _untyped_2xx(openapi, operation)
        if why:
            failures.append(f"{method} {path}: {why}")
    assert not failures, f"{len(failures)} operation(s) without a typed 2xx schema:\n" + "\n".join(failures)


def test_every_api_operation_has_a_tag_and_a_summary(openapi):
    failures = []
    for path, method, operation in _operations(openapi):
        if not path.startswith("/api"):
            continue
        tags = operation.get("tags") or []
        if not tags or any(t == t.lower() for t in tags):
            failures.append(f"{method} {path}: tags {tags} (want the seed section, e.g. \"Jobs\")")
        if not operation.get("summary"):
            failures.append(f"{method} {path}: no summary")
    assert not failures, "\n".join(failures)


def test_every_api_path_appears_in_api_md(openapi):
    doc = API_DOC.read_text(encoding="utf-8")
    missing = sorted(path for path in openapi["paths"] if path.startswith("/api") and path not in doc)
    assert not missing, f"{len(missing)} /api path(s) missing from docs/api.md:\n" + "\n".join(missing)


def test_every_route_entry_in_api_md_names_its_auth():
    """Each ``### METHOD /api/path`` entry is followed by an ``Auth: …`` line."""
    lines = API_DOC.read_text(encoding="utf-8").splitlines()
    failures = []
    for i, line in enumerate(lines):
        if re.match(r"^### (GET|POST|PUT|PATCH|DELETE|HEAD)\b.* /", line):
            following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
            if not following.startswith("Auth:"):
                failures.append(line)
    assert not failures, "entries without an 'Auth:' line:\n" + "\n".join(failures)
