"""The errors the artwork engine raises. Each carries the HTTP status an API handler should use."""

from __future__ import annotations


class ArtworkError(Exception):
    """Base class: a problem with the caller's input, never a crash."""

    status = 400


class ImageRejected(ArtworkError):
    """The source/overlay/logo image is corrupt, too big, or not an image we accept."""

    status = 400


class ImageTooLarge(ImageRejected):
    status = 413


class UnsupportedMedia(ImageRejected):
    status = 415


class FontRejected(ArtworkError):
    """An uploaded or configured font file is not a usable TrueType/OpenType font."""

    status = 400


class FontNotFound(ArtworkError):
    status = 404


class AssetNotFound(ArtworkError):
    """An overlay/font file named by a template or request does not exist."""

    status = 404


class TemplateError(ArtworkError):
    """A template failed validation; ``errors`` holds pydantic-style items with ``loc``."""

    status = 422

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or [{"loc": [], "msg": message, "type": "value_error"}]


class TemplateNotFound(ArtworkError):
    status = 404


class TemplateReadOnly(ArtworkError):
    status = 409


class OutputTooLarge(ArtworkError):
    """The encoded file stays over the size guard even at the lowest quality we allow."""

    status = 422
