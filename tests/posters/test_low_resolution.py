"""Low-resolution sources reach the decision record and the action center (issue 18, item 9)."""

from __future__ import annotations

import pyvips

from curatarr.posters.actions import overview
from tests.posters.conftest import asset_rows, configure, run


def _flat(width: int, height: int) -> bytes:
    return (pyvips.Image.black(width, height, bands=3) + [60, 90, 140]).cast("uchar").jpegsave_buffer(Q=90)


def test_a_tiny_source_is_recorded_and_listed_as_low_resolution(runtime, sims):
    configure(runtime, sims)
    tiny, sharp = runtime.data_dir / "tiny.jpg", runtime.data_dir / "sharp.jpg"
    tiny.write_bytes(_flat(200, 300))  # enlarged 10× to fill a 2000×3000 poster
    sharp.write_bytes(_flat(2000, 3000))
    for name, src in (("Tiny (2001)", tiny), ("Sharp (2002)", sharp)):
        run(runtime, {"mode": "manual", "manual": {"kind": "poster", "source_path": str(src), "title": name,
                                                    "folder_name": name, "library": "Movies"}})
    rows = {row.rootfolder: row for row in asset_rows(runtime).values()}
    assert rows["Tiny (2001)"].low_resolution is True and rows["Sharp (2002)"].low_resolution is False
    # manual assets are "resolved" in the action center; its low-resolution list is for chosen art
    assert "Tiny (2001)" not in {a["Rootfolder"] for a in overview(runtime, set())["categories"]["low_resolution"]["assets"]}


def test_the_action_center_lists_provider_art_that_was_enlarged(runtime, sims):
    # the test cluster's simulators serve their art at 1/10 size (small_images): every source the
    # run picks is enlarged ≥ 6× — all flagged; the manual 2000×3000 asset above shows the negative
    configure(runtime, sims)
    run(runtime)
    rows = [row for row in asset_rows(runtime).values() if row.status == "written"]
    flagged = {row.id for row in rows if row.low_resolution}
    assert rows and flagged == {row.id for row in rows}
    center = overview(runtime, set())["categories"]
    assert {a["id"] for a in center["low_resolution"]["assets"]} == flagged
    assert all(a["LowResolution"] == "true" for a in center["low_resolution"]["assets"])
    assert flagged <= {a["id"] for a in center["assets_with_issues"]["assets"]}

