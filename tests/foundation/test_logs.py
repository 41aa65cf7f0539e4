"""/api/logs: listing, a module's tail by bytes or lines, one rotated file as text; per-module loggers."""

from __future__ import annotations

import logging


def _write_module_log(runtime, module: str, lines: int) -> None:
    log = runtime.logs.module_logger(module)
    for i in range(lines):
        log.warning("line %04d of %s", i, module)


def test_list_and_read_a_module_log(client, runtime):
    _write_module_log(runtime, "poster_maker", 50)
    listing = client.get("/api/logs").json()
    names = {(f["module"], f["name"]) for f in listing["logs"]}
    assert ("poster_maker", "poster_maker.log") in names and ("general", "general.log") in names
    assert listing["modules"]["poster_maker"][0]["name"] == "poster_maker.log"
    assert listing["modules"]["poster_maker"][0]["size"] > 0

    r = client.get("/api/logs/poster_maker")
    body = r.json()
    assert r.status_code == 200 and body["module"] == "poster_maker" and body["truncated"] is False
    assert len(body["content"]) == 50 and body["content"][-1].endswith("line 0049 of poster_maker")
    # Module lines also reach the general log (propagation).
    general = client.get("/api/logs/general").json()["content"]
    assert any("line 0049 of poster_maker" in line for line in general)


def test_bytes_and_tail_limit_the_answer(client, runtime):
    _write_module_log(runtime, "labelarr", 200)
    r = client.get("/api/logs/labelarr", params={"bytes": 500})
    body = r.json()
    assert body["truncated"] is True
    assert sum(len(line) + 1 for line in body["content"]) <= 500
    assert body["content"][-1].endswith("line 0199 of labelarr")
    assert all("line 0" in line for line in body["content"])  # whole lines only, the cut one dropped

    tail = client.get("/api/logs/labelarr", params={"tail": 3}).json()
    assert [line.split("] ", 1)[1] for line in tail["content"]] == [f"line 01{n} of labelarr" for n in (97, 98, 99)]
    for bad in ({"bytes": 0}, {"bytes": 10_000_000}, {"tail": -1}, {"bytes": "lots"}):
        assert client.get("/api/logs/labelarr", params=bad).status_code == 422


def test_read_one_file_as_text_including_rotated(client, runtime):
    _write_module_log(runtime, "nohl", 5)
    folder = runtime.logs_dir / "nohl"
    (folder / "nohl.log.1").write_text("older line 1\nolder line 2\n")

    r = client.get("/api/logs/nohl/nohl.log.1")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text == "older line 1\nolder line 2\n"
    assert client.get("/api/logs/nohl/nohl.log.1", params={"tail": 1}).text == "older line 2\n"
    # A rotated file is also addressable by its name alone.
    assert client.get("/api/logs/nohl.log.1").json()["content"] == ["older line 1", "older line 2"]
    assert client.get("/api/logs/nohl/nohl.log.7").status_code == 404
    assert client.get("/api/logs/no_such_module").status_code == 404


def test_rotation_keeps_max_logs_copies(tmp_path):
    from curatarr.logs import LogManager

    manager = LogManager(tmp_path / "logs", max_bytes=10_000, backups=2, console=False)
    try:
        log = manager.module_logger("rotating")
        for i in range(600):
            log.warning("filler line %05d %s", i, "x" * 40)
        files = sorted(p.name for p in (tmp_path / "logs" / "rotating").iterdir())
        assert files == ["rotating.log", "rotating.log.1", "rotating.log.2"]
        assert all(p.stat().st_size <= 10_100 for p in (tmp_path / "logs" / "rotating").iterdir())
    finally:
        manager.close()


def test_invalid_module_logger_names_are_refused(runtime):
    import pytest

    for bad in ("../x", "UPPER", "", "a/b", "x" * 80):
        with pytest.raises(ValueError):
            runtime.logs.module_logger(bad)


def test_log_level_follows_config(client, runtime):
    logger = logging.getLogger("curatarr.level_probe")
    logger.debug("debug line hidden")
    client.post("/api/config", json={"general": {"log_level": "debug"}})
    logger.debug("debug line shown")
    text = (runtime.logs_dir / "general" / "general.log").read_text()
    assert "debug line shown" in text and "debug line hidden" not in text
