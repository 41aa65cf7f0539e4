"""The process pool (render_many) and the CLI: parallel, bounded, per-item errors, summary."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curatarr.artwork.batch import RenderJob, WorkerSetup, render_many
from curatarr.artwork.encode import read_provenance
from curatarr.cli import app as cli_app

from .conftest import decode, photo_like, png_header_bomb


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    good = folder / "good.jpg"
    good.write_bytes(photo_like(500, 750))
    bomb = folder / "bomb.png"
    bomb.write_bytes(png_header_bomb())
    svg = folder / "fake.png"
    svg.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    return {"good": str(good), "bomb": str(bomb), "svg": str(svg), "missing": str(folder / "missing.jpg")}


def test_render_many_in_a_process_pool_with_per_item_errors(sources, tmp_path):
    jobs = [RenderJob(kind="poster", image=sources["good"], texts={"title": f"Movie {i}"},
                      out=str(tmp_path / f"p{i}.jpg"), job_id=i) for i in range(6)]
    jobs += [
        RenderJob(kind="poster", image=sources["bomb"], out=str(tmp_path / "bomb.jpg"), job_id="bomb"),
        RenderJob(kind="poster", image=sources["svg"], out=str(tmp_path / "svg.jpg"), job_id="svg"),
        RenderJob(kind="poster", image=sources["missing"], out=str(tmp_path / "missing.jpg"), job_id="missing"),
        RenderJob(kind="sticker", image=sources["good"], out=str(tmp_path / "kind.jpg"), job_id="kind"),
        RenderJob(kind="poster", image=sources["good"], template="no-such-template", job_id="template"),
        RenderJob(kind="poster", image=sources["good"], texts={"title": "W" * 300}, out=str(tmp_path / "long.jpg"),
                  job_id="long"),
    ]
    results = {r.job_id: r for r in render_many(iter(jobs), workers=2, max_in_flight=3)}
    assert len(results) == len(jobs)
    for i in range(6):
        assert results[i].ok and results[i].out and read_provenance(results[i].out)["template"] == "classic-poster"
        assert decode((tmp_path / f"p{i}.jpg").read_bytes()).height == 3000
        assert results[i].fit_entries  # new text-fit results come back for persisting
    assert results["bomb"].status == 413 and not (tmp_path / "bomb.jpg").exists()
    assert results["svg"].status == 415
    assert results["missing"].status == 400
    assert results["kind"].status == 400 and not results["kind"].ok
    assert results["template"].status == 404
    long = results["long"]
    assert long.ok and long.truncated and long.skipped and not (tmp_path / "long.jpg").exists()


def test_in_process_mode_returns_bytes(sources):
    results = list(render_many([RenderJob(kind="background", image=sources["good"], texts={"title": "Wide"},
                                          return_bytes=True)], workers=1, setup=WorkerSetup()))
    assert results[0].ok and decode(results[0].data).width == 3840


def test_cli_single_render(sources, tmp_path):
    out = tmp_path / "one.jpg"
    result = CliRunner().invoke(cli_app, ["render", "poster", "--image", sources["good"], "--title", "Alien",
                                          "--template", "cinema", "--out", str(out),
                                          "--data-dir", str(tmp_path / "nodata")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and read_provenance(out)["template"] == "cinema-poster"


def test_cli_errors_are_clear(sources, tmp_path):
    runner = CliRunner()
    bad_kind = runner.invoke(cli_app, ["render", "sticker", "--image", sources["good"], "--out", str(tmp_path / "x.jpg")])
    assert bad_kind.exit_code == 2
    bomb = runner.invoke(cli_app, ["render", "poster", "--image", sources["bomb"], "--title", "x",
                                   "--out", str(tmp_path / "x.jpg"), "--data-dir", str(tmp_path)])
    assert bomb.exit_code == 1 and "MP" in bomb.output


def test_cli_batch_summary(sources, tmp_path):
    items = tmp_path / "items.jsonl"
    lines = [json.dumps({"image": sources["good"], "title": f"Batch {i}", "out": str(tmp_path / f"b{i}.jpg")})
             for i in range(4)]
    lines.append(json.dumps({"image": sources["good"], "kind": "titlecard", "episode_title": "Pilot", "season_number": 1,
                             "episode_number": 1, "out": str(tmp_path / "tc.webp"), "format": "webp"}))
    lines.append(json.dumps({"image": sources["svg"], "title": "x", "out": str(tmp_path / "bad.jpg")}))
    lines.append("{not json")
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["render", "poster", "--batch", str(items), "--workers", "2",
                                          "--data-dir", str(tmp_path / "nodata")])
    assert result.exit_code == 1  # some lines failed
    assert "rendered 5, skipped 0" in result.output and "failed 2 of 7" in result.output
    assert all((tmp_path / f"b{i}.jpg").exists() for i in range(4))
    assert decode((tmp_path / "tc.webp").read_bytes()).width == 3840
