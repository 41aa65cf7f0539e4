"""../shared/acceptance/kometa_naming.yaml: where each asset goes."""

import pytest

from curatarr.assets.naming import AssetTarget, asset_name_for_path, asset_relpath, collection_asset_name
from tests.acceptance.conftest import load_table

ROWS = load_table("kometa_naming.yaml")


def _id(row):
    return f"{row['kind']}-{row['layout']}-{'lib' if row.get('library_folders') else 'nolib'}-{row['expect']}"


@pytest.mark.skipif(not ROWS, reason="../shared/acceptance/kometa_naming.yaml not present")
@pytest.mark.parametrize("row", ROWS, ids=[_id(r) for r in ROWS])
def test_asset_path(row):
    if row["kind"] == "collection":
        name = collection_asset_name(row["collection"])
    else:
        name = asset_name_for_path(row["media_path"])
    target = AssetTarget(kind=row["kind"], name=name, library=row.get("library"),
                         season=row.get("season"), episode=row.get("episode"))
    assert asset_relpath(target, layout=row["layout"], library_folders=row.get("library_folders", False)) == row["expect"]


def test_table_is_not_empty_when_present():
    from tests.acceptance.conftest import SHARED

    if (SHARED / "kometa_naming.yaml").exists():
        assert len(ROWS) >= 10


@pytest.mark.parametrize("bad", [
    AssetTarget(kind="season", name="Show"),
    AssetTarget(kind="titlecard", name="Show", season=1),
    AssetTarget(kind="season", name="Show", season=-1),
])
def test_missing_numbers_are_rejected(bad):
    with pytest.raises(ValueError):
        asset_relpath(bad)


def test_collection_name_that_sanitises_to_nothing_is_rejected():
    with pytest.raises(ValueError):
        collection_asset_name("///")
