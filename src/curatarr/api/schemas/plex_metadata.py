"""Answers of CHUB's /api/posters/plex-metadata/* routes (Plex metadata bloat browser)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from curatarr.api.schemas.common import ChubEnvelope

PATH_FIELD = Field(..., min_length=1, max_length=4096,
                   description="a variant's path: relative to the Plex folder (as listed) or absolute")


class VariantOut(BaseModel):
    filename: str
    path: str = Field(description="relative to the Plex folder")
    size: int
    active: bool
    kind: str = Field(description="poster, art, banner, thumb, chapter, theme or other")


class MetadataItem(BaseModel):
    rating_key: str | None = Field(description="null for a bundle no library item references")
    title: str
    year: int | None = None
    media_type: str
    library_id: str | None = None
    library_name: str | None = None
    in_trash: bool = False
    bundle: str
    variants: list[VariantOut]
    variant_count: int
    bloat_count: int
    bloat_size: int


class ByMedia(ChubEnvelope):
    items: list[MetadataItem]
    total: int
    limit: int
    offset: int
    libraries: list[dict[str, Any]]
    media_types: list[dict[str, Any]]
    stats: dict[str, Any]


class BloatVariant(VariantOut):
    rating_key: str | None = None
    title: str
    bundle: str


class BloatList(ChubEnvelope):
    items: list[BloatVariant]
    total: int
    limit: int
    offset: int
    total_size: int


class CleanupBody(BaseModel):
    mode: Literal["report", "move", "remove", "restore", "clear"] = "report"
    target_paths: list[str] = Field(default_factory=list, max_length=10_000,
                                    description="only these files/folders (relative to the Plex folder); empty = all")
    dry_run: bool | None = None


class CleanupQueued(ChubEnvelope):
    job_id: int
    mode: str
    module: str
    status: str


class VariantBody(BaseModel):
    path: str = PATH_FIELD


class SetActiveBody(BaseModel):
    rating_key: str = Field(..., min_length=1, max_length=20, pattern=r"^\d+$")
    path: str = PATH_FIELD


class VariantDeleted(ChubEnvelope):
    deleted: str
    size: int


class VariantActivated(ChubEnvelope):
    rating_key: str
    path: str
    slot: str
    instance: str
    active: bool
