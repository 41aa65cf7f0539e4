"""TheTVDB v4 simulator (see reference/contracts.md §10).

* ``POST /v4/login {"apikey", "pin"?}`` -> ``{"status": "success", "data": {"token"}}``; a wrong
  key (or pin, when the simulator was given one) -> 401. Every other ``/v4`` route needs
  ``Authorization: Bearer <token>`` of an issued, unexpired token; :func:`expire_tokens` (or
  ``POST /__sim__/reset``) revokes them all so clients must log in again.
* Wrapped answers ``{"status": "success", "data": ...}``; unknown ids 404
  ``{"status": "failure", "message": "NotFound", "data": null}``.
* ``/v4/series/{id}/artworks?lang=&type=``, ``/v4/series/{id}/extended``,
  ``/v4/seasons/{id}/extended`` (artwork under the SINGULAR key ``artwork``),
  ``/v4/episodes/{id}/extended``, ``/v4/series/{id}/episodes/default?page=N`` (pages until an
  empty ``episodes`` list), ``/v4/movies/{id}/extended``, ``/v4/artwork/types``.
* Artwork: ``{id, image, thumbnail, language (ISO 639-2 or null), type, score, width, height,
  includesText}``. TVDB holds a stable ~70% share of the library's artwork. Sim conventions:
  season ids are ``tvdb_id * 1000 + season number``; a movie's TVDB id is its TMDB id.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from curatarr.sims.base import Simulator, credential, install, json_response
from curatarr.sims.images import render_artwork
from curatarr.sims.library import Artwork, Movie, SampleLibrary, Season, Show, stable_int

UNAUTHORIZED = {"status": "failure", "message": "Unauthorized", "data": None}
NOT_FOUND = {"status": "failure", "message": "NotFound", "data": None}
SHARE_PERCENT = 70
EPISODE_PAGE_SIZE = 100
SERIES_TYPES = {"poster": 2, "background": 3, "logo": 23, "clearart": 22, "season": 7, "still": 11}
MOVIE_TYPES = {"poster": 14, "background": 15, "logo": 25, "clearart": 24}
ARTWORK_TYPES = [
    {"id": 1, "name": "Banner", "recordType": "series", "slug": "banners", "width": 758, "height": 140},
    {"id": 2, "name": "Poster", "recordType": "series", "slug": "posters", "width": 680, "height": 1000},
    {"id": 3, "name": "Background", "recordType": "series", "slug": "backgrounds", "width": 1920, "height": 1080},
    {"id": 5, "name": "Icon", "recordType": "series", "slug": "icons", "width": 1024, "height": 1024},
    {"id": 6, "name": "Banner", "recordType": "season", "slug": "banners", "width": 758, "height": 140},
    {"id": 7, "name": "Poster", "recordType": "season", "slug": "posters", "width": 680, "height": 1000},
    {"id": 8, "name": "Background", "recordType": "season", "slug": "backgrounds", "width": 1920, "height": 1080},
    {"id": 11, "name": "16:9 Screencap", "recordType": "episode", "slug": "screencap", "width": 640, "height": 360},
    {"id": 14, "name": "Poster", "recordType": "movie", "slug": "posters", "width": 680, "height": 1000},
    {"id": 15, "name": "Background", "recordType": "movie", "slug": "backgrounds", "width": 1920, "height": 1080},
    {"id": 22, "name": "ClearArt", "recordType": "series", "slug": "clearart", "width": 1000, "height": 562},
    {"id": 23, "name": "ClearLogo", "recordType": "series", "slug": "clearlogo", "width": 800, "height": 310},
    {"id": 24, "name": "ClearArt", "recordType": "movie", "slug": "clearart", "width": 1000, "height": 562},
    {"id": 25, "name": "ClearLogo", "recordType": "movie", "slug": "clearlogo", "width": 800, "height": 310},
]


# ISO 639-1 -> the 3-letter codes TVDB uses (the sample library's languages and a few more).
ISO639_2 = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "ja": "jpn", "zh": "zho",
            "ru": "rus", "ko": "kor", "he": "heb", "ar": "ara", "pt": "por", "nl": "nld", "sv": "swe"}


def to_iso639_2(code: str | None) -> str | None:
    return ISO639_2.get(code, code) if code else None


def _unauthorized() -> tuple[int, dict[str, str], bytes]:
    return 401, {}, json.dumps(UNAUTHORIZED).encode()


def on_tvdb(art: Artwork) -> bool:
    return stable_int("tvdb", art.provider_id) % 100 < SHARE_PERCENT


def artwork_id(art: Artwork) -> int:
    return stable_int("tvdb-art", art.provider_id) % 90_000_000 + 10_000_000


def ok(data: Any, **extra: Any) -> Response:
    return json_response({"status": "success", "data": data, **extra})


class TvdbState:
    def __init__(self, library: SampleLibrary, small_images: bool):
        self.library = library
        self.small_images = small_images
        self.tokens: set[str] = set()
        self.images: dict[int, tuple[Artwork, str]] = {}
        self.lock = threading.Lock()

    def issue(self) -> str:
        token = "eyJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens.add(token)
        return token

    def expire(self) -> None:
        with self.lock:
            self.tokens.clear()

    def valid(self, token: str | None) -> bool:
        with self.lock:
            return token in self.tokens

    def series(self, tvdb_id: int) -> Show | None:
        show = self.library.show_by_tvdb(tvdb_id)
        return None if show is None or show.removed_from_tvdb else show

    def season(self, season_id: int) -> tuple[Show, Season] | None:
        show = self.series(season_id // 1000)
        if show is None:
            return None
        season = next((s for s in show.seasons if s.number == season_id % 1000), None)
        return (show, season) if season is not None else None

    def artworks(self, base: str, kind_types: dict[str, int], arts: Iterable[Artwork], title: str,
                 record: str, record_id: int, season_id: int | None = None) -> list[dict[str, Any]]:
        out = []
        for art in arts:
            type_id = kind_types.get(art.kind)
            if type_id is None or not on_tvdb(art):
                continue
            aid = artwork_id(art)
            self.images[aid] = (art, title)
            folder = next(t["slug"] for t in ARTWORK_TYPES if t["id"] == type_id)
            url = f"{base}/banners/v4/{record}/{record_id}/{folder}/{aid}.{art.extension}"
            out.append({
                "id": aid, "image": url, "thumbnail": url.rsplit(".", 1)[0] + "_t." + art.extension,
                "language": to_iso639_2(art.language) if art.language not in (None, "xx") else None,
                "type": type_id, "score": art.vote_count * 10_000 + art.likes * 100 + int(art.vote_average * 10),
                "width": art.width, "height": art.height, "includesText": art.has_text,
                "seasonId": season_id, "thumbnailWidth": max(1, art.width // 3),
                "thumbnailHeight": max(1, art.height // 3), "updatedAt": 1_700_000_000,
            })
        out.sort(key=lambda a: -a["score"])
        return out


def _slug(title: str) -> str:
    import re
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "item"


def create_app(library: SampleLibrary, *, api_key: str = "tvdb-key", instance: str = "tvdb",
               pin: str | None = None, small_images: bool = False) -> FastAPI:
    sim = Simulator("tvdb", instance=instance, library=library, api_key=api_key, unauthorized=_unauthorized)
    state = TvdbState(library, small_images)
    app = FastAPI(title="TVDB simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.tvdb = state

    @app.middleware("http")
    async def _auth(request: Request, call_next):
        path = request.url.path
        if path.startswith("/v4/") and path != "/v4/login":
            if not state.valid(credential(request, bearer=True)):
                return json_response(UNAUTHORIZED, 401)
        return await call_next(request)

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def not_found() -> Response:
        return json_response(NOT_FOUND, 404)

    def int_or_none(value: str | None) -> int | None:
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def series_record(request: Request, show: Show) -> dict[str, Any]:
        posters = state.artworks(base(request), SERIES_TYPES, [a for a in show.artworks if a.kind == "poster"],
                                 show.title, "series", show.tvdb_id)
        return {"id": show.tvdb_id, "name": show.title, "slug": _slug(show.title),
                "image": posters[0]["image"] if posters else None, "firstAired": f"{show.year}-01-01",
                "year": str(show.year), "originalLanguage": to_iso639_2(show.original_language),
                "status": {"name": "Ended" if show.ended else "Continuing"}}

    @app.post("/v4/login")
    async def login(request: Request):
        try:
            body = await request.json()
        except ValueError:
            return json_response({"status": "failure", "message": "invalid JSON", "data": None}, 400)
        if not isinstance(body, dict) or body.get("apikey") != api_key or (pin is not None and body.get("pin") != pin):
            return json_response({"status": "failure", "message": "Unauthorized: InvalidAPIKey", "data": None}, 401)
        sim.record("logins", pin=bool(body.get("pin")))
        return ok({"token": state.issue()})

    @app.get("/v4/artwork/types")
    async def artwork_types():
        return ok(ARTWORK_TYPES)

    @app.get("/v4/series/{series_id}/artworks")
    async def series_artworks(series_id: str, request: Request):
        show = state.series(int_or_none(series_id) or -1)
        if show is None:
            return not_found()
        arts = state.artworks(base(request), SERIES_TYPES, show.artworks, show.title, "series", show.tvdb_id)
        lang = request.query_params.get("lang")
        if lang:
            arts = [a for a in arts if a["language"] == lang]
        type_id = int_or_none(request.query_params.get("type"))
        if type_id is not None:
            arts = [a for a in arts if a["type"] == type_id]
        return ok({**series_record(request, show), "artworks": arts})

    @app.get("/v4/series/{series_id}/extended")
    async def series_extended(series_id: str, request: Request):
        show = state.series(int_or_none(series_id) or -1)
        if show is None:
            return not_found()
        seasons = [{"id": show.tvdb_id * 1000 + s.number, "seriesId": show.tvdb_id, "number": s.number,
                    "type": {"id": 1, "name": "Aired Order", "type": "official"}} for s in show.seasons]
        arts = state.artworks(base(request), SERIES_TYPES, show.artworks, show.title, "series", show.tvdb_id)
        return ok({**series_record(request, show), "seasons": seasons, "artworks": arts})

    @app.get("/v4/seasons/{season_id}/extended")
    async def season_extended(season_id: str, request: Request):
        found = state.season(int_or_none(season_id) or -1)
        if found is None:
            return not_found()
        show, season = found
        sid = show.tvdb_id * 1000 + season.number
        arts = state.artworks(base(request), SERIES_TYPES, season.artworks, show.title, "seasons", sid, season_id=sid)
        return ok({"id": sid, "seriesId": show.tvdb_id, "number": season.number,
                   "type": {"id": 1, "name": "Aired Order", "type": "official"}, "artwork": arts,
                   "episodes": [{"id": e.tvdb_id, "number": e.episode_number, "name": e.title}
                                for e in season.episodes]})

    def episode_record(request: Request, show: Show, ep) -> dict[str, Any]:
        stills = state.artworks(base(request), {"still": 11}, ep.artworks, ep.title, "episodes", ep.tvdb_id)
        return {"id": ep.tvdb_id, "seriesId": show.tvdb_id, "name": ep.title, "aired": ep.air_date,
                "seasonNumber": ep.season_number, "number": ep.episode_number, "runtime": ep.runtime,
                "image": stills[0]["image"] if stills else None}

    @app.get("/v4/series/{series_id}/episodes/default")
    async def episodes(series_id: str, request: Request):
        show = state.series(int_or_none(series_id) or -1)
        if show is None:
            return not_found()
        page = max(0, int_or_none(request.query_params.get("page")) or 0)
        every = [ep for season in show.seasons for ep in season.episodes]
        chunk = every[page * EPISODE_PAGE_SIZE:(page + 1) * EPISODE_PAGE_SIZE]
        more = (page + 1) * EPISODE_PAGE_SIZE < len(every)
        links = {"prev": None if page == 0 else f"page={page - 1}", "self": f"page={page}",
                 "next": f"page={page + 1}" if more else None, "total_items": len(every),
                 "page_size": EPISODE_PAGE_SIZE}
        return ok({"series": series_record(request, show),
                   "episodes": [episode_record(request, show, ep) for ep in chunk]}, links=links)

    @app.get("/v4/episodes/{episode_id}/extended")
    async def episode_extended(episode_id: str, request: Request):
        tvdb_id = int_or_none(episode_id) or -1
        for show in library.shows:
            if show.removed_from_tvdb:
                continue
            for ep in show.episodes():
                if ep.tvdb_id == tvdb_id:
                    return ok(episode_record(request, show, ep))
        return not_found()

    @app.get("/v4/movies/{movie_id}/extended")
    async def movie_extended(movie_id: str, request: Request):
        m: Movie | None = library.movie_by_tmdb(int_or_none(movie_id) or -1)
        if m is None:
            return not_found()
        arts = state.artworks(base(request), MOVIE_TYPES, m.artworks, m.title, "movies", m.tmdb_id)
        posters = [a for a in arts if a["type"] == 14]
        return ok({"id": m.tmdb_id, "name": m.title, "slug": _slug(m.title), "year": str(m.year),
                   "image": posters[0]["image"] if posters else None, "artworks": arts,
                   "remoteIds": [{"id": m.imdb_id, "type": 2, "sourceName": "IMDB"},
                                 {"id": str(m.tmdb_id), "type": 12, "sourceName": "TheMovieDB.com"}]})

    @app.get("/banners/v4/{record}/{record_id}/{folder}/{name}")
    async def image(record: str, record_id: str, folder: str, name: str):
        stem = name.rsplit(".", 1)[0]
        thumb = stem.endswith("_t")
        found = state.images.get(int_or_none(stem[:-2] if thumb else stem) or -1)
        if found is None:
            return Response(b"", status_code=404)
        art, title = found
        return Response(render_artwork(art, title, small=thumb or state.small_images), media_type=art.mime_type)

    @app.api_route("/v4/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def unknown(path: str):
        return not_found()

    sim.state_hooks.append(lambda: {"tokens": len(state.tokens), "images_indexed": len(state.images)})
    sim.reset_hooks.append(state.expire)
    return install(app, sim)


def expire_tokens(app: FastAPI) -> None:
    """Revoke every issued token (clients must log in again on their next call)."""
    app.state.tvdb.expire()
