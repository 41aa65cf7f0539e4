"""parse_poster_path: what a poster file's path says (CHUB's parsing facts, ecosystem.md §1.9, plus ours)."""

from __future__ import annotations

import pytest

from curatarr.poster_library.facts import parse_poster_path
from curatarr.poster_library.titles import title_keys


@pytest.mark.parametrize("path, expect", [
    ("Set/Show (2020) - Season 01.jpg", dict(kind="season", title="Show", year=2020, season=1, owner="Set")),
    ("Set/Show (2020) - Specials.jpg", dict(kind="season", season=0)),
    ("Set/Show (2020)_Season02.png", dict(kind="season", title="Show", season=2)),
    ("Owner/Show (2020) {tvdb-5}/Season01.jpg", dict(kind="season", title="Show", year=2020, tvdb=5, season=1,
                                                     owner="Owner")),
    ("Owner/Show (2020) {tvdb-5}/poster.jpg", dict(kind="item", title="Show", tvdb=5, owner="Owner")),
    ("Inception (2010).jpg", dict(kind="item", title="Inception", year=2010, owner=None)),
    ("Marvel Cinematic Universe Collection.jpg", dict(kind="collection", year=None)),
    ("The Collection (2012).jpg", dict(kind="item", title="The Collection", year=2012)),
    ("Movie [tmdb-12345] (2020).jpg", dict(title="Movie", tmdb=12345, year=2020)),
    ("X-Men First Class 35mm Special (2012) {tmdb-691677} {imdb-tt1948218}.jpg",
     dict(kind="item", title="X-Men First Class 35mm Special", tmdb=691677, imdb="tt1948218")),
    ("Open Season 2 (2008).jpg", dict(kind="item", title="Open Season 2", season=None)),
    ("Ultraman (1966) (1966).jpg", dict(title="Ultraman", year=1966)),
    ("Movie (2020) {edition-Director's Cut}.jpg", dict(title="Movie", year=2020)),
    ("tmdb_123/poster.jpg", dict(tmdb=123, title="", problem=None)),
    ("Set/Title (2001) {imdb-TT0076759}.jpg", dict(imdb="tt0076759")),
    ("Set/Title {tvdbid-81189}.webp", dict(tvdb=81189, year=None)),
    ("Set/Show (2020) - S01E01.jpg", dict(problem="an episode title card, not a poster")),
    ("Set/Movie (2020)_background.jpg", dict(problem="a background, not a poster")),
    ("Set/.hidden.jpg", dict(problem="hidden file")),
    ("poster.jpg", dict(problem="a folder-layout name outside a media folder")),
    ("Set/{edition-x}.jpg", dict(problem="no title left in the name")),
    ("Set\\Windows (2001).JPG", dict(title="Windows", owner="Set")),
])
def test_parse(path, expect):
    facts = parse_poster_path(path)
    assert facts is not None and facts.file == path
    for key, value in expect.items():
        assert getattr(facts, key) == value, (key, facts)


@pytest.mark.parametrize("path", ["notes.txt", "Movie (2020).nfo", "Set/.jpg", "Set/Movie (2020).gif"])
def test_not_indexed(path):
    assert parse_poster_path(path) is None


def test_year_out_of_range_stays_in_title():
    facts = parse_poster_path("Set/Battle (1234).jpg")
    assert facts.year is None and facts.title == "Battle (1234)"


@pytest.mark.parametrize("a, b", [("The Matrix", "Matrix"), ("X-Men", "X Men"), ("M*A*S*H", "MASH"),
                                  ("Amélie", "Amelie"), ("Tom &amp; Jerry", "Tom & Jerry"),
                                  ("Straße", "Strasse"), ("L'Avventura", "Avventura"),
                                  ("Apple TV+", "Apple TV Plus"), ("Fast & Furious", "Fast and Furious")])
def test_title_keys_equal_loosely(a, b):
    assert title_keys(a).loose == title_keys(b).loose


def test_title_keys_keep_what_matters():
    assert title_keys("The Matrix").exact == "thematrix"      # the exact key keeps the article
    assert title_keys("Theater").bare == "theater"            # only whole words are articles
    assert title_keys("A").bare == "a"                         # a one-word title is never emptied
    assert title_keys("The Office (US)").region == "us"
    assert title_keys("#Alive").literal != title_keys("Alive").literal
    assert title_keys("Star Wars Collection", drop_collection=True).exact == "starwars"
    assert title_keys("Collection", drop_collection=True).exact == "collection"
