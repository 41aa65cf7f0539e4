"""What the artwork providers (TMDB, Fanart.tv, TVDB) have in common.

Each provider spells "no language" (textless) differently — TMDB ``null`` or ``"xx"``, Fanart.tv
``"00"`` (posters) or ``""`` (backgrounds), TVDB ``null`` — and TVDB uses 3-letter ISO 639-2 codes.
:class:`ImageCandidate` is the one normalised shape the poster maker ranks across providers:
``language`` is always ``"xx"`` for textless or a lowercase 2-letter ISO 639-1 code.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from curatarr.connectors.errors import BadResponse
from curatarr.connectors.http import HttpService

TEXTLESS = "xx"

# ISO 639-2 (bibliographic and terminology forms) -> ISO 639-1, for the languages media servers
# and TVDB actually use. "zxx" is ISO's "no linguistic content" (textless).
_ISO639_2_TO_1: dict[str, str] = {
    "ara": "ar", "ben": "bn", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "chi": "zh",
    "zho": "zh", "dan": "da", "deu": "de", "ger": "de", "dut": "nl", "nld": "nl", "ell": "el",
    "gre": "el", "eng": "en", "est": "et", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr",
    "fre": "fr", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "ice": "is", "isl": "is",
    "ind": "id", "ita": "it", "jpn": "ja", "kor": "ko", "lav": "lv", "lit": "lt", "may": "ms",
    "msa": "ms", "nob": "nb", "nno": "nn", "nor": "no", "pol": "pl", "por": "pt", "ron": "ro",
    "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl", "spa": "es", "srp": "sr",
    "swe": "sv", "tam": "ta", "tel": "te", "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur",
    "vie": "vi", "zxx": TEXTLESS,
}
_TEXTLESS_SPELLINGS = frozenset({"", "xx", "00", "null", "none", "zxx"})


def normalize_language(value: str | None) -> str:
    """Map any provider's language marker to ``"xx"`` (textless) or a 2-letter ISO 639-1 code.

    ``None``, ``""``, ``"00"``, ``"xx"`` and ``"null"`` mean textless; ``"eng"`` -> ``"en"``;
    ``"en-US"`` -> ``"en"``. An unknown 3-letter code is returned lowercased, unchanged.
    """
    if value is None:
        return TEXTLESS
    code = str(value).strip().lower().replace("_", "-").split("-", 1)[0]
    if code in _TEXTLESS_SPELLINGS:
        return TEXTLESS
    if len(code) == 3:
        return _ISO639_2_TO_1.get(code, code)
    return code


# The bibliographic forms (ger, fre, ...) are older aliases; TVDB speaks the terminology forms.
_BIBLIOGRAPHIC = frozenset({"chi", "cze", "dut", "fre", "ger", "gre", "ice", "may", "per", "rum", "slo"})
_ISO639_1_TO_2: dict[str, str] = {
    two: three for three, two in _ISO639_2_TO_1.items() if three not in _BIBLIOGRAPHIC and two != TEXTLESS
}


def to_iso639_2(code: str) -> str | None:
    """The TVDB spelling (3-letter) of a language code, or None for textless/unknown."""
    code = normalize_language(code)
    if code == TEXTLESS:
        return None
    if len(code) == 3:
        return code
    return _ISO639_1_TO_2.get(code)


@dataclass(frozen=True, slots=True)
class ImageCandidate:
    """One image a provider offers for one media item, in a provider-neutral shape.

    ``score`` is the provider's own popularity measure (TMDB ``vote_average``, Fanart.tv
    ``likes``, TVDB ``score``) and ``votes`` how many opinions back it (TMDB ``vote_count``,
    Fanart.tv ``likes``, TVDB 0). Fanart.tv does not report dimensions; its sizes are the
    nominal ones for that artwork type (``nominal_size=True``).
    """

    provider: str  # "tmdb" | "fanart" | "tvdb"
    kind: str  # poster | background | logo | season | still | clearart | banner | thumb | ...
    url: str
    language: str  # "xx" = textless, else ISO 639-1
    width: int | None = None
    height: int | None = None
    score: float = 0.0
    votes: int = 0
    provider_id: str = ""  # the image's id at the provider (TMDB: file_path)
    item_id: str = ""  # the media item's id at the provider
    season: int | None = None
    episode: int | None = None
    raw_language: str | None = None  # the provider's own spelling, kept for the records
    nominal_size: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def textless(self) -> bool:
        return self.language == TEXTLESS

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)


class RateLimiter:
    """A small thread-safe token bucket: ``rate`` requests per second, bursts up to ``burst``.

    ``rate`` of ``None`` or ``<= 0`` disables limiting. Providers ban clients that hammer
    them (TMDB ~50 req/s, Fanart.tv and TVDB less), so every provider client owns one.
    """

    def __init__(self, rate: float | None, burst: int | None = None, *, clock=time.monotonic,
                 sleep=time.sleep):
        self.rate = rate if rate and rate > 0 else None
        self.burst = max(1, burst if burst is not None else int(max(1.0, (rate or 1.0))))
        self._tokens = float(self.burst)
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting, for stats

    def acquire(self) -> float:
        """Take one token, sleeping if the bucket is empty; return the seconds waited."""
        if self.rate is None:
            return 0.0
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait:
            self._sleep(wait)
            self.waited += wait
        return wait


MAX_IMAGE_BYTES = 60 * 1024 * 1024


class ProviderService(HttpService):
    """HttpService with the provider's rate limiter applied to every request."""

    limiter: RateLimiter | None = None

    def request(self, method: str, path: str, **kwargs: Any):  # type: ignore[override]
        if self.limiter is not None:
            self.limiter.acquire()
        return super().request(method, path, **kwargs)

    def download(self, url: str, *, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
        """Fetch image bytes from an absolute URL a provider handed us.

        The URL is SSRF-checked and fetched WITHOUT the provider's credentials (image hosts are
        often CDNs or third parties), sharing this client's connection pool and retry policy.
        """
        if self.limiter is not None:
            self.limiter.acquire()
        plain = HttpService(url, service=self.service, timeout=self.timeout, retry=self.retry,
                            client=self.client)  # __post_init__ runs check_url on it
        resp = plain.request("GET", url, headers={"Accept": "image/*"})
        data = resp.content
        if len(data) > max_bytes:
            raise BadResponse(f"image larger than {max_bytes} bytes", service=self.service)
        ctype = resp.headers.get("content-type", "")
        if not data or not ctype.startswith(("image/", "application/octet-stream")):
            raise BadResponse(f"expected an image, got {ctype or 'no content type'}", service=self.service)
        return data


def as_int(value: Any) -> int | None:
    """Providers send numbers as strings (Fanart.tv) or omit them; be forgiving."""
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def as_float(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def require_mapping(payload: Any, service: str, what: str) -> dict:
    if not isinstance(payload, dict):
        raise BadResponse(f"{what}: expected a JSON object", service=service)
    return payload
