"""Run notifications: which targets get told about a finished job, and what they are told.

Targets live in ``config.yml``::

    notifications:
      main:                                   # global: every (visible) module's runs
        discord: {webhook: https://discord.com/api/webhooks/1/abc, policy: on_error}
        kuma:    {type: uptime_kuma, url: https://kuma.lan/api/push/XYZ}
      renameinatorr:                          # this module only
        discord: {webhook: https://…, bot_name: Curatarr, policy: changes}
        phone:   {type: apprise, url: ntfy://ntfy.lan/curatarr}
        mail:    {type: email, smtp_server: smtp.lan, smtp_port: 587, username: me, password: …,
                  from: me@lan, to: [you@lan], use_tls: true}

A target's kind is its ``type`` or, failing that, its key (discord, notifiarr, apprise,
uptime_kuma, email — CHUB's keys). ``policy``: ``always`` (default), ``changes`` (the run changed
something, or failed) or ``error`` (failed or interrupted only). ``enabled: false`` mutes it;
``modules: [...]`` narrows a global target. Transport is :mod:`curatarr.connectors.notify`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from curatarr.connectors.notify import Notification, Notifier, NotifyTarget, mask_url
from curatarr.modules import registry

if TYPE_CHECKING:
    from curatarr.runtime import Runtime

log = logging.getLogger("curatarr.notifications")

KINDS = ("discord", "notifiarr", "apprise", "uptime_kuma", "email")
POLICIES = ("always", "changes", "error")
_POLICY_ALIASES = {"on_error": "error", "errors": "error", "on_changes": "changes", "on_change": "changes",
                   "change": "changes", "all": "always"}
GLOBAL_KEYS = ("main", "global")
MAX_ITEMS = 200


class TargetError(ValueError):
    """A notification target that cannot be used (the message says which field is wrong)."""


@dataclass(frozen=True)
class Target:
    scope: str  # "main" or a module name
    name: str  # key under the scope
    kind: str
    policy: str
    target: NotifyTarget
    modules: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.scope}.{self.name}"

    def describe(self) -> dict:
        return {"scope": self.scope, "name": self.name, "type": self.kind, "policy": self.policy,
                "target": mask_url(self.target.url), "modules": list(self.modules)}


def _email_url(cfg: dict) -> str:
    server = str(cfg.get("smtp_server") or cfg.get("host") or "").strip()
    if not server:
        raise TargetError("email needs smtp_server")
    port = int(cfg.get("smtp_port") or 587)
    user = str(cfg.get("username") or "")
    password = str(cfg.get("password") or "")
    tls = cfg.get("use_tls", True)
    scheme = "mailtos" if tls else "mailto"
    auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    to = cfg.get("to") or []
    to = [to] if isinstance(to, str) else list(to)
    if not to:
        raise TargetError("email needs at least one address in to")
    query = f"?to={quote(','.join(str(t) for t in to), safe='@,')}"
    sender = cfg.get("from")
    if sender:
        query += f"&from={quote(str(sender), safe='@')}"
    if tls and port == 587:
        query += "&mode=starttls"
    return f"{scheme}://{auth}{server}:{port}{query}"


def parse_target(scope: str, name: str, cfg: Any) -> Target:
    """One configured target → :class:`Target` (TargetError when unusable)."""
    if not isinstance(cfg, dict):
        raise TargetError(f"notifications.{scope}.{name} must be a mapping")
    kind = str(cfg.get("type") or name).lower()
    if kind not in KINDS:
        raise TargetError(f"notifications.{scope}.{name}: unknown type {kind!r} (use one of {', '.join(KINDS)})")
    policy = str(cfg.get("policy") or "always").lower()
    policy = _POLICY_ALIASES.get(policy, policy)
    if policy not in POLICIES:
        raise TargetError(f"notifications.{scope}.{name}: policy must be one of {', '.join(POLICIES)}")
    if kind == "email":
        url = _email_url(cfg)
        target = NotifyTarget(url=url, kind="apprise", name=f"{scope}.{name}")
    else:
        url = str(cfg.get("webhook") or cfg.get("url") or cfg.get("webhook_url") or cfg.get("push_url") or "").strip()
        if not url:
            raise TargetError(f"notifications.{scope}.{name}: a url (or webhook) is required")
        channel = cfg.get("channel_id") or cfg.get("channel")
        try:
            channel = int(channel) if channel not in (None, "") else None
        except (TypeError, ValueError):
            raise TargetError(f"notifications.{scope}.{name}: channel_id must be a number") from None
        target = NotifyTarget(url=url, kind=kind if kind != "apprise" else "apprise", name=f"{scope}.{name}",
                              username=cfg.get("bot_name") or cfg.get("username") or None,
                              avatar_url=cfg.get("avatar_url") or None, channel=channel,
                              api_key=cfg.get("api_key") or None)
    modules = cfg.get("modules") or ()
    modules = (modules,) if isinstance(modules, str) else tuple(str(m) for m in modules)
    return Target(scope=scope, name=name, kind=kind, policy=policy, target=target, modules=modules)


def configured_targets(section: Any) -> tuple[list[Target], list[str]]:
    """Every enabled target in a ``notifications`` section, plus the errors of unusable ones."""
    targets, errors = [], []
    if not isinstance(section, dict):
        return targets, errors
    for scope, entries in section.items():
        if not isinstance(entries, dict):
            errors.append(f"notifications.{scope} must be a mapping of targets")
            continue
        for name, cfg in entries.items():
            if isinstance(cfg, dict) and cfg.get("enabled") is False:
                continue
            try:
                targets.append(parse_target(str(scope), str(name), cfg))
            except TargetError as exc:
                errors.append(str(exc))
    return targets, errors


def targets_for(section: Any, module: str) -> list[Target]:
    targets, _ = configured_targets(section)
    mod = registry.try_get(module)
    hidden = bool(mod and mod.hidden)
    out = []
    for t in targets:
        if t.scope == module:
            out.append(t)
        elif t.scope in GLOBAL_KEYS and not hidden and (not t.modules or module in t.modules):
            out.append(t)
    return out


def wants(policy: str, job: dict) -> bool:
    status = job.get("status")
    failed = status in ("error", "interrupted")
    if policy == "error":
        return failed
    if policy == "changes":
        return failed or changed_count(job) > 0
    return True


def changed_count(job: dict) -> int:
    result = job.get("result") or {}
    return len(result.get("changed") or []) + int(result.get("truncated") or 0)


def _title_of(module: str) -> str:
    mod = registry.try_get(module)
    return (mod.title if mod and mod.title else module.replace("_", " ").title())


def _counts_text(counts: dict) -> str:
    return " · ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()) or "nothing to do"


def format_job(job: dict) -> Notification:
    """A readable summary of a finished job: what happened, counts, the changed items."""
    module = job["module"]
    title = _title_of(module)
    status = job.get("status")
    result = job.get("result") or {}
    counts = result.get("counts") or {}
    prefix = "[Dry run] " if job.get("dry_run") else ""
    changed = changed_count(job)
    if status == "success":
        head = f"{prefix}{title}: " + (f"{changed} changed" if changed else "no changes")
        level = "warning" if result.get("warnings") or result.get("errors") else ("success" if changed else "info")
    elif status == "cancelled":
        head, level = f"{prefix}{title} was cancelled", "warning"
    elif status == "interrupted":
        head, level = f"{prefix}{title} was interrupted", "error"
    else:
        head, level = f"{prefix}{title} failed", "error"
    lines = []
    if job.get("error"):
        lines.append(str(job["error"]))
    duration = job.get("duration_seconds")
    lines.append(f"{_counts_text(counts)}" + (f" · took {_human_duration(duration)}" if duration is not None else ""))
    fields: list[tuple[str, str]] = [(k.replace("_", " ").capitalize(), str(v)) for k, v in counts.items()][:10]
    fields.append(("Job", f"#{job['id']} ({job.get('source') or 'manual'})"))
    warnings = result.get("warnings") or []
    if warnings:
        fields.append(("Warnings", "\n".join(str(w) for w in warnings[:10])
                       + (f"\n… {len(warnings) - 10} more" if len(warnings) > 10 else "")))
    for err in (result.get("errors") or [])[:5]:
        fields.append((f"Failed: {err.get('item', '?')}"[:200], str(err.get("message", ""))[:500]))
    items = [str(c.get("description", "")) for c in (result.get("changed") or [])[:MAX_ITEMS]]
    if changed > len(items):
        items.append(f"… and {changed - len(items)} more")
    return Notification(title=head, body="\n".join(lines), fields=fields, level=level, items=items,
                        items_title="Changed", source=title,
                        ping_ms=float(duration) * 1000.0 if duration is not None else None)


def _human_duration(seconds: float) -> str:
    s = int(round(seconds or 0))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60}s"
    return f"{s // 3600}h {(s % 3600) // 60}m"


def send(targets: list[Target], notification: Notification, *, notifier: Notifier | None = None) -> list[dict]:
    """Deliver to the targets; one result per target (masked, never raises)."""
    if not targets:
        return []
    own = notifier is None
    notifier = notifier or Notifier()
    try:
        results = notifier.send(notification, [t.target for t in targets])
    finally:
        if own:
            notifier.close()
    out = []
    for t, r in zip(targets, results):
        out.append({"scope": t.scope, "name": t.name, "type": t.kind, "ok": r.ok, "messages": r.messages,
                    "error": r.error, "target": r.target, "message": "sent" if r.ok else (r.error or "failed")})
    return out


def notify_job_finished(rt: "Runtime", job: dict) -> list[dict]:
    """Send the end-of-run notification for ``job`` to every target whose policy wants it; the
    delivery results are recorded on the job (``result.data.notifications``)."""
    section = rt.config.get_section("notifications") or {}
    chosen = [t for t in targets_for(section, job["module"]) if wants(t.policy, job)]
    if not chosen:
        return []
    results = send(chosen, format_job(job))
    for r in results:
        if r["ok"]:
            log.info("job %s: notified %s.%s", job["id"], r["scope"], r["name"])
        else:
            log.warning("job %s: notification to %s.%s failed: %s", job["id"], r["scope"], r["name"], r["error"])
    queue = getattr(rt, "jobs", None)
    if queue is not None:
        queue.store.add_result_data(job["id"], "notifications", results)
    return results


def test_notification(module: str | None) -> Notification:
    title = _title_of(module) if module and module not in GLOBAL_KEYS else "Curatarr"
    return Notification(title=f"{title}: test notification", body="If you can read this, notifications work.",
                        fields=[("Module", module or "main")], level="info", items=["example item (2024)"],
                        items_title="Changed", source=title)
