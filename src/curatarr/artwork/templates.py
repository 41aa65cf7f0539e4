"""Declarative artwork templates: one per kind, a stack of layers, validated by pydantic.

A template is plain data (YAML on disk, JSON over the API). The render pipeline in
``compose.py`` interprets it; nothing here touches images.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from curatarr.artwork.errors import TemplateError

TEMPLATE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HEX_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
NAMED_COLOURS = {
    "black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gold": (255, 215, 0), "silver": (192, 192, 192),
    "gray": (128, 128, 128), "grey": (128, 128, 128), "pink": (255, 192, 203), "orange": (255, 165, 0),
    "purple": (128, 0, 128), "lightblue": (173, 216, 230), "transparent": (0, 0, 0),
}


class Kind(str, Enum):
    poster = "poster"
    season = "season"
    background = "background"
    titlecard = "titlecard"
    collection = "collection"


# Posterizarr's canvases (posterizarr.md §2.1): poster-shaped 2000x3000, landscape 3840x2160.
CANVAS_BY_KIND: dict[Kind, tuple[int, int]] = {
    Kind.poster: (2000, 3000),
    Kind.season: (2000, 3000),
    Kind.collection: (2000, 3000),
    Kind.background: (3840, 2160),
    Kind.titlecard: (3840, 2160),
}


def parse_colour(value: str) -> tuple[int, int, int, int]:
    """``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a small set of names → (r, g, b, a)."""
    text = value.strip().lower()
    if text in NAMED_COLOURS:
        r, g, b = NAMED_COLOURS[text]
        return r, g, b, 0 if text == "transparent" else 255
    if not HEX_COLOUR_RE.match(text):
        raise ValueError(f"{value!r} is not a colour (use #rrggbb, #rrggbbaa or a basic name)")
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    a = int(digits[6:8], 16) if len(digits) == 8 else 255
    return r, g, b, a


Colour = Annotated[str, Field(min_length=1, max_length=32)]


def _check_colour(value: str) -> str:
    parse_colour(value)
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Canvas(Strict):
    width: int = Field(..., ge=64, le=8192)
    height: int = Field(..., ge=64, le=8192)


class Output(Strict):
    format: Literal["jpeg", "webp", "png"] = "jpeg"
    quality: int = Field(92, ge=1, le=100, description="JPEG/WebP quality (Posterizarr outputQuality 92%)")
    max_bytes: int = Field(10_000_000, ge=50_000, description="Plex/Kometa refuse uploads over 10 MB")
    chroma_subsampling: Literal["auto", "on", "off"] = "auto"


class Source(Strict):
    fit: Literal["cover", "contain_blur"] = Field(
        "cover", description="cover: crop to fill (Posterizarr); contain_blur: the whole picture over a blurred fill")
    focal_point: Literal["center", "attention"] | tuple[float, float] = "center"
    background: Colour = "#000000"

    @field_validator("focal_point")
    @classmethod
    def _focal(cls, value):
        if isinstance(value, tuple):
            x, y = value
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError("focal point coordinates are fractions between 0 and 1")
        return value

    _bg = field_validator("background")(classmethod(lambda cls, v: _check_colour(v)))


class Box(Strict):
    """A text/logo box: W×H, centred horizontally (plus ``offset_x``), bottom edge ``offset_bottom``
    px above the canvas bottom (Posterizarr ``MaxWidth``/``MaxHeight``/``text_offset``)."""

    width: int = Field(..., gt=0, le=8192)
    height: int = Field(..., gt=0, le=8192)
    offset_bottom: int = Field(0, ge=-8192, le=8192)
    offset_x: int = Field(0, ge=-8192, le=8192)


class GradientStop(Strict):
    at: float = Field(..., ge=0, le=1, description="position along the gradient, 0..1")
    color: Colour = "#000000"
    opacity: float = Field(1.0, ge=0, le=1)

    _c = field_validator("color")(classmethod(lambda cls, v: _check_colour(v)))


class OverlayLayer(Strict):
    """A user PNG (any size; scaled to the canvas) composited over the picture."""

    type: Literal["overlay"]
    id: str | None = None
    file: str = Field(..., min_length=1, max_length=255)
    opacity: float = Field(1.0, ge=0, le=1)


class GradientLayer(Strict):
    """A generated overlay: linear (direction), radial vignette or inner glow along the edges."""

    type: Literal["gradient"]
    id: str | None = None
    shape: Literal["linear", "radial", "edges"] = "linear"
    direction: Literal["to_bottom", "to_top", "to_left", "to_right"] = "to_bottom"
    size: float = Field(0.08, gt=0, le=1, description="edges: glow depth as a fraction of the short side")
    stops: list[GradientStop] = Field(..., min_length=2, max_length=16)
    opacity: float = Field(1.0, ge=0, le=1)

    @field_validator("stops")
    @classmethod
    def _ordered(cls, stops: list[GradientStop]):
        if any(b.at < a.at for a, b in zip(stops, stops[1:])):
            raise ValueError("gradient stops must be in increasing 'at' order")
        return stops


class BorderLayer(Strict):
    """A frame replacing the outer ``width`` px (Posterizarr shave + border), or a rounded frame,
    or an inner stroke drawn ``inset`` px inside the edge."""

    type: Literal["border"]
    id: str | None = None
    width: int = Field(30, ge=0, le=1000)
    color: Colour = "#000000"
    colors: list[Colour] | None = Field(None, min_length=2, max_length=8, description="vertical colour gradient")
    style: Literal["solid", "rounded", "inner_stroke"] = "solid"
    radius: int = Field(0, ge=0, le=2000)
    inset: int = Field(0, ge=0, le=2000)

    @field_validator("color")
    @classmethod
    def _colour(cls, v):
        return _check_colour(v)

    @field_validator("colors")
    @classmethod
    def _colours(cls, v):
        if v is not None:
            for c in v:
                _check_colour(c)
        return v


class Stroke(Strict):
    width: float = Field(6, gt=0, le=100)
    color: Colour = "#000000"

    _c = field_validator("color")(classmethod(lambda cls, v: _check_colour(v)))


class Shadow(Strict):
    color: Colour = "#000000"
    opacity: float = Field(0.6, ge=0, le=1)
    blur: float = Field(12, ge=0, le=200)
    dx: int = Field(0, ge=-500, le=500)
    dy: int = Field(6, ge=-500, le=500)

    _c = field_validator("color")(classmethod(lambda cls, v: _check_colour(v)))


TextSource = Literal["title", "original_title", "season_name", "episode_label", "episode_title", "collection_word", "custom"]


class TextLayer(Strict):
    type: Literal["text"]
    id: str = Field(..., pattern=r"^[A-Za-z0-9_-]{1,40}$")
    source: TextSource = "title"
    text: str | None = Field(None, max_length=500, description="custom text ({title}, {year}… placeholders) or the collection word")
    enabled: bool = True
    font: str = Field("Cinzel", min_length=1, max_length=255)
    weight: int | None = Field(None, ge=100, le=1000)
    rtl_font: str | None = Field(None, max_length=255, description="used for right-to-left text/libraries")
    fallback_fonts: list[str] | None = Field(None, max_length=20, description="empty = the built-in Noto chain")
    color: Colour = "#FFFFFF"
    stroke: Stroke | None = None
    shadow: Shadow | None = None
    all_caps: bool = True
    box: Box
    align: Literal["left", "center", "right"] = "center"
    valign: Literal["top", "middle", "bottom"] = "bottom"
    min_size: float = Field(45, gt=0, le=2000)
    max_size: float = Field(300, gt=0, le=2000)
    line_spacing: int = Field(0, ge=-500, le=500, description="extra px between lines (may be negative)")
    letter_spacing: float = Field(0, ge=-0.2, le=1, description="extra space per character, in em")
    newline_symbols: list[str] = Field(default_factory=list, max_length=20)
    keep_symbols: list[str] = Field(default_factory=list, max_length=20)
    newline_words: dict[str, str] = Field(default_factory=dict)
    overflow: Literal["skip", "shrink", "ellipsize"] = "skip"
    fit: Literal["logical", "ink"] = "logical"
    balance: bool = False
    max_lines: int | None = Field(None, ge=1, le=20)
    season_word: str = Field("SEASON", max_length=40)
    episode_word: str = Field("EPISODE", max_length=40)
    separator: str = Field(" • ", max_length=10)

    _c = field_validator("color")(classmethod(lambda cls, v: _check_colour(v)))

    @model_validator(mode="after")
    def _sizes(self):
        if self.min_size > self.max_size:
            raise ValueError("min_size must not exceed max_size")
        if self.source == "custom" and not self.text:
            raise ValueError("a custom text layer needs 'text'")
        return self


class LogoLayer(Strict):
    """A clear-logo image fitted (contain) into a box; replaces a text layer when a logo is given."""

    type: Literal["logo"]
    id: str = Field("logo", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    box: Box
    align: Literal["left", "center", "right"] = "center"
    valign: Literal["top", "middle", "bottom"] = "bottom"
    replaces: str | None = Field("title", description="id of the text layer hidden when a logo is drawn")
    opacity: float = Field(1.0, ge=0, le=1)


Layer = Annotated[Union[OverlayLayer, GradientLayer, BorderLayer, TextLayer, LogoLayer], Field(discriminator="type")]


class Template(Strict):
    id: str = Field(..., description="lower-case letters, digits, - and _")
    name: str = Field("", max_length=120)
    family: str = Field("custom", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    kind: Kind
    description: str = Field("", max_length=2000)
    canvas: Canvas | None = None
    output: Output = Field(default_factory=Output)
    source: Source = Field(default_factory=Source)
    layers: list[Layer] = Field(default_factory=list, max_length=40)
    builtin: bool = Field(False, description="set by the store; built-in templates are read-only")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not TEMPLATE_ID_RE.match(value):
            raise ValueError("id must be 1-64 chars of a-z, 0-9, '-' or '_' and start with a letter/digit")
        return value

    @model_validator(mode="after")
    def _geometry(self):
        width, height = self.size
        seen: set[str] = set()
        for index, layer in enumerate(self.layers):
            if isinstance(layer, (TextLayer, LogoLayer)):
                if layer.id in seen:
                    raise _layer_error(index, "id", f"duplicate layer id {layer.id!r}")
                seen.add(layer.id)
                box = layer.box
                if box.width > width:
                    raise _layer_error(index, "box.width", f"box width {box.width} is wider than the canvas ({width})")
                if box.height + max(box.offset_bottom, 0) > height:
                    raise _layer_error(index, "box.height", "box does not fit on the canvas vertically")
        return self

    @property
    def size(self) -> tuple[int, int]:
        if self.canvas is not None:
            return self.canvas.width, self.canvas.height
        return CANVAS_BY_KIND[self.kind]

    def text_layers(self) -> list[TextLayer]:
        return [layer for layer in self.layers if isinstance(layer, TextLayer)]

    def content_hash(self) -> str:
        """Stable short hash of everything that affects pixels (stored in the file's provenance)."""
        data = self.model_dump(mode="json", exclude={"builtin", "name", "description"})
        blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


_LAYER_TYPES = {"overlay", "gradient", "border", "text", "logo"}


class _LayerError(ValueError):
    pass


def _layer_error(index: int, field: str, message: str) -> ValueError:
    return _LayerError(f"layers.{index}.{field}: {message}")


def template_json_schema() -> dict[str, Any]:
    return Template.model_json_schema()


def validate_template(data: Any) -> Template:
    """Validate raw data; raise :class:`TemplateError` whose ``errors`` point at the failing field."""
    if not isinstance(data, dict):
        raise TemplateError("a template must be a mapping", [{"loc": [], "msg": "expected an object", "type": "type_error"}])
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            # Drop the union's discriminator tag: layers.3.text.box.width → layers.3.box.width.
            if len(loc) >= 3 and loc[0] == "layers" and isinstance(loc[1], int) and loc[2] in _LAYER_TYPES:
                del loc[2]
            msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            # Cross-field geometry errors name their field in the message; move it into ``loc``.
            match = re.search(r"layers\.(\d+)\.([a-z_.]+): (.*)$", msg)
            if match:
                loc = ["layers", int(match.group(1)), *match.group(2).split(".")]
                msg = match.group(3)
            errors.append({"loc": loc, "msg": msg, "type": err.get("type", "value_error")})
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or "template"
        raise TemplateError(f"{where}: {first['msg']}", errors) from None
