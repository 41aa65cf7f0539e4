"""border_replacerr end to end through the job queue, on real files: sizes kept, colours where they
belong, removal, round-robin, incremental re-runs, holiday changes, the renamer's hand-off, a
scheduled run, dry run, and bad input."""

from __future__ import annotations

from datetime import datetime, timezone

from curatarr.jobs.scheduler import Scheduler
from tests.borders.conftest import BORDER, INNER, pixel, run, size, snapshot, write_poster

ALIEN = "Alien (1979) {tmdb-348}/poster.png"
BLADE = "Blade Runner (1982) {tmdb-78}/poster.png"
SEASON = "Dexter (2006) {tvdb-79349}/Season01.png"
COLLECTION = "Marvel Collection/poster.png"


def close(a, b, tol=3) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def test_in_place_keeps_size_and_paints_the_border(rt, assets):
    job = run(rt)
    assert job["status"] == "success", job
    assert job["result"]["counts"]["written"] == 4
    for rel, wanted in ((ALIEN, (300, 450)), (BLADE, (400, 500)), (SEASON, (300, 450))):
        path = assets / rel
        assert size(path) == wanted  # never forced to 1000x1500
        w, h = wanted
        assert pixel(path, 0, 0) == [255, 0, 0]
        assert pixel(path, BORDER - 1, h // 2) == [255, 0, 0]
        assert pixel(path, w - 1, h - 1) == [255, 0, 0]
        assert pixel(path, BORDER, h // 2) == list(INNER)  # the picture starts right after the border
        assert pixel(path, w // 2, h // 2) == list(INNER)


def test_second_run_writes_nothing_and_a_changed_poster_is_redone(rt, assets):
    run(rt)
    before = {p: (assets / p).stat().st_mtime_ns for p in (ALIEN, BLADE, SEASON, COLLECTION)}
    again = run(rt)
    assert again["status"] == "success"
    assert again["result"]["counts"] == {"posters": 4, "unchanged": 4, "excluded": 0}
    assert {p: (assets / p).stat().st_mtime_ns for p in before} == before
    write_poster(assets / ALIEN, inner=(0, 255, 0))  # the renamer put a new poster there
    third = run(rt)
    assert third["result"]["counts"]["written"] == 1
    assert [c["path"] for c in third["result"]["changed"]] == [str(assets / ALIEN)]
    assert pixel(assets / ALIEN, 150, 200) == [0, 255, 0] and pixel(assets / ALIEN, 1, 1) == [255, 0, 0]


def test_round_robin_colours_and_a_colour_change_starts_from_the_original(rt, assets):
    job = run(rt, border_colors=["#ff0000", "#0000ff"])
    assert job["status"] == "success"
    order = sorted([ALIEN, BLADE, SEASON, COLLECTION])
    colours = [pixel(assets / rel, 2, 2) for rel in order]
    assert colours == [[255, 0, 0], [0, 0, 255], [255, 0, 0], [0, 0, 255]]
    # removing the border afterwards starts from the kept original, not from our red/blue output
    removed = run(rt, border_colors=[])
    assert removed["result"]["counts"]["written"] == 4
    for rel in order:
        path = assets / rel
        w, h = size(path)
        assert (w, h) in ((300, 450), (400, 500))
        inner = [200, 30, 30] if rel == COLLECTION else list(INNER)
        assert close(pixel(path, 0, 0), inner) and close(pixel(path, w - 1, h - 1), inner)


def test_destination_folder_keeps_sources_untouched(rt, assets, tmp_path):
    out = tmp_path / "out"
    original = snapshot(assets)
    job = run(rt, destination_dir=str(out), border_colors=["#00ff00"])
    assert job["status"] == "success", job
    assert snapshot(assets) == original
    assert sorted(snapshot(out)) == sorted(original)
    assert pixel(out / BLADE, 0, 0) == [0, 255, 0] and size(out / BLADE) == (400, 500)
    again = run(rt, destination_dir=str(out), border_colors=["#00ff00"])
    assert again["result"]["counts"]["unchanged"] == 4 and "written" not in again["result"]["counts"]


def test_holiday_change_redoes_everything_collections_included(rt, assets):
    halloween = [{"name": "Halloween", "schedule": "range(10/01-10/31)", "colors": ["#ff7518"]}]
    first = run(rt, holidays=halloween, as_of="2026-10-31")  # the last day counts
    assert first["result"]["data"]["holiday"] == "Halloween"
    assert pixel(assets / COLLECTION, 0, 0) == [255, 117, 24]
    # the hand-off names one poster, but the holiday ended: every poster is redone
    after = run(rt, holidays=halloween, as_of="2026-11-01", input_files=[str(assets / ALIEN)])
    assert after["result"]["data"]["holiday"] is None and after["result"]["data"]["redo_all"] is True
    assert after["result"]["counts"]["written"] == 4
    for rel in (ALIEN, BLADE, SEASON, COLLECTION):
        assert pixel(assets / rel, 0, 0) == [255, 0, 0]


def test_hand_off_processes_only_the_named_files(rt, assets, tmp_path):
    run(rt)
    write_poster(assets / ALIEN, inner=(9, 9, 9))
    write_poster(assets / SEASON, inner=(8, 8, 8))
    outside = write_poster(tmp_path / "elsewhere" / "poster.png")
    job = run(rt, input_files=[str(assets / ALIEN), str(outside)])
    assert job["status"] == "error"  # one named file could not be handled: said so, not "success"
    assert job["result"]["counts"]["written"] == 1
    assert [c["path"] for c in job["result"]["changed"]] == [str(assets / ALIEN)]
    assert job["result"]["errors"][0]["item"] == str(outside)
    assert pixel(assets / SEASON, 0, 0) == [255, 255, 255]  # not named: left for the next full run
    assert pixel(outside, 0, 0) == [255, 255, 255]


def test_scheduled_run_works(rt, assets):
    """CHUB's scheduled run failed with a TypeError (run() wanted a manifest)."""
    rt.config.update({"schedule": {"border_replacerr": "daily(03:00)"}})
    if rt.scheduler is not None:
        rt.scheduler.stop()
    clock_now = [datetime(2026, 1, 10, 2, 59, tzinfo=timezone.utc)]
    scheduler = Scheduler(rt, rt.jobs, clock=lambda: clock_now[0], system_rules={})
    rt.scheduler = scheduler
    scheduler.reload(initial=True)
    clock_now[0] = datetime(2026, 1, 10, 3, 0, 5, tzinfo=timezone.utc)
    fired = scheduler.tick()
    assert len(fired) == 1 and fired[0][2] is not None
    job = rt.jobs.wait(fired[0][2], 60)
    assert job["status"] == "success", job
    assert job["source"] == "schedule" and job["result"]["counts"]["written"] == 4
    assert pixel(assets / ALIEN, 0, 0) == [255, 0, 0]


def test_dry_run_writes_nothing(rt, assets):
    original = snapshot(assets)
    job = run(rt, dry_run=True)
    assert job["status"] == "success"
    assert job["result"]["counts"]["would_write"] == 4
    assert snapshot(assets) == original
    assert not (rt.data_dir / "cache" / "border_replacerr" / "state.json").exists()


def test_corrupt_poster_is_reported_and_nothing_deleted(rt, assets):
    bad = assets / "Broken (2000)" / "poster.jpg"
    bad.parent.mkdir()
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20)
    job = run(rt)
    assert job["status"] == "error"
    assert "1 of 5 poster(s) could not be processed" in job["error"]
    assert job["result"]["errors"][0]["item"] == str(bad)
    assert job["result"]["counts"]["written"] == 4
    assert bad.exists() and bad.read_bytes().startswith(b"\xff\xd8\xff\xe0not really")


def test_exclusions_ignored_folders_and_skip(rt, assets):
    job = run(rt, exclusion_list=["Alien (1979)"], ignore_folders=["Marvel Collection"])
    assert job["result"]["counts"]["written"] == 2 and job["result"]["counts"]["excluded"] == 1
    assert pixel(assets / ALIEN, 0, 0) == [255, 255, 255]
    assert pixel(assets / COLLECTION, 0, 0) == [255, 255, 255]
    skipped = run(rt, skip=True, as_of="2026-06-01")
    assert skipped["status"] == "success" and skipped["result"]["data"]["skipped"]
    assert "written" not in skipped["result"]["counts"]


def test_bad_config_is_a_clear_error(rt, assets):
    job_id = None
    for overrides, message in (({"border_colors": ["#ff00"]}, "hex colour"),
                               ({"holidays": [{"name": "X", "schedule": "range(10/32-11/01)", "colors": ["#fff"]}]},
                                "10/32"),
                               ({"source_dirs": ["relative/dir"]}, "absolute")):
        try:
            job_id = rt.jobs.submit("border_replacerr", overrides=overrides)
        except Exception as exc:  # validated at submission: refused before a job exists
            assert message in str(exc)
            continue
        job = rt.jobs.wait(job_id, 60)
        assert job["status"] == "error" and message in job["error"]
    missing = run(rt, source_dirs=[str(assets.parent / "nope")])
    assert missing["status"] == "error" and "does not exist" in missing["error"]


def test_cancel_stops_between_posters(rt, assets):
    for i in range(40):
        write_poster(assets / f"Extra {i:02d}" / "poster.png")
    with rt.events.subscribe(["module.progress"]) as sub:
        job_id = rt.jobs.submit("border_replacerr", overrides={"workers": 1})
        while True:
            event = sub.get(timeout=30)
            assert event is not None, "no progress event"
            if event.data.get("job_id") == job_id and (event.data.get("done") or 0) >= 1:
                rt.jobs.cancel(job_id)
                break
    job = rt.jobs.wait(job_id, 60)
    assert job["status"] == "cancelled"
    untouched = sum(1 for i in range(40) if pixel(assets / f"Extra {i:02d}" / "poster.png", 0, 0) == [255, 255, 255])
    assert untouched > 0
    # what the cancelled run wrote is remembered: the next run only does the rest
    done_before = job["result"]["counts"]["written"]
    assert 1 <= done_before < 44
    job = run(rt, workers=1)
    assert job["status"] == "success"
    assert job["result"]["counts"]["unchanged"] == done_before and job["result"]["counts"]["written"] == 44 - done_before


def test_symlinked_posters_inside_the_roots_are_read_and_the_link_target_is_never_written(rt, assets, tmp_path):
    """The renamer's symlink action: the asset is a link to a source poster in another allowed folder."""
    gdrive = tmp_path / "gdrive"
    target = write_poster(gdrive / "Heat (1995).png")
    stray = write_poster(tmp_path / "stray" / "Ran (1985).png")
    rt.config.update({"general": {"allowed_roots": [str(gdrive)]}})
    (assets / "Heat (1995)").mkdir()
    (assets / "Heat (1995)" / "poster.png").symlink_to(target)
    (assets / "Ran (1985)").mkdir()
    (assets / "Ran (1985)" / "poster.png").symlink_to(stray)
    original = target.read_bytes()
    job = run(rt)
    assert job["status"] == "success", job
    linked = assets / "Heat (1995)" / "poster.png"
    assert not linked.is_symlink() and pixel(linked, 0, 0) == [255, 0, 0]  # the link became our output
    assert target.read_bytes() == original  # the source poster behind the link is untouched
    assert any("Ran (1985)" in w and "outside the allowed folders" in w for w in job["result"]["warnings"])
    assert (assets / "Ran (1985)" / "poster.png").is_symlink() and pixel(stray, 0, 0) == [255, 255, 255]


def test_a_destination_inside_the_asset_folder_is_not_read_back(rt, assets):
    out = assets / "bordered"
    first = run(rt, destination_dir=str(out))
    assert first["result"]["counts"]["written"] == 4
    again = run(rt, destination_dir=str(out))
    assert again["result"]["counts"] == {"posters": 4, "unchanged": 4, "excluded": 0}
    assert not (out / "bordered").exists()


def test_without_source_dirs_the_renamers_destination_is_used(rt, assets):
    section = dict(rt.config.get_section("border_replacerr"))
    section["source_dirs"] = []
    rt.config.replace_section("border_replacerr", section)
    rt.config.update({"poster_renamerr": {"destination_dir": str(assets)}})
    job = run(rt, input_files=[str(assets / ALIEN)])
    assert job["status"] == "success", job
    assert [c["path"] for c in job["result"]["changed"]] == [str(assets / ALIEN)]
    rt.config.update({"poster_renamerr": {"destination_dir": ""}})
    missing = run(rt)
    assert missing["status"] == "error" and "no source_dirs configured" in missing["error"]
