"""Title normalisation: table tests (DAPS' observed outputs where we agree, our documented deviations)."""

from __future__ import annotations

import pytest

from curatarr.library import normalize as n

# (input, matching key) — the DAPS table of reference/ecosystem.md §1.3 where our rules agree.
DAPS_AGREED = [
    ("The Matrix (1999)", "thematrix"),
    ("Star Wars: Episode IV - A New Hope (1977)", "starwarsepisodeivanewhope"),
    ("Amélie (2001)", "amelie"),
    ("WALL·E (2008)", "walle"),
    ("Alien³ (1992)", "alien3"),
    ("M*A*S*H (1972)", "mash"),
    ("Se7en (1995)", "se7en"),
    ("The Office (US) (2005)", "theoffice"),
    ("The Office (UK) (2001)", "theoffice"),
    ("Marvel's Agents of S.H.I.E.L.D. (2013)", "marvelsagentsofshield"),
    ("DC's Legends of Tomorrow (2016)", "legendsoftomorrow"),
    ("9-1-1: Lone Star (2020)", "911lonestar"),
    ("(500) Days of Summer (2009)", "500daysofsummer"),
    ("2001: A Space Odyssey (1968)", "2001aspaceodyssey"),
    ("Blade Runner 2049 (2017)", "bladerunner2049"),
    ("Ultraman (1966) (1966)", "ultraman"),
    ("Willow (2022) {tvdb-393192}", "willow"),
    ("Dune (2021) {imdb-tt1160419}", "dune"),
    ("Shōgun (2024)", "shogun"),
    ("The Lord of the Rings Collection", "thelordoftheringscollection"),
]

# Where we deliberately differ from DAPS (documented in normalize.py and docs/library.md).
DEVIATIONS = [
    ("Fast & Furious (2009)", "fastandfurious"),          # DAPS: fastfurious (so "&" never met "and")
    ("Love, Death & Robots (2019)", "lovedeathandrobots"),
    ("Dune (2021) [tmdb-438631]", "dune"),                # square-bracket ids dropped like curly ones
    ("千と千尋の神隠し", "千と千尋の神隠し"),                     # non-Latin letters kept (DAPS: empty key)
    ("Брат 2 (2000)", "брат2"),
    ("&amp; Juniper (2024)", "andjuniper"),
]


@pytest.mark.parametrize("title,expected", DAPS_AGREED + DEVIATIONS)
def test_normalize_title(title, expected):
    assert n.normalize_title(title) == expected


def test_and_and_ampersand_meet():
    assert n.normalize_title("Fast & Furious") == n.normalize_title("Fast and Furious")


@pytest.mark.parametrize("title,words", [
    ("The Matrix Reloaded", ["the", "matrix", "reloaded"]),
    ("Marvel's Agents of S.H.I.E.L.D.", ["marvels", "agents", "of", "shield"]),
    ("Léon: The Professional", ["leon", "the", "professional"]),
    ("", []),
    (None, []),
])
def test_title_words(title, words):
    assert n.title_words(title) == words


@pytest.mark.parametrize("title,token", [
    ("The Matrix", "matrix"), ("A Quiet Place", "quiet"), ("Die Hard", "hard"), ("The", "the"),
    ("Alien", "alien"), ("Les Misérables", "miserables"),
])
def test_first_token_skips_leading_articles(title, token):
    assert n.first_token(title) == token


def test_search_keys_are_word_suffixes():
    assert n.search_keys("The Matrix Reloaded") == {"thematrixreloaded", "matrixreloaded", "reloaded"}
    assert n.search_keys("Dune", "Dune: Part One") >= {"dune", "dunepartone", "partone", "one"}


def test_search_keys_are_capped():
    long_title = " ".join(f"word{i}" for i in range(40))
    keys = n.search_keys(long_title)
    assert len(keys) == n.MAX_SEARCH_WORDS
    assert all(len(k) <= n.SEARCH_KEY_LENGTH for k in keys)


@pytest.mark.parametrize("query,key", [("The Mat", "themat"), ("matrix rel", "matrixrel"), ("  ", ""),
                                       ("Amélie", "amelie"), ("Fast & Fur", "fastandfur")])
def test_normalize_query(query, key):
    assert n.normalize_query(query) == key


def test_prefix_upper_bound_brackets_every_extension():
    hi = n.prefix_upper_bound("matr")
    assert hi == "mats"
    for candidate in ("matr", "matrix", "matrzzzz", "matr\u00ff"):
        assert "matr" <= candidate < hi
    assert not ("matr" <= "mats" < hi)
    with pytest.raises(ValueError):
        n.prefix_upper_bound("")


@pytest.mark.parametrize("path,key", [
    ("/data/movies/Dune (2021) {tmdb-438631}", "dune2021"),
    ("/movies/Dune (2021) {tmdb-438631}/Dune (2021) [Bluray-1080p].mkv", "dune2021"),
    ("D:\\Movies\\Dune (2021)", "dune2021"),
    ("/tv/Breaking Bad (2008) [tvdb-81189]/", "breakingbad2008"),
    ("", ""),
])
def test_folder_key_ignores_mount_points_and_ids(path, key):
    assert n.folder_key(path) == key


def test_ids_and_year_from_folder():
    assert n.ids_from_folder("/x/Dune (2021) {imdb-tt1160419} {tmdb-438631}") == {"imdb": "tt1160419", "tmdb": "438631"}
    assert n.year_from_text("Blade Runner 2049 (2017)") == 2017
    assert n.year_from_text("no year") is None
