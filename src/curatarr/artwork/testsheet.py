"""Posterizarr's testing mode as one contact sheet: every kind × short/medium/long title × caps
on/off, on pink canvases with the text boxes drawn in light blue and the text in blue."""

from __future__ import annotations

import threading

import pyvips

from curatarr.artwork.compose import RenderContext, RenderInputs, compose
from curatarr.artwork.encode import Provenance, encode
from curatarr.artwork.templates import Kind, Template
from curatarr.artwork.textprep import TextInputs

SAMPLE_TITLES = {
    "short": "The Hobbit",
    "medium": "The Hobbit is a great movie",
    "long": "The Hobbit is a great movie that everyone should watch at least once in their life",
}
# Sheets rendered at once. Each holds up to 60 tiles and renders full-size canvases on the way:
# unbounded, eight parallel sheets took a server from 1.4 to 7 GB (issue #20). One more asks again.
MAX_CONCURRENT_SHEETS = 2
SHEET_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_SHEETS)
RETRY_AFTER_SECONDS = 5
TILE_HEIGHT = 420
LABEL_HEIGHT = 44


def _label(text: str, width: int) -> pyvips.Image:
    mask = pyvips.Image.text(text, font="sans 20", dpi=72, width=width - 8)
    canvas = pyvips.Image.black(width, LABEL_HEIGHT) + 32
    x = max(0, (width - mask.width) // 2)
    y = max(0, (LABEL_HEIGHT - mask.height) // 2)
    white = canvas.insert(mask, x, y) if mask.width <= width and mask.height <= LABEL_HEIGHT else canvas
    return white.cast("uchar").bandjoin([white.cast("uchar"), white.cast("uchar")]).copy(interpretation="srgb")


def _inputs(kind: Kind, title: str) -> TextInputs:
    return TextInputs(title=title, season_name=title if kind == Kind.season else "Season 1", season_number=9999,
                      episode_number=9999, episode_title=title, collection_word="Collection")


def test_sheet(templates: list[Template], ctx: RenderContext, *, quality: int = 85) -> tuple[bytes, list[dict]]:
    """One JPEG with a row per template and a column per title length × caps; plus a report.
    At most :data:`MAX_CONCURRENT_SHEETS` at once; another one is refused with 429 (Retry-After)."""
    from curatarr.errors import TooManyRequests

    if not SHEET_SLOTS.acquire(blocking=False):
        raise TooManyRequests(f"{MAX_CONCURRENT_SHEETS} test sheets are already rendering; try again shortly",
                              code="TEST_SHEET_BUSY", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    try:
        return _render_sheet(templates, ctx, quality)
    finally:
        SHEET_SLOTS.release()


def _render_sheet(templates: list[Template], ctx: RenderContext, quality: int) -> tuple[bytes, list[dict]]:
    rows: list[pyvips.Image] = []
    report: list[dict] = []
    for template in templates:
        tiles: list[pyvips.Image] = []
        for length, title in SAMPLE_TITLES.items():
            for caps in (False, True):
                layers = [layer.model_copy(update={"all_caps": caps}) if layer.type == "text" else layer
                          for layer in template.layers]
                variant = template.model_copy(update={"layers": layers})
                canvas, layer_report = compose(variant, RenderInputs(texts=_inputs(template.kind, title)), ctx,
                                               test_mode=True)
                scale = TILE_HEIGHT / canvas.height
                # Materialise the small tile now: the full-size canvas is then freed, so a sheet holds
                # tiles (~0.2 MP each), not 60 poster canvases.
                tile = canvas.resize(scale).copy_memory()
                label = f"{template.id} · {length}{' · CAPS' if caps else ''}"
                truncated = any(item.get("truncated") for item in layer_report)
                if truncated:
                    label += " · TRUNCATED"
                tiles.append(tile.join(_label(label, tile.width), "vertical"))
                report.append({"template": template.id, "kind": template.kind.value, "length": length, "caps": caps,
                               "truncated": truncated,
                               "sizes": {item["id"]: item.get("size") for item in layer_report}})
        rows.append(pyvips.Image.arrayjoin(tiles, across=len(tiles), shim=12, background=[20, 20, 20]))
    sheet = pyvips.Image.arrayjoin(rows, across=1, shim=16, background=[20, 20, 20]) if rows else \
        pyvips.Image.black(16, 16, bands=3)
    sheet = sheet.cast("uchar").copy(interpretation="srgb")
    data, _q = encode(sheet, fmt="jpeg", quality=quality, max_bytes=50_000_000,
                      provenance=Provenance("test-sheet", "", ""))
    return data, report


_backdrops: dict[tuple[int, int], bytes] = {}


def sample_backdrop(width: int, height: int) -> bytes:
    """A soft, colourful stand-in picture for previews without a source image (cached)."""
    key = (width, height)
    if key not in _backdrops:
        small_w, small_h = max(8, width // 16), max(8, height // 16)
        xyz = pyvips.Image.xyz(small_w, small_h)
        x, y = xyz[0] / small_w, xyz[1] / small_h
        red = 40 + 120 * x + 40 * y
        green = 60 + 60 * (1 - y) + 30 * x
        blue = 110 + 100 * (1 - x) * (1 - y)
        image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
        image = image.resize(width / small_w, vscale=height / small_h, kernel="linear")
        _backdrops[key] = image.jpegsave_buffer(Q=90)
    return _backdrops[key]
