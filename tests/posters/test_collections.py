"""Collections in automatic mode: Plex collections and Jellyfin/Emby BoxSets get a poster each."""

from __future__ import annotations

import httpx

from curatarr.artwork.encode import read_provenance
from curatarr.posters.collections import collection_relpath, collection_texts
from tests.posters.conftest import asset_rows, configure, run

ONLY_COLLECTIONS = {"posters": False, "backgrounds": False, "seasons": False, "titlecards": False,
                    "collections": True}


def _matrix(sims):
    return next(m.collection for m in sims.library.movies if m.collection)


def test_paths_and_texts():
    assert collection_relpath("The Matrix Collection", "Movies") == "Collections/Movies/The Matrix Collection/poster.jpg"
    assert collection_relpath("AC/DC: Live", "Movies") == "Collections/Movies/ACDC Live/poster.jpg"
    assert collection_relpath("AC/DC", "Movies", layout="flat") == "Collections/ACDC_poster.jpg"
    assert collection_relpath("X", "Movies", library_folders=False) == "Collections/X/poster.jpg"
    assert collection_texts("The Matrix Collection") == {"title": "The Matrix", "collection_word": "Collection"}
    assert collection_texts("Collection")["title"] == "Collection"


def test_plex_collection_poster_from_the_tmdb_collection(runtime, sims):
    configure(runtime, sims, **ONLY_COLLECTIONS)
    coll = _matrix(sims)
    first = run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    key = f"Collections/Movies/{coll.name}/poster.jpg"
    assert (root / key).is_file() and read_provenance(root / key) is not None
    assert first.counts["collections"] == 1 == first.counts["writes"]
    row = asset_rows(runtime)[key]
    assert row.kind == "collection" and row.type == "Collection" and row.provider == "tmdb"
    assert row.status == "written" and row.download_source.startswith("http")
    assert row.fav_provider_link == "false" or "/collection/" in row.fav_provider_link
    tmdb = sims.sim("tmdb")
    assert tmdb.find_requests(f"/collection/{coll.tmdb_id}/images")
    assert sims.sim("plex").find_requests("/library/collections/")  # members were read

    second = run(runtime)
    assert second.counts["writes"] == 0 and second.counts["provider_calls"] == 0
    assert second.counts["unchanged"] == 1


def test_jellyfin_boxset_uses_its_tmdb_collection_id_directly(runtime, sims):
    configure(runtime, sims, servers=("jellyfin",), **ONLY_COLLECTIONS)
    coll = _matrix(sims)
    result = run(runtime)
    key = f"Collections/Movies/{coll.name}/poster.jpg"
    assert result.counts["collections"] == 1 and asset_rows(runtime)[key].provider == "tmdb"
    tmdb = sims.sim("tmdb")
    assert tmdb.find_requests(f"/collection/{coll.tmdb_id}/images")
    assert not [r for r in tmdb.find_requests("/3/movie/") if not r.path.endswith("/images")]


def test_flat_layout_and_titles_with_a_slash(runtime, sims):
    movie = sims.library.movies[1]
    url = sims.servers["plex"].url
    httpx.put(f"{url}/library/sections/1/all", params={"type": 1, "id": movie.plex_rating_key,
                                                       "collection[0].tag.tag": "AC/DC Live"},
              headers={"X-Plex-Token": sims.keys["plex"]}).raise_for_status()
    configure(runtime, sims, layout="flat", **ONLY_COLLECTIONS)
    result = run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    assert (root / "Collections" / "ACDC Live_poster.jpg").is_file()
    assert (root / "Collections" / f"{_matrix(sims).name}_poster.jpg").is_file()
    assert not (root / "Collections" / "AC").exists()
    assert result.counts["collections"] == 2


def test_server_collection_art_when_tmdb_has_none(runtime, sims):
    runtime.config.update({"instances": sims.instances({"plex"}),
                           "poster_maker": {"workers": 1, **ONLY_COLLECTIONS}})
    result = run(runtime)
    row = asset_rows(runtime)[f"Collections/Movies/{_matrix(sims).name}/poster.jpg"]
    assert result.counts["collections"] == 1
    assert row.provider == "plex" and row.language == "false" and row.fallback == "true"


def test_collection_poster_is_uploaded_to_the_collection(runtime, sims):
    from curatarr.connectors.plex import PlexClient

    configure(runtime, sims, upload=True, **ONLY_COLLECTIONS)
    result = run(runtime)
    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        coll = plex.collections("1")[0]
    uploads = sims.sim("plex").events("uploads")
    assert result.counts["uploads"] == 1
    assert [str(u["rating_key"]) for u in uploads] == [coll.rating_key]


def test_collections_can_be_switched_off_and_excluded_libraries_are_skipped(runtime, sims):
    configure(runtime, sims, **{**ONLY_COLLECTIONS, "collections": False})
    assert run(runtime).counts["collections"] == 0
    configure(runtime, sims, exclude_libraries=["Movies"], **ONLY_COLLECTIONS)
    assert run(runtime).counts["collections"] == 0
    assert not (runtime.data_dir / "posters" / "assets" / "Collections").exists()


def test_stats_count_collections_apart_from_library_folders(runtime, sims):
    from curatarr.posters.folders import folder_stats

    configure(runtime, sims, titlecards=False, seasons=False, backgrounds=False, collections=True)
    result = run(runtime)
    stats = folder_stats(runtime.data_dir / "posters" / "assets")
    assert stats["collections"] == result.counts["collections"] == 1
    assert stats["posters"] == result.counts["posters"]
    assert {f["name"] for f in stats["folders"]} == {"Movies", "TV Shows"}
