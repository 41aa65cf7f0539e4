"""Schedule rules: parsing, validation, next run times and human descriptions. Pure functions.

Rule strings (``schedule.<module>`` in config.yml):

    cron(0 */6 * * *)        five-field cron expression
    interval(30)             every 30 minutes (due at whole multiples of 30 min since the Unix epoch,
                             so due times survive restarts)
    hourly(15)               minute 15 of every hour (several: hourly(00|30))
    daily(03:00|15:30)       one or more times a day
    weekly(mon,fri@09:00)    days (mon…sun or full names) @ time; several groups with |
    monthly(1,15@09:00)      days of the month @ time; several groups with |
    null / ""                manual only

Everything except ``interval`` becomes one or more cron expressions evaluated by croniter in the
configured time zone (so 09:00 stays 09:00 across daylight-saving changes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from croniter import croniter

__all__ = ["Rule", "RuleError", "parse_rule", "normalize_rule", "next_runs"]


class RuleError(ValueError):
    """A schedule string that cannot be used (the message says why and shows the accepted forms)."""


FORMS = ("cron(<5 fields>)", "interval(<minutes>)", "hourly(MM)", "daily(HH:MM|HH:MM…)",
         "weekly(mon,fri@HH:MM)", "monthly(1,15@HH:MM)", "null")
_RULE = re.compile(r"^\s*([a-z]+)\s*\(\s*(.*?)\s*\)\s*$", re.IGNORECASE | re.DOTALL)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {d: d for d in DAYS} | {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
                                     "friday": "fri", "saturday": "sat", "sunday": "sun", "tues": "tue",
                                     "thur": "thu", "thurs": "thu"}
_DAY_LABEL = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
_CRON_DOW = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}
MAX_INTERVAL = 60 * 24 * 366


def _bad(text: str, why: str) -> RuleError:
    return RuleError(f"invalid schedule {text!r}: {why} (accepted: {', '.join(FORMS)})")


def _time(text: str, raw: str) -> tuple[int, int]:
    m = _TIME.match(raw.strip())
    if not m:
        raise _bad(text, f"{raw.strip()!r} is not a time HH:MM")
    hh, mm = int(m.group(1)), int(m.group(2))
    if hh > 23 or mm > 59:
        raise _bad(text, f"{raw.strip()!r} is not a time of day")
    return hh, mm


def _split(arg: str) -> list[str]:
    return [p.strip() for p in arg.split("|") if p.strip()]


@dataclass(frozen=True)
class Rule:
    kind: str
    text: str  # canonical form
    crons: tuple[str, ...] = ()
    interval_minutes: int | None = None
    times: tuple[str, ...] = ()  # "HH:MM" for daily rules (Posterizarr's scheduler/status)

    def next_after(self, after: datetime, tz: tzinfo) -> datetime:
        """The first due time strictly after ``after`` (aware; returned in UTC)."""
        if after.tzinfo is None:
            after = after.replace(tzinfo=timezone.utc)
        if self.interval_minutes:
            step = self.interval_minutes * 60
            ts = after.timestamp()
            nxt = (int(ts // step) + 1) * step
            return datetime.fromtimestamp(nxt, timezone.utc)
        local = after.astimezone(tz)
        best: datetime | None = None
        for expr in self.crons:
            cand = croniter(expr, local).get_next(datetime)
            if cand.tzinfo is None:
                cand = cand.replace(tzinfo=tz)
            cand = cand.astimezone(timezone.utc)
            if cand <= after:  # croniter works at minute resolution; never return a time not after ``after``
                cand = croniter(expr, (after + timedelta(minutes=1)).astimezone(tz)).get_next(datetime).astimezone(timezone.utc)
            if best is None or cand < best:
                best = cand
        assert best is not None
        return best

    def next_runs(self, after: datetime, tz: tzinfo, count: int = 5) -> list[datetime]:
        out: list[datetime] = []
        t = after
        for _ in range(max(0, count)):
            t = self.next_after(t, tz)
            out.append(t)
        return out

    def describe(self) -> str:
        """Human summary, e.g. "every day at 03:00 and 15:30"."""
        arg = self.text[self.text.index("(") + 1:-1]
        if self.kind == "interval":
            n = self.interval_minutes or 0
            if n % 1440 == 0:
                return "every day" if n == 1440 else f"every {n // 1440} days"
            if n % 60 == 0:
                return "every hour" if n == 60 else f"every {n // 60} hours"
            return "every minute" if n == 1 else f"every {n} minutes"
        if self.kind == "hourly":
            mins = _split(arg)
            return f"every hour at minute {_join(mins)}"
        if self.kind == "daily":
            return f"every day at {_join(list(self.times))}"
        if self.kind == "weekly":
            parts = []
            for group in _split(arg):
                days, _, t = group.partition("@")
                parts.append(f"{', '.join(_DAY_LABEL[d] for d in days.split(','))} at {t}")
            return "every " + "; ".join(parts)
        if self.kind == "monthly":
            parts = []
            for group in _split(arg):
                days, _, t = group.partition("@")
                parts.append(f"day {_join(days.split(','))} of the month at {t}")
            return "; ".join(parts)
        return f"cron: {arg}"

    def as_dict(self) -> dict:
        return {"rule": self.text, "kind": self.kind, "description": self.describe(),
                "interval_minutes": self.interval_minutes, "cron": list(self.crons), "times": list(self.times)}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def parse_rule(text: str | None) -> Rule | None:
    """Parse a rule string; None for "manual only" (None, "", "null", "none", "manual")."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise RuleError(f"a schedule must be a string like daily(03:00), not {type(text).__name__}")
    raw = text.strip()
    if raw.lower() in ("", "null", "none", "manual", "disabled", "off"):
        return None
    m = _RULE.match(raw)
    if not m:
        raise _bad(raw, "expected kind(arguments)")
    kind, arg = m.group(1).lower(), m.group(2)
    if not arg:
        raise _bad(raw, "the arguments are empty")
    if kind == "cron":
        fields = arg.split()
        if len(fields) != 5:
            raise _bad(raw, f"cron needs 5 fields, got {len(fields)}")
        expr = " ".join(fields)
        if not croniter.is_valid(expr):
            raise _bad(raw, "not a valid cron expression")
        return Rule("cron", f"cron({expr})", crons=(expr,))
    if kind == "interval":
        if not re.fullmatch(r"\d+", arg):
            raise _bad(raw, "interval takes a whole number of minutes")
        n = int(arg)
        if not 1 <= n <= MAX_INTERVAL:
            raise _bad(raw, f"interval must be 1…{MAX_INTERVAL} minutes")
        return Rule("interval", f"interval({n})", interval_minutes=n)
    if kind == "hourly":
        mins = []
        for part in _split(arg):
            if not re.fullmatch(r"\d{1,2}", part) or int(part) > 59:
                raise _bad(raw, f"{part!r} is not a minute 0…59")
            mins.append(int(part))
        mins = sorted(set(mins))
        return Rule("hourly", f"hourly({'|'.join(f'{m:02d}' for m in mins)})",
                    crons=(f"{','.join(str(m) for m in mins)} * * * *",))
    if kind == "daily":
        times = sorted({_time(raw, p) for p in _split(arg)})
        if not times:
            raise _bad(raw, "no time given")
        labels = tuple(f"{h:02d}:{mm:02d}" for h, mm in times)
        return Rule("daily", f"daily({'|'.join(labels)})", crons=tuple(f"{mm} {h} * * *" for h, mm in times),
                    times=labels)
    if kind in ("weekly", "monthly"):
        groups, crons = [], []
        for group in _split(arg):
            days_raw, sep, t = group.partition("@")
            if not sep:
                raise _bad(raw, f"{group!r} needs days@HH:MM")
            hh, mm = _time(raw, t)
            days = [d.strip().lower() for d in days_raw.split(",") if d.strip()]
            if not days:
                raise _bad(raw, f"{group!r} names no day")
            if kind == "weekly":
                norm = []
                for d in days:
                    if d not in _DAY_NAMES:
                        raise _bad(raw, f"{d!r} is not a day of the week")
                    norm.append(_DAY_NAMES[d])
                norm = sorted(set(norm), key=DAYS.index)
                crons.append(f"{mm} {hh} * * {','.join(str(_CRON_DOW[d]) for d in norm)}")
            else:
                nums = []
                for d in days:
                    if not re.fullmatch(r"\d{1,2}", d) or not 1 <= int(d) <= 31:
                        raise _bad(raw, f"{d!r} is not a day of the month 1…31")
                    nums.append(int(d))
                norm = [str(n) for n in sorted(set(nums))]
                crons.append(f"{mm} {hh} {','.join(norm)} * *")
            groups.append(f"{','.join(norm)}@{hh:02d}:{mm:02d}")
        if not groups:
            raise _bad(raw, "no days@time group")
        return Rule(kind, f"{kind}({'|'.join(groups)})", crons=tuple(crons))
    if kind == "range":
        raise _bad(raw, "range() is a date window for holiday borders, not a run schedule")
    raise _bad(raw, f"unknown kind {kind!r}")


def normalize_rule(text: str | None) -> str | None:
    """The canonical form of a rule (validates; None for manual only)."""
    rule = parse_rule(text)
    return rule.text if rule else None


def next_runs(text: str | None, after: datetime, tz: tzinfo, count: int = 5) -> list[datetime]:
    rule = parse_rule(text)
    return rule.next_runs(after, tz, count) if rule else []
