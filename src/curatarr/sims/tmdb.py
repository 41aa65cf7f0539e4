"""TMDB v3 simulator (see reference/contracts.md §8).

* Auth: ``Authorization: Bearer <key>`` (read access token) or ``?api_key=<key>``; otherwise 401
  with TMDB's body (``status_code`` 7). Unknown ids and routes: 404 with ``status_code`` 34.
  Items flagged ``removed_from_tmdb`` in the sample library are unknown here.
* Images: ``/3/movie|tv/{id}/images``, ``/3/tv/{id}/season/{n}/images`` (``posters``),
  ``/3/tv/{id}/season/{n}/episode/{m}/images`` (``stills``), ``/3/collection/{id}/images``.
  ``include_image_language`` is a comma list where ``null`` means "no language"; without it,
  ``language`` selects that language plus no-language images. Textless artwork keeps the library's
  spelling: ``None`` -> ``iso_639_1: null``, ``"xx"`` -> ``"xx"`` (TMDB sends both nowadays).
* Details with ``append_to_response=images,external_ids``; ``/3/find/{id}?external_source=``;
  ``/3/search/movie|tv``; ``/3/configuration``.
* Image bytes: ``/t/p/{size}/{file}`` without auth (the real ``image.tmdb.org/t/p/...`` layout);
  ``original`` is full size, ``w500`` etc. are scaled to that width.
"""

from __future__ import annotations

import io
from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from curatarr.sims.base import Simulator, credential, install, json_response
from curatarr.sims.images import render_artwork
from curatarr.sims.library import Artwork, Movie, SampleLibrary, Show, primary_artwork, stable_int
from curatarr.sims.library_gen import collection_artworks

POSTER_SIZES = ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
BACKDROP_SIZES = ["w300", "w780", "w1280", "original"]
STILL_SIZES = ["w92", "w185", "w300", "original"]
LOGO_SIZES = ["w45", "w92", "w154", "w185", "w300", "w500", "original"]
INVALID_KEY = {"success": False, "status_code": 7, "status_message": "Invalid API key: You must be granted a valid key."}
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
PAGE_SIZE = 20


def _unauthorized() -> tuple[int, dict[str, str], bytes]:
    import json
    return 401, {}, json.dumps(INVALID_KEY).encode()


def _not_found() -> Response:
    return json_response(NOT_FOUND, 404)


class TmdbState:
    """Lookup tables over the library plus the image index the ``/t/p`` route serves from."""

    def __init__(self, library: SampleLibrary, small_images: bool):
        self.library = library
        self.small_images = small_images
        self.images: dict[str, tuple[Artwork, str]] = {}  # file name -> (artwork, title)
        self._scanned = False

    def movie(self, tmdb_id: int) -> Movie | None:
        movie = self.library.movie_by_tmdb(tmdb_id)
        return None if movie is None or movie.removed_from_tmdb else movie

    def show(self, tmdb_id: int) -> Show | None:
        return self.library.show_by_tmdb(tmdb_id)

    def collection(self, collection_id: int) -> tuple[str, list[Artwork]] | None:
        for movie in self.library.movies:
            if movie.collection is not None and movie.collection.tmdb_id == collection_id:
                return movie.collection.name, collection_artworks(collection_id, ("poster", "background"))
        return None

    def register(self, arts: Iterable[Artwork], title: str) -> None:
        for art in arts:
            self.images[art.file_path.lstrip("/")] = (art, title)

    def find_image(self, name: str) -> tuple[Artwork, str] | None:
        if name not in self.images and not self._scanned:
            # Only reached when an image is fetched before any listing named it.
            for movie in self.library.movies:
                self.register(movie.artworks, movie.title)
            for show in self.library.shows:
                self.register(show.artworks, show.title)
                for season in show.seasons:
                    self.register(season.artworks, show.title)
                    for ep in season.episodes:
                        self.register(ep.artworks, ep.title)
            self._scanned = True
        return self.images.get(name)


def _language_filter(request: Request):
    """Predicate over artwork languages implementing include_image_language / language."""
    include = request.query_params.get("include_image_language")
    if include:
        wanted = {c.strip().lower() for c in include.split(",") if c.strip()}
        return lambda lang: ("null" in wanted) if lang is None else lang.lower() in wanted
    language = request.query_params.get("language")
    if language:
        code = language.split("-")[0].lower()
        return lambda lang: lang is None or lang == code
    return lambda lang: True


