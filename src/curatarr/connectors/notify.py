"""Outbound notifications: Discord (native embeds), Notifiarr passthrough, any Apprise URL, Uptime Kuma.

One :class:`Notification` (title, body, fields, level, items, url) is rendered natively for each
target kind. Discord limits are respected by packing fields into several embeds and messages;
a 429 is retried after ``Retry-After`` by :class:`~curatarr.connectors.http.HttpService`.
Every target URL passes the SSRF guard. Webhook URLs are credentials: log them only through
:func:`mask_url`; Apprise's own log lines are scrubbed of the URL's secret parts while it runs.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import ipaddress
import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from curatarr.config.secrets import MASK
from curatarr.connectors.errors import BadResponse, ConnectorError, NotFound, Unreachable
from curatarr.connectors.http import HttpService, RetryPolicy
from curatarr.connectors.provider_images import RateLimiter
from curatarr.security.urls import BLOCKED_HOSTNAMES, UnsafeURL, check_host, parse_address

log = logging.getLogger(__name__)

Level = Literal["info", "success", "warning", "error"]
TargetKind = Literal["discord", "notifiarr", "apprise", "uptime_kuma"]

LEVEL_COLORS: dict[str, int] = {"info": 0x3498DB, "success": 5763719, "warning": 15120384, "error": 16711680}

# Discord's documented limits for webhook messages.
DISCORD_TITLE, DISCORD_DESCRIPTION, DISCORD_FIELDS = 256, 4096, 25
DISCORD_FIELD_NAME, DISCORD_FIELD_VALUE, DISCORD_FOOTER = 256, 1024, 2048
DISCORD_EMBED_TOTAL, DISCORD_EMBEDS_PER_MESSAGE, DISCORD_CONTENT = 6000, 10, 2000
_PART_SUFFIX_RESERVE = 12  # room for " (10/10)" added to titles once the part count is known
EMPTY = "\u200b"  # Discord rejects empty field names/values; a zero-width space is the usual filler
APPRISE_MAX_ITEMS = 100


class InvalidTarget(ConnectorError, ValueError):
    """The target URL is not one we can send to (unknown Apprise scheme, malformed)."""

    http_status = 400


@dataclass
class Notification:
    title: str
    body: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    level: Level = "info"
    items: list[str] = field(default_factory=list)
    url: str | None = None
    items_title: str = "Items"
    source: str = "Curatarr"  # module name; Notifiarr shows it as the notification name
    ping_ms: float | None = None  # Uptime Kuma: how long the run took
    timestamp: datetime | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVEL_COLORS:
            raise ValueError(f"level must be one of {sorted(LEVEL_COLORS)}")


@dataclass(frozen=True)
class NotifyTarget:
    url: str
    kind: TargetKind | None = None  # inferred from the URL when None
    name: str = ""
    username: str | None = None  # Discord display name
    avatar_url: str | None = None
    channel: int | None = None  # Notifiarr: Discord channel id
    api_key: str | None = None  # Notifiarr key when the URL does not carry it

    @property
    def resolved_kind(self) -> TargetKind:
        return self.kind or infer_kind(self.url)


@dataclass
class DeliveryResult:
    target: str  # name or masked URL — safe to show and log
    kind: str
    ok: bool
    messages: int = 0
    error: str | None = None


# ---- URL helpers ----------------------------------------------------------------------------
_DISCORD_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/(\d+)/([^/?#]+)")
_SECRET_QUERY_KEY = re.compile(r"(token|key|secret|pass|auth|sig|pin|hook|code)", re.I)
# A path segment right after one of these is a credential (Discord's token is two after "webhooks").
_SECRET_AFTER = ("passthrough", "push", "hooks", "token", "key")
_NETWORK_HOST = re.compile(r"^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$", re.I)


def _looks_like_host(host: str) -> bool:
    if not host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    return bool(_NETWORK_HOST.match(host)) and ("." in host or host.lower() == "localhost")


def _check_apprise_host(url: str) -> None:
    """Run an Apprise URL's host through the SSRF guard when it names a network host.

    Many Apprise schemes put a credential where the host goes (``tgram://<bot id>:<token>/…``);
    an authority whose "port" is not a number is such a credential and is not resolved (that
    would send it to DNS). Any numeric host form (``0x0``, ``2852039166``) is an address.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        return
    if _looks_like_host(host) or parse_address(host) is not None or host.rstrip(".") in BLOCKED_HOSTNAMES:
        check_host(host, port)


def _random_looking(segment: str) -> bool:
    return len(segment) >= 24 or (len(segment) >= 12 and any(c.isdigit() for c in segment)
                                   and any(c.isalpha() for c in segment))


def mask_url(url: str) -> str:
    """The URL with tokens, keys and passwords replaced by ``********`` (safe for logs and the API).

    http(s): passwords, secret-looking query values, the segment after ``webhooks/<id>``,
    ``passthrough``, ``push`` and random-looking segments are masked. Other schemes (Apprise)
    keep only the scheme and a real host name; every path segment and query value is masked.
    """
    if not url:
        return url
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return MASK
    if not parts.scheme:
        return MASK
    web = parts.scheme in ("http", "https")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    netloc = host if (web or _looks_like_host(host)) else (MASK if host else "")
    if parts.username or parts.password:
        # keep a web URL's user name (not a secret on its own); Apprise puts tokens there
        user = f"{parts.username}:" if web and parts.username and parts.password is not None else ""
        netloc = f"{user}{MASK}@{netloc}"
    if port:
        netloc += f":{port}"
    segments = parts.path.split("/")
    masked: list[str] = []
    for i, seg in enumerate(segments):
        if not seg:
            masked.append(seg)
            continue
        prev = segments[i - 1].lower() if i else ""
        prev2 = segments[i - 2].lower() if i > 1 else ""
        secret = (not web or prev in _SECRET_AFTER or prev2 == "webhooks" or _random_looking(seg))
        masked.append(MASK if secret and not (prev == "webhooks" and seg.isdigit()) else seg)
    query = [(k, MASK if (not web or _SECRET_QUERY_KEY.search(k)) and v else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, netloc, "/".join(masked), urlencode(query, safe="*"), ""))


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that may be credentials (used to scrub third-party log lines).

    Errs on the side of too much: for non-web schemes every piece of the authority that is not a
    host name is included (``tgram://<bot token>/…`` does not even parse as host:port).
    """
    scheme, _, rest = url.strip().partition("://")
    web = scheme.lower() in ("http", "https")
    before, _, query = rest.split("#", 1)[0].partition("?")
    authority, _, path = before.partition("/")
    out: list[str] = []
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
        out += userinfo.split(":", 1)[1:] if web else userinfo.split(":")
    if not web:
        out += [p for p in re.split(r"[:\[\]]", authority) if p and not _looks_like_host(p)
                and not (p.isdigit() and len(p) <= 5)]
    out += [seg for seg in path.split("/") if seg]
    out += [v for _, v in parse_qsl(query)]
    return [s for s in out if len(s) >= 4]


def infer_kind(url: str) -> TargetKind:
    parts = urlsplit(url.strip())
    if parts.scheme == "discord":
        return "discord"
    if parts.scheme in ("http", "https"):
        if _DISCORD_PATH.search(parts.path):
            return "discord"
        if "/notification/passthrough" in parts.path:
            return "notifiarr"
        if re.search(r"/api/push/[^/]+", parts.path):
            return "uptime_kuma"
    return "apprise"


def discord_webhook_url(url: str) -> str:
    """``discord://{id}/{token}`` (Apprise/Posterizarr style) -> the https webhook URL."""
    parts = urlsplit(url.strip())
    if parts.scheme != "discord":
        return url
    segs = [s for s in [parts.hostname or "", *parts.path.split("/")] if s]  # user@ (bot name) ignored
    if len(segs) < 2 or not segs[0].isdigit():
        raise InvalidTarget("discord:// URL must be discord://{webhook_id}/{token}", service="discord")
    return f"https://discord.com/api/webhooks/{segs[0]}/{segs[1]}"


# ---- Discord / Notifiarr rendering (pure) ---------------------------------------------------
def _clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_fields(items: list[str], title: str) -> list[tuple[str, str, bool]]:
    """Pack item lines into as few field values (≤1024 chars) as possible, in order."""
    fields: list[tuple[str, str, bool]] = []
    chunk: list[str] = []
    size = 0
    for raw in items:
        line = _clip(raw, DISCORD_FIELD_VALUE)
        if chunk and size + 1 + len(line) > DISCORD_FIELD_VALUE:
            fields.append(("", "\n".join(chunk), False))
            chunk, size = [], 0
        size += len(line) + (1 if chunk else 0)
        chunk.append(line)
    if chunk:
        fields.append(("", "\n".join(chunk), False))
    n = len(fields)
    name = _clip(title, DISCORD_FIELD_NAME - 10)
    return [(f"{name} ({i}/{n})" if n > 1 else name, value, inline) for i, (_, value, inline) in enumerate(fields, 1)]


def _embed_chars(embed: dict) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text", "")) + len((embed.get("author") or {}).get("name", ""))
    return total + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def discord_embeds(n: Notification, *, footer: str = "Curatarr") -> list[list[dict]]:
    """The notification as Discord messages (each a list of ≤10 embeds, ≤6000 chars in total)."""
    color = LEVEL_COLORS[n.level]
    stamp = (n.timestamp or datetime.now(timezone.utc)).isoformat().replace("+00:00", "Z")
    title = _clip(n.title or n.source, DISCORD_TITLE - _PART_SUFFIX_RESERVE)
    fields = [(_clip(k, DISCORD_FIELD_NAME) or EMPTY, _clip(v, DISCORD_FIELD_VALUE) or EMPTY, len(str(v)) <= 40)
              for k, v in n.fields]
    fields += _item_fields(n.items, n.items_title)

    def new_embed(first: bool) -> dict:
        embed: dict[str, Any] = {"title": title, "color": color, "timestamp": stamp,
                                 "footer": {"text": _clip(footer, DISCORD_FOOTER)}, "fields": []}
        if first:
            if n.body:
                embed["description"] = _clip(n.body, DISCORD_DESCRIPTION)
            if n.url:
                embed["url"] = n.url
        return embed

    messages: list[list[dict]] = []
    current: list[dict] = []
    embed = new_embed(first=True)
    used = 0  # chars of the finished embeds in `current`

    def cost(e: dict) -> int:
        return _embed_chars(e) + _PART_SUFFIX_RESERVE

    for name, value, inline in fields:
        extra = len(name) + len(value)
        if len(embed["fields"]) >= DISCORD_FIELDS or used + cost(embed) + extra > DISCORD_EMBED_TOTAL:
            current.append(embed)
            used += cost(embed)
            embed = new_embed(first=False)
            if len(current) >= DISCORD_EMBEDS_PER_MESSAGE or used + cost(embed) + extra > DISCORD_EMBED_TOTAL:
                messages.append(current)
                current, used = [], 0
        embed["fields"].append({"name": name, "value": value, "inline": inline})
    current.append(embed)
    messages.append(current)
    total = sum(len(m) for m in messages)
    if total > 1:
        i = 0
        for message in messages:
            for e in message:
                i += 1
                e["title"] = f"{title} ({i}/{total})"
    for message in messages:
        for e in message:
            if not e["fields"]:
                del e["fields"]
    return messages


def discord_payloads(n: Notification, *, username: str | None = None, avatar_url: str | None = None,
                     footer: str = "Curatarr") -> list[dict]:
    out = []
    for embeds in discord_embeds(n, footer=footer):
        payload: dict[str, Any] = {"embeds": embeds}
        if username:
            payload["username"] = _clip(username, 80)
        if avatar_url:
            payload["avatar_url"] = avatar_url
        out.append(payload)
    return out


def notifiarr_payloads(n: Notification, *, channel: int | None = None, footer: str = "Curatarr") -> list[dict]:
    """Notifiarr passthrough bodies: one per embed (Notifiarr renders one embed per message)."""
    out = []
    for message in discord_embeds(n, footer=footer):
        for embed in message:
            text = {
                "title": embed["title"], "icon": "", "content": "",
                "description": embed.get("description") or " ",
                "fields": [{"title": f["name"], "text": f["value"], "inline": f["inline"]}
                           for f in embed.get("fields", [])],
                "footer": footer,
            }
            discord: dict[str, Any] = {"color": f"{LEVEL_COLORS[n.level]:06X}",
                                       "ping": {"pingUser": 0, "pingRole": 0},
                                       "images": {"thumbnail": "", "image": ""}, "text": text}
            if channel is not None:
                discord["ids"] = {"channel": int(channel)}
            out.append({"notification": {"update": False, "name": n.source, "event": ""}, "discord": discord})
    return out


def plain_text(n: Notification, *, max_items: int = APPRISE_MAX_ITEMS) -> str:
    """The notification as plain text (Apprise targets)."""
    lines = [n.body] if n.body else []
    lines += [f"{k}: {v}" for k, v in n.fields]
    if n.items:
        lines.append(f"{n.items_title}:")
        lines += [f"- {item}" for item in n.items[:max_items]]
        if len(n.items) > max_items:
            lines.append(f"… and {len(n.items) - max_items} more")
    if n.url:
        lines.append(n.url)
    return "\n".join(lines) or n.title


# ---- Apprise log scrubbing ------------------------------------------------------------------
class _SecretScrubber(logging.Filter):
    """Replaces the secret parts of URLs Apprise is currently sending to in its log records."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    def register(self, secrets: list[str]) -> int:
        with self._lock:
            key = id(secrets)
            self._secrets[key] = sorted(secrets, key=len, reverse=True)
            return key

    def unregister(self, key: int) -> None:
        with self._lock:
            self._secrets.pop(key, None)

    def scrub(self, text: str) -> str:
        with self._lock:
            secrets = [s for group in self._secrets.values() for s in group]
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self.scrub(record.getMessage())
            record.args = ()
        return True


_scrubber = _SecretScrubber()
logging.getLogger("apprise").addFilter(_scrubber)


# ---- the notifier ---------------------------------------------------------------------------
class Notifier:
    """Sends :class:`Notification` objects to targets; one failing target never stops the others."""

    def __init__(self, *, timeout: float = 15.0, retry: RetryPolicy | None = None,
                 client: httpx.Client | None = None, footer: str = "Curatarr",
                 discord_rate: float | None = 2.0, discord_burst: int = 5):
        self.timeout = timeout
        self.retry = retry or RetryPolicy(attempts=3, max_wait=30.0)
        self.footer = footer
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._owns_client = client is None
        self._discord_limiter = RateLimiter(discord_rate, discord_burst)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> "Notifier":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def send(self, notification: Notification, targets: Iterable[NotifyTarget | str]) -> list[DeliveryResult]:
        """Deliver to every target; failures are reported per target (already masked), not raised."""
        results = []
        for target in targets:
            t = target if isinstance(target, NotifyTarget) else NotifyTarget(url=target)
            label = t.name or mask_url(t.url)
            try:
                kind: str = t.resolved_kind
            except ValueError:
                kind = "unknown"
            try:
                sent = self.send_to(t, notification)
                results.append(DeliveryResult(target=label, kind=kind, ok=True, messages=sent))
            except ConnectorError as exc:
                log.warning("notification to %s failed: %s", label, exc)
                results.append(DeliveryResult(target=label, kind=kind, ok=False, error=str(exc)))
        return results

    async def asend(self, notification: Notification,
                    targets: Iterable[NotifyTarget | str]) -> list[DeliveryResult]:
        """:meth:`send` from async code (API handlers, the job runner) without blocking the loop."""
        import asyncio

        return await asyncio.to_thread(self.send, notification, list(targets))

    def test(self, target: NotifyTarget | str) -> DeliveryResult:
        """Send a short test message to one target (the "Test" button of the settings page)."""
        note = Notification(title="Curatarr test notification", level="info",
                            body="If you can read this, notifications from Curatarr reach this target.")
        return self.send(note, [target])[0]

    def send_to(self, target: NotifyTarget, notification: Notification) -> int:
        """Deliver to one target; returns how many messages were posted; raises ConnectorError."""
        kind = target.resolved_kind
        if kind == "discord":
            return self._discord(target, notification)
        if kind == "notifiarr":
            return self._notifiarr(target, notification)
        if kind == "uptime_kuma":
            return self._uptime_kuma(target, notification)
        if kind == "apprise":
            return self._apprise(target, notification)
        raise InvalidTarget(f"unknown target kind {kind!r}", service="notify")

    def _service(self, url: str, service: str, **kw: Any) -> HttpService:
        return HttpService(url, service=service, timeout=self.timeout, retry=self.retry, client=self._client, **kw)

    def _discord(self, target: NotifyTarget, n: Notification) -> int:
        url = discord_webhook_url(target.url)
        http = self._service(url, "discord")
        payloads = discord_payloads(n, username=target.username, avatar_url=target.avatar_url, footer=self.footer)
        for payload in payloads:
            self._discord_limiter.acquire()
            try:
                http.request("POST", url, json=payload)
            except NotFound:
                raise NotFound("webhook not found (deleted or wrong token)", service="discord", status=404) from None
        return len(payloads)

    def _notifiarr(self, target: NotifyTarget, n: Notification) -> int:
        headers = {"X-API-Key": target.api_key} if target.api_key else {}
        http = self._service(target.url, "notifiarr", headers=headers)
        payloads = notifiarr_payloads(n, channel=target.channel, footer=self.footer)
        for payload in payloads:
            answer = http.json("POST", target.url, json=payload)
            # Notifiarr can answer 200 with {"result": "error"}.
            if not isinstance(answer, dict) or answer.get("result") != "success":
                detail = answer.get("details") if isinstance(answer, dict) else None
                message = detail.get("response") if isinstance(detail, dict) else None
                raise BadResponse(f"notifiarr refused the notification: {message or 'result is not success'}",
                                  service="notifiarr")
        return len(payloads)

    def _uptime_kuma(self, target: NotifyTarget, n: Notification) -> int:
        parts = urlsplit(target.url)
        base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        http = self._service(base, "uptime_kuma")
        msg = n.title if not n.body else f"{n.title}: {n.body.splitlines()[0]}"
        params: dict[str, Any] = {"status": "down" if n.level == "error" else "up", "msg": _clip(msg, 250)}
        if n.ping_ms is not None:
            params["ping"] = round(float(n.ping_ms), 3)
        try:
            answer = http.get_json(base, params=params)
        except NotFound:
            raise NotFound("push monitor not found or not active", service="uptime_kuma", status=404) from None
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            msg = answer.get("msg") if isinstance(answer, dict) else None
            raise BadResponse(f"push refused: {msg or 'ok is not true'}", service="uptime_kuma")
        return 1

    def _apprise(self, target: NotifyTarget, n: Notification) -> int:
        import apprise

        url = target.url.strip()
        try:
            _check_apprise_host(url)
        except UnsafeURL as exc:
            raise Unreachable(str(exc), service="apprise") from None
        key = _scrubber.register(url_secrets(url))
        try:
            # Redirects off for every plugin, whatever the URL's own ``redirect=`` says: a 3xx
            # could send the request (and its credentials) to a host the check above never saw.
            obj = apprise.Apprise(asset=apprise.AppriseAsset(http_redirects=False))
            if not obj.add(url):
                raise InvalidTarget(f"not a valid Apprise URL: {mask_url(url)}", service="apprise")
            for server in obj:
                server.redirects = False
            notify_type = {"info": apprise.NotifyType.INFO, "success": apprise.NotifyType.SUCCESS,
                           "warning": apprise.NotifyType.WARNING, "error": apprise.NotifyType.FAILURE}[n.level]
            kwargs: dict[str, Any] = {"body": plain_text(n), "title": n.title, "notify_type": notify_type,
                                      "body_format": apprise.NotifyFormat.TEXT}
            if "timeout" in inspect.signature(obj.notify).parameters:
                kwargs["timeout"] = self.timeout * 2
            with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="apprise") as pool:
                future = pool.submit(obj.notify, **kwargs)
                try:
                    result = future.result(timeout=self.timeout * 3)
                except concurrent.futures.TimeoutError:
                    raise Unreachable("apprise target did not answer in time", service="apprise") from None
            if not result:
                raise self._apprise_error(result)
        finally:
            _scrubber.unregister(key)
        return 1

    @staticmethod
    def _apprise_error(result: Any) -> ConnectorError:
        status = getattr(getattr(result, "status", None), "name", "")
        reasons: list[str] = []
        logs = getattr(result, "logs", None)
        if callable(logs):
            reasons = [_scrubber.scrub(e.message) for e in logs() if getattr(e, "level", "") in ("WARNING", "ERROR")]
        detail = reasons[-1] if reasons else "the target refused or could not be reached"
        if status == "TIMEOUT":
            return Unreachable("apprise target timed out", service="apprise")
        return BadResponse(f"delivery failed: {_clip(detail, 300)}", service="apprise")
