"""poster_renamerr end to end: Radarr, Sonarr and Plex simulators over real HTTP, real poster files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from curatarr.assets.naming import asset_name_for_path
from curatarr.demo import demo_instances
from curatarr.modules.base import Module, ModuleConfig, ModuleError
from curatarr.poster_library import overview
from curatarr.sims.library import SampleLibrary
from tests._fixtures import run_module, sim_cluster
from tests.poster_library.poster_files import folders, image_bytes, touch_later, write  # noqa: F401 (fixture)

WAIT = 120


@pytest.fixture(scope="module")
def cluster():
    lib = SampleLibrary.generate(seed=7, movies=3, shows=2, artists=0, seasons=(1, 2), episodes=(1, 1))
    with sim_cluster(lib, ("radarr", "sonarr", "plex"), small_images=True) as c:
        yield c


@pytest.fixture
def sims(cluster):
    cluster.reset()
    return cluster


@pytest.fixture
def rt(runtime, sims, tmp_path):
    runtime.config.update({"instances": demo_instances(sims)})
    runtime.start()
    yield runtime
    runtime.stop()


def names(sims) -> dict[str, str]:
    lib = sims.library
    return {**{m.title: asset_name_for_path(m.path) for m in lib.movies},
            **{s.title: asset_name_for_path(s.path) for s in lib.shows}}


def make_sets(folders) -> None:
    a, b = folders["sets_a"], folders["sets_b"]
    write(a / "Set A" / "The Matrix (1999) {tmdb-603}.jpg", image_bytes(1))
    write(a / "Set A" / "Breaking Bad (2008).jpg", image_bytes(2))
    write(a / "Set A" / "Breaking Bad (2008) - Season 1.jpg", image_bytes(3))
    write(a / "Set A" / "The Matrix Collection.jpg", image_bytes(4))
    write(a / "Set A" / "Nothing Like It (1970).jpg", image_bytes(5))
    write(b / "Set B" / "The Matrix (1999).jpg", image_bytes(6))          # later source: wins over Set A
    write(b / "Set B" / "Dune (1984).png", image_bytes(7, fmt="png"))


def configure(rt, folders, **extra) -> None:
    rt.config.update({"poster_renamerr": {
        "source_dirs": [str(folders["sets_a"]), str(folders["sets_b"])],
        "destination_dir": str(folders["assets"]),
        "instances": ["radarr", "sonarr", {"plex": {"add_posters": True}}],
        "report_unmatched_assets": True,
        **extra,
    }})


def run(rt, **overrides) -> dict:
    job = run_module(rt, "poster_renamerr", overrides, wait=WAIT)
    assert job["status"] in ("success", "error"), job  # a renamer run is never cancelled here
    return job


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def test_run_writes_kometa_files_uploads_and_second_run_writes_nothing(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders)
    n = names(sims)
    job = run(rt)
    assert job["status"] == "success", job
    got = listing(folders["assets"])
    b = folders["sets_b"] / "Set B"
    assert got == {
        f"{n['The Matrix']}.jpg": sha(b / "The Matrix (1999).jpg"),
        f"{n['Dune']}.png": sha(b / "Dune (1984).png"),
        f"{n['Breaking Bad']}.jpg": sha(folders["sets_a"] / "Set A" / "Breaking Bad (2008).jpg"),
        f"{n['Breaking Bad']}_Season01.jpg": sha(folders["sets_a"] / "Set A" / "Breaking Bad (2008) - Season 1.jpg"),
        "The Matrix Collection.jpg": sha(folders["sets_a"] / "Set A" / "The Matrix Collection.jpg"),
    }
    counts = job["result"]["counts"]
    assert counts["written"] == 5 and counts["posters_unmatched"] == 1
    assert [u["file"] for u in job["result"]["data"]["unmatched"]] == ["Set A/Nothing Like It (1970).jpg"]
    uploads = sims.sims["plex"].events("uploads")
    assert len(uploads) == counts["uploads"] == 5
    assert {u["sha256"] for u in uploads} == set(got.values())

    second = run(rt)
    assert second["status"] == "success"
    assert "written" not in second["result"]["counts"] and second["result"]["counts"]["unchanged"] == 5
    assert listing(folders["assets"]) == got
    assert len(sims.sims["plex"].events("uploads")) == 5  # hash check: nothing re-uploaded


def test_changed_source_is_recopied_and_reuploaded(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders)
    run(rt)
    dune = folders["sets_b"] / "Set B" / "Dune (1984).png"
    write(dune, image_bytes(70, fmt="png"))
    touch_later(dune)
    job = run(rt)
    assert job["result"]["counts"]["written"] == 1
    assert listing(folders["assets"])[f"{names(sims)['Dune']}.png"] == sha(dune)
    assert len(sims.sims["plex"].events("uploads")) == 6


def test_dry_run_writes_and_uploads_nothing(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders)
    job = run(rt, dry_run=True)
    assert job["status"] == "success"
    assert job["result"]["counts"]["would_write"] == 5
    assert listing(folders["assets"]) == {}
    assert sims.sims["plex"].events("uploads") == []


def test_asset_folders_and_hardlinks(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders, asset_folders=True, action_type="hardlink", instances=["radarr", "sonarr"])
    job = run(rt)
    assert job["status"] == "success", job
    n = names(sims)
    season = folders["assets"] / n["Breaking Bad"] / "Season01.jpg"
    poster = folders["assets"] / n["Dune"] / "poster.png"
    assert season.is_file() and poster.is_file()
    assert poster.stat().st_ino == (folders["sets_b"] / "Set B" / "Dune (1984).png").stat().st_ino


def test_one_poster_run_touches_only_that_poster(rt, sims, folders):
    from curatarr.poster_library import index, sources

    make_sets(folders)
    configure(rt, folders)
    index.scan(rt.db, sources.configured(rt).folders, rt.roots())
    from sqlalchemy import select
    from curatarr.db.models.poster_library import PosterFile
    with rt.db.session() as s:
        dune_id = s.execute(select(PosterFile.id).where(PosterFile.relpath == "Set B/Dune (1984).png")).scalar_one()
    job = run(rt, poster_ids=[dune_id])
    assert job["status"] == "success", job
    assert list(listing(folders["assets"])) == [f"{names(sims)['Dune']}.png"]


def test_orphan_cleanup_deletes_only_what_we_wrote(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders, run_cleanarr=True)
    run(rt)
    foreign = write(folders["assets"] / "Someone Else (2000).jpg", image_bytes(9))
    (folders["sets_b"] / "Set B" / "Dune (1984).png").unlink()
    job = run(rt)
    assert job["result"]["counts"]["orphans_deleted"] == 1
    left = listing(folders["assets"])
    assert f"{names(sims)['Dune']}.png" not in left and foreign.name in left


def test_no_destination_fails_the_run(rt, folders):
    rt.config.update({"poster_renamerr": {"source_dirs": [str(folders["sets_a"])]}})
    job = run(rt)
    assert job["status"] == "error" and "destination_dir" in job["error"]


@pytest.fixture
def api(runtime, sims, client):
    runtime.config.update({"instances": demo_instances(sims)})
    return client


def test_webhook_poster_add_places_only_that_item(api, runtime, sims, folders):
    make_sets(folders)
    configure(runtime, folders, instances=["radarr", "sonarr"])
    dune = next(m for m in sims.library.movies if m.title == "Dune")
    r = api.post("/api/webhooks/poster/add", json={"eventType": "Download", "instanceName": "Radarr",
                                                   "movie": {"id": 3, "title": "Dune", "year": 1984, "tmdbId": dune.tmdb_id}})
    assert r.status_code == 200, r.text
    assert r.json()["module"] == "poster_renamerr"
    job = runtime.jobs.wait(r.json()["job_id"], WAIT)
    assert job["status"] == "success", job
    assert list(listing(folders["assets"])) == [f"{names(sims)['Dune']}.png"]


def test_sync_metadata_route_runs_the_renamer_for_one_poster(api, runtime, sims, folders):
    from curatarr.poster_library import index, sources

    make_sets(folders)
    configure(runtime, folders, instances=["radarr", "sonarr"])
    index.scan(runtime.db, sources.configured(runtime).folders, runtime.roots())
    items = api.get("/api/posters/search", params={"query": "breaking bad"}).json()["items"]
    season = next(i for i in items if i["season_number"] == 1)
    r = api.post(f"/api/posters/{season['id']}/sync-metadata")
    assert r.status_code == 200, r.text
    job = runtime.jobs.wait(r.json()["job_id"], WAIT)
    assert job["status"] == "success", job
    assert list(listing(folders["assets"])) == [f"{names(sims)['Breaking Bad']}_Season01.jpg"]
    one = api.get(f"/api/posters/{season['id']}").json()
    assert one["matched"] is True and one["match"]["season"] == 1 and one["match"]["reason"]


def test_symlink_action_links_and_second_run_keeps_the_links(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders, action_type="symlink", instances=["radarr"])
    job = run(rt)
    assert job["status"] == "success", job
    target = folders["assets"] / f"{names(sims)['Dune']}.png"
    assert target.is_symlink() and target.resolve() == (folders["sets_b"] / "Set B" / "Dune (1984).png").resolve()
    again = run(rt)
    assert "written" not in again["result"]["counts"] and again["result"]["counts"]["unchanged"] == 2


def test_move_action_moves_and_a_missing_source_is_a_warning(rt, sims, folders, tmp_path):
    make_sets(folders)
    missing = tmp_path / "not-there"
    rt.config.update({"poster_renamerr": {"source_dirs": [str(folders["sets_a"]), str(folders["sets_b"]), str(missing)],
                                          "destination_dir": str(folders["assets"]), "instances": ["radarr"],
                                          "action_type": "move"}})
    job = run(rt)
    assert job["status"] == "success", job
    assert any("not-there" in w and "not an existing folder" in w for w in job["result"]["warnings"])
    dune = folders["assets"] / f"{names(sims)['Dune']}.png"
    assert dune.is_file() and not (folders["sets_b"] / "Set B" / "Dune (1984).png").exists()
    # the losing Set A Matrix poster stays where it was; the winner moved
    loser = folders["sets_a"] / "Set A" / "The Matrix (1999) {tmdb-603}.jpg"
    assert loser.exists() and not (folders["sets_b"] / "Set B" / "The Matrix (1999).jpg").exists()
    matrix = folders["assets"] / f"{names(sims)['The Matrix']}.jpg"
    moved = sha(matrix)
    again = run(rt)
    assert "written" not in again["result"]["counts"], again["result"]
    assert sha(matrix) == moved != sha(loser)  # the loser never replaces the poster moved from a later folder


def test_auto_match_without_body_places_every_unmatched_poster_by_priority(api, runtime, sims, folders):
    from curatarr.poster_library import index, sources

    make_sets(folders)
    configure(runtime, folders, instances=["radarr", "sonarr"])
    index.scan(runtime.db, sources.configured(runtime).folders, runtime.roots())
    r = api.post("/api/posters/auto-match")
    assert r.status_code == 200, r.text
    assert len(r.json()["poster_ids"]) == 7
    job = runtime.jobs.wait(r.json()["job_id"], WAIT)
    assert job["status"] == "success", job
    got = listing(folders["assets"])
    assert got[f"{names(sims)['The Matrix']}.jpg"] == sha(folders["sets_b"] / "Set B" / "The Matrix (1999).jpg")
    assert len(got) == 4  # no media-server collections configured here: the collection poster has no item
    assert api.get("/api/posters/matched/stats").json()["matched_posters_stats"]["matched"] == 5


class BorderConfig(ModuleConfig):
    input_files: list[str] = []


class BorderStandIn(Module):
    """Stands in for border_replacerr (another area's module): records the renamer's hand-off."""

    name = "border_replacerr"
    Config = BorderConfig

    def run(self, ctx, config):
        ctx.result.set_data("input_files", list(config.input_files))
        return ctx.result.build()


def test_border_hand_off_queues_border_replacerr_with_the_written_files(rt, sims, folders):
    from curatarr.modules import registry

    registry.register("border_replacerr", BorderStandIn)
    try:
        make_sets(folders)
        configure(rt, folders, instances=["radarr"], run_border_replacerr=True)
        job = run(rt)
        assert job["status"] == "success", job
        border_job = rt.jobs.wait(job["result"]["data"]["border_replacerr_job"], WAIT)
        n = names(sims)
        assert sorted(border_job["result"]["data"]["input_files"]) == sorted(
            str(folders["assets"] / f"{n[t]}{ext}") for t, ext in (("The Matrix", ".jpg"), ("Dune", ".png")))
        second = run(rt)  # incremental: nothing written, nothing handed over
        assert "border_replacerr_job" not in second["result"]["data"]
    finally:
        registry.unregister("border_replacerr")


def test_cleanup_orphans_mode_deletes_files_whose_source_is_gone(rt, sims, folders):
    make_sets(folders)
    configure(rt, folders, instances=["radarr"])
    run(rt)
    assert overview.stats(rt, None, 1000)["orphaned"]["renamer"] == 0
    (folders["sets_b"] / "Set B" / "Dune (1984).png").unlink()
    # /api/posters/stats counts what the cleanup would delete, before it runs
    assert overview.stats(rt, None, 1000)["orphaned"]["renamer"] == 1
    dry = run(rt, mode="cleanup_orphans", dry_run=True)
    assert dry["result"]["counts"]["orphans_would_delete"] == 1
    assert f"{names(sims)['Dune']}.png" in listing(folders["assets"])
    job = run(rt, mode="cleanup_orphans")
    assert job["status"] == "success" and job["result"]["counts"]["orphans_deleted"] == 1
    assert overview.stats(rt, None, 1000)["orphaned"]["renamer"] == 0
    assert list(listing(folders["assets"])) == [f"{names(sims)['The Matrix']}.jpg"]


class DriveStandIn(Module):
    """Stands in for sync_gdrive (the Drive area's module): copies a poster into a source, or fails."""

    name = "sync_gdrive"
    fail = False

    def run(self, ctx, config):
        if DriveStandIn.fail:
            raise ModuleError("rclone failed for folder 'Drive Set'")
        target = Path(ctx.rt.config.get_section("poster_renamerr")["source_dirs"][0]) / "Drive Set" / "Dune (1984).jpg"
        write(target, image_bytes(99))
        ctx.result.count("files_synced")
        return ctx.result.build()


@pytest.mark.parametrize("fail", [False, True])
def test_sync_posters_runs_sync_gdrive_first_and_its_failure_fails_the_run(rt, sims, folders, fail):
    from curatarr.modules import registry

    DriveStandIn.fail = fail
    registry.register("sync_gdrive", DriveStandIn)
    try:
        configure(rt, folders, instances=["radarr"], sync_posters=True)
        job = run(rt)
        if fail:
            assert job["status"] == "error" and "rclone failed" in job["error"]
            assert listing(folders["assets"]) == {}
        else:
            assert job["status"] == "success", job
            assert job["result"]["counts"]["gdrive_files_synced"] == 1
            assert list(listing(folders["assets"])) == [f"{names(sims)['Dune']}.jpg"]
    finally:
        registry.unregister("sync_gdrive")
