"""Answers of Posterizarr's /api/overlayfiles and Curatarr's /api/fonts."""

from __future__ import annotations

from typing import Any

from curatarr.api.schemas.common import ApiModel
from curatarr.api.schemas.values import binary_content

PREVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The overlay image, or a sample of the font",
          "content": binary_content("image/png", "image/webp")}}
FONT_SAMPLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A PNG sample of the text in the font", "content": binary_content("image/png")}}


class OverlayFile(ApiModel):
    """An overlay image or a font file; built-in fonts also carry their ``family``."""

    name: str | None = None
    type: str | None = None
    extension: str | None = None
    size: int | None = None
    builtin: bool | None = None
    family: str | None = None


class OverlayFiles(ApiModel):
    success: bool | None = None
    files: list[OverlayFile] | None = None


class Uploaded(ApiModel):
    """The stored file and what its content says (image size, font family …)."""

    success: bool | None = None
    file: OverlayFile | None = None
    info: dict[str, Any] | None = None


class FileDeleted(ApiModel):
    success: bool | None = None
    deleted: str | None = None


class Font(ApiModel):
    name: str | None = None
    family: str | None = None
    builtin: bool | None = None
    file: str | None = None
    size: int | None = None


class FontList(ApiModel):
    success: bool | None = None
    fonts: list[Font] | None = None
    total: int | None = None
