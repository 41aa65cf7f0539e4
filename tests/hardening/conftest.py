"""Fixtures of the hardening tests (issue #20): API keys of every scope."""

from __future__ import annotations

import pytest

from curatarr.auth import policy


def key_for(client, scope: str) -> dict[str, str]:
    r = client.post("/api/auth/keys", json={"name": f"{scope} key", "scope": scope})
    assert r.status_code == 201, r.text
    return {"X-API-Key": r.json()["key"]}


@pytest.fixture
def keys(client) -> dict[str, dict[str, str]]:
    return {scope: key_for(client, scope) for scope in policy.SCOPES}
