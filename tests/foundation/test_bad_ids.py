"""Issue 20 item 5: ids past a 64-bit integer and path components past 255 bytes answer 4xx, never 500."""

from __future__ import annotations

import re

import pytest

OUT_OF_RANGE_IDS = (2**63, 2**64, -(2**63) - 1)


def _integer_path_routes(spec: dict) -> list[tuple[str, str, list[str]]]:
    """(method, path template, integer path parameter names) for every operation that has one."""
    routes = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            names = [p["name"] for p in op.get("parameters", [])
                     if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"]
            if names:
                routes.append((method, path, names))
    return routes


def test_every_integer_path_id_past_int64_answers_4xx(client):
    routes = _integer_path_routes(client.get("/openapi.json").json())
    assert len(routes) >= 9, routes  # jobs ×4, collections ×3, module executions ×2, API keys
    failures = []
    for method, template, names in routes:
        for big in OUT_OF_RANGE_IDS:
            url = template
            for name in names:
                url = url.replace("{" + name + "}", str(big))
            url = re.sub(r"\{[^}]+\}", "poster_maker", url)  # other (string) path params
            r = client.request(method.upper(), url, json={})
            if r.status_code >= 500:
                failures.append((method, url, r.status_code, r.text[:200]))
            else:
                assert r.status_code in (404, 422), (method, url, r.status_code, r.text)
    assert not failures, failures


@pytest.mark.parametrize("url", ["/api/jobs/9223372036854775808", "/api/jobs/18446744073709551616",
                                 "/api/jobs/9223372036854775808/log-tail", "/api/media/collections/9223372036854775808"])
def test_named_big_ids_are_refused_as_invalid(client, url):
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_ids_in_range_still_answer_not_found(client):
    assert client.get(f"/api/jobs/{2**63 - 1}").status_code == 404
    assert client.get("/api/jobs/999999").status_code == 404


LONG_NAME = "a" * 256
LONG_UTF8_NAME = "é" * 128  # 128 characters, 256 bytes


@pytest.mark.parametrize("name", [LONG_NAME, LONG_UTF8_NAME, "x/" + LONG_NAME + "/y"])
def test_directory_refuses_a_component_over_255_bytes(client, runtime, name):
    r = client.get("/api/directory", params={"path": str(runtime.data_dir / name)})
    assert r.status_code == 400, r.text
    r = client.get("/api/directory", params={"path": name})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("name", [LONG_NAME, LONG_UTF8_NAME])
def test_folder_refuses_a_component_over_255_bytes_and_creates_nothing(client, runtime, name):
    r = client.post("/api/folder", json={"path": str(runtime.data_dir / "new" / name)})
    assert r.status_code == 400, r.text
    assert not (runtime.data_dir / "new").exists()


@pytest.mark.parametrize("name", [LONG_NAME, LONG_UTF8_NAME, "Movies/" + LONG_NAME])
def test_folder_view_refuses_a_component_over_255_bytes(client, runtime, name, tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    r = client.put("/api/modules/poster_maker/config", json={"asset_path": str(assets)})
    assert r.status_code < 300, r.text
    r = client.get("/api/folder-view/browse", params={"path": name})
    assert r.status_code == 400, r.text


def test_path_guard_refuses_long_components(tmp_path):
    from curatarr.security.paths import PathRejected, safe_path

    for bad in (LONG_NAME, LONG_UTF8_NAME, "sub/" + LONG_NAME, "\ud800"):
        with pytest.raises(PathRejected) as err:
            safe_path(bad, [tmp_path])
        assert err.value.status == 400
    assert safe_path("a" * 255, [tmp_path]) == tmp_path / ("a" * 255)


@pytest.mark.parametrize("path,param", [
    ("/api/jobs", "offset"), ("/api/media/low-rated", "min_votes"), ("/api/media/low-rated", "offset"),
    ("/api/media/incomplete-metadata", "offset"), ("/api/modules/history", "offset"),
    ("/api/modules/poster_maker/history", "offset"), ("/api/runtime-history", "offset"),
])
def test_query_numbers_past_int64_answer_422(client, path, param):
    for big in (2**63, 2**64):
        r = client.get(path, params={param: str(big)})
        assert r.status_code == 422, (path, param, big, r.status_code, r.text[:200])
    assert client.get(path, params={param: str(2**63 - 1)}).status_code == 200
