"""Bad paths on directory / folder / logs: traversal, encoded slashes, absolute paths, symlinks, NUL → 4xx."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from curatarr.security.paths import PathRejected, safe_child, safe_path


# ---- the guard itself -----------------------------------------------------------------------------

def test_safe_path_unit(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    os.symlink(tmp_path / "other", root / "link_out")
    os.symlink(root / "sub", root / "link_in")

    assert safe_path(str(root / "sub"), [root]) == root / "sub"
    assert safe_path("sub", [root]) == root / "sub"
    assert safe_path(str(root / "link_in"), [root]) == root / "sub"
    for bad in ("../other", str(tmp_path / "other"), str(root / "link_out"), str(root / "sub/../../other"), "/"):
        with pytest.raises(PathRejected) as err:
            safe_path(bad, [root])
        assert err.value.status == 403
    with pytest.raises(PathRejected) as err:
        safe_path("sub\x00/x", [root])
    assert err.value.status == 400
    with pytest.raises(PathRejected):
        safe_path("sub", [])
    # A root that merely shares a prefix is not inside it.
    (tmp_path / "root2").mkdir()
    with pytest.raises(PathRejected):
        safe_path(str(tmp_path / "root2"), [root])


@pytest.mark.parametrize("name", ["..", ".", "a/b", "a\\b", "", "x\x00y"])
def test_safe_child_refuses_anything_but_one_name(tmp_path, name):
    with pytest.raises(PathRejected):
        safe_child(tmp_path, name)


# ---- GET /api/directory ---------------------------------------------------------------------------

def _directory_cases(data_dir: Path, outside: Path) -> list[str]:
    return [
        "../",
        "../../../../etc",
        str(data_dir / ".." / "outside"),
        str(outside),
        "/etc",
        "/",
        "link_out",
        str(data_dir / "link_out" / "deeper"),
    ]


def test_directory_refuses_paths_outside_the_roots(client, runtime, outside_dir):
    os.symlink(outside_dir, runtime.data_dir / "link_out")
    for path in _directory_cases(runtime.data_dir, outside_dir):
        r = client.get("/api/directory", params={"path": path})
        assert r.status_code in (400, 403), (path, r.status_code, r.text)
        assert "detail" in r.json()
        assert "secret.txt" not in r.text


def test_directory_refuses_nul_bytes(client):
    r = client.get("/api/directory?path=abc%00def")
    assert r.status_code == 400


def test_directory_hides_symlinked_folders_pointing_out(client, runtime, outside_dir):
    os.symlink(outside_dir, runtime.data_dir / "link_out")
    (runtime.data_dir / "real").mkdir()
    names = [d["name"] for d in client.get("/api/directory", params={"path": str(runtime.data_dir)}).json()["directories"]]
    assert "real" in names and "link_out" not in names


@pytest.mark.parametrize("query", ["%2e%2e%2f%2e%2e%2f%2e%2e%2fetc", "..%2f..%2f..%2fetc", "%2Fetc", "..%2F"])
def test_directory_query_with_percent_encoded_traversal(shared_client, query):
    # The server decodes the query once; what comes out is "../../../etc" or "/etc" and is refused.
    r = shared_client.get(f"/api/directory?path={query}")
    assert r.status_code == 403


def test_directory_takes_double_encoded_text_literally(client, runtime):
    # "..%252f" decodes once to the literal name "..%2f": a (missing) folder inside the root, not a way out.
    r = client.get("/api/directory?path=..%252f..%252fetc")
    assert r.status_code == 200
    assert r.json()["exists"] is False and r.json()["path"].startswith(str(runtime.data_dir))


# ---- POST /api/folder -----------------------------------------------------------------------------

def test_folder_refuses_outside_paths_and_creates_nothing(client, runtime, outside_dir):
    os.symlink(outside_dir, runtime.data_dir / "link_out")
    before = sorted(p.name for p in outside_dir.iterdir())
    cases = [
        str(outside_dir / "made"),
        str(runtime.data_dir / ".." / "outside" / "made"),
        "../outside/made",
        "link_out/made",
        str(runtime.data_dir / "link_out" / "made"),
        "/etc/curatarr-made",
    ]
    for path in cases:
        r = client.post("/api/folder", json={"path": path})
        assert r.status_code in (400, 403), (path, r.status_code)
    r = client.post("/api/folder", json={"path": "ok\u0000bad"})
    assert r.status_code == 400
    assert sorted(p.name for p in outside_dir.iterdir()) == before
    assert not Path("/etc/curatarr-made").exists()
    assert not (runtime.data_dir / "ok").exists()


# ---- /api/logs ------------------------------------------------------------------------------------

def _raw_get(client, raw_path: str):
    """Send ``raw_path`` byte for byte (httpx would normalise dot segments in a URL)."""
    import httpx

    url = httpx.URL(f"http://testserver{raw_path}")
    return client.send(client.build_request("GET", url))


@pytest.mark.parametrize("raw", [
    "/api/logs/..%2f..%2fconfig.yml",
    "/api/logs/%2e%2e",
    "/api/logs/%2e%2e/config.yml",
    "/api/logs/general/..%2f..%2fconfig.yml",
    "/api/logs/general/%2e%2e",
    "/api/logs/%2e%2e/%2e%2e",
    "/api/logs/%2Fetc%2Fpasswd",
    "/api/logs/general/%2Fetc%2Fpasswd",
    "/api/logs/general%00",
    "/api/logs/general/general.log%00.txt",
    "/api/logs/..%5c..%5cconfig.yml",
])
def test_logs_refuse_traversal(shared_client, raw):
    r = _raw_get(shared_client, raw)
    assert 400 <= r.status_code < 500, (raw, r.status_code)
    assert "jwt" not in r.text.lower() and "general:" not in r.text  # never config.yml's content


def test_logs_refuse_symlinks_out_of_the_logs_folder(client, runtime, outside_dir):
    os.symlink(outside_dir, runtime.logs_dir / "evil")
    (runtime.logs_dir / "general").mkdir(exist_ok=True)
    os.symlink(outside_dir / "secret.log", runtime.logs_dir / "general" / "leak.log")

    listing = client.get("/api/logs").json()
    assert "evil" not in listing["modules"]
    assert all(f["name"] != "leak.log" for f in listing["logs"])
    for path in ("/api/logs/evil/secret.log", "/api/logs/evil", "/api/logs/general/leak.log", "/api/logs/leak.log"):
        r = client.get(path)
        assert r.status_code in (400, 403, 404), (path, r.status_code)
        assert "outside log line" not in r.text


def test_logs_refuse_non_log_files(client, runtime):
    (runtime.logs_dir / "general").mkdir(exist_ok=True)
    (runtime.logs_dir / "general" / "notes.txt").write_text("private notes")
    r = client.get("/api/logs/general/notes.txt")
    assert r.status_code == 400 and "private notes" not in r.text
