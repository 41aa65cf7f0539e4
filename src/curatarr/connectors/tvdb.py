"""TheTVDB v4 client: login token handling and artwork candidates.

``POST /login {apikey, pin?}`` returns a bearer token valid for about a month. The token is cached
per (base URL, key, pin) for the process so that every module run does not log in again, and a
401 on a call triggers exactly one fresh login and retry. Every response is wrapped as
``{"status": "success", "data": ...}``. Artwork languages are 3-letter codes or ``null``
(textless); both are normalised (``eng`` -> ``en``, ``null`` -> ``xx``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

import httpx

from curatarr.connectors.errors import AuthFailed, BadResponse, NotFound
from curatarr.connectors.http import InstanceRecord, Pong, RetryPolicy, instance_settings
from curatarr.connectors.provider_images import (
    ImageCandidate,
    ProviderService,
    RateLimiter,
    as_float,
    as_int,
    normalize_language,
    require_mapping,
    to_iso639_2,
)

SERVICE = "tvdb"
DEFAULT_BASE_URL = "https://api4.thetvdb.com/v4"
TOKEN_TTL = 25 * 24 * 3600.0  # tokens last ~30 days; refresh a little early

# TVDB artwork type id -> our kind (from /artwork/types).
ARTWORK_KINDS: dict[int, str] = {
    1: "banner", 2: "poster", 3: "background", 5: "icon",
    6: "seasonbanner", 7: "season", 8: "seasonbackground",
    11: "still", 12: "still",
    14: "poster", 15: "background", 16: "banner",
    22: "clearart", 23: "logo", 24: "clearart", 25: "logo",
}
SERIES_POSTER, SERIES_BACKGROUND, SEASON_POSTER, MOVIE_POSTER, MOVIE_BACKGROUND = 2, 3, 7, 14, 15

_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def clear_token_cache() -> None:
    with _tokens_lock:
        _tokens.clear()


@dataclass(frozen=True, slots=True)
class TvdbSeason:
    id: int
    number: int
    type: str  # "official" | "alternate" | "dvd" | "absolute" | ...


@dataclass(frozen=True, slots=True)
class TvdbEpisode:
    id: int
    season_number: int
    number: int
    name: str = ""
    image: str | None = None
    aired: str | None = None


@dataclass(frozen=True, slots=True)
class TvdbItem:
    id: int
    name: str
    slug: str = ""
    image: str | None = None
    year: int | None = None
    seasons: tuple[TvdbSeason, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


def parse_artwork(art: dict, item_id: int | str) -> ImageCandidate | None:
    if not isinstance(art, dict) or not art.get("image"):
        return None
    type_id = as_int(art.get("type"))
    return ImageCandidate(
        provider=SERVICE,
        kind=ARTWORK_KINDS.get(type_id or -1, f"type{type_id}"),
        url=str(art["image"]),
        language=normalize_language(art.get("language")),
        width=as_int(art.get("width")),
        height=as_int(art.get("height")),
        score=as_float(art.get("score")),
        votes=0,
        provider_id=str(art.get("id", "")),
        item_id=str(item_id),
        raw_language=art.get("language"),
        extra={"type": type_id, "thumbnail": art.get("thumbnail"), "includes_text": art.get("includesText")},
    )


def _by_score(cands: Iterable[ImageCandidate | None]) -> list[ImageCandidate]:
    return sorted((c for c in cands if c is not None), key=lambda c: -c.score)


class TvdbClient:
    """Typed TVDB v4 client. ``pin`` is only for user-supported (subscriber) keys."""

    def __init__(
        self,
        *,
        api_key: str,
        pin: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        rate_limit: float | None = 10.0,
        burst: int | None = 10,
        timeout: httpx.Timeout | float = 15.0,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        if not api_key:
            raise ValueError("TVDB needs an API key")
        self._api_key = api_key
        self._pin = pin
        self.http = ProviderService(base_url or DEFAULT_BASE_URL, service=SERVICE,
                                    headers={"Accept": "application/json"},
                                    timeout=timeout, retry=retry or RetryPolicy(), client=client)
        self.http.limiter = RateLimiter(rate_limit, burst)
        digest = hashlib.sha256(f"{api_key}\0{pin or ''}".encode()).hexdigest()
        self._cache_key = (self.http.base_url, digest)
        self.logins = 0  # how many times this client logged in (for tests and stats)

    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> "TvdbClient":
        """``api`` is the API key; ``pin`` the subscriber PIN of a user-supported key."""
        return cls(**{"api_key": ref.api, "base_url": ref.url, **instance_settings(ref, pin="pin"), **options})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "TvdbClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- auth -------------------------------------------------------------------------------
    def login(self) -> str:
        """Log in and cache the token; AuthFailed if the key/pin is refused."""
        data = require_mapping(self.http.json("POST", "/login", json=self._login_body()), SERVICE, "/login")
        token = (data.get("data") or {}).get("token") if isinstance(data.get("data"), dict) else None
        if not token:
            raise BadResponse("login answer has no token", service=SERVICE)
        self.logins += 1
        with _tokens_lock:
            _tokens[self._cache_key] = (token, time.monotonic() + TOKEN_TTL)
        return token

    def _login_body(self) -> dict[str, str]:
        body = {"apikey": self._api_key}
        if self._pin:
            body["pin"] = str(self._pin)
        return body

    def _token(self) -> str:
        with _tokens_lock:
            cached = _tokens.get(self._cache_key)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        return self.login()

    def _get(self, path: str, **params: Any) -> Any:
        """GET a wrapped endpoint and return its ``data``; one re-login on a 401."""
        clean = {k: v for k, v in params.items() if v is not None}
        for attempt in (1, 2):
            token = self._token()
            try:
                payload = self.http.get_json(path, params=clean, headers={"Authorization": f"Bearer {token}"})
                break
            except AuthFailed as exc:
                if attempt == 2 or exc.status != 401:
                    raise
                with _tokens_lock:  # the token expired or was revoked: forget it and log in again
                    if _tokens.get(self._cache_key, ("",))[0] == token:
                        del _tokens[self._cache_key]
        payload = require_mapping(payload, SERVICE, path)
        if payload.get("status") not in (None, "success"):
            raise BadResponse(str(payload.get("message") or "request failed"), service=SERVICE)
        if "data" not in payload:
            raise BadResponse(f"{path}: answer has no data", service=SERVICE)
        return payload["data"]

    # ---- items ------------------------------------------------------------------------------
    @staticmethod
    def _item(data: Any, path: str) -> TvdbItem:
        data = require_mapping(data, SERVICE, path)
        seasons = tuple(
            TvdbSeason(id=int(s["id"]), number=as_int(s.get("number")) or 0,
                       type=str(((s.get("type") or {}).get("type")) or "official"))
            for s in data.get("seasons") or [] if isinstance(s, dict) and as_int(s.get("id")) is not None
        )
        year = as_int(data.get("year")) or as_int(str(data.get("firstAired") or "")[:4])
        return TvdbItem(id=as_int(data.get("id")) or 0, name=str(data.get("name") or ""),
                        slug=str(data.get("slug") or ""), image=data.get("image"), year=year,
                        seasons=seasons, raw=data)

    def series(self, series_id: int) -> TvdbItem:
        path = f"/series/{int(series_id)}/extended"
        return self._item(self._get(path), path)

    def movie(self, movie_id: int) -> TvdbItem:
        path = f"/movies/{int(movie_id)}/extended"
        return self._item(self._get(path), path)

    def artwork_types(self) -> list[dict]:
        data = self._get("/artwork/types")
        return data if isinstance(data, list) else []

    # ---- artwork ----------------------------------------------------------------------------
    def series_artworks(self, series_id: int, *, type_id: int | None = None,
                        language: str | None = None) -> list[ImageCandidate]:
        """Series artwork, best score first. ``language`` is any spelling (``en`` or ``eng``)."""
        lang = to_iso639_2(language) if language else None
        path = f"/series/{int(series_id)}/artworks"
        data = require_mapping(self._get(path, lang=lang, type=type_id), SERVICE, path)
        return _by_score(parse_artwork(a, series_id) for a in data.get("artworks") or [])

    def series_posters(self, series_id: int) -> list[ImageCandidate]:
        return self.series_artworks(series_id, type_id=SERIES_POSTER)

    def series_backgrounds(self, series_id: int) -> list[ImageCandidate]:
        return self.series_artworks(series_id, type_id=SERIES_BACKGROUND)

    def movie_artworks(self, movie_id: int, *, type_id: int | None = None) -> list[ImageCandidate]:
        path = f"/movies/{int(movie_id)}/extended"
        data = require_mapping(self._get(path), SERVICE, path)
        arts = (parse_artwork(a, movie_id) for a in data.get("artworks") or [])
        return _by_score(c for c in arts if c is not None and (type_id is None or c.extra["type"] == type_id))

    def season_artworks(self, series_id: int, season_number: int) -> list[ImageCandidate]:
        """Season posters: the ``official`` season of that number (else ``alternate``)."""
        item = self.series(series_id)
        matches = [s for s in item.seasons if s.number == season_number]
        matches.sort(key=lambda s: {"official": 0, "alternate": 1}.get(s.type, 2))
        if not matches:
            raise NotFound(f"series {series_id} has no season {season_number}", service=SERVICE, status=404)
        path = f"/seasons/{matches[0].id}/extended"
        data = require_mapping(self._get(path), SERVICE, path)
        arts = [parse_artwork(a, series_id) for a in data.get("artwork") or data.get("artworks") or []]
        return [_with_season(c, season_number) for c in _by_score(arts)]

    def episodes(self, series_id: int, *, max_pages: int = 100) -> list[TvdbEpisode]:
        """All default-order episodes, paging until an empty page (as the API requires)."""
        out: list[TvdbEpisode] = []
        for page in range(max_pages):
            path = f"/series/{int(series_id)}/episodes/default"
            data = require_mapping(self._get(path, page=page), SERVICE, path)
            batch = data.get("episodes") or []
            if not batch:
                break
            for ep in batch:
                if isinstance(ep, dict) and as_int(ep.get("id")) is not None:
                    out.append(TvdbEpisode(id=int(ep["id"]), season_number=as_int(ep.get("seasonNumber")) or 0,
                                           number=as_int(ep.get("number")) or 0, name=str(ep.get("name") or ""),
                                           image=ep.get("image"), aired=ep.get("aired")))
        return out

    def episode_images(self, series_id: int, season: int, episode: int) -> list[ImageCandidate]:
        """The episode's still (title card source), if TVDB has one."""
        for ep in self.episodes(series_id):
            if ep.season_number == season and ep.number == episode and ep.image:
                return [ImageCandidate(provider=SERVICE, kind="still", url=ep.image, language="xx",
                                       provider_id=str(ep.id), item_id=str(series_id), season=season,
                                       episode=episode, raw_language=None)]
        return []

    def download(self, candidate: ImageCandidate | str) -> bytes:
        url = candidate.url if isinstance(candidate, ImageCandidate) else candidate
        return self.http.download(url)

    def ping(self) -> Pong:
        """The health probe: ``POST /login`` (the key and PIN are refused with 401); the token it
        answers is not kept, a probe changes nothing."""
        return Pong(SERVICE, self.http.probe("POST", "/login", json=self._login_body()).status_code)


def _with_season(c: ImageCandidate, season: int) -> ImageCandidate:
    from dataclasses import replace
    return replace(c, season=season)
