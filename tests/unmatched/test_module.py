"""unmatched_assets against the Radarr, 4K Radarr, Sonarr and Plex simulators with a real asset folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from curatarr.unmatched.store import load_report
from tests.unmatched.conftest import run, small_library

LIB = small_library()
LIB_4K = LIB.for_instance("radarr_4k")
TAGS = LIB.tags


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff\xe0 not a real jpeg, only its name matters")


def movie(title: str, year: int):
    return next(m for m in LIB.movies if m.title == title and m.year == year)


def show(title: str, year: int):
    return next(s for s in LIB.shows if s.title == title and s.year == year)


def listed(report: dict, kind: str) -> set[tuple[str, str]]:
    return {(r["instance"], r["title"] + (f" ({r['year']})" if r.get("year") else ""))
            for r in report["unmatched"][kind]}


def seasons_counted(s, *, specials=False, unmonitored_ignored=False) -> list[int]:
    return [x.number for x in s.seasons if (x.number or specials) and any(e.has_file for e in x.episodes)
            and not (unmonitored_ignored and not x.monitored)]


def test_folders_layout_posters_seasons_and_collections_across_instances(rt, assets):
    matrix, bb = movie("The Matrix", 1999), show("Breaking Bad", 2008)
    touch(assets / matrix.folder_name / "poster.jpg")
    touch(assets / bb.folder_name / "poster.png")
    touch(assets / bb.folder_name / "Season01.webp")
    touch(assets / bb.folder_name / "background.jpg")        # not a poster: counts for nothing
    touch(assets / "The Matrix Collection" / "poster.jpg")
    touch(assets / movie("Alien", 1979).folder_name / "poster.txt")  # not an image

    job = run(rt)
    assert job["status"] == "success", job
    report = load_report(rt)
    s = report["summary"]
    movies_all = len(LIB.movies) + len(LIB_4K.movies)
    assert s["movies"] == {"total": movies_all, "with_assets": 2, "unmatched": movies_all - 2,
                           "percent_complete": round(200 / movies_all, 2)}
    assert ("radarr", "The Matrix (1999)") not in listed(report, "movies")
    assert ("radarr_4k", "The Matrix (1999)") not in listed(report, "movies")  # same folder name, one asset
    assert ("radarr", "Alien (1979)") in listed(report, "movies")
    seasons_all = sum(len(seasons_counted(x)) for x in LIB.shows)
    assert s["seasons"]["total"] == seasons_all and s["seasons"]["with_assets"] == 1
    bb_row = next(r for r in report["unmatched"]["series"] if r["title"] == "Breaking Bad")
    assert bb_row["missing_poster"] is False and bb_row["missing_seasons"] == [2]
    assert bb_row["expected"] == [f"{bb.folder_name}/Season02.jpg"]
    assert s["series"]["with_assets"] == 1 and s["series"]["total"] == len(LIB.shows)
    from curatarr.library.server_collections import server_collections

    collections = {c["title"] for c in server_collections(rt).collections}  # what Plex lists
    assert "The Matrix Collection" in collections
    assert s["collections"]["total"] == len(collections) and s["collections"]["with_assets"] == 1
    assert "The Matrix Collection" not in {r["title"] for r in report["unmatched"]["collections"]}
    overall = s["overall"]
    assert overall["total"] == movies_all + len(LIB.shows) + seasons_all + len(collections)
    assert overall["with_assets"] == 2 + 1 + 1 + 1
    by_instance = {i["instance"]: i for i in report["instances"]}
    assert by_instance["radarr_4k"]["movies"]["with_assets"] == 1
    assert by_instance["plex"]["collections"]["total"] == len(collections)
    counts = job["result"]["counts"]
    assert counts["movies_unmatched"] == movies_all - 2 and counts["seasons_total"] == seasons_all
    assert any(c["description"].startswith("sonarr: Breaking Bad (2008): missing season 2")
               for c in job["result"]["changed"])


def test_flat_layout_with_library_folders(rt, assets):
    matrix, bb, dw = movie("The Matrix", 1999), show("Breaking Bad", 2008), show("Doctor Who", 2005)
    touch(assets / "Movies" / f"{matrix.folder_name}.jpg")
    touch(assets / "TV Shows" / f"{bb.folder_name}_Season02.jpg")
    touch(assets / "TV Shows" / f"{dw.folder_name}.jpg")
    touch(assets / "TV Shows" / f"{dw.folder_name}_background.jpg")
    touch(assets / "TV Shows" / f"{dw.folder_name}_S01E01.jpg")
    touch(assets / matrix.folder_name / "poster.jpg")  # a folders-layout file is not read in flat mode... at root
    job = run(rt, layout="flat", by_library=True)
    assert job["status"] == "success", job
    report = load_report(rt)
    assert report["layout"] == "flat"
    assert ("radarr", "The Matrix (1999)") not in listed(report, "movies")
    rows = {r["title"] + str(r["year"]): r for r in report["unmatched"]["series"]}
    assert rows["Breaking Bad2008"]["missing_poster"] is True and rows["Breaking Bad2008"]["missing_seasons"] == [1]
    assert rows["Breaking Bad2008"]["expected"][0] == f"{bb.folder_name}.jpg"
    assert rows["Doctor Who2005"]["missing_poster"] is False
    assert report["summary"]["series"]["with_assets"] == 1


def test_flat_layout_without_library_folders_ignores_library_subfolders(rt, assets):
    matrix = movie("The Matrix", 1999)
    touch(assets / "Movies" / f"{matrix.folder_name}.jpg")
    job = run(rt, layout="flat", by_library="off")
    assert job["status"] == "success"
    assert load_report(rt)["summary"]["movies"]["with_assets"] == 0
    touch(assets / f"{matrix.folder_name}.jpg")
    run(rt, layout="flat", by_library="off")
    assert load_report(rt)["summary"]["movies"]["with_assets"] == 2


def _movie_rows(items, instance):
    return {(instance, f"{m.title} ({m.year})") for m in items}


@pytest.mark.parametrize("option", ["folders", "titles", "titles_any_year", "tags", "profiles", "unmonitored"])
def test_each_ignore_option_filters(rt, option):
    if option == "folders":
        overrides = {"ignore_folder_names": ["ANIME", "Dune (1984) {tmdb-841}"]}
        gone_movies = _movie_rows([movie("Dune", 1984)], "radarr")
        gone_series = {("sonarr", f"{s.title} ({s.year})") for s in LIB.shows if s.root_folder == "/data/anime"}
    elif option == "titles":
        overrides = {"ignore_titles": ["dune (2021)"]}
        gone_movies = _movie_rows([movie("Dune", 2021)], "radarr") | _movie_rows([movie("Dune", 2021)], "radarr_4k")
        gone_series = set()
    elif option == "titles_any_year":
        overrides = {"ignore_titles": ["Godzilla", "Doctor Who"]}
        gone_movies = ({("radarr", f"Godzilla ({m.year})") for m in LIB.movies if m.title == "Godzilla"}
                       | {("radarr_4k", f"Godzilla ({m.year})") for m in LIB_4K.movies if m.title == "Godzilla"})
        gone_series = {("sonarr", f"Doctor Who ({s.year})") for s in LIB.shows if s.title == "Doctor Who"}
    elif option == "tags":
        hdr = next(i for i, name in TAGS.items() if name == "hdr")
        overrides = {"ignore_tags": ["HDR"]}  # names compared with names, case-insensitively
        gone_movies = (_movie_rows([m for m in LIB.movies if hdr in m.tags], "radarr")
                       | _movie_rows([m for m in LIB_4K.movies if hdr in m.tags], "radarr_4k"))
        gone_series = {("sonarr", f"{s.title} ({s.year})") for s in LIB.shows if hdr in s.tags}
    elif option == "profiles":
        overrides = {"ignore_profiles": ["ultra-hd"]}
        ultra = next(p.id for p in LIB.quality_profiles if p.name == "Ultra-HD")
        gone_movies = (_movie_rows([m for m in LIB.movies if m.quality_profile_id == ultra], "radarr")
                       | _movie_rows([m for m in LIB_4K.movies if m.quality_profile_id == ultra], "radarr_4k"))
        gone_series = {("sonarr", f"{s.title} ({s.year})") for s in LIB.shows if s.quality_profile_id == ultra}
    else:
        overrides = {"ignore_unmonitored": True}
        gone_movies = (_movie_rows([m for m in LIB.movies if not m.monitored], "radarr")
                       | _movie_rows([m for m in LIB_4K.movies if not m.monitored], "radarr_4k"))
        gone_series = {("sonarr", f"{s.title} ({s.year})") for s in LIB.shows if not s.monitored}
    assert gone_movies or gone_series, "the sample library must hold something this rule filters"
    base = run(rt)
    before = load_report(rt)
    job = run(rt, **overrides)
    assert base["status"] == job["status"] == "success", job
    after = load_report(rt)
    assert listed(after, "movies") == listed(before, "movies") - gone_movies
    assert listed(after, "series") == listed(before, "series") - gone_series
    reason = "titles" if option == "titles_any_year" else option
    assert after["ignored"][reason] == len(gone_movies) + len(gone_series)
    assert after["summary"]["movies"]["total"] == before["summary"]["movies"]["total"] - len(gone_movies)


def test_collections_specials_and_empty_seasons_options(rt):
    run(rt)
    before = load_report(rt)
    job = run(rt, ignore_collections=["the matrix collection"], include_specials=True)
    assert job["status"] == "success"
    after = load_report(rt)
    titles = {r["title"] for r in after["unmatched"]["collections"]}
    assert "The Matrix Collection" not in titles and after["ignored"]["collections"] == 1
    assert after["summary"]["collections"]["total"] == before["summary"]["collections"]["total"] - 1
    specials = sum(1 for s in LIB.shows for x in s.seasons if x.number == 0 and any(e.has_file for e in x.episodes))
    assert specials > 0
    assert after["summary"]["seasons"]["total"] == before["summary"]["seasons"]["total"] + specials
    # Unmonitored seasons (the sample's specials) drop out again with ignore_unmonitored.
    run(rt, include_specials=True, ignore_unmonitored=True)
    monitored = load_report(rt)
    expected = sum(len(seasons_counted(s, specials=True, unmonitored_ignored=True)) for s in LIB.shows if s.monitored)
    assert monitored["summary"]["seasons"]["total"] == expected


def test_instances_filter_and_dry_run_keeps_the_stored_report(rt):
    job = run(rt, instances=["radarr_4k"])
    assert job["status"] == "success"
    report = load_report(rt)
    assert {i["instance"] for i in report["instances"]} == {"radarr_4k"}
    assert report["summary"]["movies"]["total"] == len(LIB_4K.movies)
    assert report["summary"]["collections"]["total"] is None  # no media server selected: not computed
    dry = run(rt, dry_run=True)
    assert dry["status"] == "success" and dry["dry_run"] is True
    assert dry["result"]["counts"]["movies_total"] == len(LIB.movies) + len(LIB_4K.movies)
    assert load_report(rt)["job_id"] == job["id"]  # the dry run did not replace it


def test_cache_never_read_and_refresh_disabled_is_an_error(rt):
    job = run(rt, refresh_cache=False, instances=["radarr"])
    assert job["status"] == "error"
    assert any("never been read" in e["message"] for e in job["result"]["errors"]) or "never" in (job.get("error") or "")
    assert load_report(rt) is None
    first = run(rt, instances=["radarr"])  # refresh_cache (default) reads it first
    assert first["status"] == "success" and first["result"]["counts"]["instances_refreshed"] == 1


def test_unreachable_media_server_makes_collection_counts_null(rt, sims):
    rt.config.update({"instances": {"plex": {"plex": {"url": "http://127.0.0.1:9", "api": "x", "enabled": True}}}})
    job = run(rt, instances=["radarr", "plex"])
    assert job["status"] == "success"
    report = load_report(rt)
    assert report["summary"]["collections"] == {"total": None, "with_assets": None, "unmatched": None,
                                                "percent_complete": None}
    assert any("plex" in w and "collections not read" in w for w in report["warnings"])
    assert report["summary"]["overall"]["total"] == report["summary"]["movies"]["total"]


def test_asset_path_outside_the_roots_is_refused(rt, tmp_path):
    job = run(rt, asset_path=str(tmp_path / "elsewhere"))
    assert job["status"] == "error" and "asset_path" in job["error"]


def test_asset_path_option_reads_another_folder_inside_the_roots(rt, assets):
    other = assets / "elsewhere"
    touch(other / movie("Alien", 1979).folder_name / "poster.jpg")
    touch(assets / movie("The Matrix", 1999).folder_name / "poster.jpg")  # the poster maker's folder: not read
    job = run(rt, asset_path=str(other), instances=["radarr"])
    assert job["status"] == "success", job
    report = load_report(rt)
    assert report["asset_root"] == str(other.resolve())
    assert ("radarr", "Alien (1979)") not in listed(report, "movies")
    assert ("radarr", "The Matrix (1999)") in listed(report, "movies")
