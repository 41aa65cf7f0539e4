"""Schedule rule parsing and next-run computation, as tables."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from curatarr.jobs.rules import RuleError, normalize_rule, parse_rule

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc

# rule, after (local Berlin time), expected next three runs (local Berlin time)
NEXT_RUNS = [
    ("cron(0 */6 * * *)", "2026-01-10 05:59", ["2026-01-10 06:00", "2026-01-10 12:00", "2026-01-10 18:00"]),
    ("hourly(15)", "2026-01-10 05:15", ["2026-01-10 06:15", "2026-01-10 07:15", "2026-01-10 08:15"]),
    ("hourly(00|30)", "2026-01-10 05:10", ["2026-01-10 05:30", "2026-01-10 06:00", "2026-01-10 06:30"]),
    ("daily(03:00|15:30)", "2026-01-10 04:00", ["2026-01-10 15:30", "2026-01-11 03:00", "2026-01-11 15:30"]),
    ("daily(23:59)", "2026-12-31 23:59", ["2027-01-01 23:59", "2027-01-02 23:59", "2027-01-03 23:59"]),
    # 2026-01-10 is a Saturday
    ("weekly(mon,fri@09:00)", "2026-01-10 00:00", ["2026-01-12 09:00", "2026-01-16 09:00", "2026-01-19 09:00"]),
    ("weekly(saturday@10:00|sun@08:00)", "2026-01-10 10:00", ["2026-01-11 08:00", "2026-01-17 10:00", "2026-01-18 08:00"]),
    ("monthly(1,15@09:00)", "2026-01-15 09:00", ["2026-02-01 09:00", "2026-02-15 09:00", "2026-03-01 09:00"]),
    ("monthly(31@06:00)", "2026-01-31 07:00", ["2026-03-31 06:00", "2026-05-31 06:00", "2026-07-31 06:00"]),
    # Daylight saving: 09:00 stays 09:00 local across the March change
    ("daily(09:00)", "2026-03-28 10:00", ["2026-03-29 09:00", "2026-03-30 09:00", "2026-03-31 09:00"]),
]


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)


@pytest.mark.parametrize("rule,after,expected", NEXT_RUNS)
def test_next_runs(rule, after, expected):
    runs = parse_rule(rule).next_runs(local(after), BERLIN, 3)
    assert [r.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for r in runs] == expected
    assert all(r.tzinfo is not None for r in runs)


def test_interval_is_anchored_to_the_epoch():
    rule = parse_rule("interval(30)")
    after = datetime(2026, 1, 10, 5, 7, 12, tzinfo=UTC)
    assert rule.next_runs(after, BERLIN, 3) == [datetime(2026, 1, 10, 5, 30, tzinfo=UTC),
                                                datetime(2026, 1, 10, 6, 0, tzinfo=UTC),
                                                datetime(2026, 1, 10, 6, 30, tzinfo=UTC)]
    # exactly on a due time → the next one (strictly after)
    assert rule.next_after(datetime(2026, 1, 10, 6, 0, tzinfo=UTC), BERLIN) == datetime(2026, 1, 10, 6, 30, tzinfo=UTC)


def test_next_after_is_strictly_after_even_inside_the_due_minute():
    rule = parse_rule("daily(06:00)")
    due = datetime(2026, 1, 10, 6, 0, 20, tzinfo=BERLIN)
    assert rule.next_after(due, BERLIN) == datetime(2026, 1, 11, 6, 0, tzinfo=BERLIN)


CANONICAL = [
    ("DAILY( 3:00 | 01:05 )", "daily(01:05|03:00)"),
    ("weekly(Friday,mon@9:00)", "weekly(mon,fri@09:00)"),
    ("monthly(15,1@09:00)", "monthly(1,15@09:00)"),
    ("hourly(5)", "hourly(05)"),
    ("cron(0  3 * * 1-5)", "cron(0 3 * * 1-5)"),
    ("interval(90)", "interval(90)"),
    (None, None), ("", None), ("null", None), ("manual", None),
]


@pytest.mark.parametrize("raw,canonical", CANONICAL)
def test_normalize(raw, canonical):
    assert normalize_rule(raw) == canonical
    if canonical:
        assert normalize_rule(canonical) == canonical  # round trip: the UI can write back what it reads


DESCRIPTIONS = [
    ("interval(30)", "every 30 minutes"), ("interval(120)", "every 2 hours"), ("interval(1440)", "every day"),
    ("daily(03:00|15:30)", "every day at 03:00 and 15:30"), ("hourly(15)", "every hour at minute 15"),
    ("weekly(mon,fri@09:00)", "every Mon, Fri at 09:00"), ("monthly(1,15@09:00)", "day 1 and 15 of the month at 09:00"),
    ("cron(*/5 * * * *)", "cron: */5 * * * *"),
]


@pytest.mark.parametrize("rule,text", DESCRIPTIONS)
def test_describe(rule, text):
    assert parse_rule(rule).describe() == text


INVALID = [
    ("cron(* * *)", "5 fields"), ("cron(61 * * * *)", "not a valid cron"), ("interval(0)", "interval must be"),
    ("interval(ten)", "whole number"), ("hourly(60)", "minute"), ("daily(24:00)", "time of day"),
    ("daily(7)", "not a time"), ("weekly(funday@09:00)", "day of the week"), ("weekly(mon)", "days@HH:MM"),
    ("monthly(32@09:00)", "day of the month"), ("range(12/01-12/31)", "holiday"), ("yearly(1)", "unknown kind"),
    ("daily", "kind(arguments)"), ("daily()", "empty"),
]


@pytest.mark.parametrize("rule,message", INVALID)
def test_invalid_rules_explain_themselves(rule, message):
    with pytest.raises(RuleError) as err:
        parse_rule(rule)
    assert message in str(err.value)
    assert "daily(HH:MM" in str(err.value)


def test_non_string_rule_is_refused():
    with pytest.raises(RuleError):
        parse_rule({"type": "interval", "minutes": 5})  # type: ignore[arg-type]
