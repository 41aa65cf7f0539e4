"""Shared guards: JWT secret file, SSRF URL check, zip checks, log redaction, atomic writes."""

from __future__ import annotations

import io
import os
import stat
import zipfile

import pytest

from curatarr.fsutil import atomic_write_bytes
from curatarr.logs.redact import redact_text
from curatarr.security.archives import ArchiveRejected, check_zip
from curatarr.security.urls import UnsafeURL, check_url


def test_jwt_secret_file_is_private_and_stable(runtime, data_dir):
    path = data_dir / "jwt.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) >= 64
    from curatarr.auth.tokens import load_or_create_secret

    assert load_or_create_secret(path) == runtime.jwt_secret  # reused, not regenerated


def test_config_and_secret_files_are_not_world_readable(runtime, data_dir):
    for name in ("config.yml", "jwt.secret"):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) & 0o077 == 0, name


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[fe80::1]/",
    "http://0.0.0.0:8080/",
    "http://224.0.0.1/",
    "http://[::ffff:169.254.169.254]/",
    "file:///etc/passwd",
    "gopher://radarr:70/",
    "ftp://host/x",
    "http:///no-host",
    "http://radarr\x00.lan/",
])
def test_ssrf_guard_blocks(url):
    with pytest.raises(UnsafeURL):
        check_url(url)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:7878/api/v3/system/status",
    "http://192.168.1.20:32400/",
    "http://10.0.0.5:8096",
    "https://api.themoviedb.org/3/",
    "http://radarr:7878",
])
def test_ssrf_guard_allows_lan_and_public(url):
    assert check_url(url, resolve=False) == url


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


@pytest.mark.parametrize("name", ["../evil", "a/../../evil", "/abs/evil", "C:/evil", "a\\..\\evil"])
def test_zip_check_refuses_escaping_names(name):
    info = zipfile.ZipInfo("placeholder")
    info.filename = name
    with pytest.raises(ArchiveRejected):
        check_zip(_zip([(info, b"x")]), max_total_bytes=10_000)


def test_zip_check_limits():
    ok = _zip([("a.txt", b"x" * 100), ("dir/b.txt", b"y")])
    assert [i.filename for i in check_zip(ok, max_total_bytes=1000)] == ["a.txt", "dir/b.txt"]
    with pytest.raises(ArchiveRejected, match="size limit"):
        check_zip(ok, max_total_bytes=50)
    with pytest.raises(ArchiveRejected, match="more than"):
        check_zip(ok, max_total_bytes=1000, max_members=1)
    bomb = _zip([("bomb.bin", b"\0" * 5_000_000)])
    with pytest.raises(ArchiveRejected, match="compression ratio"):
        check_zip(bomb, max_total_bytes=10**9)
    link = zipfile.ZipInfo("link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(ArchiveRejected, match="symlink"):
        check_zip(_zip([(link, b"/etc/passwd")]), max_total_bytes=1000)


@pytest.mark.parametrize("line, secret", [
    ("GET http://radarr/api/v3/movie?apikey=abcdef123456", "abcdef123456"),
    ("GET http://plex/library?X-Plex-Token=plextoken999", "plextoken999"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlMTIz", "eyJzdWIiOiJhZG1pbiJ9"),
    ("headers={'X-Api-Key': 'sonarrkey777'}", "sonarrkey777"),
    ("posting to https://discord.com/api/webhooks/12345/AbCdEfGhIjKlMnOpQrSt", "AbCdEfGhIjKlMnOpQrSt"),
    ("connecting to postgresql://curatarr:dbpass42@db/curatarr", "dbpass42"),
    ("config {'api': 'radarrkey555', 'url': 'http://r'}", "radarrkey555"),
    ("key cur_abcdefghijklmnopqrstuvwxyz012345 created", "cur_abcdefghijklmnopqrstuvwxyz012345"),
    ("hash $2b$12$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz01234"),
])
def test_redaction_patterns(line, secret):
    assert secret not in redact_text(line)
    assert "********" in redact_text(line)


def test_redaction_of_literal_config_secrets():
    assert redact_text("odd place: zz-literal-secret-zz", ["zz-literal-secret-zz"]) == "odd place: ********"


def test_redaction_keeps_ordinary_text():
    line = "poster_maker: rendered 12 posters for Movie (2020) in 1.2 s"
    assert redact_text(line) == line


def test_atomic_write_keeps_bak_and_mode(tmp_path):
    target = tmp_path / "file.txt"
    atomic_write_bytes(target, b"one", mode=0o640)
    atomic_write_bytes(target, b"two", backup=True)
    assert target.read_bytes() == b"two" and (tmp_path / "file.txt.bak").read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["file.txt", "file.txt.bak"]


def test_atomic_write_failure_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "file.txt"
    target.write_bytes(b"old")

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["file.txt"]


def test_security_doc_cites_existing_tests():
    """docs/security.md names the test behind each statement; those tests must exist."""
    import re
    from pathlib import Path

    root = Path(__file__).parents[2]
    doc = (root / "docs" / "security.md").read_text()
    cited = set(re.findall(r"`(test_[a-z0-9_]+)(?:\.py)?`", doc))
    assert len(cited) >= 15
    sources = "\n".join(p.read_text() for p in (root / "tests").rglob("test_*.py"))
    files = {p.stem for p in (root / "tests").rglob("test_*.py")}
    missing = [name for name in cited if name not in files and f"def {name}(" not in sources]
    assert not missing, f"docs/security.md cites tests that do not exist: {missing}"
