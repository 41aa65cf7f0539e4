"""TMDB v3 client: item look-ups and artwork candidates.

Auth is either a v4 "API Read Access Token" (sent as ``Authorization: Bearer``) or a v3 API key
(sent as ``?api_key=``). Image URLs are ``<images_base_url>/<size><file_path>``; the real base is
``https://image.tmdb.org/t/p`` and the simulator serves the same layout under ``/t/p``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal

import httpx

from curatarr.connectors.errors import BadResponse
from curatarr.connectors.http import InstanceRecord, Pong, RetryPolicy, instance_settings
from curatarr.connectors.provider_images import (
    TEXTLESS,
    ImageCandidate,
    ProviderService,
    RateLimiter,
    as_float,
    as_int,
    normalize_language,
    require_mapping,
)

SERVICE = "tmdb"
DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
DEFAULT_IMAGES_BASE_URL = "https://image.tmdb.org/t/p"

# TMDB response array -> our kind. Season posters are "season", episode stills "still".
_ARRAY_KIND = {"posters": "poster", "backdrops": "background", "logos": "logo", "stills": "still"}


@dataclass(frozen=True, slots=True)
class TmdbItem:
    """The fields of a TMDB movie/show the rest of Curatarr uses."""

    id: int
    media_type: Literal["movie", "tv"]
    title: str
    original_title: str = ""
    year: int | None = None
    original_language: str | None = None
    imdb_id: str | None = None
    tvdb_id: int | None = None
    collection_id: int | None = None
    collection_name: str | None = None
    poster_path: str | None = None
    backdrop_path: str | None = None
    season_numbers: tuple[int, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


def _year(date: Any) -> int | None:
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def parse_item(data: dict, media_type: Literal["movie", "tv"]) -> TmdbItem:
    """Build a :class:`TmdbItem` from a details, search or find result object."""
    if not isinstance(data, dict) or as_int(data.get("id")) is None:
        raise BadResponse(f"{media_type} object without an id", service=SERVICE)
    collection = data.get("belongs_to_collection") or {}
    external = data.get("external_ids") or {}
    if media_type == "movie":
        title, original = data.get("title") or "", data.get("original_title") or ""
        date = data.get("release_date")
    else:
        title, original = data.get("name") or "", data.get("original_name") or ""
        date = data.get("first_air_date")
    seasons = tuple(
        n for n in (as_int(s.get("season_number")) for s in data.get("seasons") or [] if isinstance(s, dict))
        if n is not None
    )
    return TmdbItem(
        id=int(data["id"]),
        media_type=media_type,
        title=title,
        original_title=original,
        year=_year(date),
        original_language=data.get("original_language"),
        imdb_id=data.get("imdb_id") or external.get("imdb_id"),
        tvdb_id=as_int(external.get("tvdb_id")),
        collection_id=as_int(collection.get("id")) if isinstance(collection, dict) else None,
        collection_name=collection.get("name") if isinstance(collection, dict) else None,
        poster_path=data.get("poster_path"),
        backdrop_path=data.get("backdrop_path"),
        season_numbers=seasons,
        raw=data,
    )


def include_image_language(languages: Iterable[str] | None) -> str | None:
    """TMDB's ``include_image_language`` value for a preference list (``xx`` = textless).

    Textless images are ``null`` on older data and ``"xx"`` since late 2025, so ask for both.
    """
    if languages is None:
        return None
    codes: list[str] = []
    for lang in languages:
        code = normalize_language(lang)
        wanted = ["xx", "null"] if code == TEXTLESS else [code]
        codes.extend(c for c in wanted if c not in codes)
    return ",".join(codes) if codes else None


class TmdbClient:
    """Typed TMDB v3 client. Give ``read_token`` (preferred) or ``api_key``."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        read_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        images_base_url: str | None = None,
        image_size: str = "original",
        rate_limit: float | None = 20.0,
        burst: int | None = 20,
        timeout: httpx.Timeout | float = 15.0,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        if not (api_key or read_token):
            raise ValueError("TMDB needs an API key or a read access token")
        headers = {"Accept": "application/json"}
        params: dict[str, str] = {}
        if read_token:
            headers["Authorization"] = f"Bearer {read_token}"
        else:
            params["api_key"] = str(api_key)
        self.http = ProviderService(base_url or DEFAULT_BASE_URL, service=SERVICE, headers=headers, params=params,
                                    timeout=timeout, retry=retry or RetryPolicy(), client=client)
        self.http.limiter = RateLimiter(rate_limit, burst)
        # Without an explicit images URL: TMDB's CDN for the public API; for anything else (a proxy,
        # the simulator) ask its /configuration once, on first use.
        if images_base_url:
            self._images_base: str | None = images_base_url.rstrip("/")
        elif self.http.base_url == DEFAULT_BASE_URL:
            self._images_base = DEFAULT_IMAGES_BASE_URL
        else:
            self._images_base = None
        self.image_size = image_size

    @classmethod
    def from_instance(cls, ref: InstanceRecord, **options: Any) -> "TmdbClient":
        """``api`` holds a v4 read access token (a JWT: ``eyJ…``) or a v3 API key."""
        credential = {"read_token": ref.api} if ref.api.startswith("eyJ") else {"api_key": ref.api}
        return cls(**{"base_url": ref.url, **credential, **instance_settings(ref, images_url="images_base_url"),
                      **options})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "TmdbClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- look-ups ---------------------------------------------------------------------------
    def _get(self, path: str, **params: Any) -> dict:
        clean = {k: v for k, v in params.items() if v is not None}
        return require_mapping(self.http.get_json(path, params=clean), SERVICE, path)

    def configuration(self) -> dict:
        return self._get("/configuration")

    def movie(self, tmdb_id: int, *, language: str | None = None) -> TmdbItem:
        return parse_item(self._get(f"/movie/{int(tmdb_id)}", language=language,
                                    append_to_response="external_ids"), "movie")

    def show(self, tmdb_id: int, *, language: str | None = None) -> TmdbItem:
        return parse_item(self._get(f"/tv/{int(tmdb_id)}", language=language,
                                    append_to_response="external_ids"), "tv")

    def find(self, external_id: str, source: Literal["imdb_id", "tvdb_id"]) -> list[TmdbItem]:
        """Movies and shows TMDB knows under an IMDb (``tt…``) or TVDB id."""
        data = self._get(f"/find/{external_id}", external_source=source)
        found = [parse_item(m, "movie") for m in data.get("movie_results") or []]
        found += [parse_item(t, "tv") for t in data.get("tv_results") or []]
        return found

    def search_movie(self, query: str, *, year: int | None = None, page: int = 1) -> list[TmdbItem]:
        data = self._get("/search/movie", query=query, year=year, page=page)
        return [parse_item(r, "movie") for r in data.get("results") or []]

    def search_tv(self, query: str, *, year: int | None = None, page: int = 1) -> list[TmdbItem]:
        data = self._get("/search/tv", query=query, first_air_date_year=year, page=page)
        return [parse_item(r, "tv") for r in data.get("results") or []]

    # ---- artwork ----------------------------------------------------------------------------
    @property
    def images_base_url(self) -> str:
        if self._images_base is None:
            images = self.configuration().get("images") or {}
            found = images.get("secure_base_url") or images.get("base_url")
            self._images_base = str(found).rstrip("/") if found else DEFAULT_IMAGES_BASE_URL
        return self._images_base

    def image_url(self, file_path: str, size: str | None = None) -> str:
        return f"{self.images_base_url}/{size or self.image_size}/{file_path.lstrip('/')}"

    def _images(self, path: str, languages: Iterable[str] | None, item_id: int, *,
                season: int | None = None, episode: int | None = None,
                kinds: dict[str, str] | None = None) -> list[ImageCandidate]:
        data = self._get(path, include_image_language=include_image_language(languages))
        out: list[ImageCandidate] = []
        for array, kind in (kinds or _ARRAY_KIND).items():
            entries = data.get(array) or []
            if not isinstance(entries, list):
                raise BadResponse(f"{path}: {array} is not a list", service=SERVICE)
            for img in entries:
                if not isinstance(img, dict) or not img.get("file_path"):
                    continue
                out.append(ImageCandidate(
                    provider=SERVICE,
                    kind=kind,
                    url=self.image_url(img["file_path"]),
                    language=normalize_language(img.get("iso_639_1")),
                    width=as_int(img.get("width")),
                    height=as_int(img.get("height")),
                    score=as_float(img.get("vote_average")),
                    votes=as_int(img.get("vote_count")) or 0,
                    provider_id=img["file_path"],
                    item_id=str(item_id),
                    season=season,
                    episode=episode,
                    raw_language=img.get("iso_639_1"),
                ))
        return out

    def movie_images(self, tmdb_id: int, languages: Iterable[str] | None = None) -> list[ImageCandidate]:
        """Posters, backgrounds and logos of a movie; ``languages`` filters (``xx`` = textless)."""
        return self._images(f"/movie/{int(tmdb_id)}/images", languages, tmdb_id)

    def show_images(self, tmdb_id: int, languages: Iterable[str] | None = None) -> list[ImageCandidate]:
        return self._images(f"/tv/{int(tmdb_id)}/images", languages, tmdb_id)

    def season_images(self, tmdb_id: int, season: int,
                      languages: Iterable[str] | None = None) -> list[ImageCandidate]:
        return self._images(f"/tv/{int(tmdb_id)}/season/{int(season)}/images", languages, tmdb_id,
                            season=int(season), kinds={"posters": "season"})

    def episode_images(self, tmdb_id: int, season: int, episode: int,
                       languages: Iterable[str] | None = None) -> list[ImageCandidate]:
        return self._images(f"/tv/{int(tmdb_id)}/season/{int(season)}/episode/{int(episode)}/images",
                            languages, tmdb_id, season=int(season), episode=int(episode),
                            kinds={"stills": "still"})

    def collection_images(self, collection_id: int,
                          languages: Iterable[str] | None = None) -> list[ImageCandidate]:
        return self._images(f"/collection/{int(collection_id)}/images", languages, collection_id)

    def download(self, candidate: ImageCandidate | str) -> bytes:
        """The image bytes of a candidate (or an absolute image URL)."""
        url = candidate.url if isinstance(candidate, ImageCandidate) else candidate
        return self.http.download(url)

    def ping(self) -> Pong:
        """The health probe: ``GET /configuration`` (needs the key or token; AuthFailed otherwise)."""
        return Pong(SERVICE, self.http.probe("GET", "/configuration").status_code)
