"""The scheduler: turns ``schedule.<module>`` rules into jobs at their due times.

- Each module's next due time is computed from its rule (``curatarr.jobs.rules``) in the
  configured time zone (``general.timezone``; empty = the system's).
- A due time fires exactly once: it is consumed under a lock and remembered in the database
  (``schedule_state.last_due_at``), so neither a second tick in the same minute nor a restart
  fires it again.
- Config changes (API, UI, a restored config) re-plan immediately through the config store's
  change listener — no restart needed.
- Runs missed while the server was down are not stacked: at most one catch-up run on start
  (``jobs.schedule_catch_up``, default true), then the rule continues from now.
- A module that is already queued or running when its time comes is not queued again (the due
  time is consumed and logged as skipped).
- System rules (the 6-hourly instance health snapshot) run through the same machinery.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Callable
from zoneinfo import ZoneInfo

from curatarr.db.base import iso, utcnow
from curatarr.db.models.jobs import ScheduleState
from curatarr.jobs.rules import Rule, RuleError, parse_rule
from curatarr.modules import registry

if TYPE_CHECKING:
    from curatarr.jobs.queue import JobQueue
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.scheduler")

SYSTEM_RULES: dict[str, str] = {"health_snapshot": "interval(360)"}
MAX_SLEEP = 30.0  # re-check at least this often (guards against wall-clock jumps)


def system_timezone() -> tzinfo:
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # no zone information on this machine
        return timezone.utc


def configured_timezone(rt: "Runtime") -> tzinfo:
    name = rt.config.settings.general.timezone
    if name:
        try:
            return ZoneInfo(name)
        except Exception:
            log.warning("unknown time zone %r; using the system's", name)
    return system_timezone()


def tz_name(tz: tzinfo) -> str:
    return getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)


class Scheduler:
    def __init__(self, rt: "Runtime", queue: "JobQueue", *, clock: Callable[[], datetime] | None = None,
                 system_rules: dict[str, str] | None = None):
        self.rt = rt
        self.queue = queue
        self.clock = clock or utcnow
        self.system_rules = dict(SYSTEM_RULES if system_rules is None else system_rules)
        self._lock = threading.RLock()
        self._rules: dict[str, Rule] = {}
        self._next: dict[str, datetime] = {}
        self._errors: dict[str, str] = {}
        self._last: dict[str, dict] = {}
        self.tz: tzinfo = timezone.utc
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[tuple[str, datetime, int | None]] = []  # recent firings (newest last), for status

    # ---- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        self.reload(initial=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def health_check(self) -> bool:
        """For /api/health: the scheduler thread is alive."""
        return self.running

    def on_config_change(self, old, new) -> None:
        if old.schedule != new.schedule or old.general.timezone != new.general.timezone or \
                (old.model_extra or {}).get("jobs") != (new.model_extra or {}).get("jobs"):
            self.reload()

    # ---- planning ---------------------------------------------------------------------------------
    def wanted_rules(self) -> tuple[dict[str, Rule], dict[str, str]]:
        """Rules from config (+ system rules); invalid ones are reported, not fatal."""
        rules: dict[str, Rule] = {}
        errors: dict[str, str] = {}
        section = self.rt.config.settings.schedule or {}
        for module, text in section.items():
            if not registry.exists(module):
                errors[module] = f"unknown module {module!r}"
                continue
            try:
                rule = parse_rule(text)
            except RuleError as exc:
                errors[module] = str(exc)
                continue
            if rule is not None:
                rules[module] = rule
        for module, text in self.system_rules.items():
            if registry.exists(module):
                rule = parse_rule(text)
                if rule is not None:
                    rules.setdefault(module, rule)
        return rules, errors

    def reload(self, *, initial: bool = False) -> None:
        """Re-plan from the current config. On the first load, missed runs are caught up once."""
        rules, errors = self.wanted_rules()
        tz = configured_timezone(self.rt)
        now = self.clock()
        catch_up = bool(((self.rt.config.get_section("jobs") or {}) if isinstance(
            self.rt.config.get_section("jobs"), dict) else {}).get("schedule_catch_up", True))
        states = self._load_states()
        with self._lock:
            tz_changed = tz_name(tz) != tz_name(self.tz)
            self.tz = tz
            new_next: dict[str, datetime] = {}
            for module, rule in rules.items():
                old = self._rules.get(module)
                if not initial and old is not None and old.text == rule.text and not tz_changed \
                        and module in self._next:
                    new_next[module] = self._next[module]
                    continue
                st = states.get(module)
                if initial and st is not None and st.rule == rule.text and st.last_due_at is not None:
                    missed = rule.next_after(st.last_due_at, tz)
                    if missed <= now:
                        new_next[module] = missed if catch_up else rule.next_after(now, tz)
                        if catch_up:
                            log.info("schedule %s: catching up the run due %s (missed while stopped)", module, iso(missed))
                    else:
                        new_next[module] = missed
                else:
                    new_next[module] = rule.next_after(now, tz)
                if st is None or st.rule != rule.text:
                    self._save_state(module, rule.text, None, None, None)
            self._rules, self._next, self._errors = rules, new_next, errors
        for module, err in errors.items():
            log.warning("schedule for %s ignored: %s", module, err)
        self._wake.set()
        events = getattr(self.queue, "events", None)
        if events is not None:
            events.publish("schedule.changed", {"modules": sorted(rules), "timezone": tz_name(tz)})

    # ---- firing -----------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> list[tuple[str, datetime, int | None]]:
        """Fire every rule whose due time has come; returns (module, due, job id or None if skipped)."""
        now = now or self.clock()
        fired = []
        with self._lock:
            due = [(m, t) for m, t in self._next.items() if t <= now]
            for module, due_at in sorted(due, key=lambda x: x[1]):
                rule = self._rules[module]
                # Consume the due time first: whatever happens below, it never fires twice.
                self._next[module] = rule.next_after(max(due_at, now), self.tz)
                job_id = self._fire(module, rule, due_at, now)
                fired.append((module, due_at, job_id))
                self.fired = (self.fired + [(module, due_at, job_id)])[-100:]
        return fired

    def _fire(self, module: str, rule: Rule, due_at: datetime, now: datetime) -> int | None:
        states = getattr(self.queue, "states", None)
        current = states.state(module) if states is not None else {}
        job_id: int | None = None
        if current.get("status") in ("running", "queued", "cancelling"):
            log.info("schedule %s: due %s skipped, job %s is still %s", module, iso(due_at), current.get("job_id"),
                     current.get("status"))
        else:
            try:
                job_id = self.queue.submit(module, origin={"source": "schedule", "rule": rule.text, "due": iso(due_at)},
                                           source="system" if module in self.system_rules and
                                           module not in (self.rt.config.settings.schedule or {}) else "schedule",
                                           dedupe_key=f"schedule:{module}")
                log.info("schedule %s: queued job %s for %s", module, job_id, iso(due_at))
            except Exception:
                log.exception("schedule %s: could not queue the run due %s", module, iso(due_at))
        self._last[module] = {"due": iso(due_at), "fired_at": iso(now), "job_id": job_id}
        self._save_state(module, rule.text, due_at, now, job_id)
        return job_id

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            with self._lock:
                upcoming = min(self._next.values()) if self._next else None
            wait = MAX_SLEEP
            if upcoming is not None:
                wait = max(0.05, min(MAX_SLEEP, (upcoming - self.clock()).total_seconds()))
            self._wake.wait(timeout=wait)
            self._wake.clear()

    # ---- state in the database --------------------------------------------------------------------
    def _load_states(self) -> dict[str, ScheduleState]:
        with self.rt.db.session() as s:
            return {row.module: row for row in s.query(ScheduleState).all()}

    def _save_state(self, module: str, rule: str, due: datetime | None, fired: datetime | None,
                    job_id: int | None) -> None:
        try:
            with self.rt.db.session() as s:
                row = s.get(ScheduleState, module)
                if row is None:
                    row = ScheduleState(module=module)
                    s.add(row)
                row.rule = rule
                row.last_due_at = due
                if fired is not None:
                    row.last_fired_at = fired
                    row.last_job_id = job_id
        except Exception:
            log.exception("could not save schedule state of %s", module)

    # ---- reading ----------------------------------------------------------------------------------
    def next_run(self, module: str) -> datetime | None:
        with self._lock:
            return self._next.get(module)

    def rule(self, module: str) -> Rule | None:
        with self._lock:
            return self._rules.get(module)

    def status(self, *, upcoming: int = 5) -> list[dict]:
        """Every rule with its next run times (in UTC ISO and in the configured zone)."""
        now = self.clock()
        states = self._load_states()
        out = []
        with self._lock:
            items = list(self._rules.items())
            tz = self.tz
            nexts = dict(self._next)
            errors = dict(self._errors)
        for module, rule in sorted(items):
            nxt = nexts.get(module)
            runs = [nxt] + rule.next_runs(nxt, tz, upcoming - 1) if nxt else rule.next_runs(now, tz, upcoming)
            st = states.get(module)
            out.append({"module": module, **rule.as_dict(), "system": module in self.system_rules and
                        module not in (self.rt.config.settings.schedule or {}),
                        "next_run": iso(nxt), "next_run_local": nxt.astimezone(tz).isoformat() if nxt else None,
                        "next_runs": [iso(r) for r in runs],
                        "next_runs_local": [r.astimezone(tz).isoformat() for r in runs],
                        "last_due": iso(st.last_due_at) if st else None,
                        "last_fired": iso(st.last_fired_at) if st else None,
                        "last_job_id": st.last_job_id if st else None, "error": None})
        for module, err in sorted(errors.items()):
            out.append({"module": module, "rule": (self.rt.config.settings.schedule or {}).get(module),
                        "description": None, "next_run": None, "next_runs": [], "error": err, "system": False})
        return out

    def errors(self) -> dict[str, str]:
        with self._lock:
            return dict(self._errors)