def image_object(art: Artwork) -> dict[str, Any]:
    return {
        "aspect_ratio": round(art.width / art.height, 3) if art.height else 0,
        "height": art.height,
        "iso_639_1": art.language,
        "iso_3166_1": None if art.language in (None, "xx") else ("US" if art.language == "en" else art.language.upper()),
        "file_path": art.file_path,
        "vote_average": art.vote_average,
        "vote_count": art.vote_count,
        "width": art.width,
    }


def _image_lists(arts: Iterable[Artwork], request: Request, arrays: dict[str, str]) -> dict[str, list]:
    keep = _language_filter(request)
    out: dict[str, list] = {array: [] for array in arrays}
    for array, kind in arrays.items():
        chosen = [a for a in arts if a.kind == kind and keep(a.language)]
        chosen.sort(key=lambda a: (-a.vote_average, -a.vote_count))
        out[array] = [image_object(a) for a in chosen]
    return out


MOVIE_ARRAYS = {"backdrops": "background", "logos": "logo", "posters": "poster"}


def movie_details(movie: Movie) -> dict[str, Any]:
    poster = primary_artwork(movie.artworks, "poster")
    backdrop = primary_artwork(movie.artworks, "background")
    return {
        "adult": False,
        "backdrop_path": backdrop.file_path if backdrop else None,
        "belongs_to_collection": ({"id": movie.collection.tmdb_id, "name": movie.collection.name,
                                   "poster_path": None, "backdrop_path": None} if movie.collection else None),
        "genres": [{"id": stable_int("genre", g) % 100000, "name": g} for g in movie.genres],
        "id": movie.tmdb_id,
        "imdb_id": movie.imdb_id,
        "original_language": movie.original_language,
        "original_title": movie.original_title,
        "overview": movie.overview,
        "poster_path": poster.file_path if poster else None,
        "release_date": f"{movie.year}-01-01",
        "runtime": movie.runtime,
        "status": "Released" if movie.status in ("released", "deleted") else "Post Production",
        "title": movie.title,
        "vote_average": movie.ratings.tmdb,
        "vote_count": movie.ratings.tmdb_votes,
    }


def show_details(show: Show) -> dict[str, Any]:
    poster = primary_artwork(show.artworks, "poster")
    backdrop = primary_artwork(show.artworks, "background")
    seasons = []
    for season in show.seasons:
        sp = primary_artwork(season.artworks, "season")
        seasons.append({"id": show.tmdb_id * 100 + season.number, "season_number": season.number,
                        "name": "Specials" if season.number == 0 else f"Season {season.number}",
                        "episode_count": len(season.episodes), "poster_path": sp.file_path if sp else None,
                        "air_date": season.episodes[0].air_date if season.episodes else None})
    return {
        "backdrop_path": backdrop.file_path if backdrop else None,
        "first_air_date": f"{show.year}-01-01",
        "genres": [{"id": stable_int("genre", g) % 100000, "name": g} for g in show.genres],
        "id": show.tmdb_id,
        "in_production": not show.ended,
        "name": show.title,
        "networks": [{"id": stable_int("network", show.network) % 10000, "name": show.network}],
        "number_of_episodes": sum(len(s.episodes) for s in show.seasons),
        "number_of_seasons": len([s for s in show.seasons if s.number > 0]),
        "original_language": show.original_language,
        "original_name": show.original_title,
        "overview": show.overview,
        "poster_path": poster.file_path if poster else None,
        "seasons": seasons,
        "status": "Ended" if show.ended else "Returning Series",
        "vote_average": show.ratings.tmdb,
        "vote_count": show.ratings.tmdb_votes,
    }


