"""Issue #20, "must show": Schemathesis over the whole API with a **read-only** key: generated valid and
invalid requests never get a server error. (The admin-key run is tests/foundation/test_schemathesis.py;
this one reuses its driver.) A read key is refused (403) on every write before its body is read, so
most cases here exercise the read routes and the guard's answers; bounded to stay near a minute."""

from __future__ import annotations

import httpx
import pytest
import schemathesis

from tests.foundation.test_schemathesis import ApiKeyAuth, _operations, _run_operation, load_schema

TOTAL_BUDGET = 450
MIN_PER_OPERATION = 1
MAX_PER_OPERATION = 8


class ReadKeyAuth(ApiKeyAuth):
    def renew(self) -> None:
        r = httpx.post(f"{self.base_url}/api/auth/keys", json={"name": "schemathesis-read", "scope": "read"},
                       headers={"Authorization": f"Bearer {self.jwt}"})
        assert r.status_code == 201, r.text
        self.headers = {"X-API-Key": r.json()["key"]}


@pytest.mark.slow
def test_generated_requests_with_a_read_only_key_never_get_a_server_error(live_server):
    auth = ReadKeyAuth(live_server.url, live_server.token)
    schema = load_schema(live_server.url)
    ops = _operations(schema)
    per_op = max(MIN_PER_OPERATION, min(MAX_PER_OPERATION, TOTAL_BUDGET // len(ops)))
    seen: list[int] = []
    failures: list[str] = []
    gateway: list[str] = []
    violations: list[str] = []
    for op in ops:
        _run_operation(op, live_server.url, auth, per_op, seen, failures, gateway, violations)
    assert not failures, f"{len(failures)} server error(s):\n" + "\n".join(failures[:40])
    assert not violations, f"{len(violations)} answer(s) not matching their schema:\n" + "\n".join(violations[:40])
    assert len(seen) >= len(ops)
    assert any(200 <= c < 300 for c in seen) and 403 in seen  # reads answered, writes refused
