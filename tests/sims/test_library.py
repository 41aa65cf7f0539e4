"""The sample library: deterministic, nasty where it should be, splittable per instance."""

from __future__ import annotations

import re

import pytest

from curatarr.sims.library import SampleLibrary, folder_safe, primary_artwork, sort_title


def test_same_seed_same_library_other_seed_differs():
    a, b = SampleLibrary.generate(seed=7, movies=120, shows=15), SampleLibrary.generate(seed=7, movies=120, shows=15)
    assert [(m.title, m.year, m.tmdb_id, m.folder_name, m.jellyfin_id) for m in a.movies] == \
           [(m.title, m.year, m.tmdb_id, m.folder_name, m.jellyfin_id) for m in b.movies]
    assert list(a.movies[80].artworks) == list(b.movies[80].artworks)
    assert [e.path for _, _, e in a.iter_episodes()] == [e.path for _, _, e in b.iter_episodes()]
    other = SampleLibrary.generate(seed=8, movies=120, shows=15)
    assert [m.title for m in other.movies[60:]] != [m.title for m in a.movies[60:]]


def test_demo_is_nasty(demo_library):
    titles = [m.title for m in demo_library.movies]
    originals = " ".join(m.original_title for m in demo_library.movies)
    assert len(demo_library.movies) == 50 and len(demo_library.shows) == 10 and len(demo_library.artists) == 5
    assert any(t.startswith("The ") for t in titles) and any(t.startswith("A ") for t in titles)
    assert any(t.startswith("Die ") for t in titles)
    for ch in ":&'/*":
        assert any(ch in t for t in titles), ch
    assert any("?" in a for m in demo_library.movies for a in m.alternate_titles)
    for script in (r"[\u3040-\u30ff]", r"[\u0400-\u04ff]", r"[\u0600-\u06ff]", r"[\u0590-\u05ff]", r"[\u4e00-\u9fff]"):
        assert re.search(script, originals), script
    remakes = {t for t in titles if titles.count(t) > 1}
    assert {"Dune", "The Thing", "Godzilla"} <= remakes
    assert any(m.collection for m in demo_library.movies)
    assert any(m.removed_from_tmdb for m in demo_library.movies)
    assert any(s.removed_from_tvdb for s in demo_library.shows)


def test_folder_names_follow_kometa_conventions(demo_library):
    folders = [m.folder_name for m in demo_library.movies]
    assert "The Matrix (1999) {tmdb-603}" in folders
    assert "Star Wars (1977) {imdb-tt0076759} {tmdb-11}" in folders
    assert "2001 - A Space Odyssey (1968) {tmdb-62}" in folders
    shows = [s.folder_name for s in demo_library.shows]
    assert "Breaking Bad (2008) {tvdb-81189}" in shows and "Dark (2017) [tvdb-334824]" in shows
    assert "Doctor Who (2005)" in shows  # no id tag at all
    for m in demo_library.movies:
        assert m.path == f"{m.root_folder}/{m.folder_name}"
        assert not set('\\*?"<>|:') & set(m.folder_name), m.folder_name


def test_ids_and_keys_are_unique(demo_library):
    items = list(demo_library.all_items())
    assert len({i.plex_rating_key for i in items}) == len(items)
    assert len({i.jellyfin_id for i in items}) == len(items)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i.jellyfin_id) for i in items)
    assert len({m.tmdb_id for m in demo_library.movies}) == len(demo_library.movies)
    show = demo_library.shows[0]
    assert show.plex_rating_key < show.seasons[0].plex_rating_key < show.seasons[0].episodes[0].plex_rating_key


def test_lookups(demo_library):
    movie = demo_library.movies[3]
    assert demo_library.movie(movie.id) is movie and demo_library.movie_by_tmdb(movie.tmdb_id) is movie
    assert demo_library.by_rating_key(movie.plex_rating_key) is movie
    assert demo_library.by_jellyfin_id(movie.jellyfin_id.upper()) is movie
    show, season, ep = next(demo_library.iter_episodes())
    assert demo_library.episode(ep.id) == (show, ep) and demo_library.by_rating_key(season.plex_rating_key) is season
    assert demo_library.show_by_tvdb(show.tvdb_id) is show
    artist = demo_library.artists[0]
    assert demo_library.artist_by_mbid(artist.musicbrainz_id) is artist
    assert demo_library.tag_id("4k") == 1


def test_artwork_variety(demo_library):
    arts = [a for m in demo_library.movies for a in m.artworks]
    kinds = {a.kind for a in arts}
    assert {"poster", "background", "logo", "clearart"} <= kinds
    assert {None, "xx", "en"} <= {a.language for a in arts}
    assert all(a.has_text == (a.language not in (None, "xx")) for a in arts if a.kind in ("poster", "background"))
    assert {(2000, 3000), (1000, 1500)} <= {(a.width, a.height) for a in arts if a.kind == "poster"}
    seasons = [a for s in demo_library.shows for se in s.seasons for a in se.artworks]
    assert seasons and all(a.kind == "season" and a.season_number is not None for a in seasons)
    stills = [a for _, _, e in demo_library.iter_episodes() for a in e.artworks]
    assert stills and all(a.kind == "still" and not a.has_text for a in stills)
    assert primary_artwork(demo_library.movies[0].artworks).language == "en"


def test_for_instance_4k_is_a_deterministic_partial_copy(demo_library):
    four_k = demo_library.for_instance("radarr_4k")
    again = demo_library.for_instance("radarr_4k")
    assert [m.tmdb_id for m in four_k.movies] == [m.tmdb_id for m in again.movies]
    assert 0.15 < len(four_k.movies) / len(demo_library.movies) < 0.5
    assert [m.id for m in four_k.movies] == list(range(1, len(four_k.movies) + 1))
    assert all(m.path.startswith("/data/movies-4k/") and 1 in m.tags for m in four_k.movies)
    four_k.movies[0].tags.append(99)
    assert 99 not in demo_library.movie_by_tmdb(four_k.movies[0].tmdb_id).tags


def test_for_instance_default_is_a_full_independent_copy(demo_library):
    copy = demo_library.for_instance("radarr")
    assert len(copy.movies) == len(demo_library.movies) and copy.instance == "radarr"
    copy.movies[0].title = "Changed"
    copy.shows[0].seasons[0].episodes[0].title = "Changed"
    assert demo_library.movies[0].title != "Changed"
    assert demo_library.shows[0].seasons[0].episodes[0].title != "Changed"


@pytest.mark.parametrize("title,expected", [("The Matrix", "matrix"), ("A Quiet Place", "quiet place"),
                                            ("Die Hard", "die hard"), ("Anatomy", "anatomy")])
def test_sort_title(title, expected):
    assert sort_title(title) == expected


def test_folder_safe():
    assert folder_safe("Mission: Impossible") == "Mission - Impossible"
    assert folder_safe("Face/Off") == "Face+Off"
    assert folder_safe("Who's the Boss?") == "Who's the Boss"


def test_bench_scale_generation_is_lazy_about_artwork():
    lib = SampleLibrary.generate(movies=5000, shows=500, artists=10)
    assert lib.stats()["movies"] == 5000 and lib.stats()["episodes"] > 5000
    assert repr(lib.movies[-1].artworks) == "ArtworkList(<lazy>)"
    assert len(lib.movies[-1].artworks) >= 5  # materialises on first use
