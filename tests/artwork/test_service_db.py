"""The service wiring: text-fit results persist in the database and warm a fresh process."""

from __future__ import annotations

from sqlalchemy import func, select

from curatarr.artwork.compose import RenderInputs, render
from curatarr.artwork.service import ArtworkService, artwork_service, safe_file_name
from curatarr.artwork.textprep import TextInputs
from curatarr.db.models.artwork import TextFitCacheEntry


def test_fit_results_are_stored_in_the_database_and_reused(runtime):
    service = artwork_service(runtime)
    assert artwork_service(runtime) is service  # one per runtime
    template = service.store.resolve("classic", "poster")
    render(template, RenderInputs(texts=TextInputs(title="Persist Me Please")), service.context)
    with runtime.db.session() as session:
        count = session.execute(select(func.count()).select_from(TextFitCacheEntry)).scalar_one()
    assert count == 1
    # a new service (another process, after a restart) answers from the database
    from curatarr.artwork.textrender import clear_raster_cache

    clear_raster_cache()
    fresh = ArtworkService(runtime.data_dir, runtime.db)
    result = render(template, RenderInputs(texts=TextInputs(title="Persist Me Please")), fresh.context)
    assert result.layers[0]["cached"] is True and fresh.context.fit_cache.hits == 1
    seed = fresh.worker_setup().fit_seed
    assert seed and len(seed) == 1


def test_persist_fit_entries_from_batch_workers(runtime):
    service = artwork_service(runtime)
    service.persist_fit_entries({"k" * 64: {"size": 10.0, "lines": ["A"], "truncated": False, "action": "fit"}})
    service.persist_fit_entries({"k" * 64: {"size": 11.0, "lines": ["B"], "truncated": False, "action": "fit"}})
    assert service.db_store.get("k" * 64)["size"] == 10.0  # first write wins; keys are content hashes


def test_safe_file_names():
    import pytest

    from curatarr.artwork.errors import ArtworkError

    assert safe_file_name("Colus-Regular.ttf", (".ttf",)) == "Colus-Regular.ttf"
    assert safe_file_name("My Font (Bold).ttf", (".ttf",)) == "My Font (Bold).ttf"
    for bad in ("../x.ttf", "C:\\fonts\\x.ttf", "dir/x.ttf", ".hidden.ttf", "x.exe", "", "a/..", "x" * 200 + ".ttf"):
        with pytest.raises(ArtworkError):
            safe_file_name(bad, (".ttf",))
