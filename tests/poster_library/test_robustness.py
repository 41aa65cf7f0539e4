"""Bad input never crashes the parser, the title keys or the matcher (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curatarr.poster_library.facts import parse_poster_path
from curatarr.poster_library.matching import Matcher, MediaCandidate
from curatarr.poster_library.titles import title_keys

MATCHER = Matcher([MediaCandidate("movie", "The Matrix", 1999, tmdb=603),
                   MediaCandidate("show", "Breaking Bad", 2008, tvdb=81189, seasons=(1, 2)),
                   MediaCandidate("collection", "Alien Collection", tmdb=8091),
                   MediaCandidate("movie", "", None)])
NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
SUFFIXES = st.sampled_from([".jpg", ".png", ".webp", ".JPEG", ".txt", ""])


@settings(max_examples=400, deadline=None)
@given(NAMES, SUFFIXES)
def test_any_name_parses_and_matches_with_a_reason(name, suffix):
    facts = parse_poster_path(name + suffix)
    if facts is None:
        return
    found = MATCHER.match(facts)
    assert found.reason
    assert found.media is None or 0 <= found.media < 4
    assert found.media != 3  # a title-less item is never matched by title


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_title_keys_are_total(title):
    keys = title_keys(title)
    for key in (keys.exact, keys.bare, keys.loose):
        assert not any(c.isspace() for c in key)
    # a key is empty only when nothing matchable is left, and the looser keys are never emptied
    assert bool(keys.bare) == bool(keys.exact) and bool(keys.loose) == bool(keys.exact)
