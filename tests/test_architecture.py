"""The layer rules of docs/architecture.md, checked on the source (pure AST, nothing imported).

a. the API layer does not reach the database, the connectors, the simulators or the image library;
b. code outside ``connectors/`` and ``sims/`` does not branch on a media-server type string;
c. the top-level parts of ``curatarr`` (packages and single-file modules) import each other
   without a cycle.

Each rule is a small pure function over source text or an import graph; the ``test_rule_*`` tests
feed it synthetic snippets (so each rule is shown to fail when it should), the ``test_src_*`` tests
run it over ``src/curatarr``. Imports under ``if TYPE_CHECKING:`` never run, so no rule counts them;
imports inside functions run, so every rule counts them.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "curatarr"
ROOT = "curatarr"

API_FORBIDDEN = ("sqlalchemy", "curatarr.connectors", "curatarr.sims", "curatarr.db", "pyvips")
SERVER_TYPES = frozenset({"plex", "jellyfin", "emby"})
SERVER_TYPE_EXEMPT = frozenset({"connectors", "sims"})


# ---- reading imports ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRef:
    """One imported name as a dotted module path (``from a import b`` gives ``a`` and ``a.b``:
    ``b`` may be a submodule), with its line."""

    target: str
    line: int


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _import_module_target(call: ast.Call) -> str | None:
    """The constant prefix of ``import_module("curatarr.x…")`` / ``import_module(f"curatarr.x.{y}")``."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name != "import_module" or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).rstrip(".")
    return None


