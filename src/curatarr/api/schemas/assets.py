"""Answers of Posterizarr's asset endpoints: action center, stats, folders, manual gallery, folder browser."""

from __future__ import annotations

from typing import Any

from curatarr.api.schemas.common import ApiModel
from curatarr.api.schemas.values import binary_content

ASSET_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The asset file", "content": binary_content("image/jpeg", "image/png", "image/webp")}}


class AssetRow(ApiModel):
    """Posterizarr's ImageChoices row (plus Curatarr's id, asset path and state)."""

    id: int | None = None
    Title: str | None = None
    Type: str | None = None
    Rootfolder: str | None = None
    LibraryName: str | None = None
    Language: str | None = None
    Fallback: str | None = None
    TextTruncated: str | None = None
    LowResolution: str | None = None  # "true": the source was enlarged more than 1.5× to fill the canvas
    DownloadSource: str | None = None
    FavProviderLink: str | None = None
    Manual: str | None = None
    tmdbid: str | None = None
    tvdbid: str | None = None
    imdbid: str | None = None
    asset_path: str | None = None
    kind: str | None = None
    provider: str | None = None
    status: str | None = None
    server: str | None = None
    skipped: bool | None = None
    has_poster: bool | None = None


class AssetCategory(ApiModel):
    count: int | None = None
    assets: list[AssetRow] | None = None


class AssetsOverview(ApiModel):
    """``GET /api/assets/overview``: rows by category (missing_assets, non_primary_lang, …, resolved)."""

    categories: dict[str, AssetCategory] | None = None
    config: dict[str, Any] | None = None


class SkipAnswer(ApiModel):
    success: bool | None = None
    id: int | None = None
    skipped: bool | None = None
    server: str | None = None
    server_item: str | None = None  # the movie/show on the server that carries the label
    label: str | None = None
    rows: int | None = None


class AssetFolder(ApiModel):
    name: str | None = None
    path: str | None = None
    poster_count: int | None = None
    background_count: int | None = None
    season_count: int | None = None
    titlecard_count: int | None = None
    files: int | None = None
    size: int | None = None


class AssetStats(ApiModel):
    posters: int | None = None
    backgrounds: int | None = None
    seasons: int | None = None
    titlecards: int | None = None
    collections: int | None = None
    total_size: int | None = None
    folders: list[AssetFolder] | None = None


class AssetStatsAnswer(ApiModel):
    success: bool | None = None
    stats: AssetStats | None = None


class AssetFolders(ApiModel):
    folders: list[AssetFolder] | None = None


class ManualAsset(ApiModel):
    name: str | None = None
    path: str | None = None
    type: str | None = None
    url: str | None = None


class ManualFolder(ApiModel):
    name: str | None = None
    path: str | None = None
    assets: list[ManualAsset] | None = None
    asset_count: int | None = None


class ManualLibrary(ApiModel):
    name: str | None = None
    folders: list[ManualFolder] | None = None
    folder_count: int | None = None


class ManualGallery(ApiModel):
    libraries: list[ManualLibrary] | None = None
    total_assets: int | None = None


class BrowseEntry(ApiModel):
    """A sub-folder (``item_count``) or an image file (``size``, ``kind``, ``url``)."""

    type: str | None = None
    name: str | None = None
    path: str | None = None
    item_count: int | None = None
    size: int | None = None
    kind: str | None = None
    url: str | None = None


class FolderBrowse(ApiModel):
    success: bool | None = None
    path: str | None = None
    items: list[BrowseEntry] | None = None
