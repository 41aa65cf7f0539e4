"""Holiday schedules from a YAML table: inclusive ends, year crossing, overlaps by list order, presets,
and the clear errors for malformed or shadowed ranges and bad colours."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

from curatarr.borders.colours import normalise_colour, normalise_colours
from curatarr.borders.config import BorderReplacerrConfig
from curatarr.borders.holidays import PRESETS, DayRange, parse_schedule
from curatarr.borders.run import choose

TABLE = YAML(typ="safe").load((Path(__file__).parent / "holidays.yaml").read_text())


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: str(c["date"]))
def test_active_holiday_table(case):
    config = BorderReplacerrConfig(holidays=TABLE["holidays"], border_colors=["#000"])
    choice = choose(config, case["date"])
    assert choice.holiday == case["active"]
    if case["active"] is None:
        assert choice.colours == ["#000000"]
    else:
        wanted = next(h for h in TABLE["holidays"] if h["name"] == case["active"])["colors"]
        assert choice.colours == [normalise_colour(c) for c in wanted]


@pytest.mark.parametrize("case", TABLE["invalid_schedules"], ids=lambda c: c["schedule"] or "empty")
def test_malformed_schedules_are_refused(case):
    with pytest.raises(ValueError, match=case["error"]):
        parse_schedule(case["schedule"])
    with pytest.raises(ValidationError, match=case["error"]):
        BorderReplacerrConfig(holidays=[{"name": "X", "schedule": case["schedule"], "colors": ["#fff"]}])


@pytest.mark.parametrize("case", TABLE["invalid_lists"], ids=lambda c: c["error"])
def test_bad_holiday_lists_are_refused(case):
    with pytest.raises(ValidationError, match=case["error"]):
        BorderReplacerrConfig(holidays=case["holidays"])


def test_presets_are_valid_in_chub_order_and_new_year_wins_over_christmas():
    config = BorderReplacerrConfig(holidays=list(PRESETS))
    assert [h.name for h in config.holidays][0] == "New Year"
    assert choose(config, date(2026, 12, 31)).holiday == "New Year"  # New Year is listed first
    assert choose(config, date(2026, 12, 29)).holiday == "Christmas"
    assert choose(config, date(2026, 10, 31)).holiday == "Halloween"
    assert choose(config, date(2027, 1, 2)).holiday == "New Year"


def test_occurrence_of_a_year_crossing_range():
    rng = parse_schedule("range(12/20-01/05)")
    assert rng == DayRange((12, 20), (1, 5)) and rng.crosses_year
    assert rng.occurrence(date(2027, 1, 3)) == (date(2026, 12, 20), date(2027, 1, 5))
    assert rng.occurrence(date(2027, 6, 1)) == (date(2027, 12, 20), date(2028, 1, 5))


def test_colours_are_normalised_and_bad_ones_refused():
    assert normalise_colours("#ABC, 112233") == ["#aabbcc", "#112233"]
    assert BorderReplacerrConfig(border_colors="#fff").border_colors == ["#ffffff"]
    for bad in ("#12", "#gggggg", "white", 7):
        with pytest.raises(ValidationError, match="hex colour"):
            BorderReplacerrConfig(border_colors=[bad])
