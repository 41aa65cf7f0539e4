"""The poster index: incremental scans, stable ids, bad files reported, nothing crashes."""

from __future__ import annotations

import os

from sqlalchemy import select

from curatarr.db.models.poster_library import PosterFile
from curatarr.poster_library import index, sources
from tests.poster_library.poster_files import configure, folders, image_bytes, touch_later, tree, write  # noqa: F401 (fixtures)


def rows(rt) -> dict[str, PosterFile]:
    with rt.db.session() as s:
        found = s.execute(select(PosterFile)).scalars().all()
        s.expunge_all()
    return {r.relpath: r for r in found}


def run_scan(rt):
    src = sources.configured(rt)
    return index.scan(rt.db, src.folders, rt.roots())


def test_first_scan_reads_everything_and_flags_bad_files(runtime, tree):
    configure(runtime, tree)
    rep = run_scan(runtime)
    assert rep.new == 9 and rep.changed == 0 and rep.unchanged == 0
    got = rows(runtime)
    matrix = got["Alpha Set/The Matrix (1999) {tmdb-603}.jpg"]
    assert (matrix.width, matrix.height, matrix.format, matrix.tmdb, matrix.year) == (200, 300, "jpeg", 603, 1999)
    assert matrix.owner == "Alpha Set" and matrix.kind == "item" and len(matrix.sha256) == 64
    assert got["Alpha Set/Breaking Bad (2008) - Specials.png"].season == 0
    assert got["Beta Set/Empty (2000).jpg"].error.startswith("empty file")
    assert "not accepted as an image" in got["Beta Set/Not An Image (2000).jpg"].error
    assert rep.bad_files == 2


def test_rescan_reads_only_changes_and_keeps_ids_and_first_seen(runtime, tree):
    configure(runtime, tree)
    run_scan(runtime)
    before = rows(runtime)
    again = run_scan(runtime)
    assert (again.new, again.changed, again.removed, again.unchanged) == (0, 0, 0, 9)

    changed = tree["sets_a"] / "Alpha Set" / "Tiny Poster (2001).jpg"
    write(changed, image_bytes(9, 120, 180))
    touch_later(changed)
    (tree["sets_b"] / "Beta Set" / "Empty (2000).jpg").unlink()
    write(tree["sets_b"] / "Beta Set" / "New (2020).jpg", image_bytes(11))
    third = run_scan(runtime)
    assert (third.new, third.changed, third.removed) == (1, 1, 1)
    after = rows(runtime)
    assert after["Alpha Set/Tiny Poster (2001).jpg"].id == before["Alpha Set/Tiny Poster (2001).jpg"].id
    assert after["Alpha Set/Tiny Poster (2001).jpg"].width == 120
    assert after["Alpha Set/Tiny Poster (2001).jpg"].first_seen_at == before["Alpha Set/Tiny Poster (2001).jpg"].first_seen_at
    assert "Beta Set/Empty (2000).jpg" not in after
    assert {k: v.id for k, v in after.items() if k in before} == {k: v.id for k, v in before.items() if k in after}


def test_symlink_loops_and_links_outside_roots_are_reported(runtime, tree, tmp_path):
    configure(runtime, tree)
    a = tree["sets_a"]
    os.symlink(a, a / "Alpha Set" / "loop")                      # folder loop
    os.symlink(a / "self.jpg", a / "self.jpg")                   # file link to itself (ELOOP)
    outside = tmp_path / "outside"
    write(outside / "Secret (2000).jpg", image_bytes(7))
    os.symlink(outside, a / "escape")
    rep = run_scan(runtime)
    messages = {e["path"]: e["error"] for e in rep.errors}
    assert "loop" in messages["Alpha Set/loop"]
    assert "self.jpg" in messages
    assert "outside" in messages["escape"]
    assert not any("Secret" in k for k in rows(runtime))


def test_removed_source_prunes_its_rows(runtime, tree):
    configure(runtime, tree)
    run_scan(runtime)
    runtime.config.update({"poster_renamerr": {"source_dirs": [str(tree["sets_a"])]}})
    rep = run_scan(runtime)
    assert rep.removed == 3
    assert all(r.source != str(tree["sets_b"]) for r in rows(runtime).values())


def test_a_configured_but_missing_folder_keeps_its_rows_and_ids(runtime, tree):
    configure(runtime, tree)
    run_scan(runtime)
    before = {k: v.id for k, v in rows(runtime).items()}
    hidden = tree["sets_b"].with_name("unmounted")
    tree["sets_b"].rename(hidden)
    src = sources.configured(runtime)
    assert [p["error"] for p in src.problems] == ["is not an existing folder"]
    index.scan(runtime.db, src.folders, runtime.roots(), keep=[str(tree["sets_b"])])
    assert {k: v.id for k, v in rows(runtime).items()} == before
    hidden.rename(tree["sets_b"])
    rep = run_scan(runtime)
    assert rep.new == 0 and {k: v.id for k, v in rows(runtime).items()} == before
