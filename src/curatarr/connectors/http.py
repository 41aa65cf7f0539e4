"""The HTTP base every connector is built on: timeouts, SSRF guard, retries, error mapping.

Retries (via tenacity) apply to connection errors, timeouts, 5xx and 429 only — never to other
4xx — with exponential backoff; a 429's ``Retry-After`` is honoured (capped by ``max_wait``).

Every connector a configured instance names is built the same way and probed the same way:

* ``Connector.from_instance(ref, **options)`` reads an :class:`InstanceRecord` (url, api key,
  stored settings) and calls the connector's own constructor; ``options`` (``timeout=``,
  ``retry=``, ``client=`` …) go to the constructor unchanged.
* ``connector.ping()`` sends one cheap authenticated request through :meth:`HttpService.probe`
  and returns a :class:`Pong`, or raises the connector's errors (``AuthFailed``, ``Unreachable`` —
  with ``timed_out`` set on a timeout —, ``BadResponse`` …).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping, Protocol

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from curatarr.connectors.errors import (
    AuthFailed,
    BadResponse,
    ConnectorError,
    NotFound,
    RateLimited,
    Unreachable,
)
from curatarr.security.urls import UnsafeURL, check_url

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class _Retryable(Exception):
    """Internal: wraps a failure that may be retried; carries the final error to raise."""

    def __init__(self, error: ConnectorError, retry_after: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _timed_out(service: str) -> Unreachable:
    error = Unreachable("timed out", service=service)
    error.timed_out = True
    return error


class InstanceRecord(Protocol):
    """What ``from_instance`` reads of a configured instance. ``curatarr.instances.types.InstanceRef``
    has this shape; connectors sit below the instances layer and do not import it."""

    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def api(self) -> str: ...
    @property
    def config(self) -> Mapping[str, Any]: ...


def instance_settings(ref: InstanceRecord, **renamed: str) -> dict[str, Any]:
    """Constructor keywords from the instance's optional settings: ``renamed`` maps a stored setting
    to the keyword the connector calls it (``pin="pin"``, ``personal_api_key="client_key"``); empty
    settings are left out so the constructor's defaults apply."""
    return {keyword: ref.config[setting] for setting, keyword in renamed.items()
            if ref.config.get(setting) not in (None, "")}


@dataclass(frozen=True, slots=True)
class Pong:
    """What ``ping()`` learned: the service answered ``status_code``; ``name`` and ``version`` when the
    answer says (empty otherwise: a probe checks the address and credential, not the body)."""

    service: str
    status_code: int
    name: str = ""
    version: str = ""


def json_fields(resp: httpx.Response) -> dict[str, Any]:
    """The top-level fields of a JSON object answer, ``{}`` for any other body."""
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class RetryPolicy:
    attempts: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    max_wait: float = 30.0  # never sleep longer than this for one Retry-After


@dataclass
class HttpService:
    """A configured HTTP endpoint of one external service.

    Subclasses (one per service) add typed methods on top of :meth:`request` / :meth:`json`.
    """

    base_url: str
    service: str = "http"
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout | float = field(default_factory=lambda: DEFAULT_TIMEOUT)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    verify_ssl: bool = True
    client: httpx.Client | None = None  # injectable (tests, connection reuse)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        try:
            check_url(self.base_url)
        except UnsafeURL as exc:
            raise Unreachable(str(exc), service=self.service) from None
        if self.client is None:
            self.client = httpx.Client(timeout=self.timeout, verify=self.verify_ssl, follow_redirects=False)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- core -------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, self.retry.max_wait)
        return wait_exponential(multiplier=self.retry.backoff_initial, max=self.retry.backoff_max)(state)

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, accept: Collection[int] = (),
                **kwargs: Any) -> httpx.Response:
        """Send a request; return the response for 2xx/3xx (and the statuses in ``accept``), raise a
        ConnectorError otherwise."""
        url = self.url(path)
        merged_params = {**self.params, **(params or {})}
        merged_headers = {**self.headers, **(headers or {})}

        def once() -> httpx.Response:
            try:
                resp = self.client.request(method, url, params=merged_params or None,
                                           headers=merged_headers, **kwargs)
            except httpx.TimeoutException:
                raise _Retryable(_timed_out(self.service)) from None
            except httpx.TransportError as exc:
                raise _Retryable(Unreachable(f"cannot connect ({exc.__class__.__name__})",
                                             service=self.service)) from None
            return resp if resp.status_code in accept else self._check(resp)

        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.retry.attempts)),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            reraise=True,
        )
        try:
            return retrying(once)
        except _Retryable as exc:
            raise exc.error from None

    def _check(self, resp: httpx.Response) -> httpx.Response:
        status = resp.status_code
        if status < 400:
            return resp
        if status in (401, 403):
            raise AuthFailed(f"authentication failed (HTTP {status})", service=self.service, status=status)
        if status == 404:
            raise NotFound("not found (HTTP 404)", service=self.service, status=status)
        if status == 429:
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            raise _Retryable(RateLimited("rate limited (HTTP 429)", service=self.service, status=status,
                                         retry_after=retry_after), retry_after=retry_after)
        if status >= 500:
            raise _Retryable(BadResponse(f"server error (HTTP {status})", service=self.service, status=status))
        raise BadResponse(f"request refused (HTTP {status})", service=self.service, status=status)

    def probe(self, method: str, path: str, *, accept: Collection[int] = (), **kwargs: Any) -> httpx.Response:
        """The request behind a connector's ``ping()``: the answer when it is 2xx (or in ``accept``:
        a status that still proves the credential). A redirect raises BadResponse (the URL points at
        the wrong place; a probe does not follow it); every other failure raises as usual."""
        resp = self.request(method, path, accept=accept, **kwargs)
        if 300 <= resp.status_code < 400 and resp.status_code not in accept:
            raise BadResponse(f"redirected (HTTP {resp.status_code})", service=self.service, status=resp.status_code)
        return resp

    # ---- conveniences -----------------------------------------------------------------------
    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.request(method, path, **kwargs)
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise BadResponse("response is not valid JSON", service=self.service, status=resp.status_code) from None

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return self.json("GET", path, **kwargs)
