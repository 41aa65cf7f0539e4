"""auth.bcrypt_rounds: the cost of new password hashes is a setting; a hash of any cost verifies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from curatarr.auth.passwords import DEFAULT_BCRYPT_ROUNDS, dummy_hash, hash_password, verify_password
from curatarr.config import ConfigError, Settings
from curatarr.db.models.auth import User
from tests.foundation.conftest import ADMIN_PASSWORD, ADMIN_USER, basic_header


def stored_hash(rt) -> str:
    with rt.db.session() as s:
        return s.scalar(select(User.password_hash).where(User.username == ADMIN_USER))


def test_default_cost_is_bcrypts_own():
    assert Settings().auth.bcrypt_rounds == DEFAULT_BCRYPT_ROUNDS == 12


@pytest.mark.parametrize("rounds", [3, 32])
def test_cost_outside_bcrypts_range_is_refused(runtime, rounds):
    with pytest.raises(ConfigError):
        runtime.config.update({"auth": {"bcrypt_rounds": rounds}})


def test_new_hashes_use_the_configured_cost_and_old_ones_still_verify(client, runtime):
    assert stored_hash(runtime).startswith("$2b$04$")  # the test data dir's config sets 4
    runtime.config.update({"auth": {"bcrypt_rounds": 5}})
    assert client.get("/api/auth/me", headers=basic_header()).status_code == 200  # a cost-4 hash verifies
    r = client.post("/api/auth/password", json={"current_password": ADMIN_PASSWORD, "new_password": "new-pass-456"})
    assert r.status_code == 200, r.text
    assert stored_hash(runtime).startswith("$2b$05$")
    assert client.get("/api/auth/me", headers=basic_header(ADMIN_USER, "new-pass-456")).status_code == 200


def test_verify_accepts_any_cost_and_the_dummy_hash_follows_the_cost():
    for rounds in (4, 6):
        assert verify_password("secret-pass", hash_password("secret-pass", rounds))
        assert not verify_password("wrong-pass", hash_password("secret-pass", rounds))
        assert dummy_hash(rounds).startswith(f"$2b$0{rounds}$")
