"""../shared/acceptance/image_choice.yaml: which candidate image the poster maker picks."""

import pytest

from curatarr.artwork.choice import Candidate, ChoiceRules, choose, normalise_language
from tests.acceptance.conftest import load_table

ROWS = load_table("image_choice.yaml")


def _cands(raw):
    return [Candidate.from_raw(c["provider"], c.get("lang"), id=c["id"], width=c.get("w", 0), height=c.get("h", 0),
                               marker=c.get("marker")) for c in raw or []]


@pytest.mark.skipif(not ROWS, reason="../shared/acceptance/image_choice.yaml not present")
@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_choice(row):
    rules = ChoiceRules(language_order=row["order"], favourite=row["fav"],
                        min_width=(row.get("min") or {}).get("w", 0), min_height=(row.get("min") or {}).get("h", 0))
    manual = Candidate(id=row["manual"]["id"], provider="manual", language="xx") if row.get("manual") else None
    result = choose(_cands(row["candidates"]), rules, manual=manual,
                    parent_candidates=_cands(row.get("show_candidates")), parent_fallback=row.get("show_fallback", False))
    assert result.id == row["expect"]["id"]
    if "fallback" in row["expect"]:
        assert result.fallback == row["expect"]["fallback"]


@pytest.mark.parametrize("provider,lang,expected", [
    ("tmdb", None, "xx"), ("fanart", "00", "xx"), ("fanart", "", "xx"), ("tvdb", None, "xx"),
    ("tmdb", "EN", "en"), ("plex", None, "unknown"), ("plex", "", "unknown"),
])
def test_language_normalisation(provider, lang, expected):
    assert normalise_language(provider, lang) == expected


def test_our_own_marker_is_reusable():
    rules = ChoiceRules(language_order=["xx", "en"], favourite="tmdb")
    ours = Candidate(id="p", provider="plex", language="xx", width=2000, height=3000, marker="created with curatarr")
    assert choose([ours], rules).id == "p"
