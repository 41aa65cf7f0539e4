"""The server's own art as the last-resort source, and the marker reader that guards it."""

from __future__ import annotations

import io

from PIL import Image

from curatarr.posters.markers import tool_marker
from tests.posters.conftest import asset_rows, run

KINDS_OFF = {"seasons": False, "titlecards": False, "backgrounds": False, "collections": False}


def _jpeg(**save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 90), (120, 30, 30)).save(buf, "JPEG", **save)
    return buf.getvalue()


def _only_servers(rt, sims, servers=("plex",), **cfg):
    """No artwork provider at all: the server's image is the only source left."""
    rt.config.update({"instances": sims.instances(set(servers)),
                      "poster_maker": {"workers": 1, "server_art_fallback": True, **cfg}})


# ---- the marker reader ----------------------------------------------------------------------------

def test_markers_are_read_from_comment_exif_xmp_and_png_text():
    assert tool_marker(_jpeg()) is None
    assert tool_marker(_jpeg(comment=b"created with posterizarr")) == "created with posterizarr"
    exif = Image.Exif()
    exif[0x010E] = "Kometa Overlay"  # ImageDescription
    assert tool_marker(_jpeg(exif=exif.tobytes())) == "overlay"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description CreatorTool="Adobe Photoshop"/></x:xmpmeta>'
    assert tool_marker(_jpeg(xmp=xmp)) is None
    assert tool_marker(_jpeg(xmp=xmp.replace(b"Adobe Photoshop", b"TitleCard Maker"))) == "titlecard"
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Created with PPM")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG", pnginfo=info)
    assert tool_marker(buf.getvalue()) == "created with ppm"


def test_pixel_data_never_counts_as_a_marker():
    data = _jpeg()
    sos = data.index(b"\xff\xda")
    doctored = data[:sos + 12] + b"overlay created with curatarr" + data[sos + 12:]
    assert tool_marker(doctored) is None


def test_our_own_renders_carry_our_marker(runtime, sims):
    _only_servers(runtime, sims, **KINDS_OFF)
    run(runtime)
    root = runtime.data_dir / "posters" / "assets"
    poster = next(root.rglob("poster.jpg"))
    assert tool_marker(poster.read_bytes()) == "created with curatarr"


# ---- server art as a source -------------------------------------------------------------------------

def test_plex_art_is_used_when_no_provider_has_an_image_and_kept_without_downloading(runtime, sims):
    _only_servers(runtime, sims, **KINDS_OFF)
    first = run(runtime)
    movies = sims.library.movies
    rows = asset_rows(runtime)
    posters = [r for r in rows.values() if r.kind == "poster"]
    assert first.counts["posters"] == len(posters) == len(movies) + len(sims.library.shows)
    for r in posters:
        assert r.provider == "plex" and r.language == "false" and r.fallback == "true" and r.status == "written"
        assert r.download_source.startswith("plex:") and "#" in r.download_source
    assert first.counts["downloads"] == len(posters)
    second = run(runtime)
    assert second.counts["downloads"] == 0 and second.counts["writes"] == 0
    assert second.counts["unchanged"] == len(posters)


def test_server_art_with_a_tool_marker_is_refused_unless_validation_is_off(runtime, sims):
    from curatarr.connectors.plex import PlexClient

    movie = sims.library.movies[0]
    with PlexClient(sims.servers["plex"].url, sims.keys["plex"]) as plex:
        plex.upload_poster(str(movie.plex_rating_key), data=_jpeg(comment=b"created with posterizarr"))
    _only_servers(runtime, sims, **KINDS_OFF)
    run(runtime)
    rows = asset_rows(runtime)
    key = f"Movies/{movie.folder_name}/poster.jpg"
    assert rows[key].status == "refused" and rows[key].download_source == "false"
    other = f"Movies/{sims.library.movies[1].folder_name}/poster.jpg"
    assert rows[other].status == "written" and rows[other].provider == "plex"
    # The refusal is remembered for the provider cache time: the next run downloads nothing at all.
    again = run(runtime)
    assert again.counts["downloads"] == 0 and again.counts["writes"] == 0
    assert asset_rows(runtime)[key].status == "refused"

    _only_servers(runtime, sims, disable_hash_validation=True, **KINDS_OFF)
    result = run(runtime)
    assert asset_rows(runtime)[key].status == "written"
    assert result.counts["posters"] == 1


def test_textless_only_order_never_takes_server_art(runtime, sims):
    _only_servers(runtime, sims, language_order=["xx"], **KINDS_OFF)
    result = run(runtime)
    assert result.counts["writes"] == 0
    assert all(r.status == "missing" for r in asset_rows(runtime).values())
    assert not sims.sim("plex").find_requests("/thumb")


def test_jellyfin_primary_and_backdrop_are_sources_too(runtime, sims):
    _only_servers(runtime, sims, servers=("jellyfin",), seasons=False, titlecards=False, collections=False)
    result = run(runtime)
    rows = asset_rows(runtime)
    movie = sims.library.movies[0]
    poster, background = rows[f"Movies/{movie.folder_name}/poster.jpg"], rows[f"Movies/{movie.folder_name}/background.jpg"]
    assert poster.provider == background.provider == "jellyfin"
    assert ":background#" in background.download_source and ":poster#" in poster.download_source
    assert result.counts["backgrounds"] == len(sims.library.movies) + len(sims.library.shows)
    assert sims.sim("jellyfin").find_requests("/Images/Backdrop")


def test_providers_still_come_first(runtime, sims):
    from tests.posters.conftest import configure

    configure(runtime, sims, server_art_fallback=True, **KINDS_OFF)
    run(runtime)
    assert all(r.provider in ("tmdb", "fanart", "tvdb") for r in asset_rows(runtime).values())
    assert not sims.sim("plex").find_requests("/thumb")
