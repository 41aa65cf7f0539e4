"""Fanart.tv v3 client: artwork candidates for movies (TMDB or IMDb id) and shows (TVDB id).

Fanart.tv quirks handled here: ids and ``likes`` are strings; ``lang`` is ``"00"`` for textless
posters and ``""`` for textless backgrounds (both -> ``"xx"``); season artwork carries ``season``
as a string (``"all"`` = every season -> ``None``); keys with no images are absent; dimensions
are not reported, so candidates carry the nominal size of their artwork type.
"""

from __future__ import annotations

from typing import Any, Iterable

import httpx

from curatarr.connectors.errors import BadResponse, NotFound
from curatarr.connectors.http import InstanceRecord, Pong, RetryPolicy, instance_settings
from curatarr.connectors.provider_images import (
    ImageCandidate,
    ProviderService,
    RateLimiter,
    as_int,
    normalize_language,
    require_mapping,
)

SERVICE = "fanart"
DEFAULT_BASE_URL = "https://webservice.fanart.tv/v3"

# Fanart.tv key -> (our kind, nominal width, nominal height). Sizes are Fanart.tv's upload rules.
MOVIE_KEYS: dict[str, tuple[str, int, int]] = {
    "movieposter": ("poster", 1000, 1426),
    "moviebackground": ("background", 1920, 1080),
    "hdmovielogo": ("logo", 800, 310),
    "movielogo": ("logo", 400, 155),
    "hdmovieclearart": ("clearart", 1000, 562),
    "movieart": ("clearart", 500, 281),
    "moviedisc": ("disc", 1000, 1000),
    "moviebanner": ("banner", 1000, 185),
    "moviethumb": ("thumb", 1000, 562),
}
TV_KEYS: dict[str, tuple[str, int, int]] = {
    "tvposter": ("poster", 1000, 1426),
    "showbackground": ("background", 1920, 1080),
    "seasonposter": ("season", 1000, 1426),
    "hdtvlogo": ("logo", 800, 310),
    "clearlogo": ("logo", 400, 155),
    "hdclearart": ("clearart", 1000, 562),
    "clearart": ("clearart", 500, 281),
    "tvthumb": ("thumb", 500, 281),
    "seasonthumb": ("seasonthumb", 500, 281),
    "tvbanner": ("banner", 1000, 185),
    "seasonbanner": ("seasonbanner", 1000, 185),
    "characterart": ("characterart", 512, 512),
}


def _season(value: Any) -> int | None:
    """``"1"`` -> 1, ``"0"`` -> 0 (specials), ``"all"``/missing -> None."""
    return as_int(value) if value not in (None, "", "all") else None


def parse_images(data: dict, keys: dict[str, tuple[str, int, int]], item_id: str) -> list[ImageCandidate]:
    """Flatten a Fanart.tv movie/tv document into candidates, in the document's key order."""
    out: list[ImageCandidate] = []
    for key, entries in data.items():
        if key not in keys:
            continue
        if not isinstance(entries, list):
            raise BadResponse(f"{key} is not a list", service=SERVICE)
        kind, width, height = keys[key]
        for img in entries:
            if not isinstance(img, dict) or not img.get("url"):
                continue
            likes = as_int(img.get("likes")) or 0
            out.append(ImageCandidate(
                provider=SERVICE,
                kind=kind,
                url=str(img["url"]),
                language=normalize_language(img.get("lang")),
                width=width,
                height=height,
                score=float(likes),
                votes=likes,
                provider_id=str(img.get("id", "")),
                item_id=item_id,
                season=_season(img.get("season")),
                raw_language=img.get("lang"),
                nominal_size=True,
                extra={"fanart_key": key},
            ))
    return out


class FanartClient:
    """Typed Fanart.tv v3 client. ``api_key`` is the project key; ``client_key`` a personal one."""

    def __init__(
        self,
        *,
        api_key: str,
        client_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        rate_limit: float | None = 5.0,
        burst: int | None = 10,
        timeout: httpx.Timeout | float = 15.0,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        if not api_key:
            raise ValueError("Fanart.tv needs an API key")
        params = {"api_key": api_key}
        if client_key:
            params["client_key"] = client_key
        self.http = ProviderService(base_url or DEFAULT_BASE_URL, service=SERVICE,
                                    headers={"Accept": "application/json"},
                                    params=params, timeout=timeout, retry=retry or RetryPolicy(),
                                    client=client)
        self.http.limiter = RateLimiter(rate_limit, burst)

    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> "FanartClient":
        """``api`` is the project key; the optional ``personal_api_key`` setting is the client key."""
        return cls(**{"api_key": ref.api, "base_url": ref.url,
                      **instance_settings(ref, personal_api_key="client_key"), **options})

    def ping(self) -> Pong:
        """The health probe: any item look-up proves the key; an unknown id answers 404 after the
        key was accepted, so 404 counts as an answer."""
        return Pong(SERVICE, self.http.probe("GET", "/movies/550", accept=(404,)).status_code)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "FanartClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _document(self, path: str) -> dict:
        data = require_mapping(self.http.get_json(path), SERVICE, path)
        # Fanart.tv has answered "not found" with HTTP 200 and an error body in the past.
        if data.get("status") == "error":
            raise NotFound(str(data.get("error message") or "not found"), service=SERVICE, status=404)
        return data

    def movie_images(self, *ids: str | int | None) -> list[ImageCandidate]:
        """Images of a movie, trying each id in turn (TMDB id first, then IMDb id, like Posterizarr).

        Raises NotFound only if no id is known to Fanart.tv.
        """
        tried = [str(i) for i in ids if i not in (None, "", 0)]
        if not tried:
            raise ValueError("movie_images needs a TMDB or IMDb id")
        last: NotFound | None = None
        for movie_id in tried:
            try:
                data = self._document(f"/movies/{movie_id}")
            except NotFound as exc:
                last = exc
                continue
            return parse_images(data, MOVIE_KEYS, str(data.get("tmdb_id") or movie_id))
        assert last is not None
        raise last

    def show_images(self, tvdb_id: int | str) -> list[ImageCandidate]:
        data = self._document(f"/tv/{int(tvdb_id)}")
        return parse_images(data, TV_KEYS, str(data.get("thetvdb_id") or tvdb_id))

    def season_images(self, tvdb_id: int | str, season: int) -> list[ImageCandidate]:
        """Season posters for one season, most liked first (``season="all"`` ones included last)."""
        images = [c for c in self.show_images(tvdb_id) if c.kind == "season"]
        exact = sorted((c for c in images if c.season == season), key=lambda c: -c.votes)
        generic = sorted((c for c in images if c.season is None), key=lambda c: -c.votes)
        return exact + generic

    @staticmethod
    def by_kind(candidates: Iterable[ImageCandidate], kind: str) -> list[ImageCandidate]:
        return [c for c in candidates if c.kind == kind]

    def download(self, candidate: ImageCandidate | str) -> bytes:
        url = candidate.url if isinstance(candidate, ImageCandidate) else candidate
        return self.http.download(url)
