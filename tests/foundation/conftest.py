"""Helpers for the foundation tests: credentials of every kind, zip builders, disk snapshots."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests._fixtures import ADMIN_PASSWORD, ADMIN_USER, admin_token, copy_data_template


def basic_header(username: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_api_key(client, name: str = "script") -> dict:
    r = client.post("/api/auth/keys", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tree_digest(root: Path, *, skip: tuple[str, ...] = ("logs",)) -> dict[str, str]:
    """``relative path → sha256`` of every file under ``root`` (log folders skipped: they grow)."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        if p.is_file():
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[str(rel) + "/"] = "dir"
    return out


def table_counts(rt) -> dict[str, int]:
    from sqlalchemy import func, select

    from curatarr.db.base import Base

    counts = {}
    with rt.db.session() as s:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = s.scalar(select(func.count()).select_from(table))
    return counts


@pytest.fixture
def api_key(client) -> str:
    return create_api_key(client, "fixture key")["key"]


@pytest.fixture
def outside_dir(tmp_path: Path) -> Path:
    """A folder next to the data dir, i.e. outside every allowed root."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.txt").write_text("top secret")
    (d / "secret.log").write_text("outside log line\n")
    return d


def manifest_of(zip_data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(zip_data)) as zf:
        return json.loads(zf.read("manifest.json"))


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory, admin_data_template):
    """One authenticated client per test module, for read-only checks run over many parameters
    (one app for the module instead of one per parameter). Tests using it must not change state
    other tests of the module rely on."""
    from fastapi.testclient import TestClient

    from curatarr.app import create_app
    from curatarr.runtime import Runtime

    data = copy_data_template(admin_data_template, tmp_path_factory.mktemp("shared") / "data")
    rt = Runtime(data, console_logs=False)
    with TestClient(create_app(rt)) as c:
        token = admin_token(rt)
        c.headers["Authorization"] = f"Bearer {token}"
        c.token = token
        c.runtime = rt
        yield c
    rt.close()
