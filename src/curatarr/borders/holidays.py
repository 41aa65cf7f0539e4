"""Holiday schedules: ``range(MM/DD-MM/DD)`` day ranges, inclusive at both ends, that may cross the
new year (``range(12/20-01/05)``). The first holiday in list order whose range contains today wins.

CHUB compared a date with midnight of the end day, so the last day of every range never matched
(Halloween 10/01–10/31 ended on Oct 30); here both ends count. A holiday every one of whose days is
already covered by holidays listed before it could never be active: that is refused as a config
error rather than silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_RANGE = re.compile(r"(?:range\(\s*(?P<a>[^)]*)\s*\)|(?P<b>[^()]*))")
_BOUNDS = re.compile(r"(\d{1,2})/(\d{1,2})\s*-\s*(\d{1,2})/(\d{1,2})")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# CHUB's UI presets (dates as CHUB ships them; the colours are ours — CHUB's presets name dates only).
PRESETS: tuple[dict, ...] = (
    {"name": "New Year", "schedule": "range(12/30-01/02)", "colors": ["#d4af37", "#c0c0c0"]},
    {"name": "Valentine's Day", "schedule": "range(02/05-02/15)", "colors": ["#d41f3a", "#ffc0cb"]},
    {"name": "Easter", "schedule": "range(03/31-04/02)", "colors": ["#ffb6c1", "#b0e0e6", "#fffacd"]},
    {"name": "Mother's Day", "schedule": "range(05/10-05/15)", "colors": ["#ff69b4", "#ffdab9"]},
    {"name": "Father's Day", "schedule": "range(06/15-06/20)", "colors": ["#1e3a8a", "#87ceeb"]},
    {"name": "Independence Day", "schedule": "range(07/01-07/05)", "colors": ["#b22234", "#ffffff", "#3c3b6e"]},
    {"name": "Labor Day", "schedule": "range(09/01-09/07)", "colors": ["#1f4e79", "#f2c14e"]},
    {"name": "Halloween", "schedule": "range(10/01-10/31)", "colors": ["#ff7518", "#000000"]},
    {"name": "Thanksgiving", "schedule": "range(11/01-11/30)", "colors": ["#a0522d", "#d2691e", "#ffa500"]},
    {"name": "Christmas", "schedule": "range(12/01-12/31)", "colors": ["#c1121f", "#1b7f3b"]},
)


@dataclass(frozen=True)
class DayRange:
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]

    @property
    def crosses_year(self) -> bool:
        return self.end < self.start

    def contains(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.crosses_year:
            return key >= self.start or key <= self.end
        return self.start <= key <= self.end

    def text(self) -> str:
        return f"range({self.start[0]:02d}/{self.start[1]:02d}-{self.end[0]:02d}/{self.end[1]:02d})"

    def occurrence(self, today: date) -> tuple[date, date]:
        """The first/last day of the occurrence that contains ``today`` or comes next."""
        for year in (today.year - 1, today.year, today.year + 1):
            first = _on(year, self.start)
            last = _on(year + 1 if self.crosses_year else year, self.end)
            if last >= today:
                return first, last
        raise AssertionError("unreachable: a range recurs every year")  # pragma: no cover


def _on(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    try:
        return date(year, month, day)
    except ValueError:  # 02/29 in a common year: the range ends (or starts) on the 28th
        return date(year, month, day - 1)


def parse_schedule(text: object) -> DayRange:
    """``range(MM/DD-MM/DD)`` (or the bare ``MM/DD-MM/DD``) → DayRange; ValueError says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a holiday schedule is required, e.g. range(10/01-10/31)")
    match = _RANGE.fullmatch(text.strip())
    inner = (match.group("a") if match and match.group("a") is not None else match.group("b") if match else None)
    bounds = _BOUNDS.fullmatch(inner.strip()) if inner is not None else None
    if bounds is None:
        raise ValueError(f"{text!r} is not a schedule: use range(MM/DD-MM/DD), e.g. range(12/20-01/05)")
    m1, d1, m2, d2 = (int(g) for g in bounds.groups())
    for month, day in ((m1, d1), (m2, d2)):
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r}: month {month} does not exist")
        if not 1 <= day <= _MONTH_DAYS[month - 1]:
            raise ValueError(f"{text!r}: {month:02d}/{day:02d} is not a day of the year")
    return DayRange((m1, d1), (m2, d2))


_LEAP_YEAR = 2024  # every month/day of any year exists in it


def covered_days(rng: DayRange) -> set[tuple[int, int]]:
    day, out = date(_LEAP_YEAR, 1, 1), set()
    while day.year == _LEAP_YEAR:
        if rng.contains(day):
            out.add((day.month, day.day))
        day += timedelta(days=1)
    return out


def check_order(holidays: list[tuple[str, DayRange]]) -> None:
    """ValueError when a name repeats or a holiday is entirely shadowed by earlier ones."""
    seen: set[str] = set()
    taken: dict[tuple[int, int], str] = {}
    for name, rng in holidays:
        key = name.strip().casefold()
        if key in seen:
            raise ValueError(f"holiday {name!r} is listed twice")
        seen.add(key)
        days = covered_days(rng)
        if days and days <= taken.keys():
            by = sorted({taken[d] for d in days})
            raise ValueError(f"holiday {name!r} ({rng.text()}) is never active: every one of its days is covered by "
                             f"{', '.join(repr(b) for b in by)} listed before it (list order decides overlaps)")
        for d in days:
            taken.setdefault(d, name)


def active_index(ranges: list[DayRange], today: date) -> int | None:
    """Index of the first range containing ``today`` (list order decides overlaps), or None."""
    for i, rng in enumerate(ranges):
        if rng.contains(today):
            return i
    return None
