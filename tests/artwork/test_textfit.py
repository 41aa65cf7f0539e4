"""Text fitting: the size search, line breaking, overflow rules, fallback fonts, the cache."""

from __future__ import annotations

import pytest

from curatarr.artwork.fonts import FontRegistry, metrics
from curatarr.artwork.templates import TextLayer
from curatarr.artwork.textfit import FaceChooser, FitCache, FitParams, FitResult, TextFitter, fit_key
from curatarr.artwork.textprep import TextInputs, episode_label, prepare_text, source_text
from curatarr.artwork.textrender import render_text

from .conftest import LONG_TITLES

REG = FontRegistry(None)


def chooser(font="Cinzel", **kw) -> FaceChooser:
    return FaceChooser(REG.chain(font, **kw))


def params(**kw) -> FitParams:
    base = dict(box_width=1900, box_height=500, min_size=45, max_size=300)
    base.update(kw)
    return FitParams(**base)


def test_short_title_gets_the_maximum_size():
    result = TextFitter("UP", chooser(), params()).fit()
    assert result.size == 300 and result.lines == ["UP"] and not result.truncated


def test_size_is_the_largest_that_fits():
    ch = chooser()
    fitter = TextFitter("THE LORD OF THE RINGS: THE RETURN OF THE KING", ch, params())
    result = fitter.fit()
    assert 45 <= result.size < 300
    assert fitter.fits(result.size)
    assert not fitter.fits(result.size + 1.0)  # half a point of precision, checked one point up


def test_wider_box_never_gives_a_smaller_size():
    text = "THE LORD OF THE RINGS: THE RETURN OF THE KING"
    sizes = [TextFitter(text, chooser(), params(box_width=w)).fit().size for w in (800, 1200, 1600, 1900)]
    assert sizes == sorted(sizes)


def test_forced_breaks_and_caps():
    layer = TextLayer(type="text", id="t", box={"width": 1900, "height": 500}, newline_symbols=[" - "],
                      newline_words={"Spider-Man": "Spider-\nMan"})
    assert prepare_text("Star Wars - A New Hope", layer) == "STAR WARS\nA NEW HOPE"
    assert prepare_text("Spider-Man „Far” “Home”", layer) == 'SPIDER-\nMAN "FAR" "HOME"'
    kept = layer.model_copy(update={"keep_symbols": [" - "], "all_caps": False})
    assert prepare_text("A - B", kept) == "A -\nB"
    result = TextFitter("STAR WARS\nA NEW HOPE", chooser(), params()).fit()
    assert result.lines == ["STAR WARS", "A NEW HOPE"]


def test_episode_label_and_sources():
    layer = TextLayer(type="text", id="ep", source="episode_label", box={"width": 1000, "height": 120})
    assert episode_label(1, 5, layer) == "SEASON 1 • EPISODE 5"
    inputs = TextInputs(title="Show", season_number=2)
    season = layer.model_copy(update={"source": "season_name"})
    assert source_text(season, inputs) == "Season 2"
    custom = layer.model_copy(update={"source": "custom", "text": "{title} ({year}) {unknown}"})
    assert source_text(custom, TextInputs(title="Dune", year=2021)) == "Dune (2021) {unknown}"
    assert source_text(layer.model_copy(update={"source": "episode_title"}), inputs) is None


@pytest.mark.parametrize("overflow", ["skip", "shrink", "ellipsize"])
def test_overflow_rules_when_text_cannot_fit_at_the_minimum(overflow):
    text = " ".join(["SUPERCALIFRAGILISTIC"] * 12)
    p = params(box_width=1000, box_height=120, min_size=50, max_size=80, overflow=overflow)
    result = TextFitter(text, chooser(), p).fit()
    assert result.truncated and result.action == overflow
    fitter = TextFitter(text, chooser(), p)
    if overflow == "skip":
        assert result.size == 50
    elif overflow == "shrink":
        assert result.size < 50
    else:
        assert result.size == 50 and result.lines[-1].endswith("…")
        assert fitter.block_height(result.lines, result.size) <= p.inner_height


def test_long_german_compound_fits_or_is_handled():
    text = LONG_TITLES["german"].upper()
    fit = TextFitter(text, chooser(), params()).fit()
    assert not fit.truncated and len(fit.lines) == 1  # one word: never broken mid-word when it fits
    tight = TextFitter(text, chooser(), params(box_width=600, box_height=120, min_size=45, max_size=80)).fit()
    assert tight.truncated and tight.action == "skip"


