"""The renamer's hand-off to the REAL border_replacerr (no stand-in): the renamer writes Kometa
assets, queues one border run with exactly the files it wrote, and that run re-borders them in
place. A border run already active when the hand-off comes does not swallow or refuse it: the
queue runs the hand-off after it (one run per module at a time), and nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from curatarr.modules import registry
from tests.borders.conftest import pixel, poster_bytes, size
from tests.poster_library.poster_files import folders, write  # noqa: F401 (fixture)
from tests.poster_library.test_renamer import WAIT, cluster, configure, names, rt, run, sims  # noqa: F401 (fixtures)

BORDER = 12
RED = [255, 0, 0]


@pytest.fixture(autouse=True)
def real_border_module():
    assert registry.exists("border_replacerr"), "the real border module must be registered"
    cls = type(registry.get("border_replacerr"))
    assert "StandIn" not in cls.__name__


def make_sets(folders) -> None:
    a = folders["sets_a"] / "Set A"
    write(a / "The Matrix (1999) {tmdb-603}.png", poster_bytes(300, 450, border=BORDER))
    write(a / "Dune (1984).png", poster_bytes(400, 600, border=BORDER, inner=(10, 200, 10)))


def border_config(rt, folders) -> None:
    rt.config.update({"border_replacerr": {"source_dirs": [str(folders["assets"])], "border_width": BORDER,
                                           "border_colors": ["#ff0000"]}})


def assert_bordered(path: Path, width: int, height: int, inner) -> None:
    assert size(path) == (width, height)  # the source's size is kept
    assert pixel(path, 2, 2) == RED and pixel(path, width - 3, height - 3) == RED
    assert pixel(path, width // 2, height // 2) == list(inner)


def test_renamer_output_gets_the_border_from_the_real_module(rt, sims, folders):
    make_sets(folders)
    border_config(rt, folders)
    configure(rt, folders, source_dirs=[str(folders["sets_a"])], instances=["radarr"], run_border_replacerr=True)
    job = run(rt)
    assert job["status"] == "success", job
    border_job = rt.jobs.wait(job["result"]["data"]["border_replacerr_job"], WAIT)
    assert border_job["status"] == "success", border_job
    n = names(sims)
    matrix, dune = folders["assets"] / f"{n['The Matrix']}.png", folders["assets"] / f"{n['Dune']}.png"
    assert sorted(border_job["overrides"]["input_files"]) == sorted([str(matrix), str(dune)])
    assert border_job["result"]["counts"]["written"] == 2
    assert_bordered(matrix, 300, 450, (40, 120, 200))
    assert_bordered(dune, 400, 600, (10, 200, 10))
    # the sources are untouched: the border went onto the renamer's copies only
    src = pyvips.Image.new_from_buffer((folders["sets_a"] / "Set A" / "Dune (1984).png").read_bytes(), "")
    assert [round(v) for v in src(2, 2)[:3]] == [255, 255, 255]
    # the next renamer run sees its sources unchanged: it does not copy the border-less art back
    # over the bordered outputs, and hands nothing over (no copy ↔ border ping-pong)
    second = run(rt)
    assert second["status"] == "success" and "written" not in second["result"]["counts"]
    assert "border_replacerr_job" not in second["result"]["data"]
    assert_bordered(dune, 400, 600, (10, 200, 10))


def test_a_border_run_already_active_does_not_lose_the_hand_off(rt, sims, folders):
    make_sets(folders)
    border_config(rt, folders)
    # a long-ish border run of its own over unrelated posters, started before the renamer
    for i in range(12):
        write(folders["assets"] / f"Other {i:02d} (2000)" / "poster.png", poster_bytes(600, 900, border=BORDER))
    first = rt.jobs.submit("border_replacerr")
    configure(rt, folders, source_dirs=[str(folders["sets_a"])], instances=["radarr"], run_border_replacerr=True)
    job = run(rt)
    assert job["status"] == "success", job
    handed = job["result"]["data"]["border_replacerr_job"]
    assert handed != first  # its own run with its own input files, not folded into a run that never had them
    done_first, done_handed = rt.jobs.wait(first, WAIT), rt.jobs.wait(handed, WAIT)
    assert done_first["status"] == "success" and done_handed["status"] == "success", (done_first, done_handed)
    assert done_handed["started_at"] >= done_first["finished_at"]  # queued after it: one border run at a time
    n = names(sims)
    assert_bordered(folders["assets"] / f"{n['Dune']}.png", 400, 600, (10, 200, 10))
    assert_bordered(folders["assets"] / f"{n['The Matrix']}.png", 300, 450, (40, 120, 200))
