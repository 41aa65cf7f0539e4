"""Bad input to the instances API is a clear 4xx, never a 500 (property-based)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                  st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                           max_leaves=6)
keys = st.sampled_from(["service", "type", "name", "url", "api", "apiKey", "enabled", "pin", "images_url", "extra"])
bodies = st.one_of(json_values, st.dictionaries(keys, json_values, max_size=6))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_writes_never_500(client, body):
    client.post("/api/instances", json={"service": "radarr", "name": "fixed", "url": "http://127.0.0.1:9", "api": "k"})
    for method, path in (("POST", "/api/instances"), ("PUT", "/api/instances/fixed"), ("PATCH", "/api/instances/fixed"),
                         ("POST", "/api/instances/test")):
        r = client.request(method, path, json=body)
        assert r.status_code < 500, (method, path, body, r.text)
        if r.status_code >= 400:
            assert "detail" in r.json()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=30), level=st.one_of(st.none(), st.text(max_size=10)))
def test_reads_never_500(client, name, level):
    from urllib.parse import quote

    path = quote(name, safe="") or "x"
    for url in (f"/api/instances/{path}", f"/api/instances/{path}/logs", f"/api/instances/{path}/stats",
                f"/api/instances/{path}/health", f"/api/plex/{path}/libraries", f"/api/instances/types/{path}/schema"):
        r = client.get(url, params={"level": level} if level is not None else None)
        assert r.status_code < 500, (url, r.text)
