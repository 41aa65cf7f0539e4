"""Linking *arr items to media-server items (pure): ids first, then title+year(+folder), then folder."""

from __future__ import annotations

from curatarr.library.linking import LinkRow, compute_links


def lr(id_, kind="movie", tmdb=None, tvdb=None, imdb=None, mbid=None, title="", year=None, folder=None):
    return LinkRow(id=id_, kind=kind, tmdb_id=tmdb, tvdb_id=tvdb, imdb_id=imdb, musicbrainz_id=mbid,
                   norm_title=title, year=year, folder_key=folder)


def test_ids_win_and_link_every_copy():
    arr = [lr("radarr:1", tmdb=603, title="thematrix", year=1999), lr("radarr_4k:9", tmdb=603, title="thematrix", year=1999)]
    srv = [lr("plex:100", tmdb=603, title="matrix", year=1999)]
    assert compute_links(arr, srv) == {("radarr:1", "plex:100"): "tmdb", ("radarr_4k:9", "plex:100"): "tmdb"}


def test_series_prefer_tvdb_and_kinds_never_mix():
    arr = [lr("sonarr:1", kind="series", tvdb=81189, tmdb=1396), lr("radarr:5", kind="movie", tmdb=1396)]
    srv = [lr("plex:7", kind="series", tvdb=81189, tmdb=1396)]
    assert compute_links(arr, srv) == {("sonarr:1", "plex:7"): "tvdb"}


def test_title_year_fallback_narrowed_by_folder():
    arr = [lr("radarr:1", title="dune", year=2021, folder="dune2021"),
           lr("radarr:2", title="dune", year=2021, folder="dune2021edition")]
    srv = [lr("jf:a", title="dune", year=2021, folder="dune2021")]
    assert compute_links(arr, srv) == {("radarr:1", "jf:a"): "path"}
    srv_no_folder = [lr("jf:b", title="dune", year=2021)]
    assert compute_links(arr, srv_no_folder) == {("radarr:1", "jf:b"): "title_year", ("radarr:2", "jf:b"): "title_year"}


def test_conflicting_ids_block_the_title_fallback():
    arr = [lr("radarr:1", tmdb=1, title="dune", year=2021)]
    srv = [lr("plex:1", tmdb=2, title="dune", year=2021)]
    assert compute_links(arr, srv) == {}


def test_folder_only_match_and_unmatched_items():
    arr = [lr("radarr:1", title="leon", year=1994, folder="leontheprofessional1994")]
    srv = [lr("plex:1", title="leontheprofessional", year=1994, folder="leontheprofessional1994"),
           lr("plex:2", title="nothing", year=1990)]
    assert compute_links(arr, srv) == {("radarr:1", "plex:1"): "path"}


def test_scales_linearly_without_comparing_all_pairs():
    arr = [lr(f"radarr:{i}", tmdb=i, title=f"t{i}", year=2000) for i in range(1, 50_001)]
    srv = [lr(f"plex:{i}", tmdb=i, title=f"t{i}", year=2000) for i in range(1, 50_001)]
    links = compute_links(arr, srv)
    assert len(links) == 50_000 and set(links.values()) == {"tmdb"}
