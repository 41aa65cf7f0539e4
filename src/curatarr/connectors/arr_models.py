"""The *arr wire models: camelCase JSON of Radarr (v3), Sonarr (v3/v4) and Lidarr (v1) as typed,
frozen pydantic models (snake_case in Python; unknown fields ignored; nulls tolerated)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel


# ---- models ------------------------------------------------------------------------------------
class ArrModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown fields ignored; nulls tolerated."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


def _titles(value: Any) -> list[str]:
    return [v.get("title", "") if isinstance(v, dict) else str(v) for v in value or []]


class SystemStatus(ArrModel):
    app_name: str
    instance_name: str = ""
    version: str = ""


class HealthItem(ArrModel):
    source: str = ""
    type: str = ""
    message: str = ""
    wiki_url: str | None = None

    @field_validator("wiki_url", mode="before")
    @classmethod
    def _uri(cls, value: Any) -> Any:  # Sonarr's spec says object; servers send a string
        return value.get("fullUri") if isinstance(value, dict) else value


class Tag(ArrModel):
    id: int
    label: str


class RootFolder(ArrModel):
    id: int
    path: str
    accessible: bool = True
    free_space: int | None = None


class QualityProfile(ArrModel):
    id: int
    name: str


class MediaImage(ArrModel):
    cover_type: str
    url: str | None = None
    remote_url: str | None = None


class MediaFile(ArrModel):
    """A movie file or an episode file."""

    id: int
    relative_path: str = ""
    path: str = ""
    size: int = 0
    quality: str = Field("", validation_alias=AliasPath("quality", "quality", "name"))
    release_group: str | None = None
    movie_id: int | None = None
    series_id: int | None = None
    season_number: int | None = None


class Movie(ArrModel):
    id: int
    title: str
    original_title: str | None = None
    year: int = 0
    tmdb_id: int = 0
    imdb_id: str | None = None
    alternate_titles: list[str] = []
    tags: list[int] = []
    root_folder_path: str | None = None
    path: str | None = None
    folder_name: str | None = None        # Radarr puts the full folder PATH here
    folder: str | None = None             # the folder's own name
    monitored: bool = False
    has_file: bool = False
    status: str = ""
    quality_profile_id: int = 0
    size_on_disk: int = 0
    genres: list[str] = []
    certification: str | None = None
    studio: str | None = None
    runtime: int = 0
    added: str | None = None
    original_language: str | None = Field(None, validation_alias=AliasPath("originalLanguage", "name"))
    collection_tmdb_id: int | None = Field(None, validation_alias=AliasPath("collection", "tmdbId"))
    collection_title: str | None = Field(None, validation_alias=AliasPath("collection", "title"))
    images: list[MediaImage] = []
    movie_file: MediaFile | None = None

    _alt = field_validator("alternate_titles", mode="before")(classmethod(lambda cls, v: _titles(v)))


class SeasonInfo(ArrModel):
    season_number: int
    monitored: bool = False
    episode_count: int = Field(0, validation_alias=AliasPath("statistics", "episodeCount"))
    episode_file_count: int = Field(0, validation_alias=AliasPath("statistics", "episodeFileCount"))
    total_episode_count: int = Field(0, validation_alias=AliasPath("statistics", "totalEpisodeCount"))


class Series(ArrModel):
    id: int
    title: str
    year: int = 0
    tvdb_id: int = 0
    tmdb_id: int = 0
    imdb_id: str | None = None
    alternate_titles: list[str] = []
    tags: list[int] = []
    root_folder_path: str | None = None
    path: str | None = None
    folder: str | None = None
    monitored: bool = False
    status: str = ""
    series_type: str = "standard"
    quality_profile_id: int = 0
    network: str | None = None
    certification: str | None = None
    genres: list[str] = []
    original_language: str | None = Field(None, validation_alias=AliasPath("originalLanguage", "name"))
    seasons: list[SeasonInfo] = []
    images: list[MediaImage] = []

    _alt = field_validator("alternate_titles", mode="before")(classmethod(lambda cls, v: _titles(v)))


class Episode(ArrModel):
    id: int
    series_id: int
    season_number: int
    episode_number: int
    title: str | None = None
    air_date: str | None = None
    has_file: bool = False
    episode_file_id: int = 0
    monitored: bool = False
    tvdb_id: int = 0


class Artist(ArrModel):
    id: int
    artist_name: str
    foreign_artist_id: str = ""
    path: str | None = None
    root_folder_path: str | None = None
    tags: list[int] = []
    monitored: bool = False
    status: str = ""
    images: list[MediaImage] = []


class Album(ArrModel):
    id: int
    title: str
    foreign_album_id: str = ""
    artist_id: int = 0
    monitored: bool = False
    release_date: str | None = None
    album_type: str | None = None


class Command(ArrModel):
    id: int
    name: str
    status: str
    result: str | None = None
    message: str | None = None
    body: dict[str, Any] = {}

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed", "aborted", "cancelled", "orphaned")

    @property
    def succeeded(self) -> bool:
        return self.status == "completed"


class RenamePreview(ArrModel):
    """One file whose name would change; paths are relative to the item's folder."""

    existing_path: str
    new_path: str
    movie_id: int | None = None
    movie_file_id: int | None = None
    series_id: int | None = None
    season_number: int | None = None
    episode_numbers: list[int] = []
    episode_file_id: int | None = None


class Exclusion(ArrModel):
    """An import-list exclusion; ``external_id`` is the tmdb id, tvdb id or MusicBrainz id."""

    id: int
    external_id: str
    title: str = ""
    year: int | None = None
