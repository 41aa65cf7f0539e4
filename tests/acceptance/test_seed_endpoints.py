"""Every route of the two seed API documents is routed by the app (../shared/acceptance/seed_endpoints.txt).

Each line is ``METHOD /path``; it counts as routed when the app's OpenAPI document has the same method
on the same path, ``{param}`` names being wildcards (a seed segment such as ``{token}.jpg`` is also
served by an app segment that is one whole parameter). Literal seed segments must match literally,
so ``DELETE /api/jobs/old`` is not satisfied by ``DELETE /api/jobs/{job_id}``.

Routes of issues not done yet are listed in PENDING; they are strict xfails, so the moment one lands
the test fails until its line is removed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED_FILE = SHARED / "acceptance" / "seed_endpoints.txt"
_PARAM = re.compile(r"\{[^}]+\}")

# "METHOD /path": "issue N" — routes whose issue is not done yet (strict xfails). Empty since the poster
# library, border replacer, nestarr and labelarr landed (issues 14-16): every seed route is routed.
PENDING: dict[str, str] = {}


def _seed_lines() -> list[str]:
    if not SEED_FILE.exists():
        return []
    out = []
    for raw in SEED_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            method, _, path = line.partition(" ")
            out.append(f"{method.upper()} {path.strip()}")
    return out


SEEDS = _seed_lines()


def _segments(path: str) -> list[str]:
    return _PARAM.sub("{}", path.rstrip("/") or "/").split("/")


def _segment_matches(seed: str, app: str) -> bool:
    if seed == app:
        return True
    return app == "{}" and "{}" in seed  # e.g. seed "{token}.jpg" served by app "{filename}"


def is_routed(seed: str, app_ops: set[tuple[str, str]]) -> bool:
    method, _, path = seed.partition(" ")
    wanted = _segments(path)
    for app_method, app_path in app_ops:
        if app_method != method:
            continue
        have = _segments(app_path)
        if len(have) == len(wanted) and all(_segment_matches(s, a) for s, a in zip(wanted, have)):
            return True
    return False


@pytest.fixture(scope="module")
def app_operations(tmp_path_factory) -> set[tuple[str, str]]:
    from curatarr.app import create_app
    from curatarr.runtime import Runtime

    rt = Runtime(tmp_path_factory.mktemp("seed-endpoints"), console_logs=False)
    try:
        paths = create_app(rt, start_services=False).openapi()["paths"]
    finally:
        rt.close()
    return {(method.upper(), path) for path, item in paths.items() for method in item
            if method in ("get", "post", "put", "patch", "delete")}


def _params():
    for seed in SEEDS:
        marks = []
        if seed in PENDING:
            marks.append(pytest.mark.xfail(strict=True, reason=f"{PENDING[seed]} not done yet"))
        yield pytest.param(seed, id=seed, marks=marks)


def test_seed_file_is_present_and_parsed():
    if not SHARED.is_dir():
        pytest.skip(f"the shared reference folder {SHARED} is absent (acceptance tables live there)")
    assert SEED_FILE.exists(), f"{SEED_FILE} is missing"
    assert len(SEEDS) >= 100 and all(re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) /api\S*", s) for s in SEEDS)


def test_pending_entries_are_seed_routes():
    """A typo in PENDING would silently never be checked."""
    if not SEEDS:
        pytest.skip(f"{SEED_FILE} is absent")
    assert set(PENDING) <= set(SEEDS), set(PENDING) - set(SEEDS)


@pytest.mark.parametrize("seed", list(_params()) or [pytest.param(None, id="no-seed-file")])
def test_seed_endpoint_is_routed(seed, app_operations):
    if seed is None:
        pytest.skip(f"{SEED_FILE} is absent (the shared reference folder beside the repo)")
    assert is_routed(seed, app_operations), f"{seed} is not routed by the app"


@pytest.mark.parametrize("seed, ops, expected", [
    ("GET /api/logs/{module_name}", {("GET", "/api/logs/{name}")}, True),
    ("GET /api/x/file/{token}.jpg", {("GET", "/api/x/file/{filename}")}, True),
    ("DELETE /api/jobs/old", {("DELETE", "/api/jobs/{job_id}")}, False),
    ("GET /api/jobs", {("POST", "/api/jobs")}, False),
    ("GET /api/a/{id}", {("GET", "/api/a/{id}/b")}, False),
])
def test_matching_rules(seed, ops, expected):
    assert is_routed(seed, ops) is expected
