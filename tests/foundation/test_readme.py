"""The README's promises hold: its two quick-start commands, its command table, its data-dir table.

(A real fresh clone + install needs the network for pip; this checks everything those commands rely on.)
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curatarr.cli import app as cli_app

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_quick_start_has_the_two_commands():
    blocks = _code_blocks(README.split("## Quick start", 1)[1].split("\n## ", 1)[0])
    assert blocks == [
        "python3 -m venv .venv && .venv/bin/pip install -e '.[demo]' && .venv/bin/curatarr demo",
        "bash scripts/test.sh",
    ]


def test_the_commands_have_what_they_need():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["curatarr"] == "curatarr.cli:main"
    assert "test" in project["project"]["optional-dependencies"]
    # The demo's simulators draw their sample artwork with Pillow (the server itself does not need it).
    assert any(dep.startswith("pillow") for dep in project["project"]["optional-dependencies"]["demo"])
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "pip install" in script and "-e '.[test]'" in script and "pytest" in script
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    # Non-Python files the installed package serves must be declared as package data.
    package_data = project["tool"]["setuptools"]["package-data"]["curatarr"]
    assert {"web/**/*", "db/migrations/**/*", "CHANGELOG.md"} <= set(package_data)


def _table_commands() -> list[str]:
    table = README.split("| Command | What it does |", 1)[1].split("\n\n", 1)[0]
    out = []
    for cell in re.findall(r"^\| `curatarr ([a-z-]+)", table, flags=re.M):
        out.append(cell)
    # "`curatarr backup` / `curatarr restore FILE`" rows name two commands.
    out += re.findall(r"/ `curatarr ([a-z-]+)", table)
    return sorted(set(out))


@pytest.mark.parametrize("command", _table_commands())
def test_every_command_in_the_readme_exists(command):
    r = CliRunner().invoke(cli_app, [command, "--help"])
    assert r.exit_code == 0, r.output


def test_readme_command_table_is_complete():
    assert {"serve", "demo", "run", "render", "backup", "restore", "reset-auth", "version"} <= set(_table_commands())


def test_data_dir_table_matches_a_real_data_dir(runtime):
    table = README.split("| Path | What |", 1)[1].split("\n\n", 1)[0]
    for name in ("config.yml", "curatarr.db", "jwt.secret", "backups/"):
        assert f"`{name}`" in table
        assert (runtime.data_dir / name.rstrip("/")).exists(), name
    assert (runtime.logs_dir / "general").is_dir()
