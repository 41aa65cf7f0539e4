"""The pure parts: the asset-folder scan (both layouts, library folders) and the report's arithmetic."""

from __future__ import annotations

import pytest

from curatarr.unmatched.assets import scan_asset_folder
from curatarr.unmatched.report import CollectionEntry, MediaEntry, Rules, SeasonEntry, build_report


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")


def test_folders_layout_scan(tmp_path):
    touch(tmp_path / "Dune (2021)" / "poster.JPG")
    touch(tmp_path / "Show (2000)" / "Season00.png")
    touch(tmp_path / "Show (2000)" / "Season3.webp")
    touch(tmp_path / "Show (2000)" / "S01E01.jpg")
    touch(tmp_path / "Other" / "poster.gif")     # not an image Kometa reads
    touch(tmp_path / "loose.jpg")                 # flat file: not read in the folders layout
    index = scan_asset_folder(tmp_path, "folders")
    assert index.posters == {"Dune (2021)"}
    assert index.seasons == {("Show (2000)", 0), ("Show (2000)", 3)}
    assert index.files == 4


def test_flat_layout_and_library_folders_scan(tmp_path):
    touch(tmp_path / "Movies" / "Dune (2021).jpg")
    touch(tmp_path / "TV" / "Show (2000)_Season01.jpg")
    touch(tmp_path / "TV" / "Show (2000)_background.jpg")
    touch(tmp_path / "TV" / "Show (2000)_S01E02.jpg")
    touch(tmp_path / "Top (1999).jpg")            # at the root: not inside a library folder
    index = scan_asset_folder(tmp_path, "flat", library_folders=True)
    assert index.posters == {"Dune (2021)"}
    assert index.seasons == {("Show (2000)", 1)}
    assert scan_asset_folder(tmp_path, "flat").posters == {"Top (1999)"}
    assert scan_asset_folder(tmp_path / "missing", "flat").files == 0


def test_rules_and_percentages():
    index = scan_asset_folder("/nonexistent", "folders")
    index.posters.update({"A (2000)", "Coll"})
    index.seasons.add(("S (2001)", 1))
    media = [
        MediaEntry("r", "movie", "r:1", "A", 2000, "/m/A (2000)/a.mkv"),
        MediaEntry("r", "movie", "r:2", "B", 2001, "/m/B (2001)", tags=("Keep",)),
        MediaEntry("r", "movie", "r:3", "B", 2002, "/m/B (2002)", monitored=False),
        MediaEntry("s", "series", "s:1", "S", 2001, "/t/S (2001)",
                   seasons=[SeasonEntry(0, True, 1), SeasonEntry(1, True, 2), SeasonEntry(2, False, 2),
                            SeasonEntry(3, True, 0)]),
    ]
    report = build_report(media, [CollectionEntry("p", "9", "Coll"), CollectionEntry("p", "8", "Skip me")], index,
                          Rules.of(tags=["keep"], titles=["B (2002)"], collections=["skip  ME"]))
    s = report["summary"]
    assert s["movies"] == {"total": 1, "with_assets": 1, "unmatched": 0, "percent_complete": 100.0}
    assert s["seasons"] == {"total": 2, "with_assets": 1, "unmatched": 1, "percent_complete": 50.0}
    assert s["collections"]["total"] == 1 and report["ignored"] == {
        "unmonitored": 0, "folders": 0, "titles": 1, "tags": 1, "profiles": 0, "collections": 1}
    assert report["unmatched"]["series"][0]["missing_seasons"] == [2]
    assert s["overall"] == {"total": 5, "with_assets": 3, "unmatched": 2, "percent_complete": 60.0}
    empty = build_report([], None, index, Rules())
    assert empty["summary"]["movies"]["percent_complete"] is None
    assert empty["summary"]["collections"]["total"] is None


def test_fast_asset_name_agrees_with_the_naming_module():
    from curatarr.assets.naming import asset_name_for_path
    from curatarr.unmatched.report import _asset_name

    for path in ("/data/movies/Dune (2021) {tmdb-438631}", "/data/movies/Dune (2021)/Dune.2021.2160p.mkv",
                 "/data/tv/Dr. Strangelove (1964)/", "/m/A/Alien (1979)/alien.MP4", "D:\\Movies\\Heat (1995)",
                 "D:\\Movies\\Heat (1995)\\heat.mkv", "/x/Movie.2020.iso", "/data/tv/.hidden"):
        assert _asset_name(path) == asset_name_for_path(path), path
    assert _asset_name("") is None and _asset_name("/") is None


def test_empty_seasons_option_and_config_coercions():
    from curatarr.modules.unmatched_assets import UnmatchedAssetsConfig

    index = scan_asset_folder("/nonexistent", "folders")
    show = MediaEntry("s", "series", "s:1", "S", 2001, "/t/S (2001)",
                      seasons=[SeasonEntry(1, True, 2), SeasonEntry(2, True, 0), SeasonEntry(3, True, None)])
    assert build_report([show], None, index, Rules())["summary"]["seasons"]["total"] == 2  # 0 files: left out
    with_empty = build_report([show], None, index, Rules.of(empty_seasons=True))
    assert with_empty["summary"]["seasons"]["total"] == 3
    assert with_empty["unmatched"]["series"][0]["missing_seasons"] == [1, 2, 3]

    cfg = UnmatchedAssetsConfig.model_validate({"by_library": True, "layout": None, "ignore_tags": "a, b ,"})
    assert (cfg.by_library, cfg.layout, cfg.ignore_tags) == ("on", "poster_maker", ["a", "b"])
    assert UnmatchedAssetsConfig.model_validate({"by_library": False}).by_library == "off"


def test_scan_calls_the_cancellation_check_while_reading_item_folders(tmp_path):
    from curatarr.unmatched import assets

    for n in range(assets.CHECK_EVERY * 2 + 5):
        (tmp_path / f"Item {n}").mkdir()

    class Stop(Exception):
        pass

    calls = []

    def check():
        calls.append(1)
        if len(calls) == 2:
            raise Stop

    with pytest.raises(Stop):
        scan_asset_folder(tmp_path, "folders", check=check)
    assert len(calls) == 2
