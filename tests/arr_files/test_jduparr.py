"""jduparr with the real jdupes on the simulators' files: dry run lists, real run hardlinks."""

from __future__ import annotations

import os

import pytest

from curatarr.modules.jduparr import JduparrConfig, parse_groups
from tests.arr_files.conftest import arr_get, run


def inode(path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_dev, st.st_ino


def test_dry_run_lists_the_true_duplicates_and_links_nothing(rt, arr, media):
    dirs = [str(media / "movies"), str(media / "downloads")]
    job = run(rt, "jduparr", dry_run=True, source_dirs=dirs)
    assert job["status"] == "success", job
    groups = job["result"]["data"]["groups"]
    assert len(groups) == 2 == job["result"]["counts"]["groups"]
    movie_paths = {m["movieFile"]["path"] for m in arr_get(arr, "radarr", "/api/v3/movie") if m.get("movieFile")}
    for g in groups:
        assert len(g["files"]) == 2
        in_library = [f for f in g["files"] if f in movie_paths]
        in_downloads = [f for f in g["files"] if f.startswith(str(media / "downloads"))]
        assert len(in_library) == 1 and len(in_downloads) == 1
        assert open(g["files"][0], "rb").read() == open(g["files"][1], "rb").read()
        assert inode(g["files"][0]) != inode(g["files"][1])   # dry run: still two files
    assert job["result"]["counts"]["bytes_reclaimable"] == sum(g["size"] for g in groups)
    assert job["result"]["data"]["hash_database"] in (True, False)


def test_real_run_hardlinks_and_a_second_run_finds_nothing(rt, arr, media):
    dirs = [str(media / "movies"), str(media / "downloads")]
    listed = run(rt, "jduparr", dry_run=True, source_dirs=dirs)["result"]["data"]["groups"]
    job = run(rt, "jduparr", source_dirs=dirs)
    assert job["status"] == "success", job
    assert job["result"]["counts"]["groups_linked"] == len(listed) == 2
    for g in listed:
        assert inode(g["files"][0]) == inode(g["files"][1])
        assert os.lstat(g["files"][0]).st_nlink == 2
    again = run(rt, "jduparr", dry_run=True, source_dirs=dirs)
    assert again["status"] == "success" and again["result"]["counts"]["groups"] == 0
    # the *arr still sees its file where it was
    for m in arr_get(arr, "radarr", "/api/v3/movie"):
        if m.get("movieFile"):
            assert os.path.isfile(m["movieFile"]["path"])


def test_missing_jdupes_is_a_clear_error(rt, arr, media, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))   # no jdupes on PATH
    job = run(rt, "jduparr", dry_run=True, source_dirs=[str(media / "movies")])
    assert job["status"] == "error" and "jdupes is not installed" in job["error"]


def test_folders_outside_the_roots_are_refused(rt, arr, tmp_path):
    (tmp_path / "x").mkdir()
    job = run(rt, "jduparr", dry_run=True, source_dirs=[str(tmp_path / "x")])
    assert job["status"] == "error" and "outside" in job["error"]


@pytest.mark.parametrize("bad", [["-rf"], ["relative/dir"], ["/media/a\x00b"]])
def test_arguments_that_could_become_options_are_rejected(bad):
    with pytest.raises(ValueError):
        JduparrConfig(source_dirs=bad)
    with pytest.raises(ValueError):
        JduparrConfig(source_dirs=["/media"], extensions=["mkv;rm"])


def test_parse_groups_survives_odd_names_and_plain_text():
    raw = (b'{"matchSets": [{"fileSize": 3, "fileList": [{"filePath": "./a\\"b\\\\c \\u65e5.mkv"},'
           b' {"filePath": "./new\\u000aline.mkv"}]}]}')
    assert parse_groups(raw) == [{"size": 3, "files": ['./a"b\\c \u65e5.mkv', "./new\nline.mkv"]}]
    assert parse_groups(b"No duplicates found.\n") == []