def _search_result(details: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "title", "original_title", "name", "original_name", "release_date", "first_air_date",
            "poster_path", "backdrop_path", "original_language", "overview", "vote_average", "vote_count")
    out = {k: details[k] for k in keep if k in details}
    out["genre_ids"] = [g["id"] for g in details.get("genres", [])]
    out["popularity"] = float(details.get("vote_count", 0)) / 10
    return out


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _matches(query: str, titles: Iterable[str]) -> int:
    """0 = exact title, 1 = prefix, 2 = contains, -1 = no match."""
    best = -1
    for title in titles:
        t = title.lower()
        rank = 0 if t == query else 1 if t.startswith(query) else 2 if query in t else -1
        if rank >= 0 and (best < 0 or rank < best):
            best = rank
    return best


def _scale(data: bytes, width: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        if img.width <= width:
            return data
        height = max(1, round(img.height * width / img.width))
        fmt = img.format or "JPEG"
        out = io.BytesIO()
        img.resize((width, height)).save(out, format=fmt)
        return out.getvalue()


def create_app(library: SampleLibrary, *, api_key: str = "tmdb-key", instance: str = "tmdb",
               small_images: bool = False) -> FastAPI:
    sim = Simulator("tmdb", instance=instance, library=library, api_key=api_key, unauthorized=_unauthorized)
    state = TmdbState(library, small_images)
    app = FastAPI(title="TMDB simulator", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _not_found()
        return json_response({"success": False, "status_code": 3, "status_message": str(exc.detail)}, exc.status_code)

    @app.middleware("http")
    async def _auth(request: Request, call_next):
        if request.url.path.startswith("/3/"):
            if credential(request, query=("api_key",), bearer=True) != api_key:
                return json_response(INVALID_KEY, 401)
        return await call_next(request)

    def appended(request: Request, details: dict[str, Any], arts: Iterable[Artwork], title: str,
                 external: dict[str, Any]) -> dict[str, Any]:
        extra = {a.strip() for a in request.query_params.get("append_to_response", "").split(",")}
        if "images" in extra:
            details["images"] = _image_lists(list(arts), request, MOVIE_ARRAYS)
            state.register(arts, title)
        if "external_ids" in extra:
            details["external_ids"] = external
        return details

    @app.get("/3/configuration")
    async def configuration(request: Request):
        base = str(request.base_url).rstrip("/") + "/t/p/"
        return json_response({"images": {"base_url": base, "secure_base_url": base,
                                         "backdrop_sizes": BACKDROP_SIZES, "logo_sizes": LOGO_SIZES,
                                         "poster_sizes": POSTER_SIZES, "profile_sizes": ["w45", "original"],
                                         "still_sizes": STILL_SIZES},
                              "change_keys": ["images", "title"]})

    @app.get("/3/movie/{movie_id}")
    async def movie(movie_id: str, request: Request):
        m = state.movie(_int(movie_id) or -1)
        if m is None:
            return _not_found()
        return json_response(appended(request, movie_details(m), m.artworks, m.title,
                                      {"imdb_id": m.imdb_id, "tvdb_id": None}))

    @app.get("/3/tv/{show_id}")
    async def tv(show_id: str, request: Request):
        s = state.show(_int(show_id) or -1)
        if s is None:
            return _not_found()
        return json_response(appended(request, show_details(s), s.artworks, s.title,
                                      {"imdb_id": s.imdb_id, "tvdb_id": s.tvdb_id}))

    @app.get("/3/movie/{movie_id}/images")
    async def movie_images(movie_id: str, request: Request):
        m = state.movie(_int(movie_id) or -1)
        if m is None:
            return _not_found()
        state.register(m.artworks, m.title)
        return json_response({"id": m.tmdb_id, **_image_lists(m.artworks, request, MOVIE_ARRAYS)})

    @app.get("/3/tv/{show_id}/images")
    async def tv_images(show_id: str, request: Request):
        s = state.show(_int(show_id) or -1)
        if s is None:
            return _not_found()
        state.register(s.artworks, s.title)
        return json_response({"id": s.tmdb_id, **_image_lists(s.artworks, request, MOVIE_ARRAYS)})

    @app.get("/3/tv/{show_id}/season/{number}/images")
    async def season_images(show_id: str, number: str, request: Request):
        s = state.show(_int(show_id) or -1)
        season = next((x for x in s.seasons if x.number == _int(number)), None) if s else None
        if s is None or season is None:
            return _not_found()
        state.register(season.artworks, s.title)
        return json_response({"id": s.tmdb_id * 100 + season.number,
                              **_image_lists(season.artworks, request, {"posters": "season"})})

    @app.get("/3/tv/{show_id}/season/{number}/episode/{episode}/images")
    async def episode_images(show_id: str, number: str, episode: str, request: Request):
        s = state.show(_int(show_id) or -1)
        season = next((x for x in s.seasons if x.number == _int(number)), None) if s else None
        ep = next((e for e in season.episodes if e.episode_number == _int(episode)), None) if season else None
        if ep is None:
            return _not_found()
        state.register(ep.artworks, ep.title)
        return json_response({"id": ep.tvdb_id, **_image_lists(ep.artworks, request, {"stills": "still"})})

    @app.get("/3/collection/{collection_id}/images")
    async def collection_images(collection_id: str, request: Request):
        found = state.collection(_int(collection_id) or -1)
        if found is None:
            return _not_found()
        name, arts = found
        state.register(arts, name)
        return json_response({"id": int(collection_id),
                              **_image_lists(arts, request, {"backdrops": "background", "posters": "poster"})})

    @app.get("/3/find/{external_id}")
    async def find(external_id: str, request: Request):
        source = request.query_params.get("external_source")
        if source not in ("imdb_id", "tvdb_id"):
            return json_response({"success": False, "status_code": 22,
                                  "status_message": "Invalid external_source."}, 400)
        movies: list[dict] = []
        shows: list[dict] = []
        if source == "imdb_id":
            m = library.movie_by_imdb(external_id)
            if m is not None and not m.removed_from_tmdb:
                movies.append(_search_result(movie_details(m)))
            shows += [_search_result(show_details(s)) for s in library.shows if s.imdb_id == external_id]
        else:
            s = library.show_by_tvdb(_int(external_id) or -1)
            if s is not None:
                shows.append(_search_result(show_details(s)))
        return json_response({"movie_results": movies, "person_results": [], "tv_results": shows,
                              "tv_episode_results": [], "tv_season_results": []})

    def paged(results: list[dict], request: Request) -> Response:
        page = max(1, _int(request.query_params.get("page", "1")) or 1)
        chunk = results[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        total_pages = max(1, -(-len(results) // PAGE_SIZE))
        return json_response({"page": page, "results": chunk, "total_pages": total_pages,
                              "total_results": len(results)})

    @app.get("/3/search/movie")
    async def search_movie(request: Request):
        query = (request.query_params.get("query") or "").strip().lower()
        if not query:
            return paged([], request)
        year = _int(request.query_params.get("year") or request.query_params.get("primary_release_year") or "")
        hits = []
        for m in library.movies:
            rank = _matches(query, [m.title, m.original_title, *m.alternate_titles])
            if rank >= 0 and not m.removed_from_tmdb and (year is None or m.year == year):
                hits.append((rank, -m.ratings.tmdb_votes, m))
        hits.sort(key=lambda h: h[:2])
        return paged([_search_result(movie_details(m)) for *_, m in hits], request)

    @app.get("/3/search/tv")
    async def search_tv(request: Request):
        query = (request.query_params.get("query") or "").strip().lower()
        if not query:
            return paged([], request)
        year = _int(request.query_params.get("first_air_date_year") or request.query_params.get("year") or "")
        hits = []
        for s in library.shows:
            rank = _matches(query, [s.title, s.original_title, *s.alternate_titles])
            if rank >= 0 and (year is None or s.year == year):
                hits.append((rank, s.id, s))
        hits.sort(key=lambda h: h[:2])
        return paged([_search_result(show_details(s)) for *_, s in hits], request)

    @app.get("/t/p/{size}/{name}")
    async def image(size: str, name: str):
        found = state.find_image(name)
        if found is None or (size != "original" and not (size[:1] in "wh" and (_int(size[1:]) or 0) > 0)):
            return Response(b"", status_code=404)
        art, title = found
        data = render_artwork(art, title, small=state.small_images)
        if size != "original":
            data = _scale(data, _int(size[1:]) or art.width)
        return Response(data, media_type=art.mime_type, headers={"Cache-Control": "max-age=31536000"})

    sim.state_hooks.append(lambda: {"images_indexed": len(state.images)})
    return install(app, sim)
