"""Who may do what: three scopes and one ordered table of (methods, route pattern) → scope.

Scopes, weakest first:

* ``read``     — every safe method (GET/HEAD/OPTIONS): look, never change.
* ``operator`` — also every other method: run modules, edit media, manage schedules and jobs.
* ``admin``    — also what widens file access or touches credentials (the table below, plus a
  config write that changes a folder setting, see :mod:`curatarr.security.roots`).

The table is matched against the route's *template* (``/api/instances/{instance_id}``), first match
wins; a route the table does not name needs ``read`` for a safe method and ``operator`` otherwise.
``auth.deps.require_auth`` enforces it for every /api route, so routers carry no checks of their own.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from fnmatch import fnmatchcase

READ, OPERATOR, ADMIN = "read", "operator", "admin"
SCOPES: tuple[str, ...] = (READ, OPERATOR, ADMIN)
_RANK = {name: i for i, name in enumerate(SCOPES)}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Scope a new API key gets when the request names none: least privilege. Keys for webhooks or
# scripts that run modules ask for "operator"; nothing gets "admin" without asking for it.
DEFAULT_API_KEY_SCOPE = READ
# Scope keys created before scopes existed were given by the migration (foundation_0002): they
# keep working for scripts and webhooks, but lose the admin powers no one chose for them.
MIGRATED_API_KEY_SCOPE = OPERATOR
# The webhook secret only opens webhook routes (all POST), so it acts as an operator.
WEBHOOK_SCOPE = OPERATOR


@dataclass(frozen=True)
class Rule:
    methods: frozenset[str]  # empty = every method
    pattern: str  # fnmatch pattern over the route template
    scope: str

    def matches(self, method: str, route_path: str) -> bool:
        return (not self.methods or method in self.methods) and fnmatchcase(route_path, self.pattern)


def _rule(methods: str, pattern: str, scope: str) -> Rule:
    return Rule(frozenset(methods.split()) if methods != "*" else frozenset(), pattern, scope)


WRITE = "POST PUT PATCH DELETE"

# Ordered: the first rule that matches decides. Keep specific lines above general ones.
POLICY: tuple[Rule, ...] = (
    # Credentials: API keys (listing shows who can get in; creating one mints access).
    _rule("*", "/api/auth/keys*", ADMIN),
    _rule("POST", "/api/auth/logout", READ),  # revoking one's own session never needs more
    # Backups hold every secret in clear; restore replaces config, users and keys.
    _rule("*", "/api/backup", ADMIN),
    _rule("*", "/api/backups*", ADMIN),
    _rule("*", "/api/restore", ADMIN),
    # Whole-config writes can set any section, roots and secrets included.
    _rule("POST", "/api/config", ADMIN),
    # Instances hold URLs and API keys: creating, changing and deleting them is admin; testing,
    # refreshing and syncing an existing one is ordinary work.
    _rule("POST", "/api/instances/test", OPERATOR),
    _rule("POST", "/api/instances/{instance_id}/*", OPERATOR),
    _rule(WRITE, "/api/instances*", ADMIN),
    # Notification targets carry webhook URLs and tokens; sending a test is ordinary work.
    _rule("POST", "/api/notifications/test", OPERATOR),
    _rule(WRITE, "/api/notifications*", ADMIN),
    # A GET that starts a job (CHUB's shape): running a module is operator work.
    _rule("GET", "/api/nestarr/scan", OPERATOR),
)


def rank(scope: str | None) -> int:
    return _RANK.get(scope or "", -1)


def at_least(have: str | None, need: str) -> bool:
    return rank(have) >= rank(need)


def lower(a: str, b: str) -> str:
    """The weaker of two scopes."""
    return a if rank(a) <= rank(b) else b


def normalise_scope(value: str | None, default: str) -> str:
    if value is None or value == "":
        return default
    if value not in _RANK:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    return value


def required_scope(method: str, route_path: str) -> str:
    method = method.upper()
    for rule in POLICY:
        if rule.matches(method, route_path):
            return rule.scope
    return READ if method in SAFE_METHODS else OPERATOR


def denial(have: str | None, need: str) -> str:
    """The 403 detail when ``have`` is below ``need``."""
    return f"this needs the {need} scope; these credentials have {have or 'no'} scope"


# ---- the caller of the current request, for checks below the router (config writes) ----------------

class Caller:
    """Mutable holder the request guard puts in a context variable before the app runs; the auth
    dependency fills in the scope. Mutable on purpose: sync dependencies and handlers run in worker
    threads on *copies* of the request's context, which share this object but not re-assignments."""

    __slots__ = ("scope",)

    def __init__(self) -> None:
        self.scope: str | None = None


CALLER: ContextVar[Caller | None] = ContextVar("curatarr_caller", default=None)


def caller_scope() -> str | None:
    """The scope of the HTTP caller being served, or None outside a request (CLI, jobs: trusted)."""
    caller = CALLER.get()
    return None if caller is None else (caller.scope or READ)
