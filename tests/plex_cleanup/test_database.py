"""The library database checks on real files: downloads that are not zips, zip-slip and zip bombs,
a corrupt or foreign SQLite file, a live WAL (a real WAL-mode connection held open)."""

from __future__ import annotations

import sqlite3
import stat
import zipfile

import pytest

from curatarr.plex_cleanup import database
from curatarr.plex_cleanup.database import DatabaseRefused

MB = 1024 * 1024


def plex_db(path):
    from curatarr.sims.plex_data import SCHEMA

    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute("INSERT INTO library_sections (id, name) VALUES (1, 'Movies')")
    db.execute("INSERT INTO metadata_items (id, library_section_id, metadata_type, title, hash, user_thumb_url, "
               "user_art_url) VALUES (7, 1, 1, 'A', 'abcdef', 'upload://posters/aaa', 'http://x/y')")
    db.commit()
    db.close()
    return path


def zipped(tmp_path, members: dict[str, bytes], name="dl.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def test_zip_with_the_database_is_unpacked_and_read(tmp_path):
    data = plex_db(tmp_path / "src.db").read_bytes()
    path = database.unpack_download(zipped(tmp_path, {"com.plexapp.plugins.library.db": data}), tmp_path / "out.db",
                                    max_bytes=50 * MB)
    db = database.read_database(path, "download")
    assert db.in_use == {"aaa"}
    assert db.items_by_hash["abcdef"].rating_key == 7 and db.libraries == {1: "Movies"}


def test_bare_sqlite_download_is_accepted(tmp_path):
    raw = tmp_path / "raw"
    raw.write_bytes(plex_db(tmp_path / "src.db").read_bytes())
    database.check_database(database.unpack_download(raw, tmp_path / "out.db", max_bytes=50 * MB))


@pytest.mark.parametrize("members, code", [
    ({"../../evil.db": b"x"}, "PLEX_DB_UNSAFE_ZIP"),
    ({"/abs/com.plexapp.plugins.library.db": b"x"}, "PLEX_DB_UNSAFE_ZIP"),
    ({"readme.txt": b"hello"}, "PLEX_DB_MISSING"),
])
def test_unsafe_or_empty_zips_are_refused(tmp_path, members, code):
    with pytest.raises(DatabaseRefused) as exc:
        database.unpack_download(zipped(tmp_path, members), tmp_path / "out.db", max_bytes=50 * MB)
    assert exc.value.code == code
    assert not (tmp_path / "out.db").exists() and not list(tmp_path.rglob("evil.db"))


def test_symlink_member_is_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("com.plexapp.plugins.library.db")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DatabaseRefused) as exc:
        database.unpack_download(path, tmp_path / "out.db", max_bytes=50 * MB)
    assert exc.value.code == "PLEX_DB_UNSAFE_ZIP"


def test_zip_bomb_is_refused_before_extraction(tmp_path):
    bomb = zipped(tmp_path, {"com.plexapp.plugins.library.db": b"\0" * (20 * MB)})
    assert bomb.stat().st_size < MB
    with pytest.raises(DatabaseRefused) as exc:
        database.unpack_download(bomb, tmp_path / "out.db", max_bytes=50 * MB)
    assert exc.value.code == "PLEX_DB_UNSAFE_ZIP"  # compression ratio
    big = zipped(tmp_path, {"com.plexapp.plugins.library.db": bytes(range(256)) * 8192}, "big.zip")
    with pytest.raises(DatabaseRefused):
        database.unpack_download(big, tmp_path / "out.db", max_bytes=MB)  # over the size cap
    assert not (tmp_path / "out.db").exists()


def test_not_a_zip_and_not_a_database(tmp_path):
    html = tmp_path / "dl"
    html.write_bytes(b"<html>login</html>")
    with pytest.raises(DatabaseRefused) as exc:
        database.unpack_download(html, tmp_path / "out.db", max_bytes=MB)
    assert exc.value.code == "PLEX_DB_NOT_ZIP"


def test_corrupt_and_foreign_databases_are_refused(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(DatabaseRefused) as exc:
        database.check_database(corrupt)
    assert exc.value.code == "PLEX_DB_CORRUPT"
    foreign = tmp_path / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE metadata_items (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(DatabaseRefused) as exc:
        database.check_database(foreign)
    assert "not a Plex library database" in str(exc.value)


def test_a_real_live_wal_is_refused_unless_allowed(tmp_path):
    home = tmp_path / "pms"
    source = home / database.DB_RELATIVE
    source.parent.mkdir(parents=True)
    plex_db(source)
    live = sqlite3.connect(source)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("UPDATE metadata_items SET user_thumb_url = 'upload://posters/fromwal'")
    live.commit()
    try:
        assert source.with_name(source.name + "-wal").exists()
        with pytest.raises(DatabaseRefused) as exc:
            database.local_copy(home, tmp_path / "copy.db", allow_live=False, max_bytes=50 * MB)
        assert exc.value.code == "PLEX_DB_LIVE" and not (tmp_path / "copy.db").exists()
        copy = database.local_copy(home, tmp_path / "copy.db", allow_live=True, max_bytes=50 * MB)
        assert database.read_database(copy, "local").in_use == {"fromwal"}  # the snapshot includes the WAL
    finally:
        live.close()