def module_imports(source: str, module: str, is_package: bool = False) -> list[ImportRef]:
    """Every import that runs in ``source`` (module level and inside functions; not the body of
    ``if TYPE_CHECKING:``), relative imports resolved against ``module``."""
    refs: list[ImportRef] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            refs.extend(ImportRef(alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, module, is_package)
            refs.append(ImportRef(base, node.lineno))
            refs.extend(ImportRef(f"{base}.{alias.name}", node.lineno) for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and (target := _import_module_target(node)):
            refs.append(ImportRef(target, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return refs


# ---- rule a: what the API layer may import --------------------------------------------------------

def forbidden_imports(source: str, module: str, is_package: bool = False,
                      forbidden: tuple[str, ...] = API_FORBIDDEN) -> list[tuple[int, str]]:
    """``(line, imported module)`` for each import of a forbidden module (or anything under it)."""
    found = set()
    for ref in module_imports(source, module, is_package):
        for banned in forbidden:
            if ref.target == banned or ref.target.startswith(banned + "."):
                found.add((ref.line, banned))
    return sorted(found)


# ---- rule b: no branching on a media-server type ----------------------------------------------------

def _names_server_type(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in SERVER_TYPES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_server_type(e) for e in node.elts)
    return False


def _pattern_names_server_type(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchValue):
        return _names_server_type(pattern.value)
    if isinstance(pattern, ast.MatchOr):
        return any(_pattern_names_server_type(p) for p in pattern.patterns)
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return _pattern_names_server_type(pattern.pattern)
    return False


_COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)


def server_type_comparisons(source: str) -> list[tuple[int, str]]:
    """``(line, code)`` for each comparison (==, !=, in, not in) or ``match`` case that tests a
    value against "plex", "jellyfin" or "emby" (alone or in a tuple/list/set display)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(isinstance(op, _COMPARISONS) for op in node.ops):
            if any(_names_server_type(side) for side in [node.left, *node.comparators]):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.match_case) and _pattern_names_server_type(node.pattern):
            found.append((node.pattern.lineno, f"case {ast.unparse(node.pattern)}"))
    return sorted(found)


# ---- rule c: no import cycle between the top-level parts ---------------------------------------------

Where = tuple[str, int]  # (file, line)
Graph = dict[str, dict[str, list[Where]]]  # part → imported part → where each import is


def top_level_part(module: str) -> str | None:
    """``curatarr.api.media`` → ``api``; ``curatarr.runtime`` → ``runtime``; ``curatarr`` → ``curatarr``
    (the package's own ``__init__``); None outside curatarr."""
    parts = module.split(".")
    if parts[0] != ROOT:
        return None
    return parts[1] if len(parts) > 1 else ROOT


def _shortest_cycle_through(start: str, graph: Graph) -> list[str] | None:
    """Breadth-first from ``start``'s neighbours back to ``start``: ``[start, …, start]`` or None."""
    previous: dict[str, str] = {}
    queue: deque[str] = deque()
    for nxt in sorted(graph[start]):
        previous[nxt] = start
        queue.append(nxt)
    while queue:
        node = queue.popleft()
        if node == start:
            path = [start]
            while (step := previous[path[-1]]) != start:
                path.append(step)
            return [start, *reversed(path[1:]), start]
        for nxt in sorted(graph.get(node, {})):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def find_cycles(graph: Graph) -> list[list[str]]:
    """The shortest import cycle through each part that is on one (each cycle once, shortest first)."""
    seen, cycles = set(), []
    for start in sorted(graph):
        cycle = _shortest_cycle_through(start, graph)
        if cycle and frozenset(cycle) not in seen:
            seen.add(frozenset(cycle))
            cycles.append(cycle)
    return sorted(cycles, key=len)


def describe_cycle(cycle: list[str], graph: Graph) -> str:
    lines = [" → ".join(cycle)]
    for a, b in zip(cycle, cycle[1:]):
        wheres = graph[a][b]
        shown = ", ".join(f"{file}:{line}" for file, line in wheres[:5])
        more = f" (+{len(wheres) - 5} more)" if len(wheres) > 5 else ""
        lines.append(f"  {a} → {b}: {shown}{more}")
    return "\n".join(lines)


# ---- the source tree --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    path: Path
    rel: str  # the path shown in messages (curatarr/api/media.py)
    module: str
    is_package: bool

    @property
    def part(self) -> str:
        return top_level_part(self.module) or ROOT


def source_files(root: Path = SRC) -> list[SourceFile]:
    """Every module under ``root`` (a ``curatarr`` package folder)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        is_package = rel.stem == "__init__"
        parts = rel.with_suffix("").parts
        out.append(SourceFile(path, str(rel), ".".join(parts[:-1] if is_package else parts), is_package))
    return out


def import_graph(files: list[SourceFile]) -> Graph:
    graph: Graph = {}
    for f in files:
        edges = graph.setdefault(f.part, {})
        for ref in module_imports(f.path.read_text(encoding="utf-8"), f.module, f.is_package):
            target = top_level_part(ref.target)
            if target and target != f.part:
                wheres = edges.setdefault(target, [])
                if (f.rel, ref.line) not in wheres:
                    wheres.append((f.rel, ref.line))
    return graph


# ---- the rules on synthetic snippets ------------------------------------------------------------------

def test_rule_forbidden_imports_finds_module_level_function_level_and_relative_imports():
    source = (
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "from ..db.models import User\n"
        "from curatarr import connectors\n"
        "if TYPE_CHECKING:\n"
        "    from curatarr.sims import SimCluster\n"
        "else:\n"
        "    import pyvips\n"
        "def f():\n"
        "    from curatarr.db import session\n"
        "    import curatarr.services\n"
    )
    assert forbidden_imports(source, "curatarr.api.media") == [
        (2, "sqlalchemy"), (3, "curatarr.db"), (4, "curatarr.connectors"), (8, "pyvips"), (10, "curatarr.db")]


def test_rule_forbidden_imports_passes_clean_code_and_lookalike_names():
    source = (
        "import typing\n"
        "from curatarr.dbtools import x\n"  # not curatarr.db
        "from curatarr.library import service\n"
        "if typing.TYPE_CHECKING:\n"
        "    from sqlalchemy.orm import Session\n"
    )
    assert forbidden_imports(source, "curatarr.api.media") == []


def test_rule_server_type_comparisons_finds_every_form():
    source = (
        "if kind == 'plex': pass\n"
        "if 'jellyfin' != kind: pass\n"
        "if kind in ('jellyfin', 'emby'): pass\n"
        "ok = kind not in ['radarr', 'emby']\n"
        "ok = kind in {'plex'}\n"
        "match kind:\n"
        "    case 'plex' | 'other':\n"
        "        pass\n"
        "    case 'emby' as k:\n"
        "        pass\n"
    )
    assert [line for line, _ in server_type_comparisons(source)] == [1, 2, 3, 4, 5, 7, 9]


def test_rule_server_type_comparisons_passes_other_strings_and_non_comparisons():
    source = (
        "if kind == 'radarr': pass\n"
        "SERVERS = ('plex', 'jellyfin')\n"  # a display that is not compared
        "name = 'plex'\n"
        "if count > 3: pass\n"
        "match kind:\n"
        "    case 'sonarr':\n"
        "        pass\n"
    )
    assert server_type_comparisons(source) == []


def test_rule_find_cycles_returns_the_shortest_cycles():
    w = [("f.py", 1)]
    assert find_cycles({"a": {"b": w}, "b": {"c": w}, "c": {}}) == []
    graph = {"a": {"b": w}, "b": {"c": w, "a": w}, "c": {"a": w}}
    assert find_cycles(graph) == [["a", "b", "a"], ["c", "a", "b", "c"]]
    assert "a → b: f.py:1" in describe_cycle(["a", "b", "a"], graph)


def test_rule_import_graph_counts_function_level_imports_not_type_checking(tmp_path):
    root = tmp_path / "curatarr"
    (root / "api").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "api" / "__init__.py").write_text("")
    (root / "api" / "x.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from curatarr.app import App\n"
        "def f():\n    from ..runtime import Runtime\n")
    (root / "runtime.py").write_text("from curatarr.api import x\n")
    (root / "app.py").write_text("")
    graph = import_graph(source_files(root))
    assert graph["api"] == {"runtime": [("curatarr/api/x.py", 5)]}
    assert graph["runtime"] == {"api": [("curatarr/runtime.py", 1)]}
    assert graph["app"] == {} and graph[ROOT] == {}
    assert find_cycles(graph) == [["api", "runtime", "api"]]


# ---- the rules on src/curatarr -----------------------------------------------------------------------

def test_src_api_imports_no_database_connector_simulator_or_image_library():
    found = []
    for f in source_files():
        if f.part == "api":
            found += [f"{f.rel}:{line} imports {name}"
                      for line, name in forbidden_imports(f.path.read_text(encoding="utf-8"), f.module, f.is_package)]
    assert not found, "the API layer goes through services only:\n" + "\n".join(found)


def test_src_no_server_type_comparison_outside_connectors_and_sims():
    found = []
    for f in source_files():
        if f.part not in SERVER_TYPE_EXEMPT:
            found += [f"{f.rel}:{line}: {code}"
                      for line, code in server_type_comparisons(f.path.read_text(encoding="utf-8"))]
    assert not found, ("media-server differences belong in connectors/ (capability flags), "
                       "not in type comparisons:\n" + "\n".join(found))


def test_src_top_level_parts_import_without_a_cycle():
    graph = import_graph(source_files())
    cycles = find_cycles(graph)
    assert not cycles, "import cycles between top-level parts of curatarr:\n" + "\n".join(
        describe_cycle(cycle, graph) for cycle in cycles)
