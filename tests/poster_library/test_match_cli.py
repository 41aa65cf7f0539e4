"""`curatarr match` run as a real process: output shape and order, line indices, bad input → exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLI = "from curatarr.cli import main; main()"
SRC = Path(__file__).resolve().parents[2] / "src"


def run(tmp_path: Path, media_lines: list[str], files: list[str]) -> subprocess.CompletedProcess:
    media = tmp_path / "media.jsonl"
    media.write_text("\n".join(media_lines) + "\n", encoding="utf-8")
    posters = tmp_path / "files.txt"
    posters.write_text("\n".join(files) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", CLI, "match", "--media", str(media),
                           "--posters", str(posters)], capture_output=True, text=True, env=env, timeout=120)


MEDIA = [
    json.dumps({"kind": "movie", "title": "The Matrix", "year": 1999, "tmdb": 603}),
    "",
    json.dumps({"kind": "show", "title": "Breaking Bad", "year": 2008, "tvdb": 81189, "seasons": [1, 2]}),
    json.dumps({"kind": "collection", "title": "The Matrix Collection"}),
    json.dumps({"kind": "movie", "title": "Amélie"}),   # missing keys are allowed
]


def test_outputs_one_line_per_file_in_order(tmp_path):
    files = ["Set/Matrix (1999).jpg", "Set/Breaking Bad - Season 2.jpg", "Set/Breaking Bad (2008) - Season 7.png",
             "Set/Matrix Collection.jpg", "notes.txt", "Set/Amelie.jpg", "Set/Who Knows (2001).jpg",
             "Set/Breaking Bad {tvdb-81189}.jpg"]
    done = run(tmp_path, MEDIA, files)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in rows] == files
    assert [r["match"] for r in rows] == [0, 2, None, 3, None, 4, None, 2]
    assert [r["season"] for r in rows] == [None, 2, None, None, None, None, None, None]
    assert all(set(r) == {"file", "match", "season", "reason"} and r["reason"] for r in rows)
    assert "no season 7" in rows[2]["reason"]
    assert "not a poster image" in rows[4]["reason"]
    assert rows[7]["reason"] == "tvdb id 81189"


def test_bad_media_line_names_the_line(tmp_path):
    done = run(tmp_path, [MEDIA[0], '{"kind": "film", "title": "X"}'], ["a.jpg"])
    assert done.returncode == 2
    assert "line 2" in done.stderr and "kind" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_not_json_and_wrong_types(tmp_path):
    for bad, word in [("{not json", "not JSON"), ("[1, 2]", "JSON object"),
                      ('{"kind": "movie", "year": "soon"}', "year"),
                      ('{"kind": "movie", "imdb": "nm123"}', "imdb"),
                      ('{"kind": "show", "seasons": "1,2"}', "seasons")]:
        done = run(tmp_path, [bad], ["a.jpg"])
        assert done.returncode == 2, bad
        assert "line 1" in done.stderr and word in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_missing_file_is_exit_2(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", CLI, "match", "--media", str(tmp_path / "nope.jsonl"),
                           "--posters", str(tmp_path / "nope.txt")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2 and "no such file" in done.stderr and "Traceback" not in done.stderr
