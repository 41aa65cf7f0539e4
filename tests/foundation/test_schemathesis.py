"""Schemathesis over /openapi.json: generated valid and invalid requests never get a server error.

"Server error" = 500 (an unhandled exception) or any other 5xx that is not a deliberate JSON answer.
502/503/504 with a ``{"detail": ...}`` body are the documented gateway answers (an external service
unreachable / rate limited, a needed module not installed) and are reported, not failed.

Runs against the real server (uvicorn on a free port, real HTTP), authenticated with an API key so
generated calls reach the handlers. Bounded: a total budget of cases spread over all operations,
a fixed seed (derandomize), no shrinking. Every area's routes are covered as they are added.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import requests
import schemathesis
from schemathesis.specs.openapi.checks import response_schema_conformance
from urllib3 import HTTPResponse
from hypothesis import HealthCheck, Phase, given, settings

TOTAL_BUDGET = 360  # cases over the whole API, split evenly over the operations
MIN_PER_OPERATION = 3
MAX_PER_OPERATION = 30
REQUEST_TIMEOUT = 20
# Endpoints that stream forever (server-sent events) cannot be answered in one request/response.
GATEWAY = {502, 503, 504}
STREAMING = re.compile(r"(/events?(/|$)|/stream|/sse(/|$))")


def load_schema(base_url: str):
    """The served OpenAPI document (fetched with a generous timeout: building it for ~400 routes takes
    seconds on a busy machine, longer than schemathesis' own 10 s loader timeout)."""
    r = httpx.get(f"{base_url}/openapi.json", timeout=120)
    r.raise_for_status()
    return schemathesis.openapi.from_dict(r.json())


def _operations(schema):
    ops = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path.startswith("/api") and not STREAMING.search(op.path):
            ops.append(op)
    return ops


class ApiKeyAuth:
    """An API key for the generated calls, renewed when a generated call deletes it
    (``DELETE /api/auth/keys/{key_id}`` with a guessed id). The session JWT that creates keys is
    never used by generated calls, so a generated logout cannot revoke it."""

    def __init__(self, base_url: str, jwt: str):
        self.base_url, self.jwt = base_url, jwt
        self.headers: dict[str, str] = {}
        self.renew()

    def renew(self) -> None:
        r = httpx.post(f"{self.base_url}/api/auth/keys", json={"name": "schemathesis", "scope": "admin"},
                       headers={"Authorization": f"Bearer {self.jwt}"})
        assert r.status_code == 201, r.text
        self.headers = {"X-API-Key": r.json()["key"]}


def _has_detail(response) -> bool:
    try:
        return isinstance(response.json(), dict) and bool(response.json().get("detail"))
    except ValueError:
        return False


def _schema_violation(case, response) -> str | None:
    """The first way ``response`` breaks the operation's documented response schema, or None."""
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one entry per distinct failure
        return "; ".join(str(exc).strip().replace("\n\n", " ").replace("\n", " ")[:300] for exc in group.exceptions)
    except AssertionError as exc:  # a single CheckFailed
        return str(exc).strip()[:300] or type(exc).__name__
    return None


def _run_operation(op, base_url: str, auth: ApiKeyAuth, n: int, seen: list, failures: list,
                   gateway: list, violations: list | None = None) -> None:
    strategy = op.as_strategy(schemathesis.GenerationMode.POSITIVE) | op.as_strategy(schemathesis.GenerationMode.NEGATIVE)

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=strategy)
    def run(case):
        headers = auth.headers
        try:
            response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT)
            if response.status_code == 401:
                auth.renew()
                headers = auth.headers
                response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError, ValueError):
            return  # negative data no HTTP client can send (e.g. a newline in a header)
        except requests.exceptions.Timeout:
            failures.append(f"{op.method.upper()} {op.path}: no answer within {REQUEST_TIMEOUT}s "
                            f"({case.as_curl_command(headers=headers)})")
            return
        seen.append(response.status_code)
        if response.status_code in GATEWAY and _has_detail(response):
            gateway.append(f"{op.method.upper()} {op.path} -> {response.status_code}")
        elif response.status_code >= 500:
            failures.append(f"{op.method.upper()} {op.path} -> {response.status_code} {response.text[:200]!r}\n"
                            f"    {case.as_curl_command(headers=headers)}")
        elif violations is not None and (problem := _schema_violation(case, response)):
            violations.append(f"{op.method.upper()} {op.path} -> {response.status_code}: {problem}\n"
                              f"    {response.text[:200]!r}\n    {case.as_curl_command(headers=headers)}")

    run()


@pytest.mark.slow
def test_generated_requests_never_get_a_server_error(live_server):
    auth = ApiKeyAuth(live_server.url, live_server.token)
    schema = load_schema(live_server.url)
    ops = _operations(schema)
    assert len(ops) >= 25
    per_op = max(MIN_PER_OPERATION, min(MAX_PER_OPERATION, TOTAL_BUDGET // len(ops)))

    seen: list[int] = []
    failures: list[str] = []
    gateway: list[str] = []
    violations: list[str] = []
    for op in ops:
        _run_operation(op, live_server.url, auth, per_op, seen, failures, gateway, violations)
    if gateway:
        print("deliberate gateway answers:", *sorted(set(gateway)), sep="\n  ")

    assert not failures, f"{len(failures)} server error(s):\n" + "\n".join(failures[:40])
    assert not violations, f"{len(violations)} answer(s) not matching their schema:\n" + "\n".join(violations[:40])
    # The run really exercised the handlers: many answers, and not all of them refusals.
    assert len(seen) >= len(ops) * 2
    assert any(200 <= code < 300 for code in seen) and any(400 <= code < 500 for code in seen)
    assert seen.count(401) < len(seen) // 2


def _json_answer(url: str, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.url = 200, body, url
    response.raw = HTTPResponse(body=b"", headers={"Content-Type": "application/json"}, preload_content=False)
    response.headers["Content-Type"] = "application/json"
    response.request = requests.Request("GET", url).prepare()
    response.elapsed = timedelta(0)
    return response


def test_the_conformance_check_catches_an_answer_that_breaks_its_schema():
    """The driver's response-schema check is live: a field of the wrong type is reported, a
    conforming answer is not (so a run with 0 violations means the answers were checked)."""
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/api/x": {"get": {"responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object", "required": ["total"], "properties": {"total": {"type": "integer"}}}}}}}}}}}
    op = next(iter(schemathesis.openapi.from_dict(spec).get_all_operations())).ok()
    url = "http://127.0.0.1:9/api/x"
    problem = _schema_violation(op.Case(), _json_answer(url, b'{"total": "many"}'))
    assert problem and "is not of type" in problem
    assert _schema_violation(op.Case(), _json_answer(url, b'{"total": 3}')) is None
