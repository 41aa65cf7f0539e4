"""Answers of the galleries (posters, backgrounds, seasons, title cards), deletes and the asset replacer."""

from __future__ import annotations

from curatarr.api.schemas.common import ApiModel
from curatarr.api.schemas.values import Number


class GalleryImage(ApiModel):
    path: str | None = None
    name: str | None = None
    folder: str | None = None
    size: int | None = None
    url: str | None = None
    created: Number | None = None
    modified: Number | None = None


class GalleryPage(ApiModel):
    images: list[GalleryImage] | None = None
    total: int | None = None
    count: int | None = None
    limit: int | None = None
    offset: int | None = None


class AssetDeleted(ApiModel):
    success: bool | None = None
    message: str | None = None


class DeleteResult(ApiModel):
    path: str | None = None
    success: bool | None = None
    status: int | None = None
    error: str | None = None


class BulkDeleted(ApiModel):
    success: bool | None = None
    deleted: int | None = None
    failed: int | None = None
    results: list[DeleteResult] | None = None


class ReplacementCandidate(ApiModel):
    provider: str | None = None
    url: str | None = None
    original_url: str | None = None
    language: str | None = None
    width: int | None = None
    height: int | None = None
    score: Number | None = None
    votes: int | None = None
    preferred: bool | None = None


class Replacements(ApiModel):
    """Candidates from every provider, in the language-rule order."""

    success: bool | None = None
    asset_path: str | None = None
    results: list[ReplacementCandidate] | None = None
    total: int | None = None


class ReplacementDone(ApiModel):
    """Stored directly (``folder``) or queued as a manual poster maker run (``job_id``)."""

    success: bool | None = None
    message: str | None = None
    path: str | None = None
    folder: str | None = None
    job_id: int | None = None
