"""Every /api route of the whole app needs credentials, except the few that are open by design.

The routes come from the app's OpenAPI document (this FastAPI version wraps included routers, so
``app.routes`` does not list them flat), so the test covers every area's routes as they are added.
A new open route must be added to OPEN here, on purpose, and to docs/security.md.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

# (method, path) pairs that answer without credentials.
OPEN = {
    ("GET", "/api"),
    ("GET", "/api/health"),
    ("GET", "/api/auth/status"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/setup"),
}
METHODS = ("get", "post", "put", "patch", "delete")
_PARAM = re.compile(r"\{([^}]+)\}")


def concrete(path: str) -> str:
    """A request path for an OpenAPI path template (every parameter → ``1``)."""
    return _PARAM.sub("1", path)


def api_operations(app) -> list[tuple[str, str]]:
    ops = []
    for path, item in app.openapi()["paths"].items():
        if path == "/api" or path.startswith("/api/"):
            ops += [(method.upper(), path) for method in METHODS if method in item]
    return sorted(ops)


def test_every_api_route_requires_credentials(app, client):
    anon = TestClient(app)
    ops = api_operations(app)
    assert len(ops) >= 25  # the foundation alone has this many; a broken discovery would list none
    wrong = []
    for method, path in ops:
        if (method, path) in OPEN:
            continue
        r = anon.request(method, concrete(path))
        if r.status_code != 401:
            wrong.append(f"{method} {path} -> {r.status_code}")
    assert not wrong, "routes answering without credentials:\n" + "\n".join(wrong)


def test_wrong_credentials_are_refused_everywhere(app, client):
    """A bad JWT, key or password never gets further than a missing one."""
    anon = TestClient(app)
    bad = [{"Authorization": "Bearer not-a-token"}, {"X-API-Key": "cur_not_a_key"}]
    wrong = []
    for method, path in api_operations(app):
        if (method, path) in OPEN:
            continue
        for headers in bad:
            r = anon.request(method, concrete(path), headers=headers)
            if r.status_code != 401:
                wrong.append(f"{method} {path} {list(headers)[0]} -> {r.status_code}")
    assert not wrong, "\n".join(wrong)


def test_open_routes_answer_without_credentials(app, client):
    anon = TestClient(app)
    present = set(api_operations(app))
    assert OPEN <= present, f"open routes missing from the app: {OPEN - present}"
    assert anon.get("/api").status_code == 200
    assert anon.get("/api/health").status_code == 200
    assert anon.get("/api/auth/status").status_code == 200
    assert anon.post("/api/auth/login", json={"username": "admin", "password": "admin-pass-123"}).status_code == 200
    assert anon.post("/api/auth/setup", json={"username": "x", "password": "long-enough-1"}).status_code == 403


def test_unknown_api_paths_are_json_404_after_auth(client, anon_client):
    r = client.get("/api/definitely/not/here")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found", "success": False, "message": "Not Found",
                                                  "error_code": "HTTP_ERROR"}
    assert anon_client.delete("/api/definitely/not/here").status_code == 404


def test_malformed_json_is_422_everywhere(app, client):
    """Every operation that takes a JSON body answers 422 to a body that is not JSON (never 500)."""
    wrong = []
    checked = 0
    for path, item in app.openapi()["paths"].items():
        if not path.startswith("/api"):
            continue
        for method in METHODS:
            body = (item.get(method) or {}).get("requestBody", {})
            if "application/json" not in body.get("content", {}):
                continue
            checked += 1
            r = client.request(method.upper(), concrete(path), content=b'{"broken": ',
                               headers={"Content-Type": "application/json"})
            if r.status_code != 422 or "detail" not in r.json():
                wrong.append(f"{method.upper()} {path} -> {r.status_code}")
    assert checked >= 6  # the foundation alone has setup, login, password, keys, folder, test, config
    assert not wrong, "\n".join(wrong)