def test_cjk_breaks_between_characters_and_uses_a_cjk_face():
    ch = chooser()
    runs, missing = ch.runs(LONG_TITLES["cjk"])
    assert not missing
    assert {ch.chain[idx].name for _t, idx in runs} == {"Noto Sans CJK JP"}
    result = TextFitter(LONG_TITLES["cjk"] * 3, ch, params(box_width=900, box_height=500, max_size=120)).fit()
    assert len(result.lines) > 1 and "".join(result.lines) == LONG_TITLES["cjk"] * 3


@pytest.mark.parametrize("script, face", [
    ("arabic", "Noto Sans Arabic"), ("hebrew", "Noto Sans Hebrew"), ("thai", "Noto Sans Thai"),
    ("cyrillic", "Noto Sans"),
])
def test_every_character_gets_a_face_that_has_its_glyph(script, face):
    ch = chooser()
    runs, missing = ch.runs(LONG_TITLES[script])
    assert missing == []
    used = {ch.chain[idx].name for text, idx in runs if text.strip(" :")}
    assert face in used
    for text, idx in runs:
        m = metrics(ch.chain[idx])
        assert all(m.covers(ord(c)) for c in text if c not in " \u200c\u200d")


def test_rtl_font_comes_first_for_rtl_libraries():
    ch = chooser(rtl_font="Noto Sans Arabic", rtl=True)
    assert ch.chain[0].name == "Noto Sans Arabic" and ch.chain[1].name == "Cinzel"
    ko = chooser(language="ko")
    assert "Noto Sans CJK KR" in [f.name for f in ko.chain]


def test_uncovered_characters_are_dropped_and_reported_not_drawn_as_tofu():
    ch = chooser()
    runs, missing = ch.runs("AB\U000F0000C")  # a private-use plane codepoint no font has
    assert missing == ["\U000F0000"] and "".join(t for t, _ in runs) == "ABC"


def test_rendered_ink_fits_the_box_for_long_titles():
    for name, title in LONG_TITLES.items():
        p = params()
        raster = render_text(title.upper(), chooser(rtl_font="Noto Sans Arabic"), p, weight=None, align="center",
                             cache=None)
        assert raster.width <= p.inner_width + 1 and raster.height <= p.inner_height + 1, name
        assert raster.mask.max() > 200, name  # something was drawn


def test_fit_cache_hits_memory_and_persistent_store():
    class Store:
        def __init__(self):
            self.data = {}

        def get(self, key):
            return self.data.get(key)

        def put(self, key, value):
            self.data[key] = value

    store = Store()
    cache = FitCache(store=store)
    ch = chooser()
    p = params()
    first = render_text("A NEW TITLE FOR CACHING", ch, p, weight=None, align="center", cache=cache)
    assert cache.misses == 1 and len(store.data) == 1
    key = fit_key("A NEW TITLE FOR CACHING", ch.chain, p, None) + ":center"
    assert key in store.data
    fresh = FitCache(store=store)  # a new process: memory empty, database warm
    assert fresh.get(key).size == first.size and fresh.hits == 1
    assert FitResult.from_json(store.data[key]).lines == first.lines


def test_fit_key_depends_on_every_parameter():
    ch = chooser()
    keys = {fit_key("X", ch.chain, params(), None), fit_key("Y", ch.chain, params(), None),
            fit_key("X", ch.chain, params(box_width=1000), None), fit_key("X", ch.chain, params(), 700),
            fit_key("X", ch.chain, params(line_spacing=10), None)}
    assert len(keys) == 5


def test_balanced_lines_avoid_a_lonely_last_word():
    text = "THE LORD OF THE RINGS THE RETURN OF THE KING"
    greedy = TextFitter(text, chooser(), params(box_width=1900, box_height=900, max_size=200)).fit()
    balanced = TextFitter(text, chooser(), params(box_width=1900, box_height=900, max_size=200, balance=True)).fit()
    ch = chooser()
    widths = lambda lines: [ch.width_em(line) for line in lines]  # noqa: E731
    assert len(balanced.lines) == len(greedy.lines) >= 2
    assert max(widths(balanced.lines)) <= max(widths(greedy.lines)) + 1e-9
    assert min(widths(balanced.lines)) >= min(widths(greedy.lines)) - 1e-9
