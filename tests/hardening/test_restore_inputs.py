"""Issue #20, items 5 and 6 (restore): a zip member whose header under-declares its size, and a YAML
alias bomb in config.yml, are refused with a clear 400 quickly, and nothing of them is kept."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from tests.foundation.conftest import tree_digest, zip_bytes


def make_backup(client) -> bytes:
    r = client.post("/api/backup")
    assert r.status_code == 200, r.text
    return r.content


def restore(client, data: bytes):
    return client.post("/api/restore", files={"file": ("backup.zip", data, "application/zip")})


def under_declare(data: bytes, member: str, declared: int) -> bytes:
    """``data`` with ``member``'s uncompressed size set to ``declared`` in both its local header and
    the central directory (the CRC and the compressed bytes stay those of the real content)."""
    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 22, declared)  # local header: uncompressed size
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46:pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", raw, pos + 24, declared)  # central directory: uncompressed size
        pos = raw.find(b"PK\x01\x02", pos + 4)
    return bytes(raw)


def state(rt) -> dict:
    return {k: v for k, v in tree_digest(rt.data_dir).items() if not k.startswith("curatarr.db")}


@pytest.mark.parametrize("member", ["config.yml", "manifest.json", "database/users.jsonl"])
def test_a_member_that_under_declares_its_size_is_refused(client, runtime, member):
    valid = make_backup(client)
    assert client.post("/api/auth/keys", json={"name": "survives"}).status_code == 201
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        real = zf.getinfo(member).file_size
    assert real > 8
    bad = under_declare(valid, member, 4)
    before = state(runtime)
    r = restore(client, bad)
    assert r.status_code == 400, r.text
    assert member in r.json()["detail"] and "corrupt" in r.json()["detail"]
    assert state(runtime) == before
    assert [k["name"] for k in client.get("/api/auth/keys").json()["keys"]] == ["survives"]


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    lines = ["auth: {}", "lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_a_restore_is_refused_and_not_kept(client, runtime):
    before = state(runtime)
    r = restore(client, zip_bytes({"config.yml": billion_laughs()}))
    assert r.status_code == 400, r.text
    assert "expands" in r.json()["detail"]
    assert state(runtime) == before
    assert "lol" not in runtime.config.path.read_text()


def test_ordinary_anchors_still_restore(client, runtime):
    text = runtime.config.path.read_text() + "\nx-defaults: &defaults {a: 1}\nx-copy: *defaults\n"
    from curatarr.config.yaml_limits import expanded_size

    assert expanded_size(text) < 1000
    assert expanded_size(billion_laughs(4)) > 10_000  # counts the expansion, not the text


def test_template_yaml_with_an_alias_bomb_is_refused(client):
    from curatarr.artwork.errors import TemplateError
    from curatarr.artwork.store import _load_yaml

    with pytest.raises(TemplateError, match="expands"):
        _load_yaml(billion_laughs())
