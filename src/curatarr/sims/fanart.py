"""Fanart.tv v3 simulator (see reference/contracts.md §9).

* ``GET /v3/movies/{tmdb_id or imdb_id}`` and ``GET /v3/tv/{tvdb_id}`` with ``?api_key=`` (plus an
  optional ``client_key``, recorded); a wrong key gives 401, an unknown id 404 with
  ``{"status": "error", "error message": "Not found"}``.
* Every image is ``{id, url, lang, likes}`` with ``id`` and ``likes`` as STRINGS; textless is
  ``lang: "00"``, except backgrounds which use ``""`` (Fanart.tv's real habit); season artwork adds
  ``season`` as a string. Keys with no images are absent.
* Fanart.tv holds a deterministic ~60% share of the library's artwork (so the poster maker sees
  providers disagree), keyed by the artwork's id. Image URLs point back at this simulator
  (``/fanart/{movies|tv}/{id}/{key}/{slug}-{image id}.{ext}``); the bytes are real images.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from fastapi import FastAPI, Request
from fastapi.responses import Response

from curatarr.sims.base import Simulator, credential, install, json_response
from curatarr.sims.images import render_artwork
from curatarr.sims.library import Artwork, SampleLibrary, stable_int

NOT_FOUND = {"status": "error", "error message": "Not found"}
INVALID_KEY = {"status": "error", "error message": "Invalid API key"}
SHARE_PERCENT = 60
MOVIE_KEYS = {"poster": "movieposter", "background": "moviebackground", "logo": "hdmovielogo",
              "clearart": "hdmovieclearart"}
TV_KEYS = {"poster": "tvposter", "background": "showbackground", "logo": "hdtvlogo", "clearart": "hdclearart"}
# Keys whose textless marker is "" rather than "00".
EMPTY_LANG_KEYS = frozenset({"moviebackground", "showbackground"})


def _unauthorized() -> tuple[int, dict[str, str], bytes]:
    import json
    return 401, {}, json.dumps(INVALID_KEY).encode()


def on_fanart(art: Artwork) -> bool:
    """Whether Fanart.tv holds this artwork (a stable ~60% share)."""
    return stable_int("fanart", art.provider_id) % 100 < SHARE_PERCENT


def image_id(art: Artwork) -> str:
    return str(stable_int("fanart-id", art.provider_id) % 900_000 + 100_000)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "item"


def fanart_lang(art: Artwork, key: str) -> str:
    if art.language in (None, "xx"):
        return "" if key in EMPTY_LANG_KEYS else "00"
    return art.language


class FanartState:
    def __init__(self, library: SampleLibrary, small_images: bool):
        self.library = library
        self.small_images = small_images
        self.images: dict[str, tuple[Artwork, str]] = {}  # image id -> (artwork, title)

    def entries(self, base: str, section: str, item_id: int | str, title: str, key: str,
                arts: Iterable[Artwork], season: str | None = None) -> list[dict[str, Any]]:
        out = []
        for art in arts:
            if not on_fanart(art):
                continue
            iid = image_id(art)
            self.images[iid] = (art, title)
            entry = {"id": iid, "url": f"{base}/fanart/{section}/{item_id}/{key}/{slug(title)}-{iid}.{art.extension}",
                     "lang": fanart_lang(art, key), "likes": str(art.likes)}
            if season is not None:
                entry["season"] = season
            elif key == "showbackground":
                entry["season"] = "all"
            out.append(entry)
        out.sort(key=lambda e: -int(e["likes"]))
        return out


def create_app(library: SampleLibrary, *, api_key: str = "fanart-key", instance: str = "fanart",
               small_images: bool = False) -> FastAPI:
    sim = Simulator("fanart", instance=instance, library=library, api_key=api_key, unauthorized=_unauthorized)
    state = FanartState(library, small_images)
    app = FastAPI(title="Fanart.tv simulator", docs_url=None, redoc_url=None, openapi_url=None)

    def authorised(request: Request) -> bool:
        client_key = request.query_params.get("client_key")
        if client_key:
            sim.record("client_keys", client_key=client_key)
        return credential(request, query=("api_key",), headers=("api-key",)) == api_key

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @app.get("/v3/movies/{movie_id}")
    async def movie(movie_id: str, request: Request):
        if not authorised(request):
            return json_response(INVALID_KEY, 401)
        m = library.movie_by_imdb(movie_id) if movie_id.startswith("tt") else (
            library.movie_by_tmdb(int(movie_id)) if movie_id.isdigit() else None)
        if m is None:
            return json_response(NOT_FOUND, 404)
        doc: dict[str, Any] = {"name": m.title, "tmdb_id": str(m.tmdb_id), "imdb_id": m.imdb_id or ""}
        for kind, key in MOVIE_KEYS.items():
            entries = state.entries(base(request), "movies", m.tmdb_id, m.title, key,
                                    [a for a in m.artworks if a.kind == kind])
            if entries:
                doc[key] = entries
        return json_response(doc)

    @app.get("/v3/tv/{tvdb_id}")
    async def tv(tvdb_id: str, request: Request):
        if not authorised(request):
            return json_response(INVALID_KEY, 401)
        s = library.show_by_tvdb(int(tvdb_id)) if tvdb_id.isdigit() else None
        if s is None or s.removed_from_tvdb:
            return json_response(NOT_FOUND, 404)
        doc: dict[str, Any] = {"name": s.title, "thetvdb_id": str(s.tvdb_id)}
        for kind, key in TV_KEYS.items():
            entries = state.entries(base(request), "tv", s.tvdb_id, s.title, key,
                                    [a for a in s.artworks if a.kind == kind])
            if entries:
                doc[key] = entries
        seasons: list[dict[str, Any]] = []
        for season in s.seasons:
            seasons += state.entries(base(request), "tv", s.tvdb_id, s.title, "seasonposter",
                                     [a for a in season.artworks if a.kind == "season"], season=str(season.number))
        if seasons:
            doc["seasonposter"] = seasons
        return json_response(doc)

    @app.get("/fanart/{section}/{item_id}/{key}/{name}")
    async def image(section: str, item_id: str, key: str, name: str):
        match = re.search(r"-(\d+)\.(jpg|png)$", name)
        found = state.images.get(match.group(1)) if match else None
        if found is None:
            return Response(b"", status_code=404)
        art, title = found
        return Response(render_artwork(art, title, small=state.small_images), media_type=art.mime_type)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def unknown(path: str):
        return json_response(NOT_FOUND, 404)

    sim.state_hooks.append(lambda: {"images_indexed": len(state.images)})
    return install(app, sim)
