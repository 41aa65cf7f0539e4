"""poster_cleanarr against the Plex simulator's data folder (real files, real SQLite database)."""

from __future__ import annotations

import sqlite3

from tests.plex_cleanup.conftest import run, tree

DB = "Plug-in Support/Databases/com.plexapp.plugins.library.db"


def in_use(plex_home) -> set[str]:
    db = sqlite3.connect(plex_home / DB)
    try:
        rows = db.execute("SELECT user_thumb_url, user_art_url, user_banner_url FROM metadata_items").fetchall()
    finally:
        db.close()
    return {u.rsplit("/", 1)[-1] for row in rows for u in row if u and u.startswith(("upload://", "metadata://"))}


def expected_bloat(plex_home) -> dict[str, str]:
    used = in_use(plex_home)
    return {rel: h for rel, h in tree(plex_home / "Metadata").items()
            if "/Contents/" not in f"/{rel}" and "." not in rel.rsplit("/", 1)[-1]
            and rel.rsplit("/", 1)[-1] not in used}


def test_report_finds_every_inactive_upload_and_touches_nothing(rt, plex_home):
    before = tree(plex_home)
    bloat = expected_bloat(plex_home)
    assert len(bloat) > 20
    job = run(rt, "poster_cleanarr", mode="report")
    assert job["status"] == "success", job
    counts = job["result"]["counts"]
    assert counts["bloat_files"] == len(bloat)
    assert {c["path"] for c in job["result"]["changed"]} == {f"Metadata/{rel}" for rel in bloat}
    assert job["result"]["data"]["database_source"] == "download"
    assert tree(plex_home) == before


def test_move_then_restore_is_byte_identical_and_contents_untouched(rt, plex_home):
    before = tree(plex_home)
    contents = {k: v for k, v in before.items() if "/Contents/" in k}
    outside = {k: v for k, v in before.items() if not k.startswith("Metadata/")}
    bloat = expected_bloat(plex_home)
    moved = run(rt, "poster_cleanarr", mode="move")
    assert moved["status"] == "success", moved
    assert moved["result"]["counts"]["moved"] == len(bloat)
    after = tree(plex_home)
    assert not set(f"Metadata/{rel}" for rel in bloat) & set(after)
    assert {k: v for k, v in after.items() if "/Contents/" in k} == contents
    assert {k: v for k, v in after.items() if not k.startswith("Metadata/")} == outside
    restore = rt.data_dir / "plex-cleanup-restore" / "plex"
    assert tree(restore) == {f"Metadata/{rel}": h for rel, h in bloat.items()}

    back = run(rt, "poster_cleanarr", mode="restore")
    assert back["status"] == "success", back
    assert back["result"]["counts"]["restored"] == len(bloat)
    assert tree(plex_home) == before  # every moved file back, byte-identical (sha256)
    assert tree(restore) == {}


def test_dry_run_move_writes_nothing(rt, plex_home):
    before = tree(plex_home)
    job = run(rt, "poster_cleanarr", mode="move", dry_run=True)
    assert job["status"] == "success"
    assert job["result"]["counts"]["would_moved"] == job["result"]["counts"]["bloat_files"] > 0
    assert tree(plex_home) == before
    assert not (rt.data_dir / "plex-cleanup-restore").exists()


def test_remove_deletes_only_bloat_and_clear_empties_the_restore_folder(rt, plex_home):
    before = tree(plex_home)
    bloat = expected_bloat(plex_home)
    removed = run(rt, "poster_cleanarr", mode="remove")
    assert removed["result"]["counts"]["removed"] == len(bloat)
    assert tree(plex_home) == {k: v for k, v in before.items() if k[len("Metadata/"):] not in bloat}
    # A second run finds nothing left.
    assert run(rt, "poster_cleanarr", mode="report")["result"]["counts"]["bloat_files"] == 0


def test_clear_empties_the_restore_folder(rt, plex_home):
    run(rt, "poster_cleanarr", mode="move")
    restore = rt.data_dir / "plex-cleanup-restore"
    n = len(tree(restore / "plex"))
    assert n > 0
    job = run(rt, "poster_cleanarr", mode="clear")
    assert job["status"] == "success"
    assert job["result"]["counts"]["cleared"] == n
    assert tree(restore / "plex") == {}


def test_target_paths_limit_the_run(rt, plex_home):
    bloat = sorted(expected_bloat(plex_home))
    bundle = "Metadata/" + "/".join(bloat[0].split("/")[:3])
    wanted = {b for b in bloat if f"Metadata/{b}".startswith(bundle + "/")}
    job = run(rt, "poster_cleanarr", mode="remove", target_paths=[bundle])
    assert job["result"]["counts"]["removed"] == len(wanted)
    left = expected_bloat(plex_home)
    assert not wanted & set(left) and len(left) == len(bloat) - len(wanted)


def test_local_copy_is_refused_while_plex_holds_a_live_wal(rt, plex_home):
    wal = plex_home / (DB + "-wal")
    wal.write_bytes(b"")
    before = tree(plex_home)
    job = run(rt, "poster_cleanarr", mode="remove", local_db=True)
    assert job["status"] == "error"
    assert "-wal" in job["error"]
    assert tree(plex_home) == before
    wal.unlink()
    ok = run(rt, "poster_cleanarr", mode="report", local_db=True)
    assert ok["status"] == "success" and ok["result"]["data"]["database_source"] == "local"
    assert ok["result"]["counts"]["bloat_files"] == len(expected_bloat(plex_home))


def test_live_wal_allowed_when_asked(rt, plex_home):
    (plex_home / (DB + "-wal")).write_bytes(b"")
    job = run(rt, "poster_cleanarr", mode="report", local_db=True, allow_live_db=True)
    assert job["status"] == "success", job
    assert job["result"]["counts"]["bloat_files"] == len(expected_bloat(plex_home))


def test_bad_plex_path_and_corrupt_database_delete_nothing(rt, plex_home, tmp_path):
    before = tree(plex_home)
    rt.config.update({"poster_cleanarr": {"plex_path": ""}})
    job = run(rt, "poster_cleanarr", mode="remove")
    assert job["status"] == "error" and "plex_path is not set" in job["error"]
    missing = run(rt, "poster_cleanarr", mode="remove", plex_path=str(tmp_path / "nope"))
    assert missing["status"] == "error" and "does not exist" in missing["error"]
    rt.config.update({"poster_cleanarr": {"plex_path": str(plex_home)}})
    (plex_home / DB).write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    corrupt = run(rt, "poster_cleanarr", mode="remove", local_db=True)
    assert corrupt["status"] == "error" and "database" in corrupt["error"]
    after = tree(plex_home)
    after.pop(DB)
    before.pop(DB)
    assert after == before


def test_download_that_is_not_a_zip_deletes_nothing(rt, plex, plex_home):
    before = tree(plex_home)
    plex.sims["plex"].faults.add(path="/diagnostics/databases", kind="malformed", body="<html>oops</html>")
    job = run(rt, "poster_cleanarr", mode="remove")
    assert job["status"] == "error"
    assert "neither a zip" in job["error"]
    assert tree(plex_home) == before
