"""Backups: create, list, download, retention; restore of config AND database, atomic, guarded."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile

import pytest

from tests.foundation.conftest import create_api_key, manifest_of, table_counts, tree_digest, zip_bytes


def make_backup(client) -> bytes:
    r = client.post("/api/backup")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    return r.content


def restore(client, data: bytes, filename: str = "backup.zip"):
    return client.post("/api/restore", files={"file": (filename, data, "application/zip")})


def rewrite_zip(data: bytes, *, replace: dict | None = None, drop: set | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist() if n not in (drop or set())}
    members.update(replace or {})
    return zip_bytes(members)


def db_dump(rt) -> dict:
    from sqlalchemy import select

    from curatarr.db.base import Base

    out = {}
    with rt.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = sorted(json.dumps(dict(r), default=str, sort_keys=True)
                                     for r in conn.execute(select(table)).mappings())
    return out


def disk_state(rt) -> dict:
    """Every file of the data dir except logs and the live database files (compared as rows instead)."""
    files = {k: v for k, v in tree_digest(rt.data_dir).items() if not k.startswith("curatarr.db")}
    return {"files": files, "rows": db_dump(rt)}


# ---- create / list / download ---------------------------------------------------------------------

def test_backup_contains_config_manifest_and_every_table(client, runtime):
    create_api_key(client, "in the backup")
    data = make_backup(client)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert zf.read("config.yml").decode() == runtime.config.path.read_text()
        keys = [json.loads(line) for line in zf.read("database/api_keys.jsonl").splitlines()]
    manifest = manifest_of(data)
    assert manifest["format"] == 1 and manifest["dialect"] == "sqlite"
    assert manifest["heads"] == runtime.db.current_heads()
    assert manifest["tables"]["users"] == 1 and manifest["tables"]["api_keys"] == 1
    assert {f"database/{t}.jsonl" for t in manifest["tables"]} <= names
    assert keys[0]["name"] == "in the backup" and keys[0]["created_at"].endswith("+00:00")


def test_backups_are_listed_and_downloadable(client, runtime):
    data = make_backup(client)
    listing = client.get("/api/backups").json()
    assert listing["total"] == 1
    item = listing["backups"][0]
    assert item["filename"].startswith("curatarr-backup-") and item["size_bytes"] == len(data)
    assert item["created"].endswith("Z")
    r = client.get(f"/api/backups/{item['filename']}")
    assert r.status_code == 200 and r.content == data
    assert client.get("/api/backups/nope.zip").status_code == 404


@pytest.mark.parametrize("raw", ["/api/backups/..%2fconfig.yml", "/api/backups/%2e%2e", "/api/backups/config.yml%00.zip",
                                 "/api/backups/..%5cconfig.yml"])
def test_backup_download_refuses_traversal(shared_client, raw):
    import httpx

    r = shared_client.send(shared_client.build_request("GET", httpx.URL(f"http://testserver{raw}")))
    assert 400 <= r.status_code < 500
    assert "general:" not in r.text


def test_backup_download_refuses_files_that_are_not_zips(client, runtime):
    (runtime.backups_dir / "notes.txt").write_text("private")
    assert client.get("/api/backups/notes.txt").status_code == 404


def test_retention_keeps_the_newest(client, runtime):
    client.post("/api/config", json={"backup": {"keep": 2}})
    for _ in range(4):
        make_backup(client)
    kept = sorted(p.name for p in runtime.backups_dir.glob("*.zip"))
    assert len(kept) == 2
    # Names carry a UTC timestamp: the two kept are the two made last.
    assert kept == sorted(b["filename"] for b in client.get("/api/backups").json()["backups"])
    assert not list(runtime.backups_dir.glob("*.tmp"))


# ---- restore: the good path -----------------------------------------------------------------------

def test_restore_brings_back_config_and_database(client, anon_client, runtime):
    data = make_backup(client)
    # Changes made after the backup: a new row and a config change.
    late = create_api_key(client, "written after the backup")
    client.post("/api/config", json={"backup": {"keep": 3}, "my_section": {"x": 1}})
    assert anon_client.get("/api/auth/me", headers={"X-API-Key": late["key"]}).status_code == 200

    r = restore(client, data)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True and body["restored"] == ["config.yml", "database"]
    assert body["pre_restore_backup"].startswith("pre-restore-")

    # The row written after the backup is gone, and the key no longer opens anything.
    assert client.get("/api/auth/keys").json()["total"] == 0
    assert anon_client.get("/api/auth/me", headers={"X-API-Key": late["key"]}).status_code == 401
    # Config is back (in memory and on disk), the previous file kept as .bak.
    assert runtime.settings.backup.keep == 10 and "my_section" not in runtime.config.as_dict()
    assert "my_section" in (runtime.data_dir / "config.yml.bak").read_text()
    assert stat.S_IMODE(runtime.config.path.stat().st_mode) == 0o600

    # The pre-restore backup holds the state from just before the restore.
    pre = (runtime.backups_dir / body["pre_restore_backup"]).read_bytes()
    assert manifest_of(pre)["tables"]["api_keys"] == 1
    assert b"my_section" in zipfile.ZipFile(io.BytesIO(pre)).read("config.yml")
    # Restoring the pre-restore backup undoes the restore.
    assert restore(client, pre).status_code == 200
    assert client.get("/api/auth/keys").json()["keys"][0]["name"] == "written after the backup"


def test_restore_of_a_config_only_zip(client, runtime):
    text = runtime.config.path.read_text().replace("keep: 10", "keep: 7")
    r = restore(client, zip_bytes({"config.yml": text}))
    assert r.status_code == 200 and r.json()["restored"] == ["config.yml"]
    assert runtime.settings.backup.keep == 7
    assert client.get("/api/auth/me").status_code == 200  # database untouched


# ---- restore: refused archives change nothing ------------------------------------------------------

def _bad_archives(valid: bytes) -> dict[str, bytes]:
    config = zipfile.ZipFile(io.BytesIO(valid)).read("config.yml")
    symlink = io.BytesIO()
    with zipfile.ZipFile(symlink, "w") as zf:
        zf.writestr("config.yml", config)
        info = zipfile.ZipInfo("database/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    manifest = manifest_of(valid)
    return {
        "zip-slip": zip_bytes({"config.yml": config, "../../evil.txt": "pwned"}),
        "absolute member": zip_bytes({"config.yml": config, "/tmp/evil.txt": "pwned"}),
        "backslash member": zip_bytes({"config.yml": config, "..\\evil.txt": "pwned"}),
        "symlink member": symlink.getvalue(),
        "not a zip": b"this is not a zip file at all",
        "empty file": b"",
        "truncated zip": valid[: len(valid) // 2],
        "no config": rewrite_zip(valid, drop={"config.yml"}),
        "invalid config": rewrite_zip(valid, replace={"config.yml": b"general:\n  log_level: loud\n"}),
        "config not yaml": rewrite_zip(valid, replace={"config.yml": b"general: [unclosed"}),
        "config not utf8": rewrite_zip(valid, replace={"config.yml": b"\xff\xfe\x00bad"}),
        "config not a mapping": rewrite_zip(valid, replace={"config.yml": b"- a\n- b\n"}),
        "manifest not json": rewrite_zip(valid, replace={"manifest.json": b"{nope"}),
        "unknown format": rewrite_zip(valid, replace={"manifest.json": json.dumps({**manifest, "format": 99})}),
        "unknown table": rewrite_zip(valid, replace={
            "manifest.json": json.dumps({**manifest, "tables": {**manifest["tables"], "evil": 1}}),
            "database/evil.jsonl": b"{}\n"}),
        "missing table data": rewrite_zip(valid, drop={"database/users.jsonl"}),
        "other schema": rewrite_zip(valid, replace={"manifest.json": json.dumps({**manifest, "heads": ["zzz_0001"]})}),
    }


def test_refused_archives_change_nothing(client, runtime):
    valid = make_backup(client)
    create_api_key(client, "must survive")
    client.post("/api/config", json={"backup": {"keep": 4}})
    before = disk_state(runtime)
    for label, data in _bad_archives(valid).items():
        r = restore(client, data)
        assert 400 <= r.status_code < 500, (label, r.status_code, r.text)
        assert isinstance(r.json()["detail"], str) and r.json()["detail"], label
        assert disk_state(runtime) == before, label
    assert not (runtime.data_dir.parent / "evil.txt").exists()
    assert runtime.settings.backup.keep == 4
    assert client.get("/api/auth/keys").json()["keys"][0]["name"] == "must survive"


def test_oversized_upload_is_413_and_leaves_no_temp_file(client, runtime):
    client.post("/api/config", json={"backup": {"max_upload_mb": 1}})
    before = disk_state(runtime)
    big = zip_bytes({"config.yml": runtime.config.path.read_text(), "pad.bin": os.urandom(1_300_000)})
    r = restore(client, big)
    assert r.status_code == 413 and "1 MB" in r.json()["detail"]
    assert disk_state(runtime) == before
    # Nothing left of the upload (the disk reserve the server keeps in cache/ is not an upload).
    assert [p for p in (runtime.data_dir / "cache").iterdir() if p.name != "disk-reserve"] == []


def test_restore_without_a_file_is_422(client):
    assert client.post("/api/restore").status_code == 422
    assert client.post("/api/restore", json={"file": "x"}).status_code == 422


@pytest.mark.parametrize("table, row", [
    ("api_keys", {"id": "not-a-number", "name": "x"}),
    ("api_keys", {"id": 5, "created_at": "not a date", "name": "x", "prefix": "p", "key_hash": "h", "user_id": 1}),
    ("api_keys", {"no_such_column": 1}),
    ("users", {"id": 1}),  # NOT NULL columns missing
    ("users", None),  # the same user twice: a primary-key clash
    ("revoked_tokens", {"jti": "j", "expires_at": {"__b64__": 1}}),
    ("users", ["a", "list"]),
])
def test_corrupt_database_rows_roll_back_everything(shared_client, table, row):
    client, runtime = shared_client, shared_client.runtime
    valid = make_backup(client)
    create_api_key(client, "must survive")
    before_rows = db_dump(runtime)
    before_config = runtime.config.path.read_text()
    member = f"database/{table}.jsonl"
    original = zipfile.ZipFile(io.BytesIO(valid)).read(member)
    if row is None:
        tampered = original + original  # duplicate rows
    else:
        tampered = original + json.dumps(row).encode() + b"\n"
    r = restore(client, rewrite_zip(valid, replace={member: tampered}))
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert db_dump(runtime) == before_rows
    assert runtime.config.path.read_text() == before_config
    assert not list(runtime.backups_dir.glob("pre-restore-*"))  # nothing changed, no safety copy left


def test_table_counts_helper_sees_every_table(runtime):
    counts = table_counts(runtime)
    assert {"users", "api_keys", "revoked_tokens", "system_health_snapshots"} <= set(counts)


def test_declared_oversized_body_is_refused_before_it_is_read(client, runtime):
    """Uploads are spooled whole before a handler runs, so the declared length is checked first."""
    huge = str(10**12)
    r = client.post("/api/restore", content=b"tiny", headers={"Content-Length": huge,
                                                             "Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413 and r.json() == {"detail": "request body too large", "success": False,
                                                  "message": "request body too large", "error_code": "TOO_LARGE"}
    r = client.post("/api/config", content=b"{}", headers={"Content-Length": "-5", "Content-Type": "application/json"})
    assert r.status_code == 400
    assert not list(runtime.backups_dir.glob("pre-restore-*"))
