"""Titles drawn on assets (original-title substitution, use_original_title), the library language
reaching the renderer (RTL font), and per-library language orders."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from curatarr.db.models.posters import PosterAsset
from curatarr.modules.poster_maker import PosterMaker
from curatarr.posters.libraries import MediaItem, iter_server
from curatarr.posters.plan import display_title
from curatarr.posters.sourcing import rules_for
from tests.posters.conftest import configure, run


def test_display_title_substitutes_scripts_fonts_rarely_cover():
    assert display_title("Матрица", "The Matrix") == "The Matrix"
    assert display_title("千と千尋の神隠し", "Spirited Away") == "Spirited Away"
    assert display_title("기생충", "Parasite") == "Parasite"
    assert display_title("ლურჯი", "Blue") == "Blue"
    assert display_title("Матрица", "") == "Матрица"  # nothing to substitute with
    assert display_title("Amélie", "Le Fabuleux Destin d'Amélie Poulain") == "Amélie"
    assert display_title("Amélie", "Le Fabuleux Destin", always=True) == "Le Fabuleux Destin"


def _rename(sims, rating_key: int, title: str) -> None:
    url = sims.servers["plex"].url
    httpx.put(f"{url}/library/sections/1/all", params={"type": 1, "id": rating_key, "title.value": title},
              headers={"X-Plex-Token": sims.keys["plex"]}).raise_for_status()


def _items(sims):
    from curatarr.connectors.plex import PlexClient

    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        return {i.server_id: i for i in iter_server(plex, "plex")}


def test_titles_from_the_server_use_the_original_where_needed(runtime, sims):
    first, second = sims.library.movies[0], sims.library.movies[1]
    _rename(sims, first.plex_rating_key, "Матрица")
    _rename(sims, second.plex_rating_key, "Matrix Reloaded DE")
    items = _items(sims)
    module = PosterMaker()
    cfg = module.parse_config({})
    texts = {s.kind: s.texts for s in module.specs_for(cfg, items[str(first.plex_rating_key)])}
    assert texts["poster"]["title"] == texts["background"]["title"] == first.original_title
    assert "language" not in texts["poster"]  # English changes no pixels: the input hash stays as it was
    kept = module.specs_for(cfg, items[str(second.plex_rating_key)])[0]
    assert kept.texts["title"] == "Matrix Reloaded DE" and kept.title == "Matrix Reloaded DE"
    always = module.specs_for(module.parse_config({"use_original_title": True}), items[str(second.plex_rating_key)])[0]
    assert always.texts["title"] == second.original_title


def _layers(runtime, language: str) -> list[dict]:
    from curatarr.artwork.batch import RenderJob, render_many
    from curatarr.artwork.service import artwork_service

    module = PosterMaker()
    cfg = module.parse_config({"backgrounds": False})
    item = MediaItem(server="plex", server_type="plex", library="Movies", kind="movie", server_id="1",
                     title="Casablanca", year=1942, asset_name="Casablanca (1942)", path="/m/Casablanca (1942)/c.mkv",
                     language=language)
    spec = module.specs_for(cfg, item)[0]
    buf = io.BytesIO()
    Image.new("RGB", (200, 300), (40, 40, 90)).save(buf, "JPEG")
    svc = artwork_service(runtime)
    result = next(iter(render_many([RenderJob(kind="poster", image=buf.getvalue(), texts=spec.texts,
                                              template="classic", output_format="jpeg", job_id=0)],
                                   workers=1, setup=svc.worker_setup())))
    assert result.ok, result.error
    return result.layers


@pytest.mark.parametrize("language, rtl", [("he", True), ("ar", True), ("fa", True), ("en", False)])
def test_library_language_picks_the_templates_rtl_font(runtime, language, rtl):
    title = next(layer for layer in _layers(runtime, language) if layer.get("id") == "title")
    assert (title["fonts"][0] == "Noto Sans Arabic") is rtl


def test_only_languages_that_change_the_pixels_enter_the_texts():
    from curatarr.posters.plan import render_language

    assert [render_language(x) for x in ("he", "ar", "ko", "zh-tw", "ja")] == ["he", "ar", "ko", "zh-tw", "ja"]
    assert [render_language(x) for x in ("en", "de", "", None)] == [None, None, None, None]


def test_library_language_overrides(runtime, sims):
    cfg = PosterMaker().parse_config({"language_order": ["xx", "en"],
                                      "library_language_overrides": {"tv shows": {"language_order": ["zz"],
                                                                                  "titlecard_language_order": ["en"]}}})
    assert rules_for(cfg, "poster", "TV Shows").language_order == ["zz"]
    assert rules_for(cfg, "season", "TV Shows").language_order == ["zz"]  # inherits the library's poster order
    assert rules_for(cfg, "titlecard", "TV Shows").language_order == ["en"]
    assert rules_for(cfg, "poster", "Movies").language_order == ["xx", "en"]
    with pytest.raises(Exception):
        PosterMaker().parse_config({"library_language_overrides": {"Movies": {"languages": ["en"]}}})

    configure(runtime, sims, language_order=["xx", "en"], titlecards=False,
              library_language_overrides={"TV Shows": {"language_order": ["zz"]}})
    result = run(runtime)
    with runtime.db.session() as s:
        rows = list(s.execute(select(PosterAsset)).scalars())
    shows = [r for r in rows if r.library == "TV Shows"]
    movies = [r for r in rows if r.library == "Movies"]
    assert shows and all(r.status == "missing" for r in shows)
    assert movies and all(r.status == "written" and r.language in ("Textless", "en") for r in movies)
    assert result.counts["posters"] == len(sims.library.movies)
